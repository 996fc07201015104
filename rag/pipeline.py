"""The one place where article-qa's parts are wired together.

``Pipeline.stream()`` is the whole path of a question; ``ask()`` is the same path, collected.
The CLI, the Gradio app, the HTTP API and the evaluator all call these two and nothing else.

    question ─ validate ─ detect language ─ standalone (follow-ups) ─ hybrid retrieval
      ─ SourcesEvent ─ backend (local | openai | extractive) ─ TokenEvents
      ─ verify markers and quotes (none verified: abstain), refuse prompt leaks ─ AnswerEvent(Answer)

A language-model failure or time-out never reaches the reader as an error: the extractive
answer is given instead, with a notice saying so.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

from index.build import ProgressFactory, add_article, build_index
from index.store import ArticleChange, Store
from prompts import message
from rag import citations, conversation, extractive, injection, language, leaks, prompting
from rag.articles import default_article, paragraph_at, paragraphs, validate_article_id
from rag.backends import Backends
from rag.embeddings import ArticleEmbeddings, make_embedder
from rag.errors import ArticleQAError, BackendUnavailable, InvalidQuestion, UnknownArticle
from rag.prompting import ABSTAIN_TOKEN
from rag.questions import clean_question, clean_text
from rag.retrieval import HybridRetriever, StageTimes
from rag.settings import BACKENDS, Settings
from rag.types import (
    Answer,
    AnswerEvent,
    Article,
    Citation,
    Passage,
    SourcesEvent,
    StreamEvent,
    Timings,
    TokenEvent,
    Turn,
)

log = logging.getLogger(__name__)
# A model that answers "the article does not say" in its own words, instead of NOT_IN_ARTICLE.
_REFUSAL = re.compile(
    r"(?:does|do|did|is|was|are|were)(?: not|n't) (?:say|mention|contain|provide|specif|state|give|include)"
    r"|not (?:specified|mentioned|stated|provided|given|included)|no information"
    r"|не се (?:споменава|казва|посочва)|не е (?:посочен|споменат|казано)|няма (?:информация|данни)"
    r"|не (?:упоминается|сказано|говорится|указан)|нет (?:информации|данных)",
    re.IGNORECASE,
)
MAX_HISTORY_TURNS = 20


class Pipeline:
    """Loads the embedder, store, retriever and backends once; answers questions."""

    def __init__(self, settings: Settings | None = None, embedder: ArticleEmbeddings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or make_embedder(self.settings.embedder)
        self.store = Store(self.settings, self.embedder.model_name, self.embedder.dim)
        self.retriever = HybridRetriever(self.store, self.embedder, self.settings.candidates)
        self.ranker = extractive.SentenceRanker(self.embedder)
        self.backends = Backends(self.settings)
        self._articles: dict[str, Article] = {}
        self._articles_generation = ""
        self._lock = threading.Lock()
        self._ready = False

    # -- start-up ---------------------------------------------------------------------------

    def ensure_index(self, progress: ProgressFactory | None = None) -> bool:
        """Build the index from the shipped article if there is none; True if it built one."""
        if self.store.exists():
            self.store.check_model()
            return False
        kwargs = {"progress": progress} if progress else {}
        build_index(self.store, self.embedder, [default_article()], self.settings, **kwargs)
        return True

    def warm_up(self, progress: ProgressFactory | None = None, load_model: bool = True) -> None:
        """Build the index if missing and load everything a first question needs."""
        self.ensure_index(progress)
        language.warm()
        bm25 = self.retriever.bm25()
        if len(bm25.chunks) <= 5_000:
            self.ranker.warm([Passage.from_chunk(0, c, 0.0) for c in bm25.chunks], prompting.SENTENCE_TOKENS)
        name = self.backends.default()
        if load_model and name != "extractive":
            try:
                self.backends.get(name).warm(prompting.fixed_messages())
            except ArticleQAError as err:
                log.warning("%s backend unavailable, answers will be extractive: %s", name, err)
        self._ready = True

    def ready(self) -> bool:
        """True once ``warm_up`` has finished."""
        return self._ready

    # -- articles ---------------------------------------------------------------------------

    def articles(self) -> list[Article]:
        """The indexed articles (cached until the index changes)."""
        generation = self.store.generation()
        with self._lock:
            if generation != self._articles_generation:
                self._articles = {a.id: a for a in self.store.articles()}
                self._articles_generation = generation
            return list(self._articles.values())

    def article(self, article_id: str) -> Article:
        """One indexed article; raises UnknownArticle."""
        validate_article_id(article_id)
        for article in self.articles():
            if article.id == article_id:
                return article
        raise UnknownArticle(f"no article with id {article_id!r} is indexed")

    def add(self, article: Article, progress: ProgressFactory | None = None) -> ArticleChange:
        """Index (or re-index) one article; say how many chunks were added, removed and kept."""
        kwargs = {"progress": progress} if progress else {}
        return add_article(self.store, self.embedder, article, self.settings, **kwargs)

    def remove(self, article_id: str) -> int:
        """Remove one article from the index; return how many chunks went."""
        return self.store.remove_article(validate_article_id(article_id))

    # -- questions --------------------------------------------------------------------------

    def retrieve(
        self,
        question: str,
        k: int | None = None,
        article_id: str | None = None,
        times: StageTimes | None = None,
    ) -> list[Passage]:
        """Hybrid retrieval only (validated like a question)."""
        question = self.validate(question)
        if article_id is not None:
            self.article(article_id)
        return self.retriever.retrieve(question, k or self.settings.top_k, article_id, times)

    def validate(self, question: object) -> str:
        """The question, cleaned; raises InvalidQuestion naming what is wrong."""
        return clean_question(question, self.settings.max_question_chars)

    def _history(self, history: Sequence[Turn]) -> list[Turn]:
        turns: list[Turn] = []
        for turn in list(history)[-MAX_HISTORY_TURNS:]:
            if not isinstance(turn, Turn) or turn.role not in ("user", "assistant"):
                raise InvalidQuestion("history must be a list of {role: user|assistant, content} turns")
            content = clean_text(str(turn.content), self.settings.max_question_chars)
            if content:
                turns.append(Turn(turn.role, content))
        return turns

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        backend: str | None = None,
        article_id: str | None = None,
    ) -> Answer:
        """Answer one question; raises ArticleQAError subclasses for bad input."""
        final: Answer | None = None
        for event in self.stream(question, history, backend, article_id):
            if isinstance(event, AnswerEvent):
                final = event.answer
        if final is None:  # stream() always ends with an AnswerEvent
            raise RuntimeError("the pipeline produced no answer")
        return final

    def stream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        backend: str | None = None,
        article_id: str | None = None,
    ) -> Iterator[StreamEvent]:
        """SourcesEvent first, then TokenEvents, then one AnswerEvent."""
        started = time.perf_counter()
        question = self.validate(question)
        turns = self._history(history)
        name = backend or self.backends.default()
        if name not in BACKENDS:
            raise BackendUnavailable(f"backend must be one of {', '.join(BACKENDS)}, got {name!r}")
        if article_id is not None:
            self.article(article_id)
        asked_before = [t.content for t in turns if t.role == "user"]
        lang = language.detect(question, language.detect(asked_before[-1]) if asked_before else "en")
        query = conversation.standalone(question, turns)
        passages = self.retriever.retrieve(query, self.settings.top_k, article_id)
        retrieval_ms = (time.perf_counter() - started) * 1000
        yield SourcesEvent(tuple(passages), query)

        draft = Answer(
            question=question,
            answer="",
            language=lang,
            abstained=False,
            citations=(),
            passages=tuple(passages),
            backend=name,
            article_id=article_id or (passages[0].article_id if passages else ""),
            standalone_question=query,
        )
        first_token_ms = 0.0
        answer: Answer | None = None
        if not passages:
            answer = self._abstain(draft, None)
        elif name == "extractive":
            answer = self._extractive(draft, query)
        else:
            try:
                for item in self._generate(draft, name, turns):
                    if isinstance(item, Answer):
                        answer = item
                        continue
                    if not first_token_ms:
                        first_token_ms = (time.perf_counter() - started) * 1000
                    yield TokenEvent(item)
            except (ArticleQAError, TimeoutError, RuntimeError, ValueError, OSError) as err:
                log.warning("%s backend failed, answering extractively: %s", name, err)
                answer = replace(self._extractive(draft, query), notice=message("fallback", lang))
        if answer is None:
            raise RuntimeError("the language model produced no answer")
        if not first_token_ms:
            first_token_ms = (time.perf_counter() - started) * 1000
            if answer.answer:
                yield TokenEvent(answer.answer)
        total_ms = (time.perf_counter() - started) * 1000
        timings = Timings(round(retrieval_ms, 2), round(first_token_ms, 2), round(total_ms, 2))
        yield AnswerEvent(replace(answer, timings=timings))

    # -- the three ways of answering ----------------------------------------------------------

    def _abstain(self, draft: Answer, article: Article | None) -> Answer:
        about = article.summary(draft.language) if article else "the articles indexed here"
        text = message("abstain", draft.language, about=about)
        return replace(draft, answer=text, abstained=True, citations=())

    def _extractive(
        self, draft: Answer, query: str, ranked: Sequence[extractive.Pick] | None = None
    ) -> Answer:
        """The best sentences quoted; ``ranked``: the passages' sentences already ranked for ``query``."""
        article = self.article(draft.passages[0].article_id)
        ranked = ranked if ranked is not None else self.ranker.rank(query, draft.passages)
        picks = extractive.choose([p for p in ranked if not injection.instruction_like(p.text)])
        if not picks:
            return replace(self._abstain(draft, article), backend="extractive")
        by_n = {p.n: p for p in draft.passages}
        cites = tuple(
            Citation(
                n=pick.n,
                chunk_id=by_n[pick.n].chunk_id,
                paragraph=_paragraph_of(article, by_n[pick.n].start + pick.start),
                start=by_n[pick.n].start + pick.start,
                end=by_n[pick.n].start + pick.end,
                quote=pick.text,
            )
            for pick in picks
        )
        text = extractive.compose(message("lead", draft.language), picks)
        return replace(draft, answer=text, citations=cites, backend="extractive")

    def _generate(self, draft: Answer, name: str, turns: list[Turn]) -> Iterator[str | Answer]:
        """Text pieces as the model writes them, then the checked Answer."""
        chat = self.backends.get(name)
        article = self.article(draft.passages[0].article_id)
        query = draft.standalone_question
        ranked = self.ranker.rank(query, draft.passages) if chat.layout == "evidence" else None
        picks = [
            self.ranker.narrow(query, p, prompting.SENTENCE_TOKENS)
            for p in (ranked or [])[: prompting.EVIDENCE_CANDIDATES]
        ]
        prompt = prompting.build(
            chat.layout,
            article,
            draft.question,
            draft.language,
            draft.passages,
            picks,
            conversation.recent(turns, chars=prompting.HISTORY_CHARS[chat.layout]),
        )
        out = _MarkerStream(len(draft.passages))
        held = ""
        for piece in chat.stream(prompt.messages):
            held += piece
            if ABSTAIN_TOKEN.startswith(held.strip()) or ABSTAIN_TOKEN in held:
                continue  # never stream the abstain token; decide once it is complete
            visible = out.feed(held)
            held = ""
            if leaks.leaks(out.text):  # checked before showing: the leaking words never go out
                yield self._leaked(draft, name, article)
                return
            if visible:
                yield visible
        if ABSTAIN_TOKEN in held or ABSTAIN_TOKEN in out.text:
            yield self._refused(draft, name, article, ranked)
            return
        tail = out.feed(held) + out.flush()
        if leaks.leaks(out.text):
            yield self._leaked(draft, name, article)
            return
        if tail:
            yield tail
        passages = list(draft.passages)
        text = citations.clean_markers(_strip_label(out.text), len(passages))
        text = citations.check_quotes(text, article.text)
        if not citations.parse_markers(text) and _REFUSAL.search(text):  # "…is not mentioned"
            yield self._refused(draft, name, article, ranked)
            return
        invented = citations.unsupported_numbers(
            text, "\n".join(p.text for p in passages), draft.standalone_question
        )
        if invented:  # a number the article never gave: show the article's own sentences instead
            log.warning("the %s model's answer has numbers not in the sources: %s", name, invented)
            fallback = self._extractive(draft, query, ranked)
            notice = "" if fallback.abstained else message("unchecked", draft.language)
            yield replace(fallback, notice=notice)
            return
        text = citations.attribute(text, passages)
        found = citations.cite(text, passages, {article.id: article.text})
        planted = any(injection.instruction_like(c.quote) for c in found)
        if not found or planted:  # nothing in the article supports it (a refusal, or words it was
            # talked into), or only orders planted in the article do: say what the article covers
            yield self._abstain(replace(draft, backend=name, passages=tuple(passages)), article)
            return
        cites = tuple(replace(c, paragraph=_paragraph_of(article, c.start)) for c in found)
        yield replace(draft, answer=text, citations=cites, passages=tuple(passages), backend=name)

    def _refused(
        self, draft: Answer, name: str, article: Article, ranked: Sequence[extractive.Pick] | None
    ) -> Answer:
        """The model found no answer: abstain, unless a sentence matches the question very closely.

        The small model refuses some answerable questions when the evidence is terse; a sentence
        this close to the question is quoted instead, marked as the article's closest sentence.
        """
        query = draft.standalone_question
        ranked = ranked if ranked is not None else self.ranker.rank(query, draft.passages)
        if ranked and ranked[0].score >= extractive.QUOTE_DESPITE_REFUSAL:
            quoted = self._extractive(draft, query, ranked)
            if not quoted.abstained:
                return replace(quoted, notice=message("closest", draft.language))
        return self._abstain(replace(draft, backend=name), article)

    def _leaked(self, draft: Answer, name: str, article: Article) -> Answer:
        """The abstention given instead of an answer that repeated the model's instructions."""
        log.warning("the %s model's answer repeated its instructions; abstaining instead", name)
        return self._abstain(replace(draft, backend=name), article)


