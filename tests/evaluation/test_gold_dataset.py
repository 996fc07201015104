"""Sanity checks for the shipped gold evaluation dataset (no network, fast)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLD_PATH = REPO_ROOT / "evaluation" / "data" / "gold.jsonl"
ARTICLE_PATH = REPO_ROOT / "rag" / "data" / "articles" / "kazakhstan-diplomacy-2025.bg.txt"

LANGUAGES = {"en", "bg", "ru"}
REQUIRED_KEYS = {"id", "question", "language", "answers", "evidence"}
OPTIONAL_KEYS = {"history"}
MIN_ROWS = 80
MIN_UNANSWERABLE = 15
MIN_FOLLOW_UPS = 10
MIN_PARAGRAPH_WORDS = 12
ID_RE = re.compile(r"^(en|bg|ru)-(\d{3}|na-\d{2}|fu-\d{2})$")


@pytest.fixture(scope="module")
def article() -> str:
    return ARTICLE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    out = []
    with GOLD_PATH.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            assert line.strip(), f"blank line {lineno} in {GOLD_PATH.name}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:  # pragma: no cover - failure path
                pytest.fail(f"line {lineno} is not valid JSON: {exc}")
            assert isinstance(obj, dict), f"line {lineno} is not an object"
            out.append(obj)
    return out


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) and x.strip() for x in value)


def test_schema(rows: list[dict]) -> None:
    for row in rows:
        rid = row.get("id")
        keys = set(row)
        assert keys >= REQUIRED_KEYS, f"{rid}: missing {REQUIRED_KEYS - keys}"
        assert keys <= REQUIRED_KEYS | OPTIONAL_KEYS, (
            f"{rid}: unexpected {keys - REQUIRED_KEYS - OPTIONAL_KEYS}"
        )
        assert isinstance(rid, str) and ID_RE.match(rid), f"bad id {rid!r}"
        assert isinstance(row["question"], str) and row["question"].strip(), rid
        assert row["language"] in LANGUAGES, rid
        assert rid.startswith(row["language"] + "-"), f"{rid}: id prefix != language"
        assert _is_str_list(row["answers"]), f"{rid}: answers must be a list of non-empty strings"
        assert _is_str_list(row["evidence"]), f"{rid}: evidence must be a list of non-empty strings"
        if "history" in row:
            hist = row["history"]
            assert isinstance(hist, list) and hist, f"{rid}: history must be a non-empty list"
            for turn in hist:
                assert isinstance(turn, dict) and set(turn) == {"role", "content"}, rid
                assert turn["role"] in {"user", "assistant"}, rid
                assert isinstance(turn["content"], str) and turn["content"].strip(), rid


def test_ids_unique(rows: list[dict]) -> None:
    dupes = [i for i, n in Counter(r["id"] for r in rows).items() if n > 1]
    assert not dupes, f"duplicate ids: {dupes}"


def test_id_kind_matches_row(rows: list[dict]) -> None:
    for row in rows:
        if "-na-" in row["id"]:
            assert row["answers"] == [] and "history" not in row, row["id"]
        if "-fu-" in row["id"]:
            assert "history" in row, row["id"]


def test_evidence_verbatim(rows: list[dict], article: str) -> None:
    missing = [(r["id"], e) for r in rows for e in r["evidence"] if e not in article]
    assert not missing, f"evidence not found verbatim in article: {missing}"


def test_answerable_vs_unanswerable(rows: list[dict]) -> None:
    for row in rows:
        if row["answers"]:
            assert 1 <= len(row["evidence"]) <= 3, f"{row['id']}: answerable row needs evidence"
        else:
            assert row["evidence"] == [], f"{row['id']}: unanswerable row must have no evidence"


def test_counts(rows: list[dict]) -> None:
    assert len(rows) >= MIN_ROWS
    assert sum(1 for r in rows if not r["answers"]) >= MIN_UNANSWERABLE
    assert sum(1 for r in rows if "history" in r) >= MIN_FOLLOW_UPS
    langs = Counter(r["language"] for r in rows)
    assert set(langs) == LANGUAGES
    for lang in LANGUAGES:
        assert langs[lang] >= len(rows) // 5, f"language {lang} under-represented: {langs}"
        assert any(not r["answers"] for r in rows if r["language"] == lang), lang
        assert any("history" in r for r in rows if r["language"] == lang), lang


def test_every_content_paragraph_covered(rows: list[dict], article: str) -> None:
    evidence = [e for r in rows for e in r["evidence"]]
    paragraphs = [p for p in re.split(r"\n\s*\n", article) if p.strip()]
    content = [p for p in paragraphs if len(p.split()) >= MIN_PARAGRAPH_WORDS]
    assert len(content) >= 30
    uncovered = [p[:60] for p in content if not any(e in p for e in evidence)]
    assert not uncovered, f"paragraphs without evidence: {uncovered}"


def test_key_example_present(rows: list[dict]) -> None:
    row = next((r for r in rows if r["question"] == "When was the CA–Russia summit?"), None)
    assert row is not None
    assert "9 October" in row["answers"]
    assert any("9 октомври в Душанбе" in e for e in row["evidence"])
