"""What an integrator meets: the article a widget asks about, a selected passage as context,
suggested questions, the documented answer objects, /docs without a network, client addresses
behind a proxy, and the newsroom's feedback export. Real pipeline, real servers, no mocks.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from core.settings import Settings
from rag.pipeline import Pipeline
from rag.questions import CONTEXT
from ui.schemas import AnswerOut, PassageOut, SuggestionsOut
from ui.server import create_app
from ui.suggestions import suggestions_for

ARTICLE = "kazakhstan-diplomacy-2025"
TOKEN = "adm-contract-0123456789abcdef"
SECOND = {
    "id": "rose-festival",
    "text": "Фестивалът на розата\n\nФестивалът на розата в Казанлък започна на 6 юни 2025 г.",
    "metadata": {"title": "Фестивалът на розата", "language": "bg"},
}


@pytest.fixture(scope="module")
def app(pipeline: Pipeline, ui_settings: Settings) -> FastAPI:
    return create_app(pipeline, ui_settings)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def error(response: Any, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == kind, body
    return str(body["message"])


# -- which article ----------------------------------------------------------------------------


def test_an_empty_article_id_means_the_only_indexed_article(client: TestClient) -> None:
    answer = client.post("/api/ask", json={"question": "Who wrote the article?", "article_id": ""}).json()
    assert answer["article_id"] == ARTICLE and answer["citations"]
    streamed = client.post("/api/ask/stream", json={"question": "Who wrote the article?", "article_id": ""})
    assert streamed.status_code == 200 and "event: answer" in streamed.text


def test_with_several_articles_an_empty_article_id_is_a_clear_error(own_pipeline) -> None:
    pipeline = own_pipeline(admin_token=TOKEN, rate_limit_per_minute=10_000)
    client = TestClient(create_app(pipeline, pipeline.settings))
    added = client.post("/api/admin/articles", json=SECOND, headers={"Authorization": f"Bearer {TOKEN}"})
    assert added.status_code == 201, added.text
    message = error(
        client.post("/api/ask", json={"question": "Who?", "article_id": ""}), 422, "ArticleNotChosen"
    )
    assert "2 articles" in message and 'data-article="ID"' in message and ARTICLE in message
    error(
        client.post("/api/ask/stream", json={"question": "Who?", "article_id": ""}), 422, "ArticleNotChosen"
    )
    named = client.post(
        "/api/ask", json={"question": "Кога започна фестивалът?", "article_id": "rose-festival"}
    )
    assert named.status_code == 200 and named.json()["article_id"] == "rose-festival"


# -- a selected passage as context ----------------------------------------------------------------


def test_a_selected_passage_is_asked_about_clearly(client: TestClient) -> None:
    selected = "втората среща на върха „ЦА – Русия“ на 9 октомври в Душанбе"
    answer = client.post("/api/ask", json={"question": "Where was it?", "context": selected}).json()
    before, after = CONTEXT["en"]
    assert answer["question"] == f"{before}{selected}{after}Where was it?"
    assert any("Душанбе" in c["quote"] for c in answer["citations"]), answer


def test_a_long_context_is_cut_to_fit_the_question_limit(pipeline: Pipeline, ui_settings: Settings) -> None:
    client = TestClient(create_app(pipeline, ui_settings.with_(max_question_chars=200)))
    answer = client.post("/api/ask", json={"question": "Кога?", "context": "Душанбе " * 120}).json()
    assert len(answer["question"]) <= 200 and answer["question"].endswith("…“ — Кога?")
    too_long = client.post("/api/ask", json={"question": "x", "context": "y" * 1001})
    error(too_long, 422, "InvalidRequest")


# -- suggested questions --------------------------------------------------------------------------


def test_suggestions_are_served_per_language(client: TestClient) -> None:
    body = client.get(f"/api/articles/{ARTICLE}/suggestions").json()
    SuggestionsOut.model_validate(body)
    assert set(body["suggestions"]) == {"en", "bg", "ru"}
    assert all(3 <= len(qs) <= 5 for qs in body["suggestions"].values())
    error(client.get("/api/articles/no-such-article/suggestions"), 404, "UnknownArticle")


@pytest.mark.parametrize("language", ["en", "bg", "ru"])
def test_every_suggested_question_is_answered_from_the_article(client: TestClient, language: str) -> None:
    for question in suggestions_for(ARTICLE)[language]:
        answer = client.post("/api/ask", json={"question": question, "article_id": ARTICLE}).json()
        assert answer["citations"] and not answer["abstained"], (question, answer)


# -- the documented contract ----------------------------------------------------------------------


def test_the_schema_describes_answers_passages_citations_and_errors(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"AnswerOut", "CitationOut", "PassageOut", "ErrorOut"} <= set(schema["components"]["schemas"])
    ask = schema["paths"]["/api/ask"]["post"]["responses"]
    assert ask["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/AnswerOut")
    assert {"403", "404", "413", "422", "429", "503"} <= set(ask)
    answer = client.post("/api/ask", json={"question": "Who wrote the article?"}).json()
    assert AnswerOut.model_validate(answer).model_dump() == answer  # the real answer fits the schema
    found = client.post("/api/retrieve", json={"question": "Who wrote the article?"}).json()
    assert all(PassageOut.model_validate(p).model_dump() == p for p in found["passages"])


def test_docs_use_only_local_assets(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "cdn.jsdelivr.net" not in page and "unpkg" not in page
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f"/static-offline-docs/{asset}" in page
        assert client.get(f"/static-offline-docs/{asset}").status_code == 200


# -- client addresses behind a proxy --------------------------------------------------------------


def rate_limited_statuses(url: str, forwarded: list[str]) -> list[int]:
    return [
        httpx.get(f"{url}/api/articles", headers={"X-Forwarded-For": f}, timeout=30).status_code
        for f in forwarded
    ]


def test_x_forwarded_for_counts_only_from_a_trusted_proxy(
    pipeline: Pipeline, ui_settings: Settings, start_server
) -> None:
    untrusted = start_server(create_app(pipeline, ui_settings.with_(rate_limit_per_minute=2)))
    # a client that writes its own header still shares the one bucket of its socket address
    assert rate_limited_statuses(untrusted, ["1.1.1.1", "2.2.2.2", "3.3.3.3"]) == [200, 200, 429]
    behind = ui_settings.with_(rate_limit_per_minute=2, trusted_proxies=("127.0.0.0/8",))
    proxied = start_server(create_app(pipeline, behind))
    # behind a trusted proxy each reader has a bucket; a spoofed hop before the real one is ignored
    statuses = rate_limited_statuses(
        proxied, ["1.1.1.1", "1.1.1.1", "1.1.1.1", "2.2.2.2", "9.9.9.9, 2.2.2.2"]
    )
    assert statuses == [200, 200, 429, 200, 200]


def test_a_bad_trusted_proxy_is_refused_at_start(pipeline: Pipeline, ui_settings: Settings) -> None:
    with pytest.raises(ValueError, match=r"trusted proxies must be IP addresses or networks.*'proxy\.local'"):
        create_app(pipeline, ui_settings.with_(trusted_proxies=("proxy.local",)))
    assert Settings.from_env({"ARTICLE_QA_TRUSTED_PROXIES": "10.0.0.1, 10.1.0.0/16"}).trusted_proxies == (
        "10.0.0.1",
        "10.1.0.0/16",
    )


# -- feedback for the newsroom --------------------------------------------------------------------


def test_feedback_yes_unsure_no_is_exported_behind_the_admin_token(own_pipeline) -> None:
    pipeline = own_pipeline(admin_token=TOKEN, rate_limit_per_minute=10_000)
    client = TestClient(create_app(pipeline, pipeline.settings))
    answer = client.post("/api/ask", json={"question": "Who wrote the article?"}).json()
    for rating, reason in [("up", ""), ("unsure", "which Polonskaya?"), ("down", "")]:
        body = {**answer, "rating": rating, "reason": reason}
        body = {
            k: body[k]
            for k in ("question", "answer", "citations", "rating", "reason", "backend", "article_id")
        }
        assert client.post("/api/feedback", json=body).status_code == 201
    error(client.get("/api/admin/feedback"), 401, "NotAuthorized")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    rows = client.get("/api/admin/feedback", headers=auth).json()["feedback"]
    cited = sorted({c["paragraph"] for c in answer["citations"]})
    assert [(r["rating"], r["reason"], r["paragraphs"]) for r in rows] == [
        ("up", "", cited),
        ("unsure", "which Polonskaya?", cited),
        ("down", "", cited),
    ]
    exported = client.get(
        "/api/admin/feedback", params={"format": "csv", "article_id": ARTICLE}, headers=auth
    )
    assert exported.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["rating"] for r in table] == ["up", "unsure", "down"] and table[0]["question"] == answer[
        "question"
    ]
    assert client.get("/api/admin/feedback", params={"article_id": "other"}, headers=auth).json() == {
        "feedback": []
    }


def test_without_an_admin_token_the_export_is_off(client: TestClient) -> None:
    assert "ARTICLE_QA_ADMIN_TOKEN" in error(client.get("/api/admin/feedback"), 403, "AdminDisabled")