class _MarkerStream:
    """Drops out-of-range ``[n]`` markers from streamed text as they complete.

    Text after an open '[' is held back until its ']' arrives (or it clearly is no marker).
    """

    def __init__(self, valid: int) -> None:
        self.valid = valid
        self.text = ""
        self._pending = ""

    def feed(self, piece: str) -> str:
        """Add model text; return the part that can be shown now."""
        self._pending += piece
        cut = self._pending.rfind("[")
        if cut >= 0 and "]" not in self._pending[cut:] and len(self._pending) - cut < 12:
            ready, self._pending = self._pending[:cut], self._pending[cut:]
        else:
            ready, self._pending = self._pending, ""
        return self._emit(ready)

    def flush(self) -> str:
        """Whatever is still held back."""
        ready, self._pending = self._pending, ""
        return self._emit(ready)

    def _emit(self, ready: str) -> str:
        def fix(m: re.Match[str]) -> str:
            numbers = [int(x) for x in re.split(r"\s*[,;]\s*", m.group(1))]
            return "".join(f"[{n}]" for n in dict.fromkeys(numbers) if 1 <= n <= self.valid)

        shown = re.sub(r"\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]", fix, ready)
        self.text += shown
        return shown


def _strip_label(text: str) -> str:
    """Remove an "Answer:" label that small models sometimes copy from the prompt."""
    return re.sub(r"^\s*(?:answer|отговор|ответ)\s*:\s*", "", text, flags=re.IGNORECASE)


def _paragraph_of(article: Article, offset: int) -> int:
    return paragraph_at(paragraphs(article.text), offset)
