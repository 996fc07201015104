"""The Gradio chat: a thin wrapper over ``AnswerService`` (and so over ``Pipeline.stream``).

``build_app(pipeline, settings)`` only lays out components and wires events; it does no work
and launches nothing, so tests can build it. ``ui.server`` mounts it at ``/`` with ``CSS`` and
``THEME``. The conversation lives in a ``gr.State`` list of exchanges (the raw question, the
answer dict, any error); the chatbot only ever shows HTML rendered from it by ``ui.render``,
so a question like ``<img src=x onerror=...>`` is shown as text, never run.

Named API endpoint: ``/ask`` (``gradio_client.Client(url).predict(question, api_name="/ask")``)
returns the same answer dict as ``POST /api/ask``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

import gradio as gr

from core.articles import default_article
from core.errors import ArticleQAError
from core.settings import Settings
from core.types import AnswerEvent, SourcesEvent, TokenEvent, Turn
from rag.backends import local_available
from rag.pipeline import Pipeline
from ui import render
from ui.clients import TrustedProxies
from ui.errors import NotReady
from ui.service import AnswerService, QueueEvent
from ui.suggestions import suggestions_for

log = logging.getLogger(__name__)

EXAMPLES = (  # when the shipped article has no suggested questions (ui/data/suggestions/)
    "When was the CA–Russia summit?",
    "Кога Токаев посети Япония?",
    "Who wrote the article?",
    "Какво подписаха Казахстан и Русия?",
)
QUESTION_LABEL = "Your question about the article"
LOADING_WAIT_S = 180.0  # how long a question asked during start-up waits for the model
THEME = gr.themes.Soft(
    primary_hue="indigo",
    font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "monospace"],
).set(  # text contrast of at least 4.5:1 in light and dark (axe-core checks it in the tests)
    button_primary_background_fill="*primary_700",
    button_primary_background_fill_hover="*primary_800",
    button_primary_background_fill_dark="*primary_700",
    button_primary_background_fill_hover_dark="*primary_800",
    button_primary_text_color="white",
    button_primary_text_color_dark="white",
    body_text_color_subdued="*neutral_600",
    body_text_color_subdued_dark="*neutral_300",
    block_label_text_color="*neutral_700",
    block_label_text_color_dark="*neutral_200",
    block_info_text_color="*neutral_700",
    block_info_text_color_dark="*neutral_200",
    block_title_text_color="*neutral_700",
    block_title_text_color_dark="*neutral_200",
)
CSS = """
#aqa-app { max-width: 1180px; margin: 0 auto; }
.aqa-header h1 { font-size: 1.5rem; margin: 0 0 .2rem; }
.aqa-header .aqa-title { font-weight: 600; margin: 0; }
.aqa-header .aqa-facts { color: var(--body-text-color-subdued); font-size: .85rem; margin: .2rem 0 0; }
.aqa-status { display: flex; align-items: center; gap: .5rem; padding: .45rem .75rem; border-radius: 8px;
  font-size: .9rem; background: var(--background-fill-secondary); }
