"""Index changes over HTTP: only with the admin token, never through a path, always JSON.

Each test gets a private copy of the session's index (``own_pipeline``), so adding and removing
articles here changes nothing the other tests read.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rag.pipeline import Pipeline
from ui.server import create_app

TOKEN = "adm-7f3c9e1b5d2a4c6e8f0a1b3c5d7e9f11"
STORY: dict[str, Any] = {
    "id": "rose-festival",
    "text": "Фестивалът на розата\n\nФестивалът на розата в Казанлък започна на 6 юни 2025 г.\n\n"
    "Кралицата на розата е Мария Иванова от Стара Загора.",
    "metadata": {"title": "Фестивалът на розата", "language": "bg", "date": "2025-06-07"},
}


def snapshot(pipeline: Pipeline) -> tuple[int, int, frozenset[str]]:
    """What is stored: article and chunk counts and every chunk id."""
    stats = pipeline.store.stats()
    return stats["articles"], stats["chunks"], frozenset(c.id for c in pipeline.store.chunks())


def error(response, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == kind, body
    return str(body["message"])


@pytest.fixture(scope="module")
def admin(own_pipeline) -> tuple[TestClient, Pipeline]:
    """One private index for the module; tests that change it put it back."""
    pipeline = own_pipeline(admin_token=TOKEN, rate_limit_per_minute=10_000)
    return TestClient(create_app(pipeline, pipeline.settings)), pipeline


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_without_a_configured_token_the_admin_api_is_off(own_pipeline) -> None:
    pipeline = own_pipeline(rate_limit_per_minute=10_000)
    client = TestClient(create_app(pipeline, pipeline.settings))
    before = snapshot(pipeline)
    for response in (
        client.post("/api/admin/articles", json=STORY, headers=bearer()),
        client.post("/api/admin/articles", json=STORY, headers=bearer("")),
        client.delete("/api/admin/articles/kazakhstan-diplomacy-2025", headers=bearer()),
    ):
        assert "ARTICLE_QA_ADMIN_TOKEN" in error(response, 403, "AdminDisabled")
    assert snapshot(pipeline) == before


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Bearer {TOKEN[:-1]}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Bearer {TOKEN.upper()}"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
        {"X-Admin-Token": TOKEN},
    ],
    ids=lambda h: json.dumps(h)[:40],
)
def test_a_missing_or_wrong_token_gets_401_and_changes_nothing(admin, headers: dict[str, str]) -> None:
    client, pipeline = admin
    before = snapshot(pipeline)
    for response in (
        client.post("/api/admin/articles", json=STORY, headers=headers),
        client.post("/api/admin/articles", content=b"{not json", headers=headers),  # auth comes first
        client.delete("/api/admin/articles/kazakhstan-diplomacy-2025", headers=headers),
    ):
        assert "Bearer" in error(response, 401, "NotAuthorized")
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert TOKEN not in response.text
    assert snapshot(pipeline) == before


def test_add_update_ask_and_remove_with_the_token(admin) -> None:
    client, pipeline = admin
    articles, chunks, _ = snapshot(pipeline)
    added = client.post("/api/admin/articles", json=STORY, headers=bearer())
    assert added.status_code == 201, added.text
    assert added.json() == {"article_id": "rose-festival", "added": 2, "removed": 0, "kept": 0}
    assert {a["id"] for a in client.get("/api/articles").json()["articles"]} >= {"rose-festival"}
    assert client.get("/api/articles/rose-festival").json()["title"] == "Фестивалът на розата"

    answer = client.post(
        "/api/ask", json={"question": "Кой е кралицата на розата?", "article_id": "rose-festival"}
    ).json()
    assert "Мария Иванова" in answer["answer"] and answer["citations"]

    again = client.post("/api/admin/articles", json=STORY, headers=bearer()).json()
    assert (again["added"], again["removed"], again["kept"]) == (0, 0, 2)  # idempotent
    edited = {**STORY, "text": STORY["text"].replace("6 юни", "7 юни")}
    changed = client.post("/api/admin/articles", json=edited, headers=bearer()).json()
    assert (changed["added"], changed["removed"], changed["kept"]) == (1, 1, 1)

    gone = client.delete("/api/admin/articles/rose-festival", headers=bearer())
    assert gone.status_code == 200 and gone.json() == {"article_id": "rose-festival", "removed": 2}
    error(client.get("/api/articles/rose-festival"), 404, "UnknownArticle")
    error(client.delete("/api/admin/articles/rose-festival", headers=bearer()), 404, "UnknownArticle")
    assert snapshot(pipeline)[:2] == (articles, chunks)


BAD_ARTICLES = [
    ({**STORY, "id": "../../etc/passwd"}, 422, "InvalidArticle"),
    ({**STORY, "id": "/etc/passwd"}, 422, "InvalidArticle"),
    ({**STORY, "id": "..%2F..%2Fetc"}, 422, "InvalidArticle"),
    ({**STORY, "id": "a..b"}, 422, "InvalidArticle"),
    ({**STORY, "id": "Rose Festival"}, 422, "InvalidArticle"),
    ({**STORY, "id": ""}, 422, "InvalidArticle"),
    ({**STORY, "id": "x" * 129}, 422, "InvalidRequest"),
    ({**STORY, "text": ""}, 422, "InvalidArticle"),
    ({**STORY, "text": " \n\n "}, 422, "InvalidArticle"),
    ({**STORY, "text": "binary\x00data"}, 422, "InvalidArticle"),
    ({**STORY, "text": "bad \udcff bytes"}, 422, "InvalidRequest"),
    ({**STORY, "metadata": {"title": "t", "path": "/etc/passwd"}}, 422, "InvalidRequest"),
    ({"id": "x", "text": "Some text.", "extra": 1}, 422, "InvalidRequest"),
    ({"id": "x"}, 422, "InvalidRequest"),
    ([], 422, "InvalidRequest"),
]


@pytest.mark.parametrize(
    ("body", "status", "kind"), BAD_ARTICLES, ids=[json.dumps(b)[:40] for b, _, _ in BAD_ARTICLES]
)
def test_bad_articles_are_refused_clearly_and_change_nothing(admin, body, status: int, kind: str) -> None:
    client, pipeline = admin
    before = snapshot(pipeline)
    raw = json.dumps(body).encode()  # ASCII JSON: a lone surrogate travels as a \udcff escape
    response = client.post(
        "/api/admin/articles", content=raw, headers={**bearer(), "Content-Type": "application/json"}
    )
    error(response, status, kind)
    assert snapshot(pipeline) == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/admin/articles/..",
        "/api/admin/articles/%2e%2e",
        "/api/admin/articles/..%2F..%2Fetc%2Fpasswd",
        "/api/admin/articles/%2Fetc%2Fpasswd",
        "/api/admin/articles/%252e%252e%252fetc",
        "/api/admin/articles/KAZAKHSTAN-DIPLOMACY-2025",
        "/api/admin/articles/kazakhstan-diplomacy-2025%00",
    ],
)
def test_no_path_tricks_on_delete(admin, path: str) -> None:
    client, pipeline = admin
    before = snapshot(pipeline)
    response = client.delete(path, headers=bearer())
    assert response.status_code in (404, 405, 422), response.text
    assert response.json()["error"] in ("InvalidArticle", "UnknownArticle", "HTTP404", "HTTP405")
    assert snapshot(pipeline) == before


def test_admin_uploads_may_be_larger_but_only_with_the_token(admin) -> None:
    client, pipeline = admin
    paragraph = "Фестивалът на розата в Казанлък събра хиляди гости от цялата страна. " * 40
    big = {**STORY, "id": "long-story", "text": "\n\n".join([paragraph] * 30)}  # ~160 KB of UTF-8
    assert len(json.dumps(big).encode()) > 64 * 1024
    error(client.post("/api/admin/articles", json=big, headers=bearer("wrong")), 413, "RequestTooLarge")
    assert client.post("/api/admin/articles", json=big, headers=bearer()).status_code == 201
    assert "long-story" in {a.id for a in pipeline.articles()}
    assert client.delete("/api/admin/articles/long-story", headers=bearer()).status_code == 200


def test_browsers_may_not_send_the_token_or_delete(admin) -> None:
    client, _ = admin
    preflight = client.options(
        "/api/admin/articles/kazakhstan-diplomacy-2025",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "DELETE",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert "DELETE" not in preflight.headers.get("access-control-allow-methods", "")
    assert "authorization" not in preflight.headers.get("access-control-allow-headers", "").lower()
    foreign = client.post(
        "/api/admin/articles", json=STORY, headers={**bearer(), "Origin": "http://evil.example"}
    )
    error(foreign, 403, "OriginRefused")


def test_the_admin_api_is_documented(admin) -> None:
    client, _ = admin
    paths = client.get("/openapi.json").json()["paths"]
    assert "post" in paths["/api/admin/articles"] and "delete" in paths["/api/admin/articles/{article_id}"]
    assert TOKEN not in client.get("/openapi.json").text


def test_a_short_admin_token_is_refused_at_start_without_showing_it() -> None:
    from core.settings import Settings

    with pytest.raises(ValueError, match="at least 16 characters, got 6") as err:
        Settings.from_env({"ARTICLE_QA_ADMIN_TOKEN": "hunter"})
    assert "hunter" not in str(err.value)
