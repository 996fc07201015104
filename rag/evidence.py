"""The evidence stage: which sentence answers the question, and the short fact it holds.

The retrieved passages' sentences are ranked against the question (``SentenceRanker``:
cross-lingual e5 similarity plus shared names, numbers and the answer type asked for). The
passage that holds the best sentence becomes passage 1, so the model always finds its main
source first and whole (and llama.cpp can reuse that passage's evaluated state); the fact the
question asks for (a date, place or number) is read out of the best sentence by ``rag.facts``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from core.settings import Tuning
from core.types import Passage
from rag import facts, injection, roles
from rag.extractive import Pick, SentenceRanker


@dataclass(frozen=True)
class Evidence:
    """What an answer is built from: passages (best first, renumbered), their ranked sentences
    (numbered like the passages), the best sentence, and the fact it holds, if any."""

    passages: tuple[Passage, ...]
    ranked: tuple[Pick, ...]
    fact: facts.Fact | None
    kind: facts.Kind
    dated: bool = False  # the question asks when the article was published; ``best`` is its dateline
    unheld: bool = False  # it asks who holds an office, and no name in the best sentences holds it

    @property
    def best(self) -> Pick | None:
        """The sentence that best answers the question."""
        return self.ranked[0] if self.ranked else None

    @property
    def score(self) -> float:
        """How well the article's closest sentence matches the question (0 without one): the
        sentence chosen for its fact may read a little less close than that one."""
        return max((p.score for p in self.ranked), default=0.0)


def gather(
    question: str,
    passages: Sequence[Passage],
    ranker: SentenceRanker,
    asked_now: str | None = None,
    tuning: Tuning | None = None,
    posts: Mapping[str, str] | None = None,
) -> Evidence:
    """Rank the sentences, put the passage of the best one first, and find the fact asked for.

    ``question`` is the standalone question (a follow-up joined to the one before it);
    ``asked_now`` the reader's latest words, which say what kind of fact is wanted ("And where?");
    ``posts`` whose office the article says each person holds (``roles.posts``).
    """
    tuning = tuning or Tuning()
    published = facts.asks_published(question)
    ranked = [
        p
        for p in ranker.rank(question, passages)
        if not injection.instruction_like(p.text)
        and (published or not facts.DATELINE.fullmatch(p.text))  # the dateline answers only that
    ]
    asked = facts.kind(asked_now if asked_now is not None else question)
    candidates = [p.text for p in ranked[: tuning.typed_among]]
    common = facts.common_words(question, candidates)
    frequent = facts.frequent_words(question, candidates)
    dateline = [p for p in ranked if facts.DATELINE.fullmatch(p.text)] if published else []
    named = False  # whether any of the best sentences names someone who may answer (holds the office asked)
    if dateline:  # "When was the article published?": its dateline, wherever the ranker put it
        ranked.remove(dateline[0])
        ranked.insert(0, dateline[0])
        asked = "when"
    elif asked:  # the sentence whose fact sits among the question's words beats a slightly closer one
        latest = asked_now if asked_now not in (None, question) else None  # a follow-up's own words
        near = []
        for p in ranked[: tuning.typed_among]:
            f = facts.best(question, p.text, asked, common, frequent, posts)
            named = named or f is not None
            if f is None or not facts.trusted(f):
                continue
            now = facts.best(latest, p.text, asked, common, frequent, posts) if latest else None
            said_now = now[1] if now is not None and facts.trusted(now) else 0
            # "And how many discussion platforms?" after "How many people came to the forum?":
            # the question joined to the one before reads closest to the earlier fact; the
            # reader's latest words name the one asked for now, however far down it is, in the
            # passage the conversation is about (the forum's, not another crowd's)
            if p.score >= ranked[0].score - tuning.typed_within or (said_now and p.n == ranked[0].n):
                near.append(
                    (
                        p,
                        not facts.elsewhere(question, p.text),
                        said_now,
                        f[1],
                        -facts.strangers(question, p.text),
                    )
                )
        if near:
            # a sentence about the place asked about first (a date next to "Japan" does not answer
            # "China?"), then the fact among the reader's latest words, then among the question's,
            # then the sentence naming fewer other places, then the closer sentence
            chosen = max(near, key=lambda item: (item[1], item[2], item[3], item[4], item[0].score))[0]
            ranked.remove(chosen)
            ranked.insert(0, chosen)
    if not ranked:
        return Evidence(tuple(passages), (), None, asked)
    order = [ranked[0].n, *(p.n for p in passages if p.n != ranked[0].n)]
    number = {old: new for new, old in enumerate(order, 1)}
    by_n = {p.n: p for p in passages}
    renumbered = tuple(replace(by_n[old], n=number[old]) for old in order)
    picks = tuple(replace(p, n=number[p.n]) for p in ranked)
    fact = facts.find(question, picks[0].text, asked, common, frequent, posts) if asked else None
    unheld = fact is None and asked == "who" and roles.asked(question) is not None and not named
    return Evidence(renumbered, picks, fact, asked, dated=bool(dateline) and fact is not None, unheld=unheld)
