"""Every module of the project's packages is imported and its doctests are run.

One test per module (a module without examples passes after importing; nothing is skipped),
so a broken example or a module that no longer imports is named in the failure.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "index", "rag", "evaluation", "ui")
KNOWN_BAD: dict[str, str] = {}


def modules() -> list[str]:
    names = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_package_has_modules() -> None:
    found = {m.split(".")[0] for m in modules()}
    assert found == set(PACKAGES)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(m, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BAD[m])) if m in KNOWN_BAD else m
        for m in modules()
    ],
)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report: list[str] = []
    for test in finder.find(module, name):
        if test.examples:
            runner.run(test, out=report.append)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, "".join(report)
