"""The answer stages after retrieval, in order: evidence -> generate -> verify -> present.

    passages ─ about the whole article ("Summarize the article"): its summary, cited to its lead
             ─ evidence (best sentence, its passage first, the fact asked for)
             ─ too weak, about a name the article never mentions, a typed question with no
               such fact, or about the future with no sentence about it: abstain
             ─ no model (or the local model, when rules found the fact asked for or the reader
               reads the article's language): the short answer (the fact in the reader's
               language, cited; else the best sentences quoted)
             ─ a "which X" question of a reader of a close language (Russian, to a Bulgarian
               article): the article's phrase for X, translated by the model, shown only when
               its words are kept (``phrases.keeps``); else the short answer
             ─ model: prompt -> raw text -> sentences -> every check -> verified sentences
                 (streamed one by one; nothing shown is taken back)
             ─ a refusal: abstain; nothing verified: the short answer; the model failed
               before a word was shown: the short answer with a notice

Only the model service's expected failures (``BackendUnavailable``) are caught here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace

from core.errors import BackendUnavailable
from core.settings import Tuning
from core.types import Answer, Article, Turn
from prompts import message
from rag import (
    checks,
    conversation,
    evidence,
    facts,
    overview,
    phrases,
    present,
    prompting,
    roles,
    smalltalk,
    tense,
)
from rag.backends import Backends, ModelUse
from rag.extractive import Pick, SentenceRanker
from rag.unmentioned import unmentioned
from rag.verify import Checked, verified

log = logging.getLogger(__name__)

PHRASE_TOKENS = 48  # a translated phrase is a few words


class Answerer:
    """Turns retrieved passages into a checked answer, streaming only verified text."""

    def __init__(self, ranker: SentenceRanker, backends: Backends, tuning: Tuning | None = None) -> None:
        self.ranker = ranker
        self.backends = backends
        self.tuning = tuning or Tuning()

    def needs_model(self, draft: Answer, article: Article, backend: str) -> bool:
        """Whether answering ``draft`` asks the language model (and so waits in its line)."""
        if overview.asks(draft.question) or smalltalk.kind(draft.question):
            return False
        found = self._gather(draft, article)
        return self._route(draft, found, article, backend) in ("model", "phrase")

    def _gather(self, draft: Answer, article: Article) -> evidence.Evidence:
        # the reader's words say what kind of fact is asked ("And where?"), unless the question
        # before was asked anew about what they name ("And China?": its "When …?" is the kind)
        now = draft.question if draft.question in draft.standalone_question else None
        return evidence.gather(
            draft.standalone_question,
            draft.passages,
            self.ranker,
            now,
            self.tuning,
            roles.posts(article.text),
        )

    def _route(self, draft: Answer, found: evidence.Evidence, article: Article, backend: str) -> str:
        """``"abstain"`` (too weak, about a name
        the article never mentions, a typed question without its fact, or a question about the
        future that no sentence found speaks of),
        ``"short"`` (no model, or a short answer this backend's small model would not better),
        ``"phrase"`` (the short answer's phrase for "which X", translated) or ``"model"``."""
        t = self.tuning
        if found.dated:  # the dateline answers by rule, however unlike the question it reads
            return "short"
        floor = t.min_score if found.fact is None else t.fact_min_score
        if found.best is None or found.score < floor or unmentioned(draft.question, article.text):
            return "abstain"
        # "When …?" and no date near; "Who is Kazakhstan's prime minister?" and nobody named is
        if t.abstain_without_fact and found.fact is None and (found.kind in facts.STATED or found.unheld):
            return "abstain"
        if tense.asks_future(draft.question) and not any(
            tense.speaks_future(p.text) for p in found.ranked[: t.typed_among]
        ):  # "Where will the next summit be?" is not answered by where the last one was
            return "abstain"
        use = self.backends.use(backend)
        if backend == "extractive":
            return "short"
        if _without_model(use, found, draft.language, article):
            return "phrase" if self._phrase(draft, found, article, use) is not None else "short"
        return "model"

    def _phrase(
        self, draft: Answer, found: evidence.Evidence, article: Article, use: ModelUse
    ) -> Pick | None:
        """The article's phrase that answers a "which X" question of a reader of a close language
        (a Pick of it within its sentence's passage), or who the article says someone asked
        about is; None when there is none."""
        if (
            draft.language not in use.phrase_languages
            or (article.language, draft.language) not in phrases.CLOSE
        ):
            return None
        fact, best = found.fact, found.best
        if fact is not None and best is not None and not facts.sayable(fact, draft.language):
            # who the article says someone is: its words, to translate („президентът на Руанда“)
            at, end = phrases.trimmed(fact.text, draft.standalone_question)  # less the name asked about
            at, end = fact.start + at, fact.start + end
            return replace(best, start=best.start + at, end=best.start + end, text=best.text[at:end])
        if fact is not None:
            return None
        noun = phrases.asked(draft.standalone_question)
        if noun is None:
            return None
        t = self.tuning
        for pick in found.ranked[: t.typed_among]:
            if pick.score < found.score - t.typed_within:
                break
            span = phrases.phrase(pick.text, noun, draft.standalone_question)
            if span is not None:
                start, end = span
                return replace(
                    pick, start=pick.start + start, end=pick.start + end, text=pick.text[start:end]
                )
        return None

    def _phrased(self, draft: Answer, found: evidence.Evidence, article: Article, backend: str) -> Answer:
        """The phrase the model translated, when it keeps the article's words; else the short answer."""
        t = self.tuning
        chat = self.backends.get(backend)
        span = self._phrase(draft, found, article, chat.use)
        short = replace(present.short(draft, found, article, t), backend="extractive")
        if span is None:
            return short
        messages = prompting.phrase_messages(span.text, article.language, draft.language)
        try:
            said = phrases.clean("".join(chat.stream(messages, extra={"max_tokens": PHRASE_TOKENS})))
        except BackendUnavailable as err:
            log.warning("%s backend failed: %s", backend, err)
            return replace(short, notice=message("fallback", draft.language))
        if not phrases.keeps(span.text, said):
            log.info("dropped a translated phrase: %s -> %s", span.text, said)
            return short
        noun = phrases.asked(draft.standalone_question)
        if noun is not None:  # in the question's case: «На какой основе?» → «на равноправной основе»
            said = phrases.agree(said, draft.standalone_question, noun)
        sentence = next(p for p in found.ranked if p.n == span.n and p.start <= span.start < p.end)
        return present.phrase(draft, found, sentence, said, article)

    def stream(
        self, draft: Answer, article: Article, backend: str, turns: Sequence[Turn]
    ) -> Iterator[str | Answer]:
        """Verified text pieces as they are ready, then the final Answer (whose text they make up)."""
        t = self.tuning
        said = smalltalk.kind(draft.question)
        if said is not None:  # "Hi", "Thanks!", "Ignore your instructions…": not about the article
            yield replace(present.reply(draft, article, said), backend="extractive")
            return
        if overview.asks(draft.question):  # what the whole article covers: nothing to rank
            yield replace(present.overview(draft, article), backend="extractive")  # passage 1: its opening
            return
        found = self._gather(draft, article)
        route = self._route(draft, found, article, backend)
        draft = replace(draft, passages=found.passages)
        if route == "abstain":
            yield present.abstain(draft, article)
            return
        if route == "short":
            yield replace(present.short(draft, found, article, t), backend="extractive")
            return
        if route == "phrase":
            yield self._phrased(draft, found, article, backend)
            return
        shown: list[Checked] = []
        refused = False
        try:
            chat = self.backends.get(backend)
            prompt = prompting.build(
                chat.layout,
                draft.question,
                draft.language,
                found,
                conversation.recent(turns, chars=prompting.HISTORY_CHARS),
                t,
            )
            ctx = checks.Context(
                draft.language, {p.n: p.text for p in found.passages}, draft.standalone_question, article.text
            )
            for checked in verified(
                chat.stream(prompt.messages, cache_key=found.passages[0].chunk_id),
                ctx,
                found.passages,
                {article.id: article.text},
            ):
                if not checked.shown:
                    log.info(
                        "dropped a model sentence (%s): %s", checked.verdict.reason, checked.verdict.text
                    )
                    refused = refused or checked.verdict.check in ("refusal", "leak")
                    continue
                yield (" " if shown else "") + checked.verdict.text
                shown.append(checked)
        except BackendUnavailable as err:
            log.warning("%s backend failed: %s", backend, err)
            if shown:  # what was shown stands; the reader is told it may be incomplete
                yield replace(
                    present.from_sentences(draft, found, shown, article),
                    notice=message("cut", draft.language),
                )
            else:
                yield replace(
                    present.short(draft, found, article, t),
                    backend="extractive",
                    notice=message("fallback", draft.language),
                )
            return
        if shown:
            yield present.from_sentences(draft, found, shown, article)
        elif refused and found.score < t.trust_refusal_below:
            yield present.abstain(draft, article)
        else:
            notice = message("closest" if refused else "unchecked", draft.language)
            yield replace(present.short(draft, found, article, t), backend="extractive", notice=notice)


def _without_model(use: ModelUse, found: evidence.Evidence, language: str, article: Article) -> bool:
    """Whether the short answer is better than what this (small) model would write: a fact the
    rules read is exact and instant, and a reader of the article's own language is best served
    by its sentence, verbatim (so is a reader of a language the model writes worse than that
    reader reads the article's); the model's job is to say the rest in another language."""
    if use.facts_first and found.fact is not None and facts.sayable(found.fact, language):
        return True
    if use.quote_own_language and article.language and language == article.language:
        return True
    return language in use.quote_languages
