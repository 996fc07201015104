"""Checking a reader's text at the edge, before anything is searched, stored or sent to a model.

``clean_question`` is what ``Pipeline.validate`` does, as a pure function, so the CLI can refuse
a bad question before it loads any model. It refuses, with a message naming the problem:
non-text, text over the length limit, text that is not valid Unicode (lone surrogates, which is
what undecodable bytes in a command-line argument become), and text with nothing to ask: no
letter and no digit in any script (only punctuation, symbols, control or invisible characters),
which gets the same message as an empty question. Control and invisible formatting characters
become spaces.

>>> clean_question("  Who\\x00 wrote\\u202e it? ", 100)
'Who wrote it?'
>>> with_context("When?", "Tokayev visited Japan.", 100)
'About this passage of the article: “Tokayev visited Japan.” — When?'
"""

from __future__ import annotations

import re
import unicodedata

from core.errors import InvalidQuestion

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
EMPTY = "the question is empty: please type a question about the article"
CONTEXT = {  # the reader's language: (before the passage, between the passage and the question)
    "en": ("About this passage of the article: “", "” — "),
    "bg": ("За този откъс от статията: „", "“ — "),
    "ru": ("Об этом фрагменте статьи: «", "» — "),
}


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
    cleaned = "".join("" if _invisible(ch) else ch for ch in cleaned)
    cleaned = re.sub(r"[ \t]+", " ", cleaned).strip()
    if not has_words(cleaned):
        raise InvalidQuestion(EMPTY)
    return cleaned


def has_words(text: str) -> bool:
    """True when ``text`` holds a letter or a digit of any script.

    >>> has_words("?!… ¿¡ -- ***"), has_words("Кога?"), has_words("2025?")
    (False, True, True)
    """
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def with_context(question: str, context: str, limit: int, language: str = "en") -> str:
    """The question asked about a passage the reader selected, within ``limit`` characters.

    The passage is quoted first, in the words of the reader's ``language`` (en, bg, ru; else
    en), cut with "…" so that the whole text fits; the question itself is never cut. Without a
    passage (or without words in it) the question is returned unchanged.
    """
    before, after = CONTEXT.get(language, CONTEXT["en"])
    context = re.sub(r"\s+", " ", clean_text(context, limit)).strip()
    if not has_words(context):
        return question
    room = limit - len(question) - len(before) - len(after)
    if room < 20:  # no room for a useful quote: the question alone
        return question
    if len(context) > room:
        context = context[: room - 1].rstrip() + "…"
    return f"{before}{context}{after}{question}"


def own_words(question: str) -> str:
    """The reader's own question, without a selected passage ``with_context`` put before it.

    >>> own_words("About this passage of the article: “Срещата е в Душанбе” — Where is it?")
    'Where is it?'
    """
    for before, after in CONTEXT.values():
        if question.startswith(before) and after in question[len(before) :]:
            return question[len(before) :].split(after, 1)[1]
    return question


def _invisible(ch: str) -> bool:
    """Control and format characters other than tab and newline (e.g. U+FEFF, U+2060)."""
    return ch not in "\t\n" and unicodedata.category(ch) in ("Cc", "Cf")


def clean_text(text: str, limit: int) -> str:
    """Earlier conversation text made safe to reuse: invalid and control characters become spaces."""
    return CONTROL.sub(" ", _SURROGATE.sub("\ufffd", text))[:limit].strip()
