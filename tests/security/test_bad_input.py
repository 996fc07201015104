"""Bad input at every edge: the CLI (real subprocesses), the HTTP API and the Gradio endpoint.

Each bad input must get a clear error naming the problem, never a traceback or a 500; after
each one the server still answers a normal question, and nothing stored has changed (the
index's articles, chunk ids and the feedback table are compared before and after).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from core.settings import Settings
from index.store import Store

NORMAL = "Who wrote the article?"
AUTHOR = "Polonskaya"  # "Who wrote the article?" -> "Yuliya Polonskaya [1]."


def stored(data_dir: Path, embedder) -> dict[str, Any]:
    """Everything a bad input must not change: articles, chunk ids, stored feedback rows."""
    store = Store(Settings(data_dir=data_dir), embedder.model_name, embedder.dim)
    feedback = data_dir / "feedback.sqlite3"
    rows: list[tuple] = []
    if feedback.exists():
        with sqlite3.connect(feedback) as db:
            rows = db.execute("SELECT * FROM feedback ORDER BY id").fetchall()
    return {
        "articles": [(a.id, a.text) for a in store.articles()],
        "chunks": sorted(c.id for c in store.chunks()),
        "feedback": rows,
    }


# -- the command line -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_dir(settings: Settings, pipeline, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding a copy of the session's index."""
    data_dir = tmp_path_factory.mktemp("cli")
    shutil.copytree(settings.index_dir, data_dir / "index")
    return data_dir


