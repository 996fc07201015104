"""Checking a reader's text at the edge, before anything is searched, stored or sent to a model.

``clean_question`` is what ``Pipeline.validate`` does, as a pure function, so the CLI can refuse
a bad question before it loads any model. It refuses, with a message naming the problem:
non-text, text over the length limit, text that is not valid Unicode (lone surrogates, which is
what undecodable bytes in a command-line argument become), and text with nothing to ask.
Control and invisible formatting characters become spaces.

>>> clean_question("  Who\\x00 wrote\\u202e it? ", 100)
'Who wrote it?'
"""

from __future__ import annotations

import re
import unicodedata

from rag.errors import InvalidQuestion

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_question(question: object, limit: int) -> str:
    """The question, normalised; raises InvalidQuestion naming what is wrong."""
    if not isinstance(question, str):
        raise InvalidQuestion(f"the question must be text, got {type(question).__name__}")
    if len(question) > limit:
        raise InvalidQuestion(
            f"the question is {len(question):,} characters long; the limit is {limit:,}. "
            "Please ask something shorter."
        )
    if bad := _SURROGATE.search(question):
        raise InvalidQuestion(
            f"the question is not valid text: it holds bytes that are not UTF-8 (at character "
            f"{bad.start() + 1}). Please type it again."
        )
    cleaned = CONTROL.sub(" ", unicodedata.normalize("NFC", question))
    cleaned = re.sub(r"[ \t]+", " ", cleaned).strip()
    if not cleaned or not any(ch.isalnum() for ch in cleaned):
        raise InvalidQuestion("the question is empty: please type a question about the article")
    return cleaned


def clean_text(text: str, limit: int) -> str:
    """Earlier conversation text made safe to reuse: invalid and control characters become spaces."""
    return CONTROL.sub(" ", _SURROGATE.sub("\ufffd", text))[:limit].strip()