.aqa-status-loading, .aqa-status-waiting { background: #fff7ed; color: #9a3412; }
.aqa-status-error { background: #fef2f2; color: #991b1b; }
.aqa-spinner { width: .9rem; height: .9rem; border: 2px solid currentColor; border-right-color: transparent;
  border-radius: 50%; animation: aqa-spin .8s linear infinite; flex: none; }
@keyframes aqa-spin { to { transform: rotate(360deg); } }
.aqa-sources h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
.aqa-source-list { padding-left: 0; list-style: none; margin: 0; display: flex; flex-direction: column;
  gap: .6rem; }
.aqa-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .6rem .75rem;
  scroll-margin-top: 1rem; }
.aqa-source:target { outline: 3px solid var(--color-accent); }
.aqa-source-head { font-size: .8rem; color: var(--body-text-color-subdued); margin-bottom: .25rem; }
.aqa-source-n { font-weight: 700; color: #4338ca; }
.aqa-source-text { margin: 0; line-height: 1.55; font-size: .92rem; }
.aqa-source mark.aqa-quote { background: #fde68a; color: #111827; padding: 0 .1em; border-radius: 3px; }
.dark .aqa-source-n, .dark a.aqa-cite { color: #a5b4fc; }
.aqa-retrieved { opacity: .85; }
.aqa-muted { color: var(--body-text-color-subdued); font-size: .9rem; }
a.aqa-cite { font-weight: 700; text-decoration: none; }
@media (max-width: 720px) {
  #aqa-chat { height: 60vh !important; }
  .aqa-header h1 { font-size: 1.2rem; }
  /* on a phone the sources come right after the answer, before the controls and examples */
  #aqa-main { flex-direction: column; }
  #aqa-left, #aqa-right { display: contents; }
  #aqa-chat { order: 1; }
  #aqa-sources { order: 2; }
  #aqa-ask-row { order: 3; }
  #aqa-reason-row { order: 4; }
  #aqa-controls { order: 5; }
  #aqa-examples { order: 6; }
}
@media (prefers-reduced-motion: reduce) {
  .aqa-spinner { animation: none; }
  #aqa-app *, #aqa-app *::before, #aqa-app *::after {
    transition: none !important; scroll-behavior: auto !important; }
}
"""


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
        """Stream one answer into the chat: (chatbot, turns, sources, status, textbox)."""
        text = (text or "").strip()
        if not text:
            yield gr.skip(), gr.skip(), gr.skip(), render.status_html("error", "Please type a question."), ""
            return
        history = _history(turns)
        turns = [*turns, {"question": text, "answer": None, "partial": "", "error": ""}]
        current = turns[-1]
        sources = gr.skip()
        started = time.perf_counter()
        yield _messages(turns), turns, sources, render.status_html("working", "Searching the article…"), ""
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
                    yield gr.skip(), gr.skip(), gr.skip(), self.status(), gr.skip()
            choice = backend if backend in self.backends else None
            admitted = await self.service.admit(text, history, choice, None)
            async for event in self.service.run(admitted):
                if isinstance(event, QueueEvent):
                    note = f"Waiting in line: you are number {event.position}."
                    yield gr.skip(), gr.skip(), gr.skip(), render.status_html("waiting", note), gr.skip()
                elif isinstance(event, SourcesEvent):
                    sources = render.retrieved_html([asdict(p) for p in event.passages])
                    status = render.status_html("working", "Writing the answer…")
                    yield gr.skip(), gr.skip(), sources, status, gr.skip()
                elif isinstance(event, TokenEvent):
                    current["partial"] += event.text
                    yield _messages(turns), gr.skip(), gr.skip(), gr.skip(), gr.skip()
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
        yield _messages(turns), turns, sources, status, gr.skip()

    async def retry(
        self, turns: list[dict[str, Any]], backend: str, request: gr.Request
    ) -> AsyncIterator[tuple[Any, ...]]:
        """Ask the last question again (its old answer is dropped)."""
        if not turns:
            nothing = render.status_html("ready", "Nothing to retry yet.")
            yield gr.skip(), gr.skip(), gr.skip(), nothing, gr.skip()
            return
        async for update in self.respond(turns[-1]["question"], turns[:-1], backend, request):
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


def backend_choices(settings: Settings) -> list[tuple[str, str]]:
    """(label, value) for each backend that can answer here."""
    choices = [("Quotes only", "extractive")]
    if local_available():
        choices.insert(0, ("Local model", "local"))
    if settings.openai_base_url and settings.openai_model:
        choices.append(("OpenAI-compatible", "openai"))
    return choices


def build_app(
    pipeline: Pipeline,
    settings: Settings,
    service: AnswerService | None = None,
    proxies: TrustedProxies | None = None,
) -> gr.Blocks:
    """The chat app (not launched); pass ``service`` to share its queue with the HTTP API."""
    service = service or AnswerService(pipeline, settings)
    choices = backend_choices(settings)
    default = pipeline.backends.default()
    chat = Chat(service, choices, proxies or TrustedProxies(settings.trusted_proxies))
    examples = suggested_questions(default_article().id)

    with gr.Blocks(title="Ask the article", analytics_enabled=False, elem_id="aqa-app") as demo:
        turns = gr.State([])
        feedback_id = gr.State(None)
        header = gr.HTML(render.header_html(None), elem_id="aqa-header")
        status = gr.HTML(chat.status(), elem_id="aqa-status")
        with gr.Row(equal_height=False, elem_id="aqa-main"):
            with gr.Column(scale=3, min_width=300, elem_id="aqa-left"):
                chatbot = gr.Chatbot(
                    elem_id="aqa-chat",
                    label="Conversation",
                    height=520,
                    sanitize_html=True,
                    render_markdown=True,
                    latex_delimiters=[],
                    allow_tags=False,
                    line_breaks=True,
                    feedback_options=("Like", "Dislike"),
                    buttons=["copy"],
                    placeholder="Answers quote the article; click a marker like [1] to see the source.",
                    examples=[{"text": q} for q in examples[:4]],
                )
                with gr.Row(elem_id="aqa-ask-row"):
                    question = gr.Textbox(
                        elem_id="aqa-question",
                        label=QUESTION_LABEL,
                        show_label=False,
                        placeholder="Ask about the article… / Попитайте нещо за статията…",
                        max_lines=4,
                        max_length=settings.max_question_chars,
                        scale=5,
                        autofocus=True,
                    )
                    send = gr.Button("Ask", variant="primary", elem_id="aqa-ask", scale=1, min_width=80)
                with gr.Row(visible=False, elem_id="aqa-reason-row") as reason_row:
                    reason = gr.Textbox(
                        label="What was wrong with this answer? (optional)",
                        show_label=False,
                        placeholder="What was wrong with this answer? (optional)",
                        max_length=2000,
                        scale=5,
                        elem_id="aqa-reason",
                    )
                    reason_send = gr.Button("Send note", scale=1, min_width=80, elem_id="aqa-reason-send")
                with gr.Row(elem_id="aqa-controls"):
                    backend = gr.Dropdown(
                        choices=choices,
                        value=default if default in {v for _, v in choices} else choices[0][1],
                        label="Answer with",
                        scale=2,
                        min_width=150,
                        elem_id="aqa-backend",
                    )
                    retry = gr.Button("↻ Retry", scale=1, min_width=70, elem_id="aqa-retry")
                    clear = gr.Button("✕ Clear", scale=1, min_width=70, elem_id="aqa-clear")
                gr.Examples(examples, inputs=question, label="Suggested questions", elem_id="aqa-examples")
            with gr.Column(scale=2, min_width=280, elem_id="aqa-right"):
                sources = gr.HTML(render.sources_placeholder(), elem_id="aqa-sources")
        timer = gr.Timer(1.0)

        answer_outputs = [chatbot, turns, sources, status, question]
        gr.on(
            [question.submit, send.click],
            chat.respond,
            [question, turns, backend],
            answer_outputs,
            trigger_mode="once",
            api_visibility="private",
        )
        chatbot.example_select(_example, None, question, queue=False, api_visibility="private").then(
            chat.respond, [question, turns, backend], answer_outputs, api_visibility="private"
        )
        for trigger in (retry.click, chatbot.retry):
            trigger(chat.retry, [turns, backend], answer_outputs, api_visibility="private")
        quick: dict[str, Any] = {"queue": False, "api_visibility": "private"}
        for trigger in (clear.click, chatbot.clear):
            trigger(_clear, None, [chatbot, turns, sources, status, reason_row], **quick)
        chatbot.like(chat.like, turns, [status, reason_row, feedback_id], **quick)
        chatbot.select(chat.show_sources, turns, sources, api_visibility="private")
        gr.on(
            [reason.submit, reason_send.click],
            chat.reason,
            [feedback_id, reason],
            [status, reason_row, feedback_id, reason],
            queue=False,
            api_visibility="private",
        )
        timer.tick(chat.poll, None, [status, header, timer], queue=False, api_visibility="private")
        demo.load(chat.poll, None, [status, header, timer], queue=False, api_visibility="private")
        gr.api(chat.ask_api, api_name="ask", concurrency_limit=None)
    demo.queue(default_concurrency_limit=None, max_size=max(16, 4 * settings.queue_size))
    return demo


def suggested_questions(article_id: str) -> list[str]:
    """The article's suggested questions, a few per language (en, bg, ru), else ``EXAMPLES``."""
    per_language = suggestions_for(article_id)
    if not per_language:
        return list(EXAMPLES)
    rows = [per_language.get(lang, []) for lang in ("en", "bg", "ru")]
    return [q for round_ in zip(*rows, strict=False) for q in round_ if q][:9]


def _example(data: gr.SelectData) -> str:
    value = data.value
    return str(value.get("text", "")) if isinstance(value, dict) else str(value)


def _clear() -> tuple[Any, ...]:
    ready = render.status_html("ready", "Cleared. Ask a new question.")
    return [], [], render.sources_placeholder(), ready, gr.update(visible=False)


def _history(turns: list[dict[str, Any]]) -> list[Turn]:
    """The earlier exchanges that have an answer, as pipeline turns."""
    history: list[Turn] = []
    for t in turns:
        if t.get("answer"):
            history += [Turn("user", t["question"]), Turn("assistant", t["answer"]["answer"])]
    return history


def _messages(turns: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The chatbot's messages, rendered from the exchanges (user at 2k, assistant at 2k+1)."""
    out: list[dict[str, str]] = []
    for t in turns:
        out.append({"role": "user", "content": render.question_message(t["question"])})
        answer = t.get("answer")
        if answer:
            cited = [int(c["n"]) for c in answer["citations"]]
            content = render.answer_message(answer["answer"], cited, answer.get("notice", ""))
        elif t.get("error"):
            content = render.error_message(t["error"])
        elif t.get("partial"):
            content = render.answer_message(t["partial"], streaming=True)
        else:
            content = "<em>Searching the article…</em>"
        out.append({"role": "assistant", "content": content})
    return out
