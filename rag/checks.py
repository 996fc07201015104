"""Every check on the model's text, one small named function each, run before a reader sees it.

A check takes one answer sentence and what it may be checked against (``Context``) and returns a
``Verdict``: ``keep`` (as it is), ``edit`` (the corrected text, and why), or ``reject`` (the
sentence is not shown, and why). ``run`` applies them in order; the first rejection wins. A
sentence that passes every check is the text that is streamed, stored and evaluated: nothing
is rewritten after it has been shown.

    >>> ctx = Context(language="en", passages={1: "„ЦА – Русия“ на 9 октомври в Душанбе."}, question="")
    >>> run("It was held on 9 October in Dushanbe [1].", ctx).action
    'keep'
    >>> run("It was held on 8 October in Dushanbe [1].", ctx).reason
    'numbers: 8 is not in the cited passage'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from rag import citations, dates, facts, injection, language, leaks
from rag.names import name_keys
from rag.numbers import numbers_in
from rag.prompting import ABSTAIN_TOKEN

Action = Literal["keep", "edit", "reject"]


@dataclass(frozen=True)
class Verdict:
    """What a check decided about a sentence, and why."""

    action: Action
    text: str
    reason: str = ""
    check: str = ""


@dataclass(frozen=True)
class Context:
    """What an answer sentence is checked against: the reader's language, the passages by
    number (their text), the question, and the article's full text (for quotations)."""

    language: str
    passages: Mapping[int, str]
    question: str
    article: str = ""


def keep(text: str) -> Verdict:
    """The sentence passes."""
    return Verdict("keep", text)


def wordless(text: str, ctx: Context) -> Verdict:
    """Reject a "sentence" with no words (a stray marker or punctuation)."""
    if not re.search(r"[^\W\d_]{2,}", _plain(text)):
        return Verdict("reject", text, "wordless: nothing but markers or punctuation")
    return keep(text)


def refusal(text: str, ctx: Context) -> Verdict:
    """Reject the model's "not in the article" (its token, or the same said in words)."""
    if ABSTAIN_TOKEN in text or _REFUSAL.search(text):
        return Verdict("reject", text, "refusal: the model found no answer in the evidence")
    return keep(text)


def leak(text: str, ctx: Context) -> Verdict:
    """Reject a sentence that repeats the model's instructions."""
    if leaks.leaks(text):
        return Verdict("reject", text, "leak: the sentence repeats the instructions")
    return keep(text)


def label(text: str, ctx: Context) -> Verdict:
    """Edit out an "Answer:" label copied from the prompt."""
    cut = re.sub(r"^\s*(?:answer|отговор|ответ)\s*:\s*", "", text, flags=re.IGNORECASE)
    return keep(text) if cut == text else Verdict("edit", cut, "label: removed 'Answer:'")


def latin_names(text: str, ctx: Context) -> Verdict:
    """Edit Cyrillic names in an English sentence into Latin letters (the glossary's form, else
    transliterated): an English reader cannot read "Юлия Полонская". A quoted Bulgarian name the
    glossary knows is replaced by its English form; other quotations stay as the article has them."""
    if ctx.language != "en" or not re.search(r"[\u0400-\u04ff]", text):
        return keep(text)
    glossary = facts.glossary("en")
    edited = citations.replace_quoted(text, lambda inner: glossary.get(inner.strip()))
    edited = citations.outside_quotes(
        edited, lambda part: _CYRILLIC_RUN.sub(lambda m: facts.name(m.group(0), "en"), part)
    )
    if edited == text:
        return keep(text)
    return Verdict("edit", edited, "latin_names: Cyrillic names written in Latin letters")


_CYRILLIC_NAME = re.compile(r"\b[А-ЯЁ][\u0400-\u04ff-]*")
_CYRILLIC_RUN = re.compile(r"[А-ЯЁ][\u0400-\u04ff-]*(?:\s+[А-ЯЁ][\u0400-\u04ff-]*)*")  # capitalised: names


def markers(text: str, ctx: Context) -> Verdict:
    """Edit out markers that point at no passage; reject a sentence left with none."""
    cleaned = citations.clean_markers(text, max(ctx.passages, default=0))
    cleaned = re.sub(r"\[(\d+)\]", lambda m: m.group(0) if int(m.group(1)) in ctx.passages else "", cleaned)
    if not citations.parse_markers(cleaned):
        return Verdict("reject", cleaned, "markers: the sentence cites no passage")
    if cleaned != text.strip():
        return Verdict("edit", cleaned, "markers: dropped markers that point at no passage")
    return keep(text)


def quotes(text: str, ctx: Context) -> Verdict:
    """Edit away quotation marks around words the article does not contain verbatim."""
    if not ctx.article:
        return keep(text)
    checked = citations.check_quotes(text, ctx.article)
    return keep(text) if checked == text else Verdict("edit", checked, "quotes: not verbatim in the article")


def numbers(text: str, ctx: Context) -> Verdict:
    """Reject a number that the cited passages (or the question) do not contain."""
    cited = _cited(text, ctx)
    known = {str(v) for v in numbers_in(cited)} | {str(v) for v in numbers_in(ctx.question)}
    for value in numbers_in(_plain(text)):
        if str(value) not in known:
            return Verdict("reject", text, f"numbers: {value} is not in the cited passage")
    return keep(text)


def months(text: str, ctx: Context) -> Verdict:
    """Reject a month that the cited passages do not name."""
    cited = dates.months_in(_cited(text, ctx)) | dates.months_in(ctx.question)
    for month in dates.months_in(_plain(text)):
        if month not in cited:
            return Verdict("reject", text, f"months: month {month} is not in the cited passage")
    return keep(text)


