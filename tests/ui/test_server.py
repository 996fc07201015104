"""The HTTP API against the real pipeline (extractive backend, real Chroma index of the article).

Most tests use FastAPI's TestClient; streaming, queue positions and gradio_client use a real
uvicorn server on loopback. Nothing is mocked: the queue is filled by taking real tickets.
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from core.articles import paragraphs
from core.settings import Settings
from core.types import Answer
from rag.pipeline import Pipeline
from tests.ui.http import SUMMIT, assert_error, events
from ui.server import create_app

SUMMIT_EVIDENCE = "„ЦА – Русия“ на 9 октомври в Душанбе"  # the article's sentence, as cited
CYRILLIC = re.compile("[\u0400-\u04ff]")
FOREIGN = "http://evil.example"


@pytest.fixture(scope="module")
def app(pipeline: Pipeline, ui_settings: Settings) -> FastAPI:
    return create_app(pipeline, ui_settings)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def without_timings(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k != "timings"}


# -- answers --------------------------------------------------------------------------------


def test_ask_returns_a_cited_answer(client: TestClient, article) -> None:
    response = client.post("/api/ask", json={"question": SUMMIT})
    assert response.status_code == 200
    answer = response.json()
    assert Answer.from_dict(answer).to_dict() == answer
    assert answer["backend"] == "extractive" and not answer["abstained"]
    assert answer["citations"], answer
    for c in answer["citations"]:
        assert article.text[c["start"] : c["end"]] == c["quote"]
    # short, in the reader's language, the date cited; the quote is the article's own sentence
    assert "9 October" in answer["answer"] and "[1]" in answer["answer"], answer["answer"]
    assert not CYRILLIC.search(answer["answer"]), answer["answer"]
    first = next(c for c in answer["citations"] if c["n"] == 1)
    assert SUMMIT_EVIDENCE in first["quote"]
    cited = next(p for p in answer["passages"] if p["n"] == 1)  # [1] is the passage quoted
    assert cited["chunk_id"] == first["chunk_id"]
    assert cited["start"] <= first["start"] < first["end"] <= cited["end"]


def test_the_answer_is_in_the_readers_language(client: TestClient) -> None:
    answer = client.post("/api/ask", json={"question": "Кога беше срещата на върха ЦА–Русия?"}).json()
    assert answer["language"] == "bg" and not answer["abstained"]
    assert "9 октомври" in answer["answer"] and "[1]" in answer["answer"], answer["answer"]
    assert "October" not in answer["answer"]


def test_follow_up_uses_the_history(client: TestClient) -> None:
    history = [{"role": "user", "content": SUMMIT}, {"role": "assistant", "content": "On 9 October [1]."}]
    response = client.post("/api/ask", json={"question": "And where was it held?", "history": history})
    assert response.status_code == 200
    answer = response.json()
    assert SUMMIT in answer["standalone_question"]
    # the question now asked is "where": the place, not the date the first question asked for
    assert "Dushanbe" in answer["answer"], answer["answer"]


def test_stream_sends_sources_then_tokens_then_the_answer(client: TestClient) -> None:
    response = client.post("/api/ask/stream", json={"question": SUMMIT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    stream = events(response.text)
    kinds = [kind for kind, _ in stream]
    assert kinds[0] == "sources" and kinds[-1] == "answer" and "token" in kinds
    assert set(kinds[1:-1]) == {"token"}
    sources, answer = stream[0][1], stream[-1][1]
    assert sources["standalone_question"] == SUMMIT
    # the sources are the retrieved passages in retrieval order; the answer carries the same
    # ones, renumbered so that the passage it quotes is [1]
    retrieved = client.post("/api/retrieve", json={"question": SUMMIT}).json()["passages"]
    assert [p["chunk_id"] for p in sources["passages"]] == [p["chunk_id"] for p in retrieved]
    assert sorted(p["chunk_id"] for p in sources["passages"]) == sorted(
        p["chunk_id"] for p in answer["passages"]
    )
    assert [p["n"] for p in answer["passages"]] == list(range(1, len(answer["passages"]) + 1))
    quoted = next(c for c in answer["citations"] if c["n"] == 1)
    assert answer["passages"][0]["chunk_id"] == quoted["chunk_id"] and SUMMIT_EVIDENCE in quoted["quote"]
    assert "".join(data["text"] for kind, data in stream if kind == "token") == answer["answer"]
    assert "9 October" in answer["answer"]
    plain = client.post("/api/ask", json={"question": SUMMIT}).json()
    assert without_timings(answer) == without_timings(plain)


SCRIPTED = (
    "The CA–Russia summit was held on 9 October [1]. "
    "It was held on 8 October [1]. "  # a wrong number: the checks must drop it
    "It took place in Dushanbe [1]."
)


def test_the_stream_shows_only_checked_model_sentences(own_pipeline) -> None:
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    from rag.backends import ChatBackend

    scripted = own_pipeline(backend="local", rate_limit_per_minute=10_000)
    model = GenericFakeChatModel(messages=itertools.repeat(AIMessage(SCRIPTED)))
    scripted.backends.register(ChatBackend("local", model, "passage", timeout_s=30))
    client = TestClient(create_app(scripted, scripted.settings))
    response = client.post("/api/ask/stream", json={"question": SUMMIT})
    assert response.status_code == 200
    stream = events(response.text)
    assert stream[0][0] == "sources" and stream[-1][0] == "answer"
    answer = stream[-1][1]
    tokens = [data["text"] for kind, data in stream if kind == "token"]
    assert answer["backend"] == "local" and not answer["abstained"] and not answer["notice"], answer
    assert len(tokens) >= 2, tokens  # sentence by sentence, each once it has passed
    assert "".join(tokens) == answer["answer"]
    assert "9 October" in answer["answer"] and "Dushanbe" in answer["answer"], answer["answer"]
    assert not any("8 October" in t for t in tokens), tokens
    assert "8 October" not in answer["answer"]
    assert any(SUMMIT_EVIDENCE in c["quote"] for c in answer["citations"]), answer["citations"]


def test_articles_and_one_article(client: TestClient, article) -> None:
    listed = client.get("/api/articles").json()["articles"]
    assert [a["id"] for a in listed] == [article.id]
    assert "text" not in listed[0]
    one = client.get(f"/api/articles/{article.id}").json()
    assert one["title"] == article.title and one["text"] == article.text
    assert one["paragraphs"] == [{"n": p.n, "start": p.start, "end": p.end} for p in paragraphs(article.text)]


def test_healthz_and_status_when_ready(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ready"}
    status = client.get("/api/status").json()
    assert status["status"] == "ready" and status["queue"]["running"] == 0


def test_docs_and_openapi(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/ask", "/api/ask/stream", "/api/articles", "/api/articles/{article_id}", "/healthz"):
        assert path in paths


# -- retrieval only -------------------------------------------------------------------------


def test_retrieve_returns_passages_and_stage_timings(client: TestClient, article) -> None:
    response = client.post("/api/retrieve", json={"question": SUMMIT, "k": 5})
    assert response.status_code == 200
    body = response.json()
    passages = body["passages"]
    assert [p["n"] for p in passages] == [1, 2, 3, 4, 5]
    assert any("9 октомври в Душанбе" in p["text"] for p in passages[:3]), passages
    assert all(article.text[p["start"] : p["end"]] == p["text"] for p in passages)
    timings = body["timings"]
    assert set(timings) >= {"embed_ms", "dense_ms", "bm25_ms", "fusion_ms", "total_ms"}
    assert all(v >= 0 for v in timings.values())
    # the same passages the answer is built from, by default top_k of them (the answer puts the
    # one it quotes first, so only the order may differ)
    default = client.post("/api/retrieve", json={"question": SUMMIT, "article_id": article.id}).json()
    answer = client.post("/api/ask", json={"question": SUMMIT}).json()
    assert len(default["passages"]) == len(answer["passages"])
    assert sorted(p["chunk_id"] for p in default["passages"]) == sorted(
        p["chunk_id"] for p in answer["passages"]
    )
    assert [p["n"] for p in default["passages"]] == list(range(1, len(default["passages"]) + 1))


BAD_RETRIEVES = [
    ({"question": ""}, 422, "InvalidQuestion"),
    ({"question": "?!…"}, 422, "InvalidQuestion"),
    ({"question": "why " * 1000}, 422, "InvalidQuestion"),
    ({}, 422, "InvalidRequest"),
    ({"question": "Who?", "k": 0}, 422, "InvalidRequest"),
    ({"question": "Who?", "k": 21}, 422, "InvalidRequest"),
    ({"question": "Who?", "k": "many"}, 422, "InvalidRequest"),
    ({"question": "Who?", "history": []}, 422, "InvalidRequest"),
    ({"question": "Who?", "article_id": "../etc/passwd"}, 422, "InvalidArticle"),
    ({"question": "Who?", "article_id": "no-such-article"}, 404, "UnknownArticle"),
]


@pytest.mark.parametrize(
    ("body", "status", "error"), BAD_RETRIEVES, ids=[str(b)[:40] for b, _, _ in BAD_RETRIEVES]
)
def test_bad_retrieve_requests_are_refused_with_json(client: TestClient, body, status, error) -> None:
    assert_error(client.post("/api/retrieve", json=body), status, error)


def test_retrieve_has_the_api_guards_but_not_the_answer_queue(
    pipeline: Pipeline, ui_settings: Settings, busy
) -> None:
    app = create_app(pipeline, ui_settings.with_(rate_limit_per_minute=2, queue_size=0))
    client = TestClient(app)
    with busy(app.state.service.queue):  # every worker busy and nobody may wait: asking is refused...
        assert_error(client.post("/api/ask", json={"question": SUMMIT}), 503, "QueueFull")
        assert client.post("/api/retrieve", json={"question": SUMMIT}).status_code == 200  # ...retrieving not
    assert_error(client.post("/api/retrieve", json={"question": SUMMIT}), 429, "RateLimited")
    foreign = client.post("/api/retrieve", json={"question": SUMMIT}, headers={"Origin": FOREIGN})
    assert_error(foreign, 403, "OriginRefused")
    assert "/api/retrieve" in client.get("/openapi.json").json()["paths"]


# -- bad input: 4xx JSON, never a 500 ---------------------------------------------------------

BAD_ASKS = [
    ({"question": ""}, 422, "InvalidQuestion"),
    ({"question": " \n\t "}, 422, "InvalidQuestion"),
    ({"question": "?!…"}, 422, "InvalidQuestion"),
    ({"question": "why " * 1000}, 422, "InvalidQuestion"),
    ({}, 422, "InvalidRequest"),
    ({"question": 42}, 422, "InvalidRequest"),
    ({"question": "Who?", "history": [{"role": "bot", "content": "x"}]}, 422, "InvalidRequest"),
    ({"question": "Who?", "history": "none"}, 422, "InvalidRequest"),
    ({"question": "Who?", "backend": "gpt-9"}, 422, "InvalidRequest"),
    ({"question": "Who?", "surprise": 1}, 422, "InvalidRequest"),
    ({"question": "Who?", "article_id": "../etc/passwd"}, 422, "InvalidArticle"),
    ({"question": "Who?", "article_id": "no-such-article"}, 404, "UnknownArticle"),
]


@pytest.mark.parametrize(("body", "status", "error"), BAD_ASKS, ids=[str(b)[:40] for b, _, _ in BAD_ASKS])
@pytest.mark.parametrize("path", ["/api/ask", "/api/ask/stream"])
def test_bad_questions_are_refused_with_json(client: TestClient, path: str, body, status, error) -> None:
    body = assert_error(client.post(path, json=body), status, error)
    if error == "InvalidRequest":
        assert "Invalid request:" in body["message"]


def test_unparseable_bodies_are_refused(client: TestClient) -> None:
    assert_error(client.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"}),
                 422, "InvalidRequest")  # fmt: skip
    assert_error(client.post("/api/ask", content=b"\xff\xfe", headers={"content-type": "application/json"}),
                 422, "InvalidRequest")  # fmt: skip
    assert_error(client.get("/api/ask"), 405, "HTTP405")
    assert_error(client.post("/api/nothing-here"), 404, "HTTP404")


def test_bad_article_ids(client: TestClient) -> None:
    assert_error(client.get("/api/articles/no-such-article"), 404, "UnknownArticle")
    assert_error(client.get("/api/articles/NOT..OK"), 422, "InvalidArticle")


def test_a_body_over_64_kb_is_refused_with_413(client: TestClient) -> None:
    huge = json.dumps({"question": "x" * 1_000_000}).encode()
    assert_error(client.post("/api/ask", content=huge, headers={"content-type": "application/json"}),
                 413, "RequestTooLarge")  # fmt: skip

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is enforced while reading
        yield b'{"question": "'
        for _ in range(100):
            yield b"y" * 10_000
        yield b'"}'

    assert_error(client.post("/api/ask", content=chunks(), headers={"content-type": "application/json"}),
                 413, "RequestTooLarge")  # fmt: skip


# -- start-up -------------------------------------------------------------------------------


def test_requests_before_ready_get_a_clear_503(ui_settings: Settings, embedder) -> None:
    cold = create_app(Pipeline(ui_settings, embedder), ui_settings, warm_up=False)
    cold.state.service.ready_wait_s = 0.3
    client = TestClient(cold)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json() == {"status": "loading"}
    response = client.post("/api/ask", json={"question": SUMMIT})
    assert_error(response, 503, "NotReady")
    assert int(response.headers["retry-after"]) >= 1
    assert client.get("/api/status").json()["status"] == "loading"
    assert_error(client.post("/api/ask", json={"question": ""}), 422, "InvalidQuestion")


# -- abuse limits ---------------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after(pipeline: Pipeline, ui_settings: Settings) -> None:
    client = TestClient(create_app(pipeline, ui_settings.with_(rate_limit_per_minute=2)))
    assert client.get("/api/articles").status_code == 200
    assert client.post("/api/ask", json={"question": SUMMIT}).status_code == 200
    refused = client.post("/api/ask", json={"question": SUMMIT})
    body = assert_error(refused, 429, "RateLimited")
    assert 1 <= int(refused.headers["retry-after"]) <= 30
    assert "2 a minute" in body["message"]
    assert client.get("/healthz").status_code == 200  # health checks are never limited


# -- CORS -----------------------------------------------------------------------------------


def test_a_foreign_origin_is_refused_readably_and_nothing_runs(
    client: TestClient, ui_settings: Settings
) -> None:
    """The refusal carries CORS headers (so the widget can say why); the request itself never runs."""
    response = client.post("/api/ask", json={"question": SUMMIT}, headers={"Origin": FOREIGN})
    assert "ARTICLE_QA_ALLOWED_ORIGINS" in assert_error(response, 403, "OriginRefused")["message"]
    assert response.headers["access-control-allow-origin"] == FOREIGN
    preflight = client.options(
        "/api/ask", headers={"Origin": FOREIGN, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204 and preflight.headers["access-control-max-age"] == "0"
    assert "authorization" not in preflight.headers["access-control-allow-headers"].lower()
    database = ui_settings.data_dir / "feedback.sqlite3"

    def rows() -> int:
        if not database.exists():
            return 0
        with sqlite3.connect(database) as db:
            return int(db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

    before = rows()
    body = {"question": "q", "answer": "a", "rating": "up"}
    refused = client.post("/api/feedback", json=body, headers={"Origin": FOREIGN})
    assert_error(refused, 403, "OriginRefused")
    assert rows() == before


def test_localhost_origins_are_allowed_by_default(client: TestClient) -> None:
    origin = "http://localhost:5173"
    preflight = client.options(
        "/api/ask",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == origin
    assert "POST" in preflight.headers["access-control-allow-methods"]
    response = client.post("/api/ask", json={"question": SUMMIT}, headers={"Origin": "http://127.0.0.1:8000"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://127.0.0.1:8000"
    assert "Retry-After" in response.headers["access-control-expose-headers"]
    assert "access-control-allow-credentials" not in response.headers


def test_configured_origins_replace_the_localhost_default(pipeline: Pipeline, ui_settings: Settings) -> None:
    site = "https://news.example.org"
    client = TestClient(create_app(pipeline, ui_settings.with_(allowed_origins=(site,))))
    assert (
        client.get("/api/articles", headers={"Origin": site}).headers["access-control-allow-origin"] == site
    )
    assert_error(
        client.get("/api/articles", headers={"Origin": "http://localhost:3000"}), 403, "OriginRefused"
    )
    # the server's own pages (the demo page, the chat) are same-origin and always allowed
    assert client.get("/api/articles", headers={"Origin": "http://testserver"}).status_code == 200


def test_bad_origin_patterns_are_refused_at_start() -> None:
    from ui.guards import OriginPolicy

    with pytest.raises(ValueError, match="allowed origins"):
        OriginPolicy(["news.example.org/path"])
    policy = OriginPolicy(["https://news.example.org", "http://intranet:*"])
    assert policy.allows("https://news.example.org") and policy.allows("http://intranet:8080")
    assert not policy.allows("https://news.example.org.evil.com") and not policy.allows("http://localhost")
    assert OriginPolicy(["*"]).allows("https://anything.example")


# -- feedback -------------------------------------------------------------------------------


def test_feedback_is_stored_durably(client: TestClient, ui_settings: Settings) -> None:
    answer = client.post("/api/ask", json={"question": SUMMIT}).json()
    body = {
        "question": answer["question"],
        "answer": answer["answer"],
        "citations": answer["citations"],
        "rating": "down",
        "reason": "wrong summit <b>!</b>",
    }
    response = client.post("/api/feedback", json=body)
    assert response.status_code == 201
    saved = response.json()["id"]
    path = ui_settings.data_dir / "feedback.sqlite3"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        row = db.execute(
            "SELECT question, rating, reason, citations FROM feedback WHERE id = ?", (saved,)
        ).fetchone()
    assert row[:3] == (SUMMIT, "down", "wrong summit <b>!</b>")
    assert json.loads(row[3]) == answer["citations"]


@pytest.mark.parametrize(
    "body",
    [
        {"question": "q", "answer": "a", "rating": "meh"},
        {"question": "", "answer": "a", "rating": "up"},
        {"question": "q", "answer": "a", "rating": "up", "reason": "x" * 5000},
        {"question": "q", "answer": "a", "rating": "up", "citations": [{"n": 0}]},
    ],
)
def test_bad_feedback_is_refused(client: TestClient, body: dict) -> None:
    assert_error(client.post("/api/feedback", json=body), 422, "InvalidRequest")


def test_a_failed_feedback_write_is_a_clear_error_and_the_chat_goes_on(
    pipeline: Pipeline, ui_settings: Settings, tmp_path: Path
) -> None:
    broken = ui_settings.with_(data_dir=tmp_path)
    (tmp_path / "feedback.sqlite3").mkdir()  # a directory where the database should be
    client = TestClient(create_app(pipeline, broken))
    body = {"question": "q", "answer": "a", "citations": [], "rating": "up"}
    message = assert_error(client.post("/api/feedback", json=body), 503, "FeedbackNotSaved")["message"]
    assert "not affected" in message
    assert client.post("/api/ask", json={"question": SUMMIT}).status_code == 200


# -- widget and demo page -------------------------------------------------------------------


def test_widget_js_is_served_as_cacheable_javascript(client: TestClient) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "max-age" in response.headers["cache-control"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "window.ArticleQA" in response.text
    again = client.get("/widget.js", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_demo_page_embeds_the_widget(client: TestClient, article) -> None:
    page = client.get("/demo")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="http://testserver/widget.js"' in page.text
    assert f'data-article="{article.id}"' in page.text
    assert 'data-aqa-paragraph="1"' in page.text
    elsewhere = client.get("/demo", params={"api": "http://127.0.0.1:9000"})
    assert '<script src="http://127.0.0.1:9000/widget.js"' in elsewhere.text
    for bad in ("javascript:alert(1)", "http://x/?q=1", "ftp://host", 'http://a"><script>'):
        assert_error(client.get("/demo", params={"api": bad}), 422, "InvalidRequest")
    assert_error(client.get("/demo", params={"article": "missing"}), 404, "UnknownArticle")


def test_no_secret_reaches_a_page(pipeline: Pipeline, ui_settings: Settings) -> None:
    secret = "sk-test-NEVER-SHOWN-1234"
    configured = ui_settings.with_(
        openai_api_key=secret, openai_base_url="http://127.0.0.1:9/v1", openai_model="m", admin_token=secret
    )
    client = TestClient(create_app(pipeline, configured))
    for path in ("/", "/config", "/demo", "/widget.js", "/api/status", "/openapi.json", "/gradio_api/info"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert secret not in response.text, path
    assert "OpenAI-compatible" in client.get("/config").text  # the backend is offered, its key is not


# -- gradio_client and plain HTTP -----------------------------------------------------------


def test_gradio_client_and_http_get_the_same_answer(live_url: str) -> None:
    from gradio_client import Client

    by_http = httpx.post(f"{live_url}/api/ask", json={"question": SUMMIT}, timeout=60).json()
    by_gradio = Client(live_url + "/", verbose=False).predict(SUMMIT, api_name="/ask")
    assert without_timings(by_gradio) == without_timings(by_http)
    assert Answer.from_dict(by_gradio).citations == Answer.from_dict(by_http).citations
