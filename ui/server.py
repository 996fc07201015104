"""One server process: the HTTP API, the widget, the demo page and the Gradio chat at ``/``.

    POST /api/ask            {question, history?, backend?, article_id?, context?} -> Answer JSON
    POST /api/ask/stream     server-sent events: queue*, sources, token*, answer | error
    POST /api/retrieve       {question, article_id?, k?} -> {passages, timings} (no answer, no queue)
    GET  /api/articles       the indexed articles' metadata
    GET  /api/articles/{id}  metadata, text and paragraphs [{n, start, end}]
    GET  /api/articles/{id}/suggestions   short questions the article answers, per language
    POST /api/feedback       {question, answer, citations, rating, reason?} -> stored in SQLite
    GET  /api/status         start-up state and queue counts
    POST /api/admin/articles, DELETE /api/admin/articles/{id}   index changes (admin token; ui.admin)
    GET  /healthz            200 {"status": "ready"} once the index and model are loaded, else 503
    GET  /widget.js          the embeddable widget (ES modules in ui/static/widget/, bundled)
    GET  /demo               a news page that embeds it
    GET  /docs               OpenAPI docs (assets served locally);  /  the Gradio chat (/ask)

Every error is JSON ``{"error": ClassName, "message": text}`` with a 4xx/503 status (429 and
503 with ``Retry-After``). ``create_app`` does no work; ``serve`` binds the port, says where
it listens, and warms the pipeline in the background while requests already get answers
(503 "loading" after a bounded wait).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import re
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict
from importlib import resources
from typing import Any

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from sse_starlette import EventSourceResponse
from starlette.exceptions import HTTPException

from core.articles import default_article, paragraphs
from core.errors import ArticleQAError
from core.settings import Settings
from core.types import AnswerEvent, Article, SourcesEvent, StreamEvent, TokenEvent, Turn
from index.build import ProgressFactory
from rag import language
from rag.pipeline import Pipeline
from rag.questions import with_context
from rag.retrieval import StageTimes
from ui import app as chat_app
from ui.admin import AdminAuth, add_admin_routes
from ui.clients import TrustedProxies
from ui.demo_page import render_demo_page
from ui.errors import ArticleNotChosen, InvalidRequest, error_body
from ui.guards import BodyLimit, OriginGuard, OriginPolicy, RateLimit, json_error
from ui.schemas import (
    AnswerOut,
    AskRequest,
    ErrorOut,
    FeedbackRequest,
    RetrieveOut,
    RetrieveRequest,
    SuggestionsOut,
    TurnIn,
)
from ui.service import AnswerService, QueueEvent
from ui.suggestions import suggestions_for
from ui.widget_bundle import bundle

log = logging.getLogger(__name__)

WIDGET_CACHE = "public, max-age=300, must-revalidate"
_API_BASE = re.compile(r"^https?://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(/[A-Za-z0-9._~/-]*)?$")
_UNPARSED = "There was an error parsing the body"
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in [
        (403, "the page's origin is not in ARTICLE_QA_ALLOWED_ORIGINS"),
        (404, "no such article"),
        (413, "request body over 64 KB"),
        (422, "invalid question or request body"),
        (429, "rate limit: see Retry-After"),
        (503, "loading or busy: see Retry-After"),
    ]
}


def create_app(
    pipeline: Pipeline,
    settings: Settings,
    progress: ProgressFactory | None = None,
    on_ready: Callable[[str], None] | None = None,
    warm_up: bool = True,
) -> FastAPI:
    """The FastAPI app with the Gradio chat mounted at ``/``.

    On start-up (the ASGI lifespan) the pipeline is warmed in a background thread unless it is
    ready already or ``warm_up`` is False (tests of the loading state).
    """
    service = AnswerService(pipeline, settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm_up:
            service.start(progress, on_ready)
        yield

    proxies = TrustedProxies(settings.trusted_proxies)
    app = FastAPIOffline(
        title="article-qa",
        version="0.1.0",
        summary="Ask questions about a news article; answers quote it, with citations.",
        lifespan=lifespan,
        redoc_url=None,
    )
    app.state.service = service
    app.add_middleware(RateLimit, limiter=service.limiter, proxies=proxies)
    admin = AdminAuth(settings.admin_token)
    app.add_middleware(BodyLimit, limit_for=admin.body_limit)
    app.add_middleware(OriginGuard, policy=OriginPolicy(settings.allowed_origins))
    _add_error_handlers(app)
    add_admin_routes(
        app, pipeline, admin, service.feedback
    )  # before the API routes, which end in a catch-all
    _add_api_routes(app, service)
    _add_page_routes(app, service)
    blocks = chat_app.build_app(pipeline, settings, service, proxies)
    return gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        css=chat_app.CSS,
        theme=chat_app.THEME,
        footer_links=["api"],
        run_history=False,
        show_error=True,
    )


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ArticleQAError)
    async def article_qa_error(_: Request, err: ArticleQAError) -> JSONResponse:
        return json_error(err)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, err: RequestValidationError) -> JSONResponse:
        return json_error(InvalidRequest(_describe(err)))

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, err: HTTPException) -> JSONResponse:
        if err.status_code == 400 and err.detail == _UNPARSED:  # FastAPI's words for non-UTF-8 or too deep
            return json_error(InvalidRequest("Invalid request: the body is not valid UTF-8 JSON"))
        body = {"error": f"HTTP{err.status_code}", "message": str(err.detail)}
        return JSONResponse(body, status_code=err.status_code, headers=getattr(err, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, err: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=err)
        body = {"error": "InternalError", "message": "Something went wrong on the server. Please try again."}
        return JSONResponse(body, status_code=500)


def _describe(err: RequestValidationError) -> str:
    """One line naming each bad field, e.g. ``history.0.role: Input should be 'user' or 'assistant'``."""
    parts = []
    for e in err.errors()[:5]:
        if e.get("type") == "json_invalid":
            return "Invalid request: the body is not valid JSON"
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts)


def _turns(history: list[TurnIn]) -> list[Turn]:
    return [Turn(t.role, t.content) for t in history]


async def _article_id(pipeline: Pipeline, article_id: str | None) -> str | None:
    """``article_id``; for an empty one (a widget without data-article), the only indexed article."""
    if article_id != "":
        return article_id
    found = await _in_thread(pipeline.articles)
    if len(found) == 1:
        return str(found[0].id)
    if not found:
        return None  # the pipeline says that the index is empty
    ids = ", ".join(a.id for a in found[:10])
    raise ArticleNotChosen(
        f"This server holds {len(found)} articles ({ids}{', …' if len(found) > 10 else ''}), so the "
        'question must name one: add data-article="ID" to the widget\'s script tag (or send article_id).'
    )


def _question(body: AskRequest, limit: int) -> str:
    """The question, asked about the reader's selected passage when there is one."""
    if not body.context.strip():
        return body.question
    return with_context(body.question, body.context, limit, language.detect(body.question))


