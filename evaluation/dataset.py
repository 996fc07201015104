"""Loading an evaluation dataset (JSONL or CSV) and validating every row before anything is asked.

One question per row: ``{id, question, language, answers, evidence, history?}``. ``answers`` lists
acceptable short answers (empty: the article does not answer it), ``evidence`` verbatim
substrings of the article (their offsets are found with ``str.find``), ``history`` the earlier
``{role, content}`` turns of a follow-up. RAGAS v0.2 columns are accepted too: ``user_input`` for
the question, ``reference`` (one answer) and ``reference_contexts`` (evidence); ``response`` and
``retrieved_contexts`` are ignored. ``id`` defaults to ``line-N``, ``language`` to the detected
one. In CSV, list cells hold a JSON array (or one plain value; empty for none).

Every problem of every row is collected and reported together as ``FILE:LINE: reason``.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import ArticleQAError
from core.types import Turn

FIELDS = ("id", "question", "language", "answers", "evidence", "history")
RAGAS_FIELDS = ("user_input", "reference", "reference_contexts")
IGNORED = ("response", "retrieved_contexts", "multi_responses", "rubrics", "reference_topics")
MAX_PROBLEMS_SHOWN = 40
_LANGUAGE = re.compile(r"^[a-z]{2}$")


class DatasetError(ArticleQAError):
    """The dataset cannot be used; ``problems`` lists every ``FILE:LINE: reason``."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = tuple(problems)
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        lines = "\n".join(shown) + (f"\n... and {more} more" if more else "")
        super().__init__(f"{len(problems)} problem(s) in {path}; no question was asked:\n{lines}")


@dataclass(frozen=True)
class Example:
    """One validated question with what a correct answer needs."""

    id: str
    question: str
    language: str
    answers: tuple[str, ...]
    evidence: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    history: tuple[Turn, ...] = ()
    line: int = 0

    @property
    def answerable(self) -> bool:
        """False when the article does not answer the question."""
        return bool(self.answers)

    @property
    def follow_up(self) -> bool:
        """True when the question comes with earlier turns."""
        return bool(self.history)


class _Invalid(ValueError):
    """One problem with one row (collected, not raised to the caller)."""


