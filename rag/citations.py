"""Citation checking: every ``[n]`` in an answer is verified before anyone sees it.

- A marker whose ``n`` is not a passage number is dropped (``[7]`` with three passages), and
  so is one whose sentence shares no word with passage ``n`` (nothing there supports it).
- Each kept marker becomes a ``Citation`` whose ``quote`` is a sentence of passage ``n``,
  chosen to best support the answer sentence that carries the marker; quotes are always
  exact spans of the article (``article_text[start:end] == quote``).
- A span the answer puts in quotation marks must occur verbatim in the article; when it does
  not, the quotation marks go (the words stay, no longer claimed as a quote).
- Markers are numbered from 1, as the passages are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.articles import DATELINE
from core.types import Passage
from rag.bm25 import terms

_MARKER = re.compile(r"\s?\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
QUOTE_CHARS = 400  # the longest quotation read as one (and the longest two sentences quoted together)
_QUOTED = re.compile(
    rf"„([^“”\"]{{12,{QUOTE_CHARS}}})[“”\"]|«([^»]{{12,{QUOTE_CHARS}}})»"
    rf"|\"([^\"]{{12,{QUOTE_CHARS}}})\"|“([^”]{{12,{QUOTE_CHARS}}})”"
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"“”»]?\s+(?=[\"„«(—–-]?\s?[A-ZА-ЯЁ0-9])|\n\s*")


@dataclass(frozen=True)
class Span:
    """A sentence inside a text, by offsets relative to that text."""

    start: int
    end: int


def sentences(text: str) -> list[Span]:
    """Split text into sentence spans (offsets into ``text``), whitespace trimmed; an opening
    dateline is a sentence of its own (it dates the article, not its first sentence's news).

    >>> [text[s.start:s.end] for text in ["Един. Два три. 2025 г. в Астана."] for s in sentences(text)]
    ['Един.', 'Два три.', '2025 г. в Астана.']
    >>> [text[s.start:s.end] for text in [" date 2025-12-25 Тази година."] for s in sentences(text)]
    ['date 2025-12-25', 'Тази година.']
    """
    spans: list[Span] = []
    pos = 0
    head = [m.end()] if (m := DATELINE.match(text)) else []
    for cut in sorted({*head, *(m.start() for m in _SENTENCE_END.finditer(text)), len(text)}):
        piece = text[pos:cut]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append(Span(pos + lead, pos + lead + len(piece.strip())))
        pos = cut
    return spans


def parse_markers(answer: str) -> list[int]:
    """The citation numbers in order of appearance (duplicates kept).

    >>> parse_markers("On 9 October [1], in Dushanbe [2, 3][1].")
    [1, 2, 3, 1]
    """
    return [int(n) for m in _MARKER.finditer(answer) for n in re.split(r"\s*[,;]\s*", m.group(1))]


def clean_markers(answer: str, valid: int) -> str:
    """Drop numbers outside 1..valid and write each kept marker as ``[n]``.

    >>> clean_markers("Yes [1, 9]. No [7].", 3)
    'Yes [1]. No.'
    """

    def fix(m: re.Match[str]) -> str:
        kept: list[int] = []
        for n in (int(x) for x in re.split(r"\s*[,;]\s*", m.group(1))):
            if 1 <= n <= valid and n not in kept:
                kept.append(n)
        lead = " " if m.group(0).startswith((" ", "\n", "\t")) else ""
        return lead + "".join(f"[{n}]" for n in kept) if kept else ""

    cleaned, previous = _MARKER.sub(fix, answer), answer
    while cleaned != previous:  # removing "[0]" from "[[0]0]" can reveal a new marker
        cleaned, previous = _MARKER.sub(fix, cleaned), cleaned
    return re.sub(r"\s+([.,;:!?])", r"\1", cleaned).strip()


def check_quotes(answer: str, article_text: str) -> str:
    """Keep quotation marks only around spans that occur verbatim in the article."""
    haystack = _squash(article_text)

    def fix(m: re.Match[str]) -> str:
        inner = next(g for g in m.groups() if g is not None)
        return m.group(0) if _squash(inner) in haystack else inner

    return _QUOTED.sub(fix, answer)


def best_sentence(passage: Passage, claim: str, quoted: Sequence[str] = ()) -> Span:
    """The sentence of ``passage`` that best supports ``claim`` (a quoted span wins outright)."""
    spans = sentences(passage.text) or [Span(0, len(passage.text))]
    for q in quoted:
        found = passage.text.find(q)
        if found >= 0:
            return Span(found, found + len(q))
    claim_terms = set(terms(claim))

    def score(span: Span) -> tuple[int, int]:
        return len(claim_terms & set(terms(passage.text[span.start : span.end]))), -span.start

    return max(spans, key=score)


def strip_quoted(text: str) -> str:
    """The text without its quotations (what a reader reads in the answer's own words).

    >>> strip_quoted('The article says: „Срещата се проведе в Душанбе“ [1].')
    'The article says:   [1].'
    """
    return _QUOTED.sub(" ", text)


def replace_quoted(text: str, replace: Callable[[str], str | None]) -> str:
    """Each quotation (marks included) replaced by ``replace(inner)``, or kept when that is None."""

    def fix(m: re.Match[str]) -> str:
        new = replace(next(g for g in m.groups() if g is not None))
        return m.group(0) if new is None else new

    return _QUOTED.sub(fix, text)


def outside_quotes(text: str, change: Callable[[str], str]) -> str:
    """``change`` applied to the parts of ``text`` that are not quotations."""
    out, pos = [], 0
    for m in _QUOTED.finditer(text):
        out += [change(text[pos : m.start()]), m.group(0)]
        pos = m.end()
    return "".join([*out, change(text[pos:])])


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