def names(text: str, ctx: Context) -> Verdict:
    """Reject a name (a capitalised word) that neither the cited passages nor the question hold,
    in any spelling: the same letters, a transliteration, or the glossary's translation."""
    cited = _cited(text, ctx)
    known = name_keys(cited) | name_keys(ctx.question)
    for name in facts.names(_plain(text)):
        for word in re.findall(r"[^\W\d_]{3,}", name):
            if dates.months_in(word):
                continue  # months have their own check
            if not name_keys(word) & known and not _translated(word, cited):
                return Verdict("reject", text, f"names: {word!r} is not in the cited passage")
    return keep(text)


def reader_language(text: str, ctx: Context) -> Verdict:
    """Reject a sentence not written in the reader's language (quotations aside): for English, a
    sentence mostly in Cyrillic; for Bulgarian or Russian, one mostly in Latin letters or in the
    other of the two (the small model slips into the article's Bulgarian when asked in Russian)."""
    plain = citations.strip_quoted(_plain(text))
    if ctx.language == "en":  # names in Cyrillic are mended by latin_names; other words are not
        plain = _CYRILLIC_NAME.sub(" ", plain)
    letters = [ch for ch in plain if ch.isalpha()]
    if len(letters) < 8:
        return keep(text)
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in letters) / len(letters)
    wrong = cyrillic >= 0.3 if ctx.language == "en" else cyrillic < 0.5
    if not wrong and ctx.language in ("bg", "ru"):
        wrong = language.detect(plain, ctx.language) != ctx.language
    if wrong:
        return Verdict("reject", text, f"language: not written in {language.NAMES.get(ctx.language)}")
    return keep(text)


def planted(text: str, ctx: Context) -> Verdict:
    """Reject a sentence whose only support is an order planted in the article."""
    cited = [ctx.passages[n] for n in citations.parse_markers(text) if n in ctx.passages]
    if cited and all(injection.instruction_like(p) for p in cited):
        return Verdict("reject", text, "planted: the cited passage gives orders, not facts")
    return keep(text)


def echo(text: str, ctx: Context) -> Verdict:
    """Reject a sentence that only says the question back ("The American leg was a breakthrough
    [1]." to "What kind of breakthrough was the American leg?"): each of its words is one of the
    question's, so it tells the reader nothing. A yes or no, a number or a new word is an answer.

    >>> ctx = Context("en", {1: "…"}, "What kind of breakthrough was the American leg?")
    >>> echo("The American leg was a breakthrough [1].", ctx).action
    'reject'
    >>> echo("An economic and technological breakthrough [1].", ctx).action
    'keep'
    """
    plain = citations.strip_quoted(_plain(text))
    words = re.findall(r"[^\W_]+", plain.lower())
    if not words or words[0] in _YES_NO or any(w.isdigit() for w in words):
        return keep(text)
    given = {w[:4] for w in re.findall(r"[^\W_]+", ctx.question.lower())}
    told = [w for w in words if len(w) >= 4 and w not in _FILLER and w[:4] not in given]
    if told:
        return keep(text)
    return Verdict("reject", text, "echo: the sentence only restates the question")


_YES_NO = frozenset({"yes", "no", "да", "не", "нет"})
_FILLER = frozenset(  # words that report or join, never the fact asked for
    re.findall(
        r"\w+",
        "article says said states stated according mentions mentioned notes noted writes written text "
        "that this these those there with from were have been also which what when where whom into "
        "their they them about does "
        "статията според казва каза посочва споменава беше бяха това този тази които която който "
        "статье говорится согласно сказано указано было были этот эта которые который также",
    )
)


Check = Callable[[str, Context], Verdict]
CHECKS: tuple[Check, ...] = (
    wordless,
    refusal,
    leak,
    label,
    markers,
    quotes,
    numbers,
    months,
    names,
    reader_language,
    latin_names,
    planted,
    echo,
)


def run(text: str, ctx: Context, checks: tuple[Check, ...] = CHECKS) -> Verdict:
    """Every check in order on one sentence; edits carry forward, the first rejection stops."""
    current, edits = text.strip(), list[str]()
    for check in checks:
        verdict = check(current, ctx)
        if verdict.action == "reject":
            return Verdict("reject", current, verdict.reason, check.__name__)
        if verdict.action == "edit":
            current, edits = verdict.text.strip(), [*edits, verdict.reason]
    return Verdict("edit" if edits else "keep", current, "; ".join(edits))


# -- helpers -----------------------------------------------------------------------------------

_REFUSAL = re.compile(
    r"(?:does|do|did|is|was|are|were)(?: not|n't) (?:say|mention|contain|provide|specif|state|give|include)"
    r"|not (?:specified|mentioned|stated|provided|given|included)|no information"
    r"|не се (?:споменава|казва|посочва)|не е (?:посочен|споменат|казано)|няма (?:информация|данни)"
    r"|не (?:упоминается|сказано|говорится|указан)|нет (?:информации|данных)",
    re.IGNORECASE,
)


def _plain(text: str) -> str:
    return re.sub(r"\[\d+(?:\s*[,;]\s*\d+)*\]", " ", text)


def _cited(text: str, ctx: Context) -> str:
    return "\n".join(ctx.passages[n] for n in citations.parse_markers(text) if n in ctx.passages)


def _translated(word: str, cited: str) -> bool:
    """True when the glossary's Bulgarian form of ``word`` occurs in the cited text."""
    return any(bg in cited for bg in facts.article_words(word))
