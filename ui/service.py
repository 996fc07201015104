"""What stands between a web request and ``Pipeline.stream``: start-up, readiness and the queue.

The HTTP API, the widget (through the API) and the Gradio app all answer through one
``AnswerService``, so they share one queue in front of the model and one view of whether the
model has loaded:

    question = service.admit(...)          # validate, wait (bounded) until ready, join a line
    async for event in service.run(question):
        QueueEvent(position, quick)  # while waiting in line (none when served at once)
        SourcesEvent, TokenEvent..., AnswerEvent   # straight from Pipeline.stream

``admit`` raises before anything is streamed, so HTTP callers can still answer 4xx/503. A
question joins the model's line only when the model will write its answer
(``Pipeline.needs_model``): a fact read by rules, a quote or a refusal takes the fast line even
on the local backend, so it never waits behind answers the model is writing.
The pipeline runs in a worker thread that keeps the queue slot until it has really stopped,
so the model never answers two questions at once, even when a client goes away mid-answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass

from core.errors import ArticleQAError, BackendUnavailable
from core.settings import Settings
from core.types import Answer, AnswerEvent, StreamEvent, Turn
from index.build import ProgressFactory
from rag.pipeline import Pipeline
from ui.errors import ClientGone, NotReady, QueueFull, StartupFailed
from ui.feedback import FeedbackStore
from ui.queueing import AnswerQueue, Ticket
from ui.ratelimit import RateLimiter
from ui.refusals import FILE as REFUSALS_FILE
from ui.refusals import RefusalStore
from ui.suggestions import refresh_quietly

log = logging.getLogger(__name__)

READY_WAIT_S = 10.0  # how long a request made during start-up waits before a 503
QUEUE_WAIT_S = 300.0  # the longest a question waits in line before a "busy" error
POLL_S = 0.1


@dataclass(frozen=True)
class QueueEvent:
    """Streamed while a question waits in line: 1 means it is next; ``quick`` when the line is
    a model's, so that the answer without the model could be had at once instead."""

    position: int
    quick: bool = False


@dataclass(frozen=True)
class Admitted:
    """A validated question holding a place in the queue."""

    question: str
    history: tuple[Turn, ...]
    backend: str | None
    article_id: str | None
    ticket: Ticket
    line: str = "extractive"  # the backend whose line the question joined


Disconnected = Callable[[], Awaitable[bool]]
_END = object()


EXTRACTIVE_WORKERS = 4  # answers without a model take milliseconds of CPU each