def _add_api_routes(app: FastAPI, service: AnswerService) -> None:
    pipeline = service.pipeline
    limit = service.settings.max_question_chars

    @app.post("/api/ask", tags=["questions"], responses={200: {"model": AnswerOut}, **_ERRORS})
    async def ask(body: AskRequest, request: Request) -> JSONResponse:
        """Answer one question; the answer quotes the article and cites passages ``[n]``."""
        article_id = await _article_id(pipeline, body.article_id)
        question = _question(body, limit)
        answer = await service.ask(
            question, _turns(body.history), body.backend, article_id, request.is_disconnected
        )
        return JSONResponse(answer.to_dict())

    @app.post(
        "/api/ask/stream",
        tags=["questions"],
        response_class=EventSourceResponse,
        responses={
            200: {
                "content": {"text/event-stream": {}},
                "description": "events: queue {position} while waiting, sources {passages, "
                "standalone_question}, token {text}, answer <AnswerOut>, or error {error, message, status}",
            },
            **_ERRORS,
        },
    )
    async def ask_stream(body: AskRequest, request: Request) -> EventSourceResponse:
        """The same answer as server-sent events: sources first, then tokens, then the answer."""
        article_id = await _article_id(pipeline, body.article_id)
        question = _question(body, limit)
        admitted = await service.admit(question, _turns(body.history), body.backend, article_id)

        async def events() -> AsyncIterator[dict[str, str]]:
            try:
                async for event in service.run(admitted, request.is_disconnected):
                    yield _sse(event)
            except ArticleQAError as err:
                yield {"event": "error", "data": json.dumps({**error_body(err), "status": err.status})}
            except Exception:  # the stream must end with a readable event, whatever happened
                log.exception("streaming an answer failed")
                message = "Something went wrong while answering. Please try again."
                yield {"event": "error", "data": json.dumps({"error": "InternalError", "message": message})}

        return EventSourceResponse(events(), ping=15, headers={"Cache-Control": "no-store"})

    @app.post("/api/retrieve", tags=["questions"], responses={200: {"model": RetrieveOut}, **_ERRORS})
    async def retrieve(body: RetrieveRequest) -> JSONResponse:
        """The passages hybrid retrieval finds for a question, with per-stage timings; no answer.

        Retrieval needs no model, so it does not wait in the answer queue.
        """
        question = pipeline.validate(body.question)
        await service.wait_ready()
        times = StageTimes()
        found = await _in_thread(pipeline.retrieve, question, body.k, body.article_id, times)
        return JSONResponse({"passages": [asdict(p) for p in found], "timings": times.to_dict()})

    @app.get("/api/articles", tags=["articles"], responses=_ERRORS)
    async def articles() -> JSONResponse:
        """The indexed articles (metadata only)."""
        found = await _in_thread(pipeline.articles)
        return JSONResponse({"articles": [a.metadata() for a in found]})

    @app.get("/api/articles/{article_id}", tags=["articles"], responses=_ERRORS)
    async def article(article_id: str) -> JSONResponse:
        """One article: metadata, text, and paragraphs as ``{n, start, end}`` offsets into the text."""
        found: Article = await _in_thread(pipeline.article, article_id)
        spans = [asdict(p) for p in paragraphs(found.text)]
        return JSONResponse({**found.metadata(), "text": found.text, "paragraphs": spans})

    @app.get(
        "/api/articles/{article_id}/suggestions",
        tags=["articles"],
        responses={200: {"model": SuggestionsOut}, **_ERRORS},
    )
    async def suggestions(article_id: str) -> JSONResponse:
        """3–5 short questions per language (en, bg, ru) that the article answers; none if unknown."""
        found: Article = await _in_thread(pipeline.article, article_id)
        body = {"article_id": found.id, "suggestions": suggestions_for(found.id)}
        return JSONResponse(body, headers={"Cache-Control": "public, max-age=300"})

    @app.post("/api/feedback", tags=["feedback"], status_code=201, responses=_ERRORS)
    async def feedback(body: FeedbackRequest) -> JSONResponse:
        """Store a reader's rating of an answer (with the question, answer and citations)."""
        saved = await _in_thread(
            service.feedback.add,
            body.question,
            body.answer,
            [c.model_dump() for c in body.citations],
            body.rating,
            body.reason,
            body.backend,
            body.article_id,
        )
        return JSONResponse({"id": saved, "status": "saved"}, status_code=201)

    @app.get("/api/status", tags=["health"])
    async def status() -> JSONResponse:
        """Start-up state (loading / ready / failed, with detail) and queue counts."""
        return JSONResponse(service.status())

    @app.api_route("/api/{rest:path}", methods=_ALL_METHODS, include_in_schema=False)
    async def api_fallback(request: Request) -> JSONResponse:
        """JSON 404/405 for the rest of /api/ (which would otherwise fall through to Gradio)."""
        path = request.url.path
        allowed = sorted(
            method
            for route in app.routes
            if isinstance(route, APIRoute) and route.path_regex.match(path) and route.name != "api_fallback"
            for method in route.methods or ()
        )
        if allowed:
            body = {"error": "HTTP405", "message": f"{path} accepts {', '.join(allowed)} only"}
            return JSONResponse(body, status_code=405, headers={"Allow": ", ".join(allowed)})
        return JSONResponse(
            {"error": "HTTP404", "message": f"there is no {path}; see /docs"}, status_code=404
        )

    @app.get("/healthz", tags=["health"], responses={503: {"description": "loading or failed"}})
    async def healthz() -> JSONResponse:
        """200 ``{"status": "ready"}`` once the index and model are loaded; 503 before."""
        state = service.status()
        if state["status"] == "ready":
            return JSONResponse({"status": "ready"})
        if state["status"] == "failed":
            return JSONResponse({"status": "failed", "message": state["detail"]}, status_code=503)
        return JSONResponse({"status": "loading"}, status_code=503, headers={"Retry-After": "5"})


