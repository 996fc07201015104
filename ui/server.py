"""One server process: the HTTP API, the widget, the demo page and the Gradio chat at ``/``.

    POST /api/ask, /api/ask/stream, /api/retrieve; GET /api/articles[/{id}[/suggestions]];
    POST /api/feedback; GET /api/status, /healthz                     ``ui.api_routes``
    POST /api/admin/articles, DELETE /api/admin/articles/{id},
    GET /api/admin/feedback, GET /api/admin/articles/{id}/quality      ``ui.admin`` (admin token)
    GET  /widget.js, /demo                                             ``ui.page_routes``
    GET  /docs  OpenAPI docs (assets served locally);  /  the Gradio chat (``ui.app``, API /ask)

Every error is JSON ``{"error": ClassName, "message": text}`` with a 4xx/503 status (429 and
503 with ``Retry-After``; ``ui.http_errors``). ``create_app`` does no work; ``serve`` binds the
port, says where it listens, and warms the pipeline in the background while requests already
get answers (503 "loading" after a bounded wait).
"""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import gradio as gr
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from core.errors import ArticleQAError
from core.settings import Settings
from index.build import ProgressFactory
from rag.pipeline import Pipeline
from ui import app as chat_app
from ui import theme
from ui.admin import AdminAuth, add_admin_routes
from ui.api_routes import add_api_routes
from ui.clients import TrustedProxies
from ui.guards import BodyLimit, OriginGuard, OriginPolicy, RateLimit
from ui.http_errors import add_error_handlers
from ui.page_routes import add_page_routes
from ui.service import AnswerService


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
    add_error_handlers(app)
    add_admin_routes(app, service, admin)  # before the API's catch-all route
    add_api_routes(app, service)
    add_page_routes(app, pipeline)
    blocks = chat_app.build_app(pipeline, settings, service, proxies)
    return gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        css=theme.CSS,
        theme=theme.THEME,
        footer_links=["api"],
        run_history=False,
        show_error=True,
    )


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Bind, say where, and serve until interrupted; the index and model load in the background."""
    import uvicorn

    from core.progress import tqdm_progress

    host = host or settings.host
    port = settings.port if port is None else port
    sock = bind(host, port)
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


def bind(host: str, port: int) -> socket.socket:
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