class AnswerService:
    """Start-up state, rate limits, the answer queue, feedback and refused questions (API and UI)."""

    def __init__(self, pipeline: Pipeline, settings: Settings, ready_wait_s: float = READY_WAIT_S) -> None:
        self.pipeline = pipeline
        self.settings = settings
        self.ready_wait_s = ready_wait_s
        # One line per backend: a quotes-only answer (milliseconds) never waits behind the model.
        self.queues = {
            "extractive": AnswerQueue(settings.queue_size, workers=EXTRACTIVE_WORKERS),
            "local": AnswerQueue(settings.queue_size, workers=settings.model_parallel),
            "openai": AnswerQueue(settings.queue_size, workers=settings.model_parallel),
        }
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self.feedback = FeedbackStore(settings.data_dir / "feedback.sqlite3")
        self.refusals = RefusalStore(settings.data_dir / REFUSALS_FILE)
        self.detail = "starting"
        self.failure = ""
        self._warming: threading.Thread | None = None
        self._suggesting = threading.Lock()

    # -- start-up ---------------------------------------------------------------------------

    def start(
        self, progress: ProgressFactory | None = None, on_done: Callable[[str], None] | None = None
    ) -> None:
        """Build the index if missing and warm the pipeline in a background thread.

        ``on_done`` gets one line when that ends ("ready" or why start-up failed).
        """
        if self.pipeline.ready() or self._warming is not None:
            return
        self._warming = threading.Thread(
            target=self._warm_up, args=(progress, on_done), name="article-qa-warm-up", daemon=True
        )
        self._warming.start()

    def _warm_up(self, progress: ProgressFactory | None, on_done: Callable[[str], None] | None) -> None:
        try:
            self.detail = "checking the search index"
            if self.pipeline.ensure_index(self._tracking(progress)):
                log.info("built the search index")
            self.detail = "loading the model"
            self.pipeline.warm_up(self._tracking(progress), passages="background")
            self.detail = "ready"
            message = "ready"
        except Exception as err:  # any failure must show on /healthz, not kill a thread silently
            log.exception("start-up failed")
            self.failure = str(err) if isinstance(err, ArticleQAError) else f"{type(err).__name__}: {err}"
            self.detail = "failed"
            message = f"start-up failed: {self.failure}"
        if on_done:
            on_done(message)
        if message == "ready":  # readers are served already; this asks the no-model path only
            self._refresh_suggestions(None)

    def refresh_suggestions(self, article_ids: list[str] | None = None) -> threading.Thread:
        """Generate the suggested questions of changed articles (all, or those named) in the background."""
        thread = threading.Thread(
            target=self._refresh_suggestions, args=(article_ids,), name="article-qa-suggestions", daemon=True
        )
        thread.start()
        return thread

    def _refresh_suggestions(self, article_ids: list[str] | None) -> None:
        with self._suggesting:  # one at a time: two would write the same files
            refresh_quietly(self.pipeline, article_ids)

    def _tracking(self, progress: ProgressFactory | None) -> ProgressFactory:
        """A progress factory that also records ``label done/total`` for the status line."""

        def factory(total: int, label: str) -> Callable[[int], None]:
            console = progress(total, label) if progress else None
            done = 0
            self.detail = f"building the search index ({label} 0/{total})"

            def advance(n: int) -> None:
                nonlocal done
                done += n
                self.detail = f"building the search index ({label} {done}/{total})"
                if console:
                    console(n)

            return advance

        return factory

    def status(self) -> dict[str, object]:
        """``{"status": "ready" | "loading" | "failed", "detail": ...}`` plus queue counts."""
        if self.pipeline.ready():
            state = "ready"
        elif self.failure:
            state = "failed"
        else:
            state = "loading"
        detail = self.failure if self.failure else self.detail
        queues = {name: q.stats() for name, q in self.queues.items()}
        return {
            "status": state,
            "detail": detail,
            "queue": queues[self.pipeline.backends.default()],
            "queues": queues,
        }

    async def wait_ready(self, timeout: float | None = None) -> None:
        """Return once the pipeline is ready; raise NotReady after ``timeout`` s, StartupFailed at once."""
        deadline = time.monotonic() + (self.ready_wait_s if timeout is None else timeout)
        while not self.pipeline.ready():
            if self.failure:
                raise StartupFailed(f"The server could not start: {self.failure}")
            if time.monotonic() >= deadline:
                raise NotReady(
                    f"The model is still loading ({self.detail}). Please try again in a few seconds.",
                    retry_after=10,
                )
            await asyncio.sleep(POLL_S)

    # -- questions --------------------------------------------------------------------------

    async def admit(
        self,
        question: str,
        history: Sequence[Turn] = (),
        backend: str | None = None,
        article_id: str | None = None,
    ) -> Admitted:
        """Validate, wait (bounded) for start-up and take a place in line; raises ArticleQAError."""
        text = self.pipeline.validate(question)
        await self.wait_ready()
        if article_id is not None:
            await asyncio.to_thread(self.pipeline.article, article_id)
        name = backend or self.pipeline.backends.default()
        if name not in self.queues:
            raise BackendUnavailable(f"backend must be one of {', '.join(self.queues)}, got {name!r}")
        if name != "extractive" and not await asyncio.to_thread(
            self.pipeline.needs_model, text, history, name, article_id
        ):
            name = "extractive"  # the line of answers without a model; the backend asked stays
        return Admitted(text, tuple(history), backend, article_id, self.queues[name].join(), name)

    @property
    def queue(self) -> AnswerQueue:
        """The line in front of the default backend."""
        return self.queues[self.pipeline.backends.default()]

    async def run(
        self, admitted: Admitted, disconnected: Disconnected | None = None
    ) -> AsyncIterator[QueueEvent | StreamEvent]:
        """A QueueEvent whenever the place in line changes, then the pipeline's events.

        The place in line is always given back: on completion, on errors, and when the caller
        stops iterating (a client that went away).
        """
        ticket = admitted.ticket
        running = False
        loop = asyncio.get_running_loop()
        turn = asyncio.Event()

        def wake() -> None:  # called by the queue, from any thread, when the slot is ours to take
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody is waiting
                loop.call_soon_threadsafe(turn.set)

        ticket.on_turn = wake
        try:
            deadline = time.monotonic() + QUEUE_WAIT_S
            last, polls = 0, 0
            while True:
                turn.clear()  # before trying: a wake-up after a failed try is never lost
                if ticket.try_start():
                    break
                position = ticket.position()
                if position != last:
                    last = position
                    yield QueueEvent(position, quick=admitted.line != "extractive")
                if time.monotonic() > deadline:
                    raise QueueFull("The service is busy: your question waited too long.", retry_after=30)
                polls += 1
                if disconnected is not None and polls % 10 == 0 and await disconnected():
                    return
                with contextlib.suppress(TimeoutError):  # poll anyway: positions, stale tickets
                    await asyncio.wait_for(turn.wait(), POLL_S)
            running = True
            async for event in self._stream(admitted):
                yield event
        finally:
            if not running:
                ticket.finish()

    async def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        backend: str | None = None,
        article_id: str | None = None,
        disconnected: Disconnected | None = None,
    ) -> Answer:
        """Admit and run one question; return the final answer."""
        admitted = await self.admit(question, history, backend, article_id)
        final: Answer | None = None
        async for event in self.run(admitted, disconnected):
            if isinstance(event, AnswerEvent):
                final = event.answer
        if final is None:
            if disconnected is not None and await disconnected():
                raise ClientGone("the client went away while waiting in line")
            raise RuntimeError("the pipeline produced no answer")
        return final

    async def _stream(self, admitted: Admitted) -> AsyncIterator[StreamEvent]:
        """Run ``Pipeline.stream`` in a worker thread that gives the slot back when it stops."""
        loop = asyncio.get_running_loop()
        inbox: asyncio.Queue[object] = asyncio.Queue()
        stop = threading.Event()

        def post(item: object) -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody is listening
                loop.call_soon_threadsafe(inbox.put_nowait, item)

        def produce() -> None:
            final: Answer | None = None
            try:
                events = self.pipeline.stream(
                    admitted.question, admitted.history, admitted.backend, admitted.article_id
                )
                for event in events:
                    if stop.is_set():
                        break
                    post(event)
                    if isinstance(event, AnswerEvent):
                        final = event.answer
            except Exception as err:  # handed to the request that asked
                post(err)
            finally:
                admitted.ticket.finish()
                post(_END)
            if final is not None and final.abstained:  # after the reader has the answer
                self.refusals.add(final.question, final.language, final.article_id, final.backend)

        threading.Thread(target=produce, name="article-qa-answer", daemon=True).start()
        try:
            while True:
                item = await inbox.get()
                if item is _END:
                    return
                if isinstance(item, Exception):
                    raise item
                yield item  # type: ignore[misc]
        finally:
            stop.set()
