"""Feedback in SQLite: stored, read back, reasons attached, failures are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.errors import FeedbackNotSaved
from ui.feedback import FeedbackStore


def test_ratings_are_stored_and_read_back(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "deep" / "feedback.sqlite3")
    cites = [{"n": 1, "quote": "на 9 октомври в Душанбе"}]
    first = store.add("Кога?", "На 9 октомври [1].", cites, "up", backend="extractive")
    second = store.add("Who?", "Nobody.", [], "down")
    store.set_reason(second, "wrong: the author is named at the end")
    rows = FeedbackStore(tmp_path / "deep" / "feedback.sqlite3").recent()  # a new store: durable
    assert [r["id"] for r in rows] == [second, first]
    assert rows[0]["reason"] == "wrong: the author is named at the end"
    assert rows[1]["citations"] == cites and rows[1]["backend"] == "extractive"


def test_bad_rating_and_unwritable_database(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rating must be 'up' or 'down', got 'meh'"):
        FeedbackStore(tmp_path / "f.sqlite3").add("q", "a", [], "meh")
    (tmp_path / "dir.sqlite3").mkdir()
    with pytest.raises(FeedbackNotSaved, match="chat is not affected"):
        FeedbackStore(tmp_path / "dir.sqlite3").add("q", "a", [], "up")
