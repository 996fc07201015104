"""Index changes over HTTP, for whoever holds the admin token (the CLI needs none).

    POST   /api/admin/articles        {id, text, metadata?} -> 201 {article_id, added, removed, kept}
    DELETE /api/admin/articles/{id}   -> 200 {article_id, removed}
    GET    /api/admin/feedback?format=json|csv&article_id=   readers' ratings, for the newsroom
    GET    /api/admin/articles/{id}/quality?format=html|json  the editors' quality page (ui.quality)

All need ``Authorization: Bearer <ARTICLE_QA_ADMIN_TOKEN>``, compared in constant time and
never logged. With no token configured they are off (403 saying how to turn them on); a missing
or wrong token gets 401. The check runs before the body is even parsed. Browsers on other
origins cannot call them: the CORS pre-flight allows neither DELETE nor an Authorization header.
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import ConfigDict, Field
from starlette.datastructures import Headers
from starlette.types import Scope

from core.articles import MAX_ARTICLE_BYTES, check_text, validate_article_id
from core.types import Article
from ui import quality
from ui.errors import AdminDisabled, NotAuthorized
from ui.guards import MAX_BODY_BYTES
from ui.schemas import ErrorOut, Input
from ui.service import AnswerService

PREFIX = "/api/admin/"
# The quality page is seen in a browser tab after curl saved it: nothing in it may run or load.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}
MAX_ADMIN_BODY_BYTES = 4 * MAX_ARTICLE_BYTES  # an article's JSON, escapes included
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in [
        (401, "missing or wrong admin token"),
        (403, "admin endpoints are off (no ARTICLE_QA_ADMIN_TOKEN)"),
        (404, "no such article"),
        (422, "invalid article or request body"),
    ]
}


class AdminAuth:
    """Checks ``Authorization: Bearer <token>`` against the configured admin token."""

    def __init__(self, token: str) -> None:
        self._token = token.encode("utf-8")

    @property
    def enabled(self) -> bool:
        """False when no admin token is configured."""
        return bool(self._token)

    def allows(self, authorization: str | None) -> bool:
        """True for the right bearer token (constant-time comparison)."""
        if not self._token or not authorization:
            return False
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(given.strip().encode("utf-8", "replace"), self._token)

    def check(self, request: Request) -> None:
        """Raise AdminDisabled or NotAuthorized unless the request carries the right token."""
        if not self.enabled:
            raise AdminDisabled(
                "Index changes over HTTP are disabled on this server. Use 'article-qa index add' / "
                "'article-qa index remove', or set ARTICLE_QA_ADMIN_TOKEN to enable the admin API."
            )
        if not self.allows(request.headers.get("authorization")):
            raise NotAuthorized("This needs the admin token: send 'Authorization: Bearer <token>'.")

    def body_limit(self, scope: Scope) -> int:
        """The request body limit: larger only for admin calls that carry the right token."""
        if str(scope["path"]).startswith(PREFIX) and self.allows(Headers(scope=scope).get("authorization")):
            return MAX_ADMIN_BODY_BYTES
        return MAX_BODY_BYTES


class Metadata(Input):
    """An article's metadata (all optional)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(default="", max_length=500)
    language: str = Field(default="", max_length=16)
    date: str = Field(default="", max_length=32)
    author: str = Field(default="", max_length=500)
    source: str = Field(default="", max_length=500)
    url: str = Field(default="", max_length=2000)
    about: dict[str, str] = Field(default_factory=dict, max_length=20, description="summary per language")


class ArticleIn(Input):
    """An article to add, or to update when its id is indexed already."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(max_length=128, description="lowercase letters, digits, '.', '_' or '-'")
    text: str = Field(max_length=MAX_ARTICLE_BYTES, description="UTF-8 text, paragraphs split by blank lines")
    metadata: Metadata = Field(default_factory=Metadata)


def add_admin_routes(app: FastAPI, service: AnswerService, auth: AdminAuth) -> None:
    """The index changes, the feedback export and the quality page, behind ``auth``."""
    guard = [Depends(auth.check)]
    pipeline, feedback = service.pipeline, service.feedback

    @app.get(
        "/api/admin/articles/{article_id}/quality",
        tags=["admin"],
        dependencies=guard,
        responses={200: {"content": {"text/html": {}, "application/json": {}}}, **_ERRORS},
    )
    async def article_quality(
        article_id: str,
        format: Literal["html", "json"] = Query("html", description="html (default) or json"),
    ) -> Response:
        """One article's latest evaluation, readers' ratings and refused questions (admin token)."""
        article = await asyncio.to_thread(pipeline.article, validate_article_id(article_id))
        data = await asyncio.to_thread(
            quality.report, article, service.settings.data_dir, feedback, service.refusals
        )
        if format == "json":
            return JSONResponse(data, headers={"Cache-Control": "no-store"})
        return HTMLResponse(quality.page(data), headers=PAGE_HEADERS)

    @app.get("/api/admin/feedback", tags=["admin"], dependencies=guard, responses=_ERRORS)
    async def export_feedback(
        format: Literal["json", "csv"] = Query("json", description="json (default) or csv"),
        article_id: str = Query("", max_length=128, description="only this article's ratings"),
    ) -> Response:
        """Every reader rating (yes / not sure / no: up / unsure / down), oldest first (admin token)."""
        if article_id:
            validate_article_id(article_id)
        headers = {"Cache-Control": "no-store"}
        if format == "csv":
            text = await asyncio.to_thread(feedback.export_csv, article_id)
            headers["Content-Disposition"] = 'attachment; filename="feedback.csv"'
            return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
        rows = await asyncio.to_thread(feedback.export, article_id)
        return JSONResponse({"feedback": rows}, headers=headers)

    @app.post("/api/admin/articles", tags=["admin"], status_code=201, dependencies=guard, responses=_ERRORS)
    async def put_article(body: ArticleIn) -> JSONResponse:
        """Add or update one article (needs the admin token)."""
        article_id = validate_article_id(body.id)
        meta = body.metadata
        article = Article(
            id=article_id,
            text=check_text(body.text, article_id),
            title=meta.title,
            language=meta.language,
            date=meta.date,
            author=meta.author,
            source=meta.source,
            url=meta.url,
            about=dict(meta.about),
        )
        change = await asyncio.to_thread(pipeline.add, article)
        service.refresh_suggestions([article_id])
        counts = {"added": change.added, "removed": change.removed, "kept": change.kept}
        return JSONResponse({"article_id": article_id, **counts}, status_code=201)

    @app.delete("/api/admin/articles/{article_id}", tags=["admin"], dependencies=guard, responses=_ERRORS)
    async def delete_article(article_id: str) -> JSONResponse:
        """Remove one article and its chunks (needs the admin token)."""
        removed = await asyncio.to_thread(pipeline.remove, validate_article_id(article_id))
        return JSONResponse({"article_id": article_id, "removed": removed})
