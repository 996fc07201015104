"""Feedback in SQLite: stored, read back, reasons attached, exported, failures are clear errors."""

from __future__ import annotations

import csv
import io
import sqlite3
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
    with pytest.raises(ValueError, match="rating must be 'up', 'unsure' or 'down', got 'meh'"):
        FeedbackStore(tmp_path / "f.sqlite3").add("q", "a", [], "meh")
    (tmp_path / "dir.sqlite3").mkdir()
    with pytest.raises(FeedbackNotSaved, match="chat is not affected"):
        FeedbackStore(tmp_path / "dir.sqlite3").add("q", "a", [], "up")


def test_export_ties_each_rating_to_its_answer_and_cited_paragraphs(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    cites = [
        {"n": 1, "paragraph": 23, "quote": "на 9 октомври в Душанбе"},
        {"n": 2, "paragraph": 4, "quote": "от 30 август до 3 септември"},
    ]
    store.add("Кога?", "На 9 октомври [1][2].", cites, "unsure", "which summit?", "extractive", "a-1")
    store.add("Who?", "Nobody.", [], "up", article_id="b-2")
    rows = store.export()
    assert [(r["rating"], r["article_id"], r["paragraphs"]) for r in rows] == [
        ("unsure", "a-1", [4, 23]),
        ("up", "b-2", []),
    ]
    assert [r["question"] for r in store.export("b-2")] == ["Who?"]
    table = list(csv.DictReader(io.StringIO(store.export_csv())))
    assert table[0]["rating"] == "unsure" and table[0]["reason"] == "which summit?"
    assert table[0]["paragraphs"] == "4 | 23"
    assert table[0]["quotes"] == "на 9 октомври в Душанбе | от 30 август до 3 септември"
    assert table[0]["answer"] == "На 9 октомври [1][2]."


def test_a_database_from_before_unsure_is_widened_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL,"
            " question TEXT NOT NULL, answer TEXT NOT NULL, citations TEXT NOT NULL,"
            " rating TEXT NOT NULL CHECK (rating IN ('up', 'down')), reason TEXT NOT NULL DEFAULT '',"
            " backend TEXT NOT NULL DEFAULT '', article_id TEXT NOT NULL DEFAULT '')"
        )
        db.execute(
            "INSERT INTO feedback (created_at, question, answer, citations, rating)"
            " VALUES ('2025-01-01T00:00:00+00:00', 'old?', 'old.', '[]', 'down')"
        )
    store = FeedbackStore(path)
    store.add("new?", "new.", [], "unsure")
    assert [(r["question"], r["rating"]) for r in store.export()] == [("old?", "down"), ("new?", "unsure")]


def test_refused_questions_are_grouped_and_a_failed_write_only_warns(tmp_path: Path) -> None:
    from ui.refusals import RefusalStore

    store = RefusalStore(tmp_path / "refusals.sqlite3")
    assert store.grouped("a") == [] and store.counts("a") == {}
    assert store.add("Who  won\nthe cup?", "en", "a", "extractive")
    assert store.add("Who won the cup?", "en", "a")
    assert store.add("Кой спечели купата?", "bg", "a")
    assert store.add("Who won the cup?", "en", "b")
    assert [(q["question"], q["language"], q["times"]) for q in store.grouped("a")] == [
        ("Who won the cup?", "en", 2),
        ("Кой спечели купата?", "bg", 1),
    ]
    assert store.counts("a") == {"en": 2, "bg": 1}
    broken = RefusalStore(tmp_path / "refusals.sqlite3" / "nested.sqlite3")  # a file where a folder goes
    assert broken.add("Who won the cup?", "en", "a") is False
