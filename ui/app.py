"""The Gradio chat page: a thin wrapper over ``AnswerService`` (and so over ``Pipeline.stream``).

``build_app(pipeline, settings)`` only lays out components and wires them to the handlers of
``ui.chat.Chat``; it does no work and launches nothing, so tests can build it. ``ui.server``
mounts it at ``/`` with ``ui.theme``'s CSS and theme. The chatbot only ever shows HTML rendered
by ``ui.render``, so a question like ``<img src=x onerror=...>`` is shown as text, never run.

Named API endpoint: ``/ask`` (``gradio_client.Client(url).predict(question, api_name="/ask")``)
returns the same answer dict as ``POST /api/ask``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from core.articles import default_article
from core.settings import Settings
from rag.backends import local_available
from rag.pipeline import Pipeline
from ui import render
from ui.chat import Chat
from ui.clients import TrustedProxies
from ui.service import AnswerService
from ui.suggestions import suggestions_for, version_of
from ui.theme import CSS, THEME

__all__ = ["CSS", "EXAMPLES", "THEME", "backend_choices", "build_app", "suggested_questions"]

EXAMPLES = (  # when the shipped article has no suggested questions (ui/data/suggestions/)
    "When was the CA–Russia summit?",
    "Кога Токаев посети Япония?",
    "Who wrote the article?",
    "Какво подписаха Казахстан и Русия?",
)
QUESTION_LABEL = "Your question about the article"


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
    shipped, data_dir = default_article(), pipeline.settings.data_dir
    examples = suggested_questions(shipped.id, data_dir, version_of(shipped, pipeline.settings))

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
                quick_answer = gr.Button(  # shown while the question waits behind others for the model
                    "⚡ Get the quick answer now (no model)", visible=False, size="sm", elem_id="aqa-quick"
                )
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

        answer_outputs = [chatbot, turns, sources, status, question, quick_answer]
        asked = gr.on(
            [question.submit, send.click],
            chat.respond,
            [question, turns, backend],
            answer_outputs,
            trigger_mode="once",
            api_visibility="private",
        )
        from_example = chatbot.example_select(
            _example, None, question, queue=False, api_visibility="private"
        ).then(chat.respond, [question, turns, backend], answer_outputs, api_visibility="private")
        retried = [
            trigger(chat.retry, [turns, backend], answer_outputs, api_visibility="private")
            for trigger in (retry.click, chatbot.retry)
        ]
        waiting = [asked, from_example, *retried]  # cancelled on the click: their place is given back
        quick_answer.click(chat.quick, turns, answer_outputs, cancels=waiting, api_visibility="private")
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


def suggested_questions(article_id: str, data_dir: Path | None = None, version: str = "") -> list[str]:
    """The article's suggested questions, a few per language (en, bg, ru), else ``EXAMPLES``."""
    per_language = suggestions_for(article_id, data_dir, version)
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
