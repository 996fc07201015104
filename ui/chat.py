"""The Gradio chat's event handlers: one ``Chat`` bound to the shared ``AnswerService``.

Each handler takes the conversation (a ``gr.State`` list of exchanges: the raw question, the
answer dict, the text streamed so far, any error) and returns or yields updates of the
components ``ui.app`` wires it to; what the chatbot shows is rendered from that state by
``ui.render``. ``respond`` streams one answer (place in line, sources, verified text, the
answer); the others retry, show an earlier answer's sources, store ratings, and serve the
named API endpoint ``/ask``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

import gradio as gr

from core.errors import ArticleQAError
from core.types import AnswerEvent, SourcesEvent, TokenEvent, Turn
from ui import render
from ui.clients import TrustedProxies
from ui.errors import NotReady
from ui.service import AnswerService, QueueEvent

log = logging.getLogger(__name__)

LOADING_WAIT_S = 180.0  # how long a question asked during start-up waits for the model
QUICK_BACKEND = "extractive"  # the answer without the model: milliseconds, never waits behind it


class Chat:
    """The event handlers of the app, bound to one service."""

    def __init__(
        self, service: AnswerService, backends: list[tuple[str, str]], proxies: TrustedProxies | None = None
    ) -> None:
        self.service = service
        self.backends = {value for _, value in backends}
        self.proxies = proxies or TrustedProxies()

    # -- status -----------------------------------------------------------------------------

    def status(self) -> str:
        """The status line for the current start-up state."""
        state = self.service.status()
        if state["status"] == "ready":
            return render.status_html("ready", "Ready: ask a question about the article.")
        if state["status"] == "failed":
            return render.status_html("error", f"The server could not start: {state['detail']}")
        return render.status_html("loading", f"Loading model… {state['detail']}")

    async def poll(self) -> tuple[str, str, gr.Timer]:
        """Timer tick: status and header; the timer stops once the model is ready (or failed)."""
        status = self.service.status()["status"]
        header = render.header_html(await self._first_article()) if status == "ready" else gr.skip()
        return self.status(), header, gr.Timer(active=status == "loading")

    async def _first_article(self) -> Any:
        try:
            articles = await asyncio.to_thread(self.service.pipeline.articles)
        except ArticleQAError:
            return None
        return articles[0] if articles else None

    # -- asking -----------------------------------------------------------------------------

    async def respond(
        self, text: str, turns: list[dict[str, Any]], backend: str, request: gr.Request
    ) -> AsyncIterator[tuple[Any, ...]]:
        """Stream one answer into the chat: (chatbot, turns, sources, status, textbox, quick button)."""
        text = (text or "").strip()
        if not text:
            yield _update(status=render.status_html("error", "Please type a question."), question="")
            return
        history = _history(turns)
        turns = [*turns, {"question": text, "answer": None, "partial": "", "error": ""}]
        current = turns[-1]
        sources = gr.skip()
        started = time.perf_counter()
        searching = render.status_html("working", "Searching the article…")
        yield _update(render.messages(turns), turns, sources, searching, "", gr.update(visible=False))
        choice = backend if backend in self.backends else None
        try:
            self.service.limiter.take(self._client(request))
            waited = 0.0
            while True:
                try:
                    await self.service.wait_ready(timeout=1.0)
                    break
                except NotReady:
                    waited += 1.0
                    if waited > LOADING_WAIT_S:
                        raise
                    yield _update(status=self.status())
            admitted = await self.service.admit(text, history, choice, None)
            async for event in self.service.run(admitted):
                if isinstance(event, QueueEvent):
                    quick = event.quick and event.position > 1  # in a model's line, someone ahead
                    yield _update(status=_waiting(event.position, quick), quick=gr.update(visible=quick))
                elif isinstance(event, SourcesEvent):
                    sources = render.retrieved_html([asdict(p) for p in event.passages])
                    status = render.status_html("working", "Writing the answer…")
                    yield _update(sources=sources, status=status, quick=gr.update(visible=False))
                elif isinstance(event, TokenEvent):
                    current["partial"] += event.text
                    yield _update(render.messages(turns))
                elif isinstance(event, AnswerEvent):
                    current["answer"] = event.answer.to_dict()
            if current["answer"] is None:
                raise RuntimeError("the pipeline produced no answer")
            sources = await self._sources(current["answer"])
            took = time.perf_counter() - started
            status = render.status_html("ready", f"Answered in {took:.1f} s. Ask a follow-up question.")
        except ArticleQAError as err:
            current["error"] = str(err)
            status = render.status_html("error", str(err))
        except Exception:  # the chat must survive anything; the log has the details
            log.exception("answering %r failed", text)
            current["error"] = "Something went wrong while answering. Please try again."
            status = render.status_html("error", current["error"])
        yield _update(render.messages(turns), turns, sources, status, quick=gr.update(visible=False))

    async def retry(
        self, turns: list[dict[str, Any]], backend: str, request: gr.Request
    ) -> AsyncIterator[tuple[Any, ...]]:
        """Ask the last question again (its old answer is dropped)."""
        if not turns:
            yield _update(status=render.status_html("ready", "Nothing to retry yet."))
            return
        async for update in self.respond(turns[-1]["question"], turns[:-1], backend, request):
            yield update

    async def quick(self, turns: list[dict[str, Any]], request: gr.Request) -> AsyncIterator[tuple[Any, ...]]:
        """Leave the model's line and answer the waiting question at once without the model.

        ``ui.app`` cancels the waiting ``respond`` on the same click, which gives its place back.
        """
        if not turns or turns[-1]["answer"] or turns[-1]["error"]:
            yield _update(quick=gr.update(visible=False))  # answered meanwhile: nothing to do
            return
        async for update in self.respond(turns[-1]["question"], turns[:-1], QUICK_BACKEND, request):
            yield update

    async def _sources(self, answer: dict[str, Any]) -> str:
        try:
            articles = await asyncio.to_thread(self.service.pipeline.articles)
        except ArticleQAError:
            articles = []
        return render.sources_html(answer, {a.id: a for a in articles})

    async def show_sources(self, turns: list[dict[str, Any]], data: gr.SelectData) -> Any:
        """Clicking an earlier answer shows its sources."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        k = index // 2
        if 0 <= k < len(turns) and turns[k]["answer"]:
            return await self._sources(turns[k]["answer"])
        return gr.skip()

    # -- feedback ---------------------------------------------------------------------------

    def like(self, turns: list[dict[str, Any]], data: gr.LikeData) -> tuple[Any, ...]:
        """Store a like or dislike; a dislike opens the optional reason box."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        k = index // 2
        rating = {True: "up", False: "down"}.get(data.liked) if isinstance(data.liked, bool) else None
        if rating is None or not 0 <= k < len(turns) or not turns[k]["answer"]:
            return gr.skip(), gr.skip(), gr.skip()
        answer = turns[k]["answer"]
        try:
            saved = self.service.feedback.add(
                answer["question"],
                answer["answer"],
                answer["citations"],
                rating,
                backend=answer["backend"],
                article_id=answer["article_id"],
            )
        except ArticleQAError as err:
            return render.status_html("error", str(err)), gr.update(visible=False), None
        if rating == "up":
            return render.status_html("ready", "Thanks for the feedback!"), gr.update(visible=False), saved
        note = "Thanks! What was wrong with this answer? (optional)"
        return render.status_html("ready", note), gr.update(visible=True), saved

    def reason(self, feedback_id: int | None, text: str) -> tuple[Any, ...]:
        """Attach the optional reason to the last dislike."""
        text = (text or "").strip()
        if feedback_id is None or not text:
            return gr.skip(), gr.update(visible=False), None, ""
        try:
            self.service.feedback.set_reason(int(feedback_id), text)
        except ArticleQAError as err:
            return render.status_html("error", str(err)), gr.update(visible=False), None, ""
        return render.status_html("ready", "Thanks, your note was saved."), gr.update(visible=False), None, ""

    def _client(self, request: gr.Request | None) -> str:
        """The client address (the peer, or what a trusted proxy forwarded)."""
        client = getattr(request, "client", None)
        peer = str(getattr(client, "host", "") or "unknown")
        headers = getattr(request, "headers", None) or {}
        return self.proxies.client(peer, headers.get("x-forwarded-for"))

    # -- API --------------------------------------------------------------------------------

    async def ask_api(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        backend: str | None = None,
        article_id: str | None = None,
        request: gr.Request = None,  # type: ignore[assignment]
    ) -> dict[str, Any]:
        """Answer one question; the same answer dict as ``POST /api/ask``."""
        try:
            turns = [Turn(t["role"], t["content"]) for t in history or []]  # type: ignore[arg-type]
        except (KeyError, TypeError) as err:
            raise gr.Error("history must be a list of {role, content} objects") from err
        try:
            if request is not None:
                self.service.limiter.take(self._client(request))
            answer = await self.service.ask(question, turns, backend or None, article_id or None)
        except ArticleQAError as err:
            raise gr.Error(str(err)) from err
        return answer.to_dict()


def _history(turns: list[dict[str, Any]]) -> list[Turn]:
    """The earlier exchanges that have an answer, as pipeline turns."""
    history: list[Turn] = []
    for t in turns:
        if t.get("answer"):
            history += [Turn("user", t["question"]), Turn("assistant", t["answer"]["answer"])]
    return history


def _update(
    chatbot: Any = None,
    turns: Any = None,
    sources: Any = None,
    status: Any = None,
    question: Any = None,
    quick: Any = None,
) -> tuple[Any, ...]:
    """One update of ``respond``'s outputs; what is not given is left as it is."""
    values = (chatbot, turns, sources, status, question, quick)
    return tuple(gr.skip() if v is None else v for v in values)


def _waiting(position: int, quick: bool) -> str:
    """The status line while a question waits in line (1 = next)."""
    if not quick:
        return render.status_html("waiting", f"Waiting in line: you are number {position}.")
    note = (
        f"Waiting for the model: you are number {position} in line. "
        "The quick answer (the article's own words, no model) comes at once."
    )
    return render.status_html("waiting", note)
