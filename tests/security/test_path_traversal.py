"""No path traversal through article ids or file names, on any endpoint that takes one.

Requests go over a real socket with ``http.client``, which sends the path exactly as written
(no client-side clean-up of ``..``). Every answer must be a JSON 4xx, never a file's content,
and nothing stored may change.
"""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from core.articles import load_article

IDS = [
    "../etc/passwd",
    "../../../../etc/passwd",
    "/etc/passwd",
    "..",
    ".",
    "..\\..\\windows\\win.ini",
    "....//....//etc/passwd",
    "kazakhstan-diplomacy-2025/../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%252e%252e%252fetc%252fpasswd",
    "\u2025/etc/passwd",  # two-dot leader
    "\uff0e\uff0e/etc/passwd",  # full-width dots
    "kazakhstan-diplomacy-2025\x00.txt",
    "file:///etc/passwd",
]
RAW_PATHS = [  # as they arrive, undecoded
    "/api/articles/../../../../etc/passwd",
    "/api/articles/..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/articles/%2e%2e/%2e%2e/etc/passwd",
    "/api/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/api/articles/%252e%252e%252fetc%252fpasswd",
    "/api/articles/kazakhstan-diplomacy-2025%00",
    "/api/admin/articles/..%2F..%2Fetc%2Fpasswd",
    "/api/../../../../etc/passwd",
    "/../../../../etc/passwd",
    "/widget.js/../../../../etc/passwd",
    "/static/../../../../etc/passwd",
    "/gradio_api/file=/etc/passwd",
    "/gradio_api/file=../../../../etc/passwd",
    "/file=/etc/passwd",
    "/demo?article=../../etc/passwd",
    "/demo?article=%2Fetc%2Fpasswd",
]
TOKEN = "traversal-admin-token-0123456789"


@pytest.fixture(scope="module")
def api(own_pipeline, serve) -> tuple[str, object]:
    from ui.server import create_app

    pipeline = own_pipeline(admin_token=TOKEN, rate_limit_per_minute=100_000)
    return serve(create_app(pipeline, pipeline.settings)), pipeline


def send(url: str, method: str, path: str, body: object = None, admin: bool = False) -> tuple[int, str, str]:
    """One request with the path sent byte for byte: (status, content type, body)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(str(parts.hostname), parts.port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if admin:
        headers["Authorization"] = f"Bearer {TOKEN}"
    payload = json.dumps(body).encode() if body is not None else None
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return (
            response.status,
            response.getheader("content-type", ""),
            response.read().decode(errors="replace"),
        )
    finally:
        connection.close()


def snapshot(pipeline) -> tuple[list[str], list[str]]:
    return [a.id for a in pipeline.articles()], sorted(c.id for c in pipeline.store.chunks())


def refused(status: int, content_type: str, body: str) -> None:
    assert 400 <= status < 500, (status, body[:200])
    assert "root:" not in body and "[extensions]" not in body  # no /etc/passwd, no win.ini
    if content_type.startswith("application/json"):  # ours say "error"; Gradio's own routes "detail"
        assert {"error", "detail"} & set(json.loads(body))


@pytest.mark.parametrize("bad", IDS, ids=[repr(i)[:30] for i in IDS])
def test_every_endpoint_refuses_a_path_as_article_id(api, bad: str) -> None:
    url, pipeline = api
    before = snapshot(pipeline)
    question = "Who wrote the article?"
    calls = [
        ("GET", f"/api/articles/{quote(bad, safe='')}", None, False),
        ("POST", "/api/ask", {"question": question, "article_id": bad}, False),
        ("POST", "/api/ask/stream", {"question": question, "article_id": bad}, False),
        ("POST", "/api/retrieve", {"question": question, "article_id": bad}, False),
        ("GET", f"/demo?article={quote(bad, safe='')}", None, False),
        ("POST", "/api/admin/articles", {"id": bad, "text": "Заглавие\n\nТекст."}, True),
        ("DELETE", f"/api/admin/articles/{quote(bad, safe='')}", None, True),
    ]
    for method, path, body, admin in calls:
        status, content_type, text = send(url, method, path, body, admin)
        refused(status, content_type, text)
        assert content_type.startswith("application/json"), (method, path, text[:200])
    assert snapshot(pipeline) == before


@pytest.mark.parametrize("path", RAW_PATHS)
def test_raw_dot_segments_reach_no_file(api, path: str) -> None:
    url, pipeline = api
    before = snapshot(pipeline)
    for method in ("GET", "DELETE"):
        refused(*send(url, method, path, admin=True))
    assert snapshot(pipeline) == before


@pytest.mark.parametrize(
    "name",
    [
        "..%2F..%2Fevil.txt",
        "%2e%2e.txt",
        "..hidden.txt",
        "CON.txt",
        "Ünïcødé Story.txt",
        "a\u202eb.txt",
        "-rf.txt",
    ],
)
def test_ids_made_from_hostile_file_names_are_safe(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("Заглавие\n\nТекст на статията.", encoding="utf-8")
    article_id = load_article(path).id
    assert article_id and "/" not in article_id and ".." not in article_id and "%" not in article_id
    assert article_id == article_id.lower() and article_id[0].isalnum(), article_id
