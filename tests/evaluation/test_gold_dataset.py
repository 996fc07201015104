"""Sanity checks for the shipped evaluation datasets (no network, no model, fast).

Two files, split by fact: ``calibration.jsonl`` (about 40 %, for fitting thresholds) and
``test.jsonl`` (about 60 %, for gates and benchmarks). Every row's evidence lies in paragraphs of
one file only, so tuning on calibration never sees a test fact, not even in another language.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = REPO_ROOT / "evaluation" / "data"
FILES = {"calibration": DATA / "calibration.jsonl", "test": DATA / "test.jsonl"}
ARTICLE_NAME = "kazakhstan-diplomacy-2025.bg.txt"

LANGUAGES = {"en", "bg", "ru"}
REQUIRED_KEYS = {"id", "question", "language", "answers", "evidence"}
OPTIONAL_KEYS = {"history"}
MIN_ROWS = 200
MIN_UNANSWERABLE = 25
MIN_TRUE_FOLLOW_UPS = 15
MIN_TOPIC_CHANGES = 15
MIN_PARAGRAPH_WORDS = 12
CALIBRATION_SHARE = (0.30, 0.50)
# plain, unanswerable (na), true follow-up (fu: needs the earlier turn), topic change (tc: the
# earlier turn is about something else and the question stands on its own)
ID_RE = re.compile(r"^(en|bg|ru)-(\d{3}|na-\d{2}|fu-\d{2}|tc-\d{2})$")
# Paragraphs that state the same fact (the C+ summits, the Samarkand/Avaza conferences, the UN
# conference on landlocked countries, the Sustainability Week in Abu Dhabi) must share a file.
LINKED = (
    (
        "Годината започна в Абу Даби",
        "Американският етап от дипломатическия маратон",
        "През април в Самарканд се проведе",
        "Доказателство за това е „ЦА-ЕС“",
        "— Тези формати значително укрепват",
        "Казахстан все по-активно се заявява",
        "През август в Казахстан пристигна",
    ),
    (
        "От 30 август до 3 септември",
        "На равнището на многостранната",
        "На двустранно равнище",
        "Особо внимание бе отделено на въпросите за транзита",
    ),
    ("Едно от важните събития през тази година", "Особо внимание бе отделено на хуманитарната"),
    ("Основната стойност на срещите във формат ЦА+", "Централна Азия престава да се възприема"),
)


def _article_path() -> Path:
    found = sorted(REPO_ROOT.glob(f"*/data/articles/{ARTICLE_NAME}"))
    assert found, f"{ARTICLE_NAME} not found under */data/articles/"
    return found[0]


def _read(path: Path) -> list[dict]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            assert line.strip(), f"blank line {lineno} in {path.name}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:  # pragma: no cover - failure path
                pytest.fail(f"{path.name}:{lineno} is not valid JSON: {exc}")
            assert isinstance(obj, dict), f"{path.name}:{lineno} is not an object"
            out.append(obj)
    return out


def _kind(rid: str) -> str:
    parts = rid.split("-")
    return parts[1] if len(parts) == 3 else "plain"


@pytest.fixture(scope="module")
def article() -> str:
    return _article_path().read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def paragraphs(article: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", article) if p.strip()]


@pytest.fixture(scope="module")
def by_file() -> dict[str, list[dict]]:
    return {name: _read(path) for name, path in FILES.items()}


@pytest.fixture(scope="module")
def rows(by_file: dict[str, list[dict]]) -> list[dict]:
    return [r for rs in by_file.values() for r in rs]


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) and x.strip() for x in value)


def test_the_old_single_file_is_gone() -> None:
    assert not (DATA / "gold.jsonl").exists(), "gold.jsonl is split into calibration.jsonl and test.jsonl"


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
        assert isinstance(row["answers"], list) and _is_str_list(row["answers"]), (
            f"{rid}: answers must be a list of non-empty strings"
        )
        assert isinstance(row["evidence"], list) and _is_str_list(row["evidence"]), (
            f"{rid}: evidence must be a list of non-empty strings"
        )
        if "history" in row:
            hist = row["history"]
            assert isinstance(hist, list) and hist, f"{rid}: history must be a non-empty list"
            for turn in hist:
                assert isinstance(turn, dict) and set(turn) == {"role", "content"}, rid
                assert turn["role"] in {"user", "assistant"}, rid
                assert isinstance(turn["content"], str) and turn["content"].strip(), rid


def test_ids_unique_across_both_files(rows: list[dict]) -> None:
    dupes = [i for i, n in Counter(r["id"] for r in rows).items() if n > 1]
    assert not dupes, f"duplicate ids: {dupes}"


def test_id_kind_matches_row(rows: list[dict]) -> None:
    for row in rows:
        kind = _kind(row["id"])
        if kind == "na":
            assert row["answers"] == [] and "history" not in row, row["id"]
        elif kind in {"fu", "tc"}:
            hist = row.get("history")
            assert hist, f"{row['id']}: a follow-up needs its history"
            assert hist[-1]["role"] == "assistant" and hist[0]["role"] == "user", row["id"]
            if kind == "tc":
                assert [t["role"] for t in hist] == ["user", "assistant"], row["id"]
                assert "[1]" in hist[1]["content"], f"{row['id']}: the earlier answer cites [1]"
                assert row["question"] != hist[0]["content"], row["id"]
        else:
            assert "history" not in row and row["answers"], f"{row['id']}: plain rows are answerable"


def test_evidence_verbatim(rows: list[dict], article: str) -> None:
    missing = [(r["id"], e) for r in rows for e in r["evidence"] if article.find(e) < 0]
    assert not missing, f"evidence not found verbatim in article: {missing}"


def test_evidence_is_unambiguous(rows: list[dict], article: str) -> None:
    """Each evidence string occurs once, so its paragraph (and so its file) is well defined."""
    repeated = [(r["id"], e[:60]) for r in rows for e in r["evidence"] if article.count(e) > 1]
    assert not repeated, f"evidence occurring more than once in the article: {repeated}"


def test_answerable_vs_unanswerable(rows: list[dict]) -> None:
    for row in rows:
        if row["answers"]:
            assert 1 <= len(row["evidence"]) <= 3, f"{row['id']}: answerable row needs evidence"
        else:
            assert row["evidence"] == [], f"{row['id']}: unanswerable row must have no evidence"


def test_english_answers_are_written_in_english(rows: list[dict]) -> None:
    cyrillic = [
        (r["id"], a)
        for r in rows
        if r["language"] == "en"
        for a in r["answers"]
        if re.search("[а-яА-ЯёЁ]", a)
    ]
    assert not cyrillic, f"Bulgarian/Russian forms in English answers: {cyrillic}"


def test_counts(rows: list[dict]) -> None:
    assert len(rows) >= MIN_ROWS
    kinds = Counter(_kind(r["id"]) for r in rows)
    assert sum(1 for r in rows if not r["answers"]) >= MIN_UNANSWERABLE
    assert kinds["fu"] >= MIN_TRUE_FOLLOW_UPS, kinds
    assert kinds["tc"] >= MIN_TOPIC_CHANGES, kinds
    langs = Counter(r["language"] for r in rows)
    assert set(langs) == LANGUAGES
    for lang in LANGUAGES:
        assert langs[lang] >= len(rows) // 5, f"language {lang} under-represented: {langs}"


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_file_covers_every_kind_in_every_language(by_file: dict[str, list[dict]], name: str) -> None:
    rs = by_file[name]
    for lang in LANGUAGES:
        mine = [r for r in rs if r["language"] == lang]
        assert any(_kind(r["id"]) == "plain" for r in mine), (name, lang)
        assert any(not r["answers"] for r in mine), f"{name}: no unanswerable {lang} row"
        assert any(_kind(r["id"]) == "fu" for r in mine), f"{name}: no {lang} follow-up"
        assert any(_kind(r["id"]) == "tc" for r in mine), f"{name}: no {lang} topic change"


def test_split_ratio(by_file: dict[str, list[dict]]) -> None:
    share = len(by_file["calibration"]) / sum(len(rs) for rs in by_file.values())
    low, high = CALIBRATION_SHARE
    assert low <= share <= high, f"calibration holds {share:.0%} of the rows"


def test_every_content_paragraph_covered_in_every_language(rows: list[dict], paragraphs: list[str]) -> None:
    content = [p for p in paragraphs if len(p.split()) >= MIN_PARAGRAPH_WORDS]
    assert len(content) >= 30
    for lang in sorted(LANGUAGES):
        evidence = [e for r in rows if r["language"] == lang for e in r["evidence"]]
        uncovered = [p[:60] for p in content if not any(e in p for e in evidence)]
        assert not uncovered, f"paragraphs without {lang} evidence: {uncovered}"


def _paragraphs_of(rows: list[dict], paragraphs: list[str]) -> set[int]:
    return {i for r in rows for e in r["evidence"] for i, p in enumerate(paragraphs) if e in p}


def test_no_fact_shared_between_the_files(by_file: dict[str, list[dict]], paragraphs: list[str]) -> None:
    calibration = _paragraphs_of(by_file["calibration"], paragraphs)
    test = _paragraphs_of(by_file["test"], paragraphs)
    shared = sorted(paragraphs[i][:60] for i in calibration & test)
    assert not shared, f"evidence paragraphs in both files: {shared}"
    questions = {
        name: {r["question"].casefold() for r in rs if not r.get("history")} for name, rs in by_file.items()
    }
    assert not questions["calibration"] & questions["test"], "the same question in both files"
    for group in LINKED:
        members = {i for i, p in enumerate(paragraphs) if any(p.startswith(s) for s in group)}
        assert len(members) == len(group), f"a LINKED prefix matches no paragraph: {group}"
        owners = {name for name, used in (("calibration", calibration), ("test", test)) if members & used}
        assert len(owners) <= 1, f"paragraphs stating the same fact are split across files: {group[0]}"


def test_key_example_present(by_file: dict[str, list[dict]]) -> None:
    row = next((r for r in by_file["test"] if r["question"] == "When was the CA–Russia summit?"), None)
    assert row is not None
    assert "9 October" in row["answers"]
    assert any("9 октомври в Душанбе" in e for e in row["evidence"])
