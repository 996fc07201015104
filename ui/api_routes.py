"""The reader-facing HTTP API under ``/api/`` (and ``/healthz``), all answering through one service.

POST /api/ask            {question, history?, backend?, article_id?, context?} -> Answer JSON
POST /api/ask/stream     server-sent events (``ui.sse``): queue*, sources, token*, answer | error
POST /api/retrieve       {question, article_id?, k?} -> {passages, timings} (no answer, no queue)
GET  /api/articles, /api/articles/{id}, /api/articles/{id}/suggestions
POST /api/feedback       a reader's rating, stored in SQLite
GET  /api/status, /healthz
*    /api/...            anything else: JSON 404 / 405 (never Gradio's page)
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sse_starlette import EventSourceResponse

from core.articles import paragraphs
from core.types import Article, Turn
from rag import language
from rag.pipeline import Pipeline
from rag.questions import with_context
from rag.retrieval import StageTimes
from ui import sse
from ui.errors import ArticleNotChosen
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
from ui.service import AnswerService
from ui.suggestions import suggestions_for, version_of

_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
ERRORS: dict[int | str, dict[str, Any]] = {
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
_STREAM_DOC = {
    "content": {"text/event-stream": {}},
    "description": "events: queue {position} while waiting, sources {passages, "
    "standalone_question}, token {text}, answer <AnswerOut>, or error {error, message, status}",
}


def add_api_routes(app: FastAPI, service: AnswerService) -> None:
    """The routes above; ``/api/{rest}`` catches the rest, so add other ``/api/`` routes first."""
    _add_question_routes(app, service)
    _add_article_routes(app, service)
    _add_service_routes(app, service)


def _add_question_routes(app: FastAPI, service: AnswerService) -> None:
    pipeline = service.pipeline
    limit = service.settings.max_question_chars

    @app.post("/api/ask", tags=["questions"], responses={200: {"model": AnswerOut}, **ERRORS})
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
        responses={200: _STREAM_DOC, **ERRORS},
    )
    async def ask_stream(body: AskRequest, request: Request) -> EventSourceResponse:
        """The same answer as server-sent events: sources first, then tokens, then the answer."""
        article_id = await _article_id(pipeline, body.article_id)
        question = _question(body, limit)
        admitted = await service.admit(question, _turns(body.history), body.backend, article_id)
        stream = sse.events(service, admitted, request.is_disconnected)
        return EventSourceResponse(stream, ping=15, headers={"Cache-Control": "no-store"})

    @app.post("/api/retrieve", tags=["questions"], responses={200: {"model": RetrieveOut}, **ERRORS})
    async def retrieve(body: RetrieveRequest) -> JSONResponse:
        """The passages hybrid retrieval finds for a question, with per-stage timings; no answer.

        Retrieval needs no model, so it does not wait in the answer queue.
        """
        question = pipeline.validate(body.question)
        await service.wait_ready()
        times = StageTimes()
        found = await asyncio.to_thread(pipeline.retrieve, question, body.k, body.article_id, times)
        return JSONResponse({"passages": [asdict(p) for p in found], "timings": times.to_dict()})

    @app.post("/api/feedback", tags=["feedback"], status_code=201, responses=ERRORS)
    async def feedback(body: FeedbackRequest) -> JSONResponse:
        """Store a reader's rating of an answer (with the question, answer and citations)."""
        saved = await asyncio.to_thread(
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


def _add_article_routes(app: FastAPI, service: AnswerService) -> None:
    pipeline = service.pipeline

    @app.get("/api/articles", tags=["articles"], responses=ERRORS)
    async def articles() -> JSONResponse:
        """The indexed articles (metadata only)."""
        found = await asyncio.to_thread(pipeline.articles)
        return JSONResponse({"articles": [a.metadata() for a in found]})

    @app.get("/api/articles/{article_id}", tags=["articles"], responses=ERRORS)
    async def article(article_id: str) -> JSONResponse:
        """One article: metadata, text, and paragraphs as ``{n, start, end}`` offsets into the text."""
        found: Article = await asyncio.to_thread(pipeline.article, article_id)
        spans = [asdict(p) for p in paragraphs(found.text)]
        return JSONResponse({**found.metadata(), "text": found.text, "paragraphs": spans})

    @app.get(
        "/api/articles/{article_id}/suggestions",
        tags=["articles"],
        responses={200: {"model": SuggestionsOut}, **ERRORS},
    )
    async def suggestions(article_id: str) -> JSONResponse:
        """3–5 short questions per language (en, bg, ru) that the article answers; none if unknown."""
        found: Article = await asyncio.to_thread(pipeline.article, article_id)
        version = version_of(found, pipeline.settings)
        questions = await asyncio.to_thread(suggestions_for, found.id, pipeline.settings.data_dir, version)
        body = {"article_id": found.id, "suggestions": questions}
        return JSONResponse(body, headers={"Cache-Control": "public, max-age=300"})


def _add_service_routes(app: FastAPI, service: AnswerService) -> None:
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


def _turns(history: list[TurnIn]) -> list[Turn]:
    return [Turn(t.role, t.content) for t in history]


async def _article_id(pipeline: Pipeline, article_id: str | None) -> str | None:
    """``article_id``; for an empty one (a widget without data-article), the only indexed article."""
    if article_id != "":
        return article_id
    found = await asyncio.to_thread(pipeline.articles)
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
