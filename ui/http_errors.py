"""The error handlers of the HTTP app: every error is JSON ``{"error": ClassName, "message": text}``.

``ArticleQAError`` keeps its own status (and ``Retry-After``); a body that fails validation is
422 ``InvalidRequest`` naming each bad field; Starlette's HTTP errors keep their status; anything
unexpected is a logged 500 whose message gives nothing away.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from core.errors import ArticleQAError
from ui.errors import InvalidRequest
from ui.guards import json_error

log = logging.getLogger(__name__)

_UNPARSED = "There was an error parsing the body"  # FastAPI's words for non-UTF-8 or too deep


def add_error_handlers(app: FastAPI) -> None:
    """Turn every exception a route raises into one JSON error response."""

    @app.exception_handler(ArticleQAError)
    async def article_qa_error(_: Request, err: ArticleQAError) -> JSONResponse:
        return json_error(err)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, err: RequestValidationError) -> JSONResponse:
        return json_error(InvalidRequest(describe(err)))

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, err: HTTPException) -> JSONResponse:
        if err.status_code == 400 and err.detail == _UNPARSED:
            return json_error(InvalidRequest("Invalid request: the body is not valid UTF-8 JSON"))
        body = {"error": f"HTTP{err.status_code}", "message": str(err.detail)}
        return JSONResponse(body, status_code=err.status_code, headers=getattr(err, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, err: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=err)
        body = {"error": "InternalError", "message": "Something went wrong on the server. Please try again."}
        return JSONResponse(body, status_code=500)


def describe(err: RequestValidationError) -> str:
    """One line naming each bad field, e.g. ``history.0.role: Input should be 'user' or 'assistant'``."""
    parts = []
    for e in err.errors()[:5]:
        if e.get("type") == "json_invalid":
            return "Invalid request: the body is not valid JSON"
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts)