def run_cli(
    data_dir: Path, *args: str | bytes, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARTICLE_QA_DATA_DIR": str(data_dir), "ARTICLE_QA_BACKEND": "extractive"}
    done = subprocess.run(
        [
            sys.executable.encode(),
            b"-m",
            b"ui.cli",
            *(a.encode() if isinstance(a, str) else a for a in args),
        ],
        env=env,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=300,
    )
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def binary_file(tmp: Path, name: str, content: bytes) -> str:
    path = tmp / name
    path.write_bytes(content)
    return str(path)


CLI_CASES: list[tuple[str, tuple[str | bytes, ...], bytes | None, str]] = [
    ("empty", ("ask", ""), None, "the question is empty"),
    ("whitespace", ("ask", "  \t  "), None, "the question is empty"),
    ("only-controls", ("ask", "\x1b\x07\x7f"), None, "the question is empty"),
    ("10k-chars", ("ask", "why " * 2500), None, "10,000 characters long; the limit is 2,000"),
    ("1mb-stdin", ("ask", "-"), b"x" * 1_000_000, "over 2,000 characters long"),
    ("bad-utf8-argv", ("ask", b"Who wrote \xff\xfe the article?"), None, "not UTF-8"),
    ("bad-utf8-stdin", ("ask", "-"), b"Who wrote \xff\xfe the article?", "not UTF-8 text (bad byte at 10)"),
    ("binary-stdin", ("ask", "-"), b"\x00\x01\x02\x03", "the question is empty"),
    ("traversal-article", ("ask", NORMAL, "--article", "../../etc/passwd"), None, "article id must be"),
    ("absolute-article", ("ask", NORMAL, "--article", "/etc/passwd"), None, "article id must be"),
    ("unknown-article", ("ask", NORMAL, "--article", "no-such-article"), None, "no article with id"),
    ("history-binary", ("ask", NORMAL, "--history", "BINARY"), None, "cannot read history file"),
    ("add-empty", ("index", "add", "EMPTY"), None, "the article is empty"),
    ("add-binary", ("index", "add", "BINARY"), None, "looks binary"),
    ("add-nul-bytes", ("index", "add", "NULS"), None, "looks binary"),
    ("add-latin1", ("index", "add", "LATIN1"), None, "not UTF-8 text (bad byte at"),
    ("add-missing", ("index", "add", "/nonexistent/story.txt"), None, "cannot read article file"),
    ("add-directory", ("index", "add", "/"), None, "cannot read article file"),
    ("add-traversal-id", ("index", "add", "GOOD", "--id", "../../etc/passwd"), None, "article id must be"),
    ("add-absolute-id", ("index", "add", "GOOD", "--id", "/etc/passwd"), None, "article id must be"),
    ("remove-traversal", ("index", "remove", "../index"), None, "article id must be"),
    ("eval-binary-dataset", ("eval", "BINARY", "--out", "OUT"), None, "not UTF-8"),
    ("eval-bad-rows", ("eval", "BADROWS", "--out", "OUT"), None, "BADROWS:2: not valid JSON"),
]


@pytest.mark.parametrize(("case", "args", "stdin", "message"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_the_cli_refuses_bad_input_in_one_clear_line(
    cli_dir: Path, embedder, tmp_path: Path, case: str, args, stdin, message: str
) -> None:
    files = {
        "BINARY": binary_file(tmp_path, "blob.bin", bytes(range(256)) * 4),
        "NULS": binary_file(tmp_path, "image.txt", b"GIF89a\x01\x00\x01\x00" * 20),
        "EMPTY": binary_file(tmp_path, "empty.txt", b"\n\n  \n"),
        "LATIN1": binary_file(tmp_path, "latin1.txt", "Статия".encode("cp1251")),
        "GOOD": binary_file(tmp_path, "good.txt", "Заглавие\n\nТекст на статията.".encode()),
        "BADROWS": binary_file(tmp_path, "rows.jsonl", b'{"id": "a", "question": "q"}\n{not json\n'),
        "OUT": str(tmp_path / "out"),
    }
    args = tuple(files.get(a, a) if isinstance(a, str) else a for a in args)
    message = message.replace("BADROWS", files["BADROWS"])
    before = stored(cli_dir, embedder)
    done = run_cli(cli_dir, *args, stdin=stdin)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert message in done.stderr, done.stderr
    assert stored(cli_dir, embedder) == before


def test_the_cli_still_answers_after_cleaning_control_characters(cli_dir: Path) -> None:
    done = run_cli(cli_dir, "ask", "\x1b[2J Who wrote\u202e the article?\x07", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["question"] == "[2J Who wrote the article?" and AUTHOR in answer["answer"]
    piped = run_cli(cli_dir, "ask", "-", stdin=b"Who wrote the article?\n")
    assert piped.returncode == 0 and AUTHOR in piped.stdout


# -- the HTTP API ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(own_pipeline) -> Iterator[tuple[TestClient, Any]]:
    pipeline = own_pipeline(rate_limit_per_minute=100_000)
    from ui.server import create_app

    with TestClient(create_app(pipeline, pipeline.settings)) as client:
        yield client, pipeline


def raw(text: str | bytes) -> dict[str, Any]:
    return {
        "content": text.encode() if isinstance(text, str) else text,
        "headers": {"Content-Type": "application/json"},
    }


API_CASES: list[tuple[str, str, dict[str, Any], int, str]] = [
    ("empty", "/api/ask", {"json": {"question": ""}}, 422, "InvalidQuestion"),
    ("whitespace", "/api/ask", {"json": {"question": "\n\t "}}, 422, "InvalidQuestion"),
    ("controls", "/api/ask", {"json": {"question": "\u0000\u001b\u202e"}}, 422, "InvalidQuestion"),
    ("10k", "/api/ask", {"json": {"question": "q" * 10_000}}, 422, "InvalidQuestion"),
    ("1mb", "/api/ask", {"json": {"question": "q" * 1_000_000}}, 413, "RequestTooLarge"),
    ("surrogate", "/api/ask", raw('{"question": "Who \\udcff wrote it?"}'), 422, "InvalidRequest"),
    (
        "surrogate-history",
        "/api/ask",
        raw('{"question": "Who?", "history": [{"role": "user", "content": "\\ud800"}]}'),
        422,
        "InvalidRequest",
    ),
    ("bad-utf8-body", "/api/ask", raw(b'{"question": "Who \xff wrote?"}'), 422, "InvalidRequest"),
    ("binary-body", "/api/ask", raw(bytes(range(256))), 422, "InvalidRequest"),
    ("not-json", "/api/ask", raw("question=who"), 422, "InvalidRequest"),
    ("deep-json", "/api/ask", raw("[" * 30_000 + "]" * 30_000), 422, "InvalidRequest"),
    ("array", "/api/ask", {"json": ["Who?"]}, 422, "InvalidRequest"),
    ("null", "/api/ask", raw("null"), 422, "InvalidRequest"),
    ("question-object", "/api/ask", {"json": {"question": {"$gt": ""}}}, 422, "InvalidRequest"),
    (
        "history-too-long",
        "/api/ask",
        {"json": {"question": "Who?", "history": [{"role": "user", "content": "x"}] * 51}},
        422,
        "InvalidRequest",
    ),
    ("stream-empty", "/api/ask/stream", {"json": {"question": " "}}, 422, "InvalidQuestion"),
    ("stream-surrogate", "/api/ask/stream", raw('{"question": "\\udcff"}'), 422, "InvalidRequest"),
    (
        "feedback-surrogate",
        "/api/feedback",
        raw('{"question": "q\\udcff", "answer": "a", "rating": "up"}'),
        422,
        "InvalidRequest",
    ),
    ("feedback-binary", "/api/feedback", raw(b"\x00\x01\xff"), 422, "InvalidRequest"),
    (
        "feedback-1mb",
        "/api/feedback",
        {"json": {"question": "q", "answer": "a" * 1_000_000, "rating": "up"}},
        413,
        "RequestTooLarge",
    ),
    ("admin-off", "/api/admin/articles", {"json": {"id": "x", "text": "Evil."}}, 403, "AdminDisabled"),
]


@pytest.mark.parametrize(
    ("case", "path", "request_", "status", "error"), API_CASES, ids=[c[0] for c in API_CASES]
)
def test_the_api_refuses_bad_input_with_json_and_goes_on(
    served, embedder, case: str, path: str, request_: dict[str, Any], status: int, error: str
) -> None:
    client, pipeline = served
    before = stored(pipeline.settings.data_dir, embedder)
    response = client.post(path, **request_)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error and len(body["message"]) > 10, body
    after = client.post("/api/ask", json={"question": NORMAL})
    assert after.status_code == 200 and AUTHOR in after.json()["answer"]
    assert stored(pipeline.settings.data_dir, embedder) == before


# -- the Gradio endpoint ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def gradio_url(own_pipeline, serve) -> str:
    from ui.server import create_app

    pipeline = own_pipeline(rate_limit_per_minute=100_000)
    return serve(create_app(pipeline, pipeline.settings))


GRADIO_CASES = [
    ("", "the question is empty"),
    ("   \n ", "the question is empty"),
    ("\x1b\x07", "the question is empty"),
    ("q" * 10_000, "10,000 characters long"),
    ("q" * 1_000_000, "1,000,000 characters long"),
]


@pytest.mark.parametrize(
    ("question", "message"), GRADIO_CASES, ids=["empty", "blank", "controls", "10k", "1mb"]
)
def test_the_gradio_endpoint_refuses_bad_input_clearly(gradio_url: str, question: str, message: str) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(gradio_url + "/", verbose=False)
    with pytest.raises(AppError, match=message):
        client.predict(question, api_name="/ask")
    assert AUTHOR in client.predict(NORMAL, api_name="/ask")["answer"]
    assert httpx.post(f"{gradio_url}/api/ask", json={"question": NORMAL}, timeout=60).status_code == 200


def test_the_gradio_endpoint_refuses_bad_article_ids(gradio_url: str) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(gradio_url + "/", verbose=False)
    for article_id, message in (("../../etc/passwd", "article id must be"), ("nope", "no article with id")):
        with pytest.raises(AppError, match=message):
            client.predict(NORMAL, [], "extractive", article_id, api_name="/ask")
