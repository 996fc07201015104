"""Dataset loading: JSONL, CSV and RAGAS columns; every problem named by file, line and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.types import Article, Turn
from evaluation.dataset import DatasetError, load

ARTICLE = "Срещата на върха „ЦА – Русия“ беше на 9 октомври в Душанбе.\n\nДруг абзац за Астана."
EVIDENCE = "на 9 октомври в Душанбе"


def _jsonl(path: Path, rows: list[object]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _good(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": "en-001",
        "question": "When was the CA–Russia summit?",
        "language": "en",
        "answers": ["9 October"],
        "evidence": [EVIDENCE],
    }
    row.update(changes)
    return row


def test_loads_jsonl_with_offsets_and_history(tmp_path: Path) -> None:
    history = [{"role": "user", "content": "When?"}, {"role": "assistant", "content": "9 October."}]
    path = _jsonl(
        tmp_path / "ok.jsonl",
        [
            _good(),
            "",
            _good(id="en-fu-01", question="And where?", answers=["Dushanbe"], history=history),
            _good(id="en-na-01", answers=[], evidence=[]),
        ],
    )
    examples = load(path, ARTICLE)
    assert [e.id for e in examples] == ["en-001", "en-fu-01", "en-na-01"]
    first = examples[0]
    start, end = first.spans[0]
    assert ARTICLE[start:end] == EVIDENCE and first.line == 1
    assert (
        examples[1].history == (Turn("user", "When?"), Turn("assistant", "9 October."))
        and examples[1].line == 3
    )
    assert examples[1].follow_up and not examples[2].answerable


@pytest.mark.parametrize("name", ["calibration.jsonl", "test.jsonl"])
def test_the_shipped_datasets_load(article: Article, name: str) -> None:
    path = Path(__file__).resolve().parents[2] / "evaluation" / "data" / name
    examples = load(path, article.text)
    assert len(examples) >= 80
    for x in examples:
        assert all(article.text[s:e] == ev for (s, e), ev in zip(x.spans, x.evidence, strict=True))


def test_every_problem_is_reported_with_file_line_and_reason(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "bad.jsonl",
        [
            _good(),
            _good(id="en-002", evidence=["not in the article"]),
            "{not json",
            _good(id="en-001"),
            _good(id="en-004", language="English"),
            _good(id="en-005", answers="9 October"),
            _good(id="en-006", answers=[], evidence=[EVIDENCE]),
            _good(id="en-007", question=" "),
            _good(id="en-008", history=[{"role": "bot", "content": "hi"}]),
            _good(id="en-009", answer=["typo"]),
            ["a", "list"],
        ],
    )
    with pytest.raises(DatasetError) as info:
        load(path, ARTICLE)
    problems = info.value.problems
    expected = [
        (2, "evidence[0] does not occur in the article"),
        (3, "not valid JSON"),
        (4, "duplicate id 'en-001' (first on line 1)"),
        (5, "language must be a two-letter code"),
        (6, "answers must be a list of strings, got a string"),
        (7, "evidence is given but answers is empty"),
        (8, "question must be non-empty text"),
        (9, "history[0].role must be user or assistant"),
        (10, "unknown field(s) answer"),
        (11, "expected a JSON object, got a list"),
    ]
    assert len(problems) == len(expected)
    for problem, (line, reason) in zip(problems, expected, strict=True):
        assert problem.startswith(f"{path}:{line}: "), problem
        assert reason in problem
    assert "no question was asked" in str(info.value)
    assert "bad.jsonl:2: evidence[0] does not occur in the article" in str(info.value)


def test_whitespace_hint_for_near_miss_evidence(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "ws.jsonl", [_good(evidence=["на 9  октомври в Душанбе"])])
    with pytest.raises(DatasetError, match=r"ws.jsonl:1: evidence\[0\].*spaces are collapsed"):
        load(path, ARTICLE)


def test_unreadable_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="cannot read"):
        load(tmp_path / "missing.jsonl", ARTICLE)
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="has no rows"):
        load(tmp_path / "empty.jsonl", ARTICLE)
    (tmp_path / "latin.jsonl").write_bytes(b'{"question": "caf\xe9"}\n')
    with pytest.raises(DatasetError, match="not UTF-8"):
        load(tmp_path / "latin.jsonl", ARTICLE)


def test_ragas_columns(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "ragas.jsonl",
        [
            {
                "user_input": "Кога беше срещата?",
                "reference": "9 октомври",
                "reference_contexts": [EVIDENCE],
                "response": "ignored",
                "retrieved_contexts": ["ignored"],
            },
            {"user_input": "Кой е премиерът?", "reference": "", "language": "bg"},
        ],
    )
    first, second = load(path, ARTICLE)
    assert (first.id, first.question, first.answers, first.evidence) == (
        "line-1",
        "Кога беше срещата?",
        ("9 октомври",),
        (EVIDENCE,),
    )
    assert first.language == "bg"  # detected
    assert second.id == "line-2" and not second.answerable


def test_question_and_user_input_must_agree(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "both.jsonl", [_good(user_input="Something else?")])
    with pytest.raises(DatasetError, match=r"both\.jsonl:1: question and user_input differ"):
        load(path, ARTICLE)


def test_csv(tmp_path: Path) -> None:
    path = tmp_path / "gold.csv"
    path.write_text(
        "id,question,language,answers,evidence,history\n"
        f'en-001,When was it?,en,"[""9 October"", ""October 9""]",{EVIDENCE},\n'
        'en-fu-01,"And where,\nexactly?",en,Dushanbe,'
        + EVIDENCE
        + ',"[{""role"": ""user"", ""content"": ""When was it?""}]"\n'
        "en-na-01,Who won?,en,,,\n",
        encoding="utf-8",
    )
    first, follow, unanswerable = load(path, ARTICLE)
    assert first.answers == ("9 October", "October 9") and first.evidence == (EVIDENCE,)
    assert follow.question == "And where,\nexactly?" and follow.history == (Turn("user", "When was it?"),)
    assert follow.line == 3 and unanswerable.line == 5 and not unanswerable.answerable


def test_csv_ragas_and_errors_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "ragas.csv"
    path.write_text(
        "user_input,reference,reference_contexts\n"
        f"Кога?,9 октомври,{EVIDENCE}\n"
        "Къде?,Душанбе,липсващо доказателство\n"
        "Кога?,9 октомври\n",
        encoding="utf-8",
    )
    with pytest.raises(DatasetError) as info:
        load(path, ARTICLE)
    assert info.value.problems == (
        f"{path}:3: evidence[0] does not occur in the article: 'липсващо доказателство'",
        f"{path}:4: expected 3 cells (as in the header), got 2",
    )
