"""Fixtures for the evaluation tests: a 5-row subset of the gold set, as examples and as a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.types import Article
from evaluation.dataset import Example, load

GOLD = Path(__file__).resolve().parents[2] / "evaluation" / "data" / "test.jsonl"
SUBSET = ("en-001", "bg-001", "en-fu-01", "en-na-01", "ru-na-01")


@pytest.fixture(scope="session")
def subset_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five gold rows (plain en and bg, a follow-up, two unanswerable) in a JSONL file."""
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    chosen = [line for line in lines if any(f'"id": "{i}"' in line for i in SUBSET)]
    path = tmp_path_factory.mktemp("dataset") / "subset.jsonl"
    path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def subset(subset_file: Path, article: Article) -> list[Example]:
    """The five rows, loaded and validated."""
    examples = load(subset_file, article.text)
    assert len(examples) == len(SUBSET)
    return examples
