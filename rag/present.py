"""The present stage: the reader-facing answer, built only from checked parts.

- ``from_sentences``: the model's sentences that passed every check, with their citations;
- ``short``: no model at all: the fact asked for (date, place, number) in the reader's language,
  cited, then the article's sentence quoted (who the article says someone is: its own words,
  quoted to a reader of another language, as no rule translates them); or, when the question
  asks for no such fact, the article's best sentences quoted after a lead-in in the reader's
  language;
- ``phrase``: the article's phrase for a "which X" question, in the model's checked translation;
- ``abstain``: "the article does not say", in the reader's language, with what it does cover;
- ``reply``: a greeting, thanks or orders to the assistant answered in the reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core.articles import DATELINE, paragraph_at, paragraphs
from core.settings import Tuning
from core.types import Answer, Article, Citation
from prompts import message
from rag import facts
from rag.citations import sentences
from rag.evidence import Evidence
from rag.extractive import Pick, choose
from rag.verify import Checked


def abstain(draft: Answer, article: Article | None) -> Answer:
    """The article does not answer the question: say so, and say what it covers."""
    text = message("abstain", draft.language, about=_about(article, draft.language))
    return replace(draft, answer=text, abstained=True, citations=())


def _about(article: Article | None, language: str) -> str:
    """What the article covers, in ``language``, for the fixed replies."""
    return article.summary(language) if article else "the articles indexed here"


def reply(draft: Answer, article: Article | None, said: str) -> Answer:
    """What is not a question (``smalltalk.kind``: "greeting", "thanks", "orders"): a fixed reply
    in the reader's language, with what the article covers, citing nothing; orders are refused."""
    text = message(said, draft.language, about=_about(article, draft.language))
    return replace(draft, answer=text, abstained=said == "orders", citations=(), passages=())


def overview(draft: Answer, article: Article) -> Answer:
    """What the whole article covers, in the reader's language, cited to its lead (passage 1,
    the article's opening): its lead quoted where it has no summary in that language."""
    opening = draft.passages[0]
    leads = (s for s in sentences(opening.text) if not DATELINE.fullmatch(opening.text[s.start : s.end]))
    lead = next(leads, None)  # an opening that is only a dateline: the dateline is its lead
    at, end = (lead.start, lead.end) if lead is not None else (0, len(opening.text))
    text = opening.text[at:end]
    start = opening.start + at
    cite = Citation(
        1, opening.chunk_id, paragraph_at(paragraphs(article.text), start), start, start + len(text), text
    )
    about = article.about.get(draft.language)
    said = (
        f"{message('overview', draft.language, about=about)} [1]."
        if about
        else f"{message('lead', draft.language)} {quote(text, draft.language)} [1]"
    )
    return replace(draft, answer=said, citations=(cite,), abstained=False)


def short(draft: Answer, evidence: Evidence, article: Article, tuning: Tuning | None = None) -> Answer:
    """The answer without a model: the fact in the reader's language, or the best sentences quoted."""
    by_n = {p.n: p for p in evidence.passages}
    fact = evidence.fact
    if fact is not None and evidence.best is not None and not facts.sayable(fact, draft.language):
        best = evidence.best  # who someone is, in the article's words: quoted
        at = replace(best, start=best.start + fact.start, end=best.start + fact.end, text=fact.text)
        cite = _citation(article, by_n[best.n].chunk_id, by_n[best.n].start, at)
        text = f"{message('lead', draft.language)} {quote(fact.text, draft.language)} [{best.n}]"
        return replace(draft, answer=text, citations=(cite,), passages=evidence.passages, abstained=False)
    if evidence.fact is not None and evidence.best is not None:
        best = evidence.best
        said = facts.say(evidence.fact, draft.language, draft.question)
        said = said[:1].upper() + said[1:]
        cite = _citation(article, by_n[best.n].chunk_id, by_n[best.n].start, best)
        text = f"{said} [{best.n}]."  # the quote is the citation's, shown with the sources
        return replace(draft, answer=text, citations=(cite,), passages=evidence.passages, abstained=False)
    picks = choose(list(evidence.ranked), tuning, {p.n: p.text for p in evidence.passages})
    if not picks:
        return replace(abstain(draft, article), passages=evidence.passages)
    cites = tuple(_citation(article, by_n[p.n].chunk_id, by_n[p.n].start, p) for p in picks)
    quoted = " ".join(f"{quote(p.text, draft.language)} [{p.n}]" for p in picks)
    text = f"{message('lead', draft.language)} {quoted}"
    return replace(draft, answer=text, citations=cites, passages=evidence.passages, abstained=False)


def phrase(draft: Answer, evidence: Evidence, sentence: Pick, said: str, article: Article) -> Answer:
    """The article's phrase for what a "which X" question asks, as the model translated it
    (checked by the caller), cited to the sentence it is from."""
    by_n = {p.n: p for p in evidence.passages}
    cite = _citation(article, by_n[sentence.n].chunk_id, by_n[sentence.n].start, sentence)
    text = f"{said[:1].upper()}{said[1:]} [{sentence.n}]."
    return replace(draft, answer=text, citations=(cite,), passages=evidence.passages, abstained=False)


def from_sentences(draft: Answer, evidence: Evidence, shown: Sequence[Checked], article: Article) -> Answer:
    """The answer made of the model's checked sentences, exactly as they were streamed."""
    text = " ".join(c.verdict.text for c in shown)
    cites: list[Citation] = []
    for checked in shown:
        for c in checked.citations:
            if all(c.n != k.n for k in cites):
                cites.append(replace(c, paragraph=paragraph_at(paragraphs(article.text), c.start)))
    return replace(draft, answer=text, citations=tuple(cites), passages=evidence.passages, abstained=False)


_MARKS = {"en": ("“", "”"), "ru": ("«", "»")}  # Bulgarian's „…“ is the article's own inner pair


def quote(text: str, language: str) -> str:
    """The article's words quoted the way a reader of ``language`` writes quotation marks, so
    that the article's own „…“ inside nests ("“… „ЦА-ЕС“ в Самарканд …”", "«… „ЦА-ЕС“ …»").

    >>> quote("Срещата „ЦА-ЕС“ в Самарканд", "ru"), quote("Срещата в Самарканд", "bg")
    ('«Срещата „ЦА-ЕС“ в Самарканд»', '„Срещата в Самарканд“')
    """
    left, right = _MARKS.get(language, ("„", "“"))
    return f"{left}{text}{right}"


def _citation(article: Article, chunk_id: str, passage_start: int, pick: Pick) -> Citation:
    start, end = passage_start + pick.start, passage_start + pick.end
    return Citation(pick.n, chunk_id, paragraph_at(paragraphs(article.text), start), start, end, pick.text)