def load(path: Path, article_text: str) -> list[Example]:
    """Read and validate a ``.jsonl`` or ``.csv`` dataset against the article's text."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise DatasetError(path, [f"{path}: cannot read: {err.strerror or err}"]) from err
    except UnicodeDecodeError as err:
        raise DatasetError(path, [f"{path}: not UTF-8 (bad byte at offset {err.start})"]) from err
    rows = _csv_rows(path, text) if path.suffix.lower() == ".csv" else _jsonl_rows(path, text)
    problems: list[str] = []
    examples: list[Example] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        if isinstance(row, str):
            problems.append(f"{path}:{line}: {row}")
            continue
        try:
            example = _example(row, line, article_text)
        except _Invalid as err:
            problems.append(f"{path}:{line}: {err}")
            continue
        if example.id in first_line:
            problems.append(
                f"{path}:{line}: duplicate id {example.id!r} (first on line {first_line[example.id]})"
            )
            continue
        first_line[example.id] = line
        examples.append(example)
    if not problems and not examples:
        problems.append(f"{path}: the dataset has no rows")
    if problems:
        raise DatasetError(path, problems)
    return examples


def _jsonl_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any] | str]]:
    rows: list[tuple[int, dict[str, Any] | str]] = []
    for line, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as err:
            rows.append((line, f"not valid JSON: {err.msg} (column {err.colno})"))
            continue
        rows.append((line, row if isinstance(row, dict) else f"expected a JSON object, got {_kind(row)}"))
    return rows


def _csv_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any] | str]]:
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return []
    except csv.Error as err:
        return [(1, f"bad CSV header: {err}")]
    rows: list[tuple[int, dict[str, Any] | str]] = []
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            rows.append((line, f"bad CSV: {err}"))
            break
        if any(c.strip() for c in cells):
            if len(cells) != len(header):
                rows.append((line, f"expected {len(header)} cells (as in the header), got {len(cells)}"))
            else:
                rows.append((line, {h: _cell(h, c) for h, c in zip(header, cells, strict=True) if h}))
        line = reader.line_num + 1
    return rows


def _cell(name: str, value: str) -> Any:
    """A CSV cell: JSON for list columns when it looks like JSON, else the text."""
    value = value.strip()
    if name in ("answers", "evidence", "history", "reference_contexts", "retrieved_contexts"):
        if value.startswith("["):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return value  # reported as "must be a list" below
        return [value] if value and name != "history" else []
    return value


def _example(row: dict[str, Any], line: int, article_text: str) -> Example:
    unknown = sorted(set(row) - set(FIELDS) - set(RAGAS_FIELDS) - set(IGNORED))
    if unknown:
        raise _Invalid(f"unknown field(s) {', '.join(unknown)}; expected {', '.join(FIELDS)}")
    question = _question(row)
    answers = _strings(row, "answers")
    if "reference" in row:
        reference = row["reference"]
        if not isinstance(reference, str):
            raise _Invalid(f"reference must be a string, got {_kind(reference)}")
        answers = _unique([*answers, reference] if reference.strip() else answers)
    evidence = _unique([*_strings(row, "evidence"), *_strings(row, "reference_contexts")])
    if evidence and not answers:
        raise _Invalid("evidence is given but answers is empty (an unanswerable row has no evidence)")
    spans = []
    for i, piece in enumerate(evidence):
        start = article_text.find(piece)
        if start < 0:
            hint = " (it does once spaces are collapsed)" if _squash(piece) in _squash(article_text) else ""
            raise _Invalid(f"evidence[{i}] does not occur in the article{hint}: {piece[:60]!r}")
        spans.append((start, start + len(piece)))
    return Example(
        id=_id(row, line),
        question=question,
        language=_language(row, question),
        answers=tuple(answers),
        evidence=tuple(evidence),
        spans=tuple(spans),
        history=_history(row.get("history", [])),
        line=line,
    )


def _question(row: dict[str, Any]) -> str:
    question, user_input = row.get("question"), row.get("user_input")
    if question is not None and user_input is not None and question != user_input:
        raise _Invalid("question and user_input differ; give one of them")
    value = question if question is not None else user_input
    if value is None:
        raise _Invalid("missing question (or user_input)")
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"question must be non-empty text, got {value!r}")
    return value.strip()


def _id(row: dict[str, Any], line: int) -> str:
    value = row.get("id")
    if value is None or value == "":
        return f"line-{line}"
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise _Invalid(f"id must be a string, got {_kind(value)}")
    return str(value)


def _language(row: dict[str, Any], question: str) -> str:
    value = row.get("language")
    if value is None or value == "":
        from rag import language

        return language.detect(question)
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise _Invalid(f"language must be a two-letter code like en, bg, ru; got {value!r}")
    return value


def _strings(row: dict[str, Any], name: str) -> list[str]:
    value = row.get(name, [])
    if not isinstance(value, list):
        raise _Invalid(f"{name} must be a list of strings, got {_kind(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise _Invalid(f"{name}[{i}] must be non-empty text, got {item!r}")
    return list(value)


def _history(value: Any) -> tuple[Turn, ...]:
    if not isinstance(value, list):
        raise _Invalid(f"history must be a list of {{role, content}} turns, got {_kind(value)}")
    turns = []
    for i, turn in enumerate(value):
        if not isinstance(turn, dict) or set(turn) != {"role", "content"}:
            raise _Invalid(f"history[{i}] must be an object with exactly role and content")
        if turn["role"] not in ("user", "assistant"):
            raise _Invalid(f"history[{i}].role must be user or assistant, got {turn['role']!r}")
        if not isinstance(turn["content"], str) or not turn["content"].strip():
            raise _Invalid(f"history[{i}].content must be non-empty text")
        turns.append(Turn(turn["role"], turn["content"]))
    return tuple(turns)


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", type(None): "null"}.get(
        type(value), type(value).__name__
    )
