"""Servers for the UI tests: the real app (extractive backend, the session's real index) on
real uvicorn servers bound to free loopback ports, plus a plain static server for a second origin.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import uvicorn
from fastapi import FastAPI

from core.settings import Settings

StartServer = Callable[[FastAPI], str]


@contextlib.contextmanager
def _every_slot_taken(queue: object) -> Iterator[list[object]]:
    """Every worker slot of an ``AnswerQueue`` taken (as by questions being answered), given
    back on exit: the extractive backend's line has several workers, so one ticket is not enough."""
    tickets: list[object] = []
    try:
        for _ in range(queue.workers):  # type: ignore[attr-defined]
            ticket = queue.join()  # type: ignore[attr-defined]
            tickets.append(ticket)
            assert ticket.try_start()
        yield tickets
    finally:
        for ticket in tickets:
            ticket.finish()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def busy() -> Callable[[object], contextlib.AbstractContextManager[list[object]]]:
    """``with busy(queue):`` every worker slot of ``queue`` is taken until the block ends."""
    return _every_slot_taken


class LiveServer:
    """uvicorn serving ``app`` in a thread on 127.0.0.1 (a free port); ``url`` has no trailing slash."""

    def __init__(self, app: FastAPI) -> None:
        config = uvicorn.Config(  # as ui.server.serve: X-Forwarded-For is ui.clients' job
            app, host="127.0.0.1", port=0, log_level="warning", lifespan="on", proxy_headers=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn-test", daemon=True)

    def start(self) -> str:
        """Start and wait until it listens."""
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for it."""
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture(scope="session")
def ui_settings(settings: Settings) -> Settings:
    """The session's settings (private data dir, extractive backend) with a generous rate limit."""
    return settings.with_(rate_limit_per_minute=10_000, queue_size=8)


@pytest.fixture(scope="session")
def start_server() -> Iterator[StartServer]:
    """A function that serves an app for the rest of the session and returns its URL."""
    servers: list[LiveServer] = []

    def start(app: FastAPI) -> str:
        server = LiveServer(app)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def live_app(pipeline, ui_settings: Settings) -> FastAPI:
    """The full app: API, widget, demo page and Gradio chat."""
    from ui.server import create_app

    return create_app(pipeline, ui_settings)


@pytest.fixture(scope="session")
def live_url(live_app: FastAPI, start_server: StartServer) -> str:
    """``live_app`` on a real server."""
    return start_server(live_app)


def serve_html(html: bytes) -> tuple[str, ThreadingHTTPServer]:
    """A tiny static server (another origin) that answers every GET with ``html``."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, name="static-origin", daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@pytest.fixture(scope="session")
def other_origin() -> Iterator[Callable[[bytes], str]]:
    """A function that serves a page from a new origin and returns its URL."""
    servers: list[ThreadingHTTPServer] = []

    def start(html: bytes) -> str:
        url, server = serve_html(html)
        servers.append(server)
        return url

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's Chromium driven by Playwright, for the session (skipped when either is missing)."""
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def caret_chromium(chromium) -> Iterator[object]:
    """Chromium with caret browsing on (F7 in Chrome): the arrow keys move a caret through the
    page's text and Shift+arrows select it, as a reader without a mouse selects text."""
    browser = chromium.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--enable-caret-browsing"]
    )
    yield browser
    browser.close()


def _demo_page(server: str, **attributes: str | None) -> bytes:
    """The demo page of ``server`` (the widget talks to it), its script tag's attributes changed.

    ``demo_page(url, article="x")`` sets ``data-article="x"``; ``article=None`` removes it.
    """
    import html
    import re

    import httpx

    page = httpx.get(f"{server}/demo", params={"api": server}, timeout=30).text
    for name, value in attributes.items():
        tag = re.search(r"<script [^>]*widget\.js[^>]*>", page)
        assert tag, "the demo page embeds no widget"
        old = tag[0]
        new = re.sub(rf'\sdata-{name}="[^"]*"', "", old)
        if value is not None:
            new = new.replace("<script ", f'<script data-{name}="{html.escape(value, quote=True)}" ', 1)
        page = page.replace(old, new)
    return page.encode("utf-8")


@pytest.fixture(scope="session")
def demo_page() -> Callable[..., bytes]:
    """``_demo_page``: the demo page's HTML with the widget's script-tag attributes changed."""
    return _demo_page
