"""The verify stage: the model's raw text becomes checked sentences, one at a time.

``Sentences`` cuts a stream of text pieces into whole sentences (a sentence is complete once
its full stop, its markers and the next character have arrived); ``verified`` runs every check
of ``rag.checks`` on each and yields only the sentences that pass, each with its citations.
The reader is shown a sentence only after it has passed, so nothing shown is ever taken back.

    >>> list(Sentences().feed("On 9 October [1]. In Dushanbe [1]."))
    ['On 9 October [1].']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from core.types import Citation, Passage
from rag import checks, citations, dates, facts
from rag.numbers import numbers_in

MAX_SENTENCES = 2
# A sentence ends at . ! ? … and the markers after it, before a space and a capital, a digit or
# an opening quote ("2025 г. [1]" and "г. в Токио" do not end one).
_END = re.compile(r"[.!?…](?:\s*\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\])*(?=\s+[\"„«(A-ZА-ЯЁ0-9])")


class Sentences:
    """Cuts streamed text into sentences as soon as each is complete."""

    def __init__(self) -> None:
        self._buffer = ""

    def feed(self, piece: str) -> Iterator[str]:
        """Add text; yield the sentences it completes."""
        self._buffer += piece
        while match := _END.search(self._buffer):
            sentence, self._buffer = self._buffer[: match.end()], self._buffer[match.end() :]
            if sentence.strip():
                yield sentence.strip()

    def flush(self) -> Iterator[str]:
        """The last sentence, at the end of the stream."""
        rest, self._buffer = self._buffer.strip(), ""
        if rest:
            yield rest


@dataclass(frozen=True)
class Checked:
    """One sentence of the model's reply and what the checks made of it."""

    verdict: checks.Verdict
    citations: tuple[Citation, ...] = ()

    @property
    def shown(self) -> bool:
        """True when the sentence passed and may be shown."""
        return self.verdict.action != "reject"


def verified(
    pieces: Iterable[str], ctx: checks.Context, passages: tuple[Passage, ...], article_texts: dict[str, str]
) -> Iterator[Checked]:
    """Every sentence of the reply, checked, in order; stops after a refusal or a leak, and after
    ``MAX_SENTENCES`` shown (the answer is meant to be short)."""
    splitter = Sentences()
    shown = 0

    def stream() -> Iterator[str]:
        for piece in pieces:
            yield from splitter.feed(piece)
        yield from splitter.flush()

    for sentence in stream():
        verdict = checks.run(reattribute(cite_unmarked(sentence, ctx, passages), ctx, passages), ctx)
        if verdict.action == "reject":
            yield Checked(verdict)
            if verdict.check in ("refusal", "leak"):
                return
            continue
        found = supporting(verdict.text, ctx, passages, article_texts)
        if found is None:
            reason = "support: no sentence of the cited passage holds its names, dates and numbers"
            yield Checked(checks.Verdict("reject", verdict.text, reason, "support"))
            continue
        yield Checked(verdict, tuple(found))
        shown += 1
        if shown >= MAX_SENTENCES:
            return


SUPPORT_CHECKS = (checks.numbers, checks.months, checks.names)


def supporting(
    sentence: str, ctx: checks.Context, passages: tuple[Passage, ...], article_texts: dict[str, str]
) -> list[Citation] | None:
    """For each marker of ``sentence``, the sentence of that passage which holds every name,
    date and number of it (the best-matching such sentence); None when some marker has none."""
    by_n = {p.n: p for p in passages}
    out: list[Citation] = []
    for n in dict.fromkeys(citations.parse_markers(sentence)):
        if n not in by_n:
            return None  # a marker for no passage supports nothing
        found = _support_in(sentence, n, by_n[n], ctx)
        if found is None:
            return None
        passage, span, quote = by_n[n], found[0], found[1]
        start, end = passage.start + span.start, passage.start + span.end
        text = article_texts.get(passage.article_id, "")
        if text[start:end] != quote:
            return None  # the passage no longer matches the article: never show a false quote
        out.append(Citation(n, passage.chunk_id, passage.paragraph, start, end, quote))
    return out


def _support_in(
    sentence: str, n: int, passage: Passage, ctx: checks.Context
) -> tuple[citations.Span, str] | None:
    """The sentence of ``passage`` holding every name, date and number of ``sentence``."""
    first = citations.best_sentence(passage, sentence)
    for span in sorted(citations.sentences(passage.text), key=lambda s: s != first):
        quote = passage.text[span.start : span.end]
        alone = checks.Context(ctx.language, {n: quote}, ctx.question, ctx.article)
        if checks.run(sentence, alone, SUPPORT_CHECKS).action != "reject":
            return span, quote
    return None


def cite_unmarked(sentence: str, ctx: checks.Context, passages: tuple[Passage, ...]) -> str:
    """A sentence written without a marker, cited to the first passage (best first) with a
    sentence that holds all of its names, dates and numbers, when it has any: small models drop
    the marker from a sentence they took from the passage ("Taking part in the SCO meeting
    highlighted Kazakhstan's role as an active participant …"). A sentence with nothing to
    check against a passage stays unmarked, and the ``markers`` check rejects it.

    >>> ctx = checks.Context("en", {1: "„ЦА – Русия“ на 9 октомври в Душанбе."}, "When?")
    >>> p = Passage(1, "c", "a", 1, 0, 38, ctx.passages[1], 1.0)
    >>> cite_unmarked("It was held on 9 October in Dushanbe.", ctx, (p,))
    'It was held on 9 October in Dushanbe [1].'
    >>> cite_unmarked("It was held on 8 October in Dushanbe.", ctx, (p,))
    'It was held on 8 October in Dushanbe.'
    >>> cite_unmarked("It was a success.", ctx, (p,))
    'It was a success.'
    """
    plain = sentence.strip()
    if citations.parse_markers(plain) or not _checkable(plain):
        return sentence
    end = len(plain.rstrip(".!?…"))
    for p in passages:
        cited = f"{plain[:end]} [{p.n}]{plain[end:]}"
        if _support_in(cited, p.n, p, ctx) is not None:
            return cited
    return sentence


def _checkable(sentence: str) -> bool:
    """Whether a sentence names something a passage can be checked for: a name, date or number."""
    return bool(numbers_in(sentence) or dates.months_in(sentence) or facts.names(sentence))


def reattribute(sentence: str, ctx: checks.Context, passages: tuple[Passage, ...]) -> str:
    """The sentence with its one marker moved to the first passage that supports it, when the
    cited passage does not (small models misnumber their sources)."""
    cited = list(dict.fromkeys(citations.parse_markers(sentence)))
    if len(cited) != 1:
        return sentence
    by_n = {p.n: p for p in passages}
    if cited[0] not in by_n or _support_in(sentence, cited[0], by_n[cited[0]], ctx) is not None:
        return sentence
    for p in passages:
        moved = re.sub(rf"\[{cited[0]}\]", f"[{p.n}]", sentence)
        if p.n != cited[0] and _support_in(moved, p.n, p, ctx) is not None:
            return moved
    return sentence
