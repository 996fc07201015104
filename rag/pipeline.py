"""The one place where article-qa's parts are wired together.

``Pipeline.stream()`` is the whole path of a question; ``ask()`` is the same path, collected.
The CLI, the Gradio app, the HTTP API and the evaluator all call these two and nothing else.

    question ─ validate ─ detect language ─ standalone (follow-ups) ─ hybrid retrieval
      ─ SourcesEvent ─ evidence ─ generate ─ verify ─ present (``rag.answering``)
      ─ TokenEvents (verified text only) ─ AnswerEvent (the same text, with citations)

A language-model failure never reaches the reader as an error: the short answer without the
model is given instead, with a notice saying so.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

from core.articles import default_article, validate_article_id
from core.errors import ArticleQAError, BackendUnavailable, InvalidQuestion, UnknownArticle
from core.settings import BACKENDS, Settings
from core.types import (
    Answer,
    AnswerEvent,
    Article,
    Passage,
    SourcesEvent,
    StreamEvent,
    Timings,
    TokenEvent,
    Turn,
)
from index.build import ProgressFactory, add_article, build_index
from index.embeddings import ArticleEmbeddings, make_embedder
from index.store import ArticleChange, Store
from rag import conversation, extractive, facts, language, overview, present, prompting
from rag.answering import Answerer
from rag.backends import Backends
from rag.questions import clean_question, clean_text, own_words
from rag.retrieval import HybridRetriever, StageTimes

log = logging.getLogger(__name__)
MAX_HISTORY_TURNS = 20


class Pipeline:
    """Loads the embedder, store, retriever and backends once; answers questions."""

    def __init__(self, settings: Settings | None = None, embedder: ArticleEmbeddings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or make_embedder(self.settings.embedder)
        self.store = Store(self.settings, self.embedder.model_name, self.embedder.dim)
        self.retriever = HybridRetriever(self.store, self.embedder, self.settings.candidates)
        self.ranker = extractive.SentenceRanker(self.embedder, self.settings.tuning)
        self.backends = Backends(self.settings)
        self.answerer = Answerer(self.ranker, self.backends, self.settings.tuning)
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

    def warm_up(
        self, progress: ProgressFactory | None = None, load_model: bool = True, passages: str = "no"
    ) -> None:
        """Build the index if missing and load everything a first question needs; ``passages``
        ("no", "wait" or "background") also has the local model evaluate and save every
        passage's prompt state, so that no question pays for its passage (~5 s each)."""
        self.ensure_index(progress)
        language.warm()
        bm25 = self.retriever.bm25()
        if len(bm25.chunks) <= 5_000:
            self.ranker.warm([Passage.from_chunk(0, c, 0.0) for c in bm25.chunks])
        name = self.backends.default()
        if load_model and name != "extractive":
            try:
                self.backends.get(name).warm(prompting.fixed_messages())
            except ArticleQAError as err:
                log.warning("%s backend unavailable, answers will be extractive: %s", name, err)
            else:
                if passages == "wait":
                    self.warm_passages(name)
                elif passages == "background":
                    threading.Thread(target=self.warm_passages, args=(name,), daemon=True).start()
        self._ready = True

    def warm_passages(self, backend: str) -> int:
        """Save the model's state after each indexed passage (once per machine); how many now."""
        chat = self.backends.get(backend)
        done = 0
        try:
            for chunk in self.retriever.bm25().chunks:
                done += chat.warm_passage(chunk.id, prompting.passage_prefix(chunk.text))
        except ArticleQAError as err:  # the model went away: questions evaluate their passage
            log.warning("stopped saving passage states: %s", err)
        return done

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

    def _draft(
        self, question: str, history: Sequence[Turn], backend: str | None, article_id: str | None
    ) -> tuple[Answer, Article | None, list[Turn]]:
        """The question validated, in its language, made standalone and its passages retrieved:
        the answer still to write, the article it is about (None when nothing was found), the turns."""
        question = self.validate(question)
        turns = conversation.topical(self._history(history))  # "Thanks!" is no turn to follow up
        name = backend or self.backends.default()
        if name not in BACKENDS:
            raise BackendUnavailable(f"backend must be one of {', '.join(BACKENDS)}, got {name!r}")
        if article_id is not None:
            self.article(article_id)
        asked_before = [t.content for t in turns if t.role == "user"]
        earlier = language.detect(own_words(asked_before[-1])) if asked_before else "en"
        lang = language.detect(own_words(question), earlier)  # a quoted selection is not the reader's words
        query = conversation.standalone(question, turns)
        passages = self.retriever.retrieve(query, self.settings.top_k, article_id)
        if passages and overview.asks(question):  # "What is this article about?": its lead
            passages = self._with_opening(passages, first=True)
        elif passages and facts.asks_published(query):
            passages = self._with_opening(passages, dateline=True)
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
        return draft, self.article(passages[0].article_id) if passages else None, turns

    def _with_opening(
        self, passages: list[Passage], dateline: bool = False, first: bool = False
    ) -> list[Passage]:
        """The passages with the article's opening among them (``first``: as passage 1): no
        search finds "date 2025-12-25" for "When was the article published?" (``dateline``: only
        an opening that has one), nor the lead for "What is this article about?"."""
        opening = self.retriever.opening(passages[0].article_id)
        if opening is None or (dateline and not facts.DATELINE.match(opening.text)):
            return passages
        if any(p.chunk_id == opening.id for p in passages) and not first:
            return passages
        others = [p for p in passages if p.chunk_id != opening.id][: self.settings.top_k - 1]
        rest = [replace(p, n=n) for n, p in enumerate(others, 2)]
        return [Passage.from_chunk(1, opening, passages[0].score), *rest]

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

    def needs_model(
        self,
        question: str,
        history: Sequence[Turn] = (),
        backend: str | None = None,
        article_id: str | None = None,
    ) -> bool:
        """Whether ``stream`` would ask a language model for this answer: a question answered
        by rules, quoted or refused never has to wait in the model's line. Raises like ``stream``."""
        draft, article, _ = self._draft(question, history, backend, article_id)
        return article is not None and self.answerer.needs_model(draft, article, draft.backend)

    def stream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        backend: str | None = None,
        article_id: str | None = None,
    ) -> Iterator[StreamEvent]:
        """SourcesEvent first, then TokenEvents, then one AnswerEvent."""
        started = time.perf_counter()
        draft, article, turns = self._draft(question, history, backend, article_id)
        retrieval_ms = (time.perf_counter() - started) * 1000
        yield SourcesEvent(draft.passages, draft.standalone_question)
        name = draft.backend
        first_token_ms = 0.0
        answer: Answer | None = None
        if article is None:
            answer = present.abstain(draft, None)
        else:
            for item in self.answerer.stream(draft, article, name, turns):
                if isinstance(item, Answer):
                    answer = item
                    continue
                if not first_token_ms:
                    first_token_ms = (time.perf_counter() - started) * 1000
                yield TokenEvent(item)
        if answer is None:
            raise RuntimeError("the answer stage produced no answer")
        if not first_token_ms:  # an answer made in one piece (no model, abstention, fallback)
            first_token_ms = (time.perf_counter() - started) * 1000
            if answer.answer:
                yield TokenEvent(answer.answer)
        total_ms = (time.perf_counter() - started) * 1000
        timings = Timings(round(retrieval_ms, 2), round(first_token_ms, 2), round(total_ms, 2))
        yield AnswerEvent(replace(answer, timings=timings))
