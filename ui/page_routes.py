"""The pages the server itself serves (besides the Gradio chat at ``/``).

GET /widget.js   the embeddable widget, bundled from the ES modules in ui/static/widget/
                 (ETag, revalidated every 5 minutes, loadable from any site)
GET /demo        a news page that embeds it: ?api=BASE (where the widget's API is) and
                 ?article=ID (which article; default the first indexed, else the shipped one)
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import re
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from core.articles import default_article
from core.errors import ArticleQAError
from core.types import Article
from rag.pipeline import Pipeline
from ui.demo_page import render_demo_page
from ui.errors import InvalidRequest
from ui.widget_bundle import bundle

WIDGET_CACHE = "public, max-age=300, must-revalidate"
_API_BASE = re.compile(r"^https?://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(/[A-Za-z0-9._~/-]*)?$")


def add_page_routes(app: FastAPI, pipeline: Pipeline) -> None:
    """``/widget.js`` and ``/demo`` (neither is in the OpenAPI schema)."""

    @app.api_route("/widget.js", methods=["GET", "HEAD"], include_in_schema=False)
    async def widget_js(request: Request) -> Response:
        script, etag = widget()
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
        base = api_base(api) if api else str(request.base_url).rstrip("/")
        shown = await _demo_article(pipeline, article)
        page = render_demo_page(shown.text, shown.metadata(), f"{base}/widget.js", shown.id)
        return HTMLResponse(page, headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@functools.cache
def widget() -> tuple[bytes, str]:
    """The widget, bundled from its modules, and its ETag (a hash of the content), built once."""
    script = bundle(resources.files("ui") / "static" / "widget").encode("utf-8")
    return script, '"' + hashlib.sha256(script).hexdigest()[:32] + '"'


async def _demo_article(pipeline: Pipeline, article_id: str | None) -> Article:
    """The requested article, else the first indexed one, else the shipped one (index still building)."""
    if article_id:
        return await asyncio.to_thread(pipeline.article, article_id)
    try:
        found = await asyncio.to_thread(pipeline.articles)
    except ArticleQAError:
        found = []
    return found[0] if found else default_article()


def api_base(api: str) -> str:
    """A validated ``http(s)://host[:port][/path]`` base for the widget's API (no trailing slash).

    >>> api_base(" http://127.0.0.1:7860/ ")
    'http://127.0.0.1:7860'
    """
    api = api.strip()
    if len(api) > 300 or not _API_BASE.match(api):
        raise InvalidRequest(f"api must be an http(s) URL like http://127.0.0.1:7860, got {api[:80]!r}")
    return api.rstrip("/")
