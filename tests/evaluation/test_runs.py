"""Eval runs kept per article for the quality page: the newest of each backend, bad copies skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import InvalidArticle
from evaluation import runs


def summary(backend: str, date: str, article_id: str | None = None, accuracy: float = 0.5) -> dict:
    return {
        "config": {"backend": backend, "date": date, "article_id": article_id, "dataset": "d.jsonl"},
        "metrics": {"answer_accuracy": accuracy},
        "by_language": {"en": {"answer_accuracy": accuracy}},
        "counts": {"rows": 1},
    }


def test_the_newest_run_of_each_backend_newest_first(tmp_path: Path) -> None:
    runs.record(tmp_path, summary("extractive", "2026-01-01T10:00:00+00:00", accuracy=0.1), tmp_path / "a")
    runs.record(tmp_path, summary("extractive", "2026-01-03T10:00:00+00:00", accuracy=0.3), tmp_path / "b")
    runs.record(tmp_path, summary("local", "2026-01-02T10:00:00+00:00", accuracy=0.2), tmp_path / "c")
    runs.record(tmp_path, summary("local", "2026-01-02T10:00:00+00:00", "other-article"), tmp_path / "d")
    found = runs.latest(tmp_path, "kazakhstan-diplomacy-2025")  # a run without --article: the shipped one
    assert [(s["config"]["backend"], s["metrics"]["answer_accuracy"]) for s in found] == [
        ("extractive", 0.3),
        ("local", 0.2),
    ]
    assert found[0]["out"] == str((tmp_path / "b").resolve())
    assert [s["out"] for s in runs.latest(tmp_path, "other-article")] == [str((tmp_path / "d").resolve())]
    assert runs.latest(tmp_path, "never-evaluated") == []


def test_an_unreadable_copy_is_skipped_and_ids_are_checked(tmp_path: Path) -> None:
    kept = runs.record(tmp_path, summary("extractive", "2026-01-01T10:00:00+00:00"), tmp_path)
    (kept.parent / "20991231T000000-extractive.json").write_text("{not json", encoding="utf-8")
    (kept.parent / "20991230T000000-local.json").write_text('{"config": {}}', encoding="utf-8")
    assert [s["config"]["date"] for s in runs.latest(tmp_path, "kazakhstan-diplomacy-2025")] == [
        "2026-01-01T10:00:00+00:00"
    ]
    with pytest.raises(InvalidArticle):
        runs.latest(tmp_path, "../etc")
    with pytest.raises(InvalidArticle):
        runs.record(tmp_path, summary("extractive", "x", "../../etc"), tmp_path)