@functools.cache
def _widget() -> tuple[bytes, str]:
    """The widget, bundled from its modules, and its ETag (a hash of the content), built once."""
    script = bundle(resources.files("ui") / "static" / "widget").encode("utf-8")
    return script, '"' + hashlib.sha256(script).hexdigest()[:32] + '"'


def _add_page_routes(app: FastAPI, service: AnswerService) -> None:
    @app.api_route("/widget.js", methods=["GET", "HEAD"], include_in_schema=False)
    async def widget_js(request: Request) -> Response:
        script, etag = _widget()
        headers = {
            "Cache-Control": WIDGET_CACHE,
            "ETag": etag,
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Resource-Policy": "cross-origin",
        }
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return Response(script, media_type="text/javascript; charset=utf-8", headers=headers)

    @app.get("/demo", include_in_schema=False)
    async def demo(request: Request, api: str | None = None, article: str | None = None) -> HTMLResponse:
        base = _api_base(api) if api else str(request.base_url).rstrip("/")
        shown = await _demo_article(service.pipeline, article)
        page = render_demo_page(shown.text, shown.metadata(), f"{base}/widget.js", shown.id)
        return HTMLResponse(page, headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


async def _demo_article(pipeline: Pipeline, article_id: str | None) -> Article:
    """The requested article, else the first indexed one, else the shipped one (index still building)."""
    if article_id:
        return await _in_thread(pipeline.article, article_id)
    try:
        found = await _in_thread(pipeline.articles)
    except ArticleQAError:
        found = []
    return found[0] if found else default_article()


def _api_base(api: str) -> str:
    """A validated ``http(s)://host[:port][/path]`` base for the widget's API (no trailing slash)."""
    api = api.strip()
    if len(api) > 300 or not _API_BASE.match(api):
        raise InvalidRequest(f"api must be an http(s) URL like http://127.0.0.1:7860, got {api[:80]!r}")
    return api.rstrip("/")


def _sse(event: QueueEvent | StreamEvent) -> dict[str, str]:
    """One server-sent event as sse-starlette wants it."""
    data: dict[str, Any]
    if isinstance(event, QueueEvent):
        kind, data = "queue", {"position": event.position}
    elif isinstance(event, SourcesEvent):
        passages = [asdict(p) for p in event.passages]
        kind, data = "sources", {"passages": passages, "standalone_question": event.standalone_question}
    elif isinstance(event, TokenEvent):
        kind, data = "token", {"text": event.text}
    elif isinstance(event, AnswerEvent):
        kind, data = "answer", event.answer.to_dict()
    else:
        raise TypeError(f"unknown stream event {event!r}")
    return {"event": kind, "data": json.dumps(data, ensure_ascii=False)}


async def _in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a worker thread (store reads and SQLite writes block)."""
    return await asyncio.to_thread(fn, *args)


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Bind, say where, and serve until interrupted; the index and model load in the background."""
    import uvicorn

    from core.progress import tqdm_progress

    host = host or settings.host
    port = settings.port if port is None else port
    sock = _bind(host, port)
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{sock.getsockname()[1]}"
    print(
        f"article-qa: listening on {url}/  (chat)  ·  {url}/demo  (widget demo)  ·  {url}/docs  (API)\n"
        "article-qa: loading the index and model in the background; /healthz says 'ready' when done",
        flush=True,
    )
    started = time.monotonic()

    def ready(message: str) -> None:
        print(f"article-qa: {message} after {time.monotonic() - started:.0f} s", flush=True)

    app = create_app(Pipeline(settings), settings, progress=tqdm_progress, on_ready=ready)
    # X-Forwarded-For is read by ui.clients, only from ARTICLE_QA_TRUSTED_PROXIES: uvicorn's own
    # reading would believe any local peer.
    config = uvicorn.Config(
        app, lifespan="on", log_level="warning", timeout_graceful_shutdown=5, proxy_headers=False
    )
    uvicorn.Server(config).run(sockets=[sock])


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket, or an ArticleQAError that says why not (e.g. the port is taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as err:
        sock.close()
        raise ArticleQAError(
            f"cannot listen on {host}:{port}: {err.strerror or err}. Pick another with --port."
        ) from err
    sock.set_inheritable(True)
    return sock
