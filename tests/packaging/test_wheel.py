"""The wheel works outside the source tree: built, installed (not editable) into a clean
virtual environment, and asked one question with the extractive backend and one with the
local model. Package data (prompts, phrases, the article, the glossary) must all be inside it.

The new environment gets only the wheel; the third-party packages it imports are the ones
already installed for the tests (their site-packages folder is appended to its path), so the
test checks our packaging, not PyPI, and takes seconds, not minutes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=600,
    )
    (built,) = out.glob("article_qa-*.whl")
    return built


def test_wheel_holds_every_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for wanted in (
        "prompts/messages.toml",
        "prompts/system.md",
        "prompts/examples.md",
        "prompts/answer_user.md",
        "core/data/articles/kazakhstan-diplomacy-2025.bg.txt",
        "core/data/articles/kazakhstan-diplomacy-2025.bg.json",
        "rag/data/exonyms.toml",
        "evaluation/data/test.jsonl",
    ):
        assert wanted in names, f"{wanted} is not in {wheel.name}"
    assert any(n.startswith("ui/static/") and n.endswith(".js") for n in names), (
        "the widget is not in the wheel"
    )


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, timeout=300
    )
    target = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    ours = sysconfig.get_paths()["purelib"]
    # Third-party packages from the test environment; never our own source tree or editable finder.
    Path(target, "zz_test_deps.pth").write_text(ours + "\n", encoding="utf-8")
    return python


def _ask(python: Path, tmp_path: Path, backend: str, question: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARTICLE_QA_")}
    env["ARTICLE_QA_DATA_DIR"] = str(tmp_path / "data")
    shared = os.environ.get("ARTICLE_QA_DATA_DIR")
    if shared and backend == "local":  # reuse the assembled model file, not the index
        cache = Path(shared) / "cache"
        if cache.is_dir():
            (tmp_path / "data").mkdir(exist_ok=True)
            (tmp_path / "data" / "cache").symlink_to(cache)
    done = subprocess.run(
        [str(python), "-m", "ui.cli", "ask", question, "--backend", backend, "--json"],
        cwd=tmp_path,  # not the source tree: only the installed wheel can be imported
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_installed_wheel_answers_without_a_model(installed: Path, tmp_path: Path) -> None:
    answer = _ask(installed, tmp_path, "extractive", "When was the CA–Russia summit?")
    assert answer["answer"].startswith("9 October"), answer["answer"]
    assert answer["citations"] and "9 октомври" in answer["citations"][0]["quote"]


@pytest.mark.slow
def test_installed_wheel_answers_with_the_local_model(installed: Path, tmp_path: Path) -> None:
    # a question no rule answers, asked in English: the model writes it (facts and Bulgarian
    # readers are answered without it)
    answer = _ask(installed, tmp_path, "local", "What was the bilateral part of the China visit focused on?")
    assert answer["backend"] == "local" and not answer["notice"], answer
    assert "econom" in answer["answer"].lower(), answer
    assert answer["citations"], answer
