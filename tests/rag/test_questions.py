"""A reader's text is checked before anything is searched: clear refusals, cleaned text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidQuestion
from rag.questions import clean_question, clean_text

BAD = [
    ("", "empty"),
    (" \n\t ", "empty"),
    ("?!… -- ***", "empty"),
    ("\x00\x01\x1b", "empty"),
    ("\u200b\u202e\u2066", "empty"),
    ("x" * 10_000, "10,000 characters long; the limit is 2,000"),
    ("x" * 1_000_000, "1,000,000 characters long"),
    ("Who wrote \udcff\udcfe the article?", "not UTF-8 (at character 11)"),
    (b"Who wrote the article?", "must be text, got bytes"),
    (None, "must be text, got NoneType"),
]


@pytest.mark.parametrize(("question", "reason"), BAD, ids=[repr(q)[:30] for q, _ in BAD])
def test_bad_questions_name_what_is_wrong(question: object, reason: str) -> None:
    with pytest.raises(InvalidQuestion) as err:
        clean_question(question, 2000)
    assert reason in str(err.value)


def test_control_and_invisible_characters_become_spaces() -> None:
    assert (
        clean_question("Who\x00 wrote\x1b[31m the\u202e article?\r\n", 2000) == "Who wrote [31m the article?"
    )
    assert clean_question("Кой\u200b е\tавторът?", 2000) == "Кой е авторът?"
    assert clean_question("e\u0301", 2000) == "é"  # NFC


def test_earlier_turns_are_made_safe_not_refused() -> None:
    assert clean_text("On 9 October\udc80 [1].\x00", 100) == "On 9 October\ufffd [1]."
    assert clean_text("x" * 50, 10) == "x" * 10


@given(st.text())
def test_a_cleaned_question_is_always_encodable_and_free_of_controls(text: str) -> None:
    try:
        cleaned = clean_question(text, 2000)
    except InvalidQuestion as err:
        str(err).encode("utf-8")  # the message itself can always be shown
        return
    cleaned.encode("utf-8")
    assert cleaned == cleaned.strip() and any(ch.isalnum() for ch in cleaned)
    assert not any((ord(ch) < 32 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F for ch in cleaned)  # lines stay
