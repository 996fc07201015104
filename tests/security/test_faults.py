"""Faults injected under a running API: the Chroma server dies and comes back, the language model
hangs, the feedback database is broken. Each gives a clear answer (503 JSON, a fallback with a
notice, an error that leaves the chat going) and the service recovers without a restart.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk

from core.settings import Settings
from rag.backends import ChatBackend
from rag.pipeline import Pipeline
from ui.feedback import FeedbackStore
from ui.server import create_app

QUESTION = "When was the CA–Russia summit?"
EVIDENCE = "9 октомври в Душанбе"  # what the cited sentence of the article says
SAID = "9 October"  # what the answer says, in the reader's language


def answered(body: dict) -> bool:
    """The known answer: the date in English, cited to the article's sentence that holds it."""
    return SAID in body["answer"] and any(EVIDENCE in c["quote"] for c in body["citations"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ChromaServer:
    """``chroma run`` in a subprocess, which a test may kill and start again on the same port."""

    def __init__(self, path: Path, port: int) -> None:
        self.path, self.port = path, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        chroma = Path(sys.executable).with_name("chroma")
        command = [
            str(chroma),
            "run",
            "--path",
            str(self.path),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.2)
        raise RuntimeError(f"chroma did not start on port {self.port}")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)


@pytest.fixture()
def chroma(settings: Settings, pipeline, tmp_path: Path) -> Iterator[ChromaServer]:
    """A Chroma server holding a copy of the session's index (so nothing is re-embedded)."""
    shutil.copytree(settings.index_dir, tmp_path / "chroma")
    server = ChromaServer(tmp_path / "chroma", free_port())
    server.start()
    yield server
    server.kill()


def test_the_chroma_server_going_down_is_a_clear_503_and_recovers(
    chroma: ChromaServer, embedder, tmp_path
) -> None:
    remote = Settings(
        data_dir=tmp_path / "data",
        chroma_host="127.0.0.1",
        chroma_port=chroma.port,
        backend="extractive",
        rate_limit_per_minute=100_000,
    )
    pipeline = Pipeline(remote, embedder)
    pipeline.warm_up(load_model=False)
    client = TestClient(create_app(pipeline, remote))
    assert answered(client.post("/api/ask", json={"question": QUESTION}).json())

    chroma.kill()
    time.sleep(2.5)  # past every cache in front of the store
    for path in ("/api/ask", "/api/retrieve"):
        down = client.post(path, json={"question": QUESTION})
        assert down.status_code == 503, down.text
        assert down.json()["error"] == "StoreUnavailable"
        assert f"http://127.0.0.1:{chroma.port}" in down.json()["message"]
    stream = client.post("/api/ask/stream", json={"question": QUESTION})
    last = [line for line in stream.text.splitlines() if line.startswith("data:")][-1]
    assert json.loads(last[5:]) | {"message": ""} == {
        "error": "StoreUnavailable",
        "message": "",
        "status": 503,
    }
    assert client.get("/api/articles").status_code in (200, 503)  # cached, or a clear 503

    chroma.start()  # same port, same data
    deadline = time.monotonic() + 30
    while (back := client.post("/api/ask", json={"question": QUESTION})).status_code != 200:
        assert time.monotonic() < deadline, back.text
        time.sleep(0.5)
    assert answered(back.json())
    assert client.get("/api/status").json()["status"] == "ready"
    assert not (tmp_path / "data" / "index").exists()  # it never fell back to a local store


def test_the_cli_says_when_the_chroma_server_is_unreachable(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ARTICLE_QA_DATA_DIR": str(tmp_path),
        "ARTICLE_QA_CHROMA_HOST": "127.0.0.1",
        "ARTICLE_QA_CHROMA_PORT": str(free_port()),  # nothing listens there
        "ARTICLE_QA_BACKEND": "extractive",
    }
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "ask", QUESTION],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "article-qa: " in done.stderr and "127.0.0.1" in done.stderr


class _Hanging(GenericFakeChatModel):
    """A chat model whose server stalls: every word takes two seconds."""

    def _stream(self, *args, **kwargs):
        for word in ["The", "summit", "was", "on", "9", "October", "[1]."]:
            time.sleep(2.0)
            yield ChatGenerationChunk(message=AIMessageChunk(content=word + " "))


def test_a_hanging_model_gives_the_extractive_answer_with_a_visible_notice(own_pipeline) -> None:
    pipeline = own_pipeline(rate_limit_per_minute=100_000)
    pipeline.backends.register(ChatBackend("openai", _Hanging(messages=iter([])), "passages", timeout_s=0.5))
    client = TestClient(create_app(pipeline, pipeline.settings))
    answer = client.post("/api/ask", json={"question": QUESTION, "backend": "openai"}).json()
    assert answered(answer) and not answer["abstained"]
    assert (
        answer["notice"]
        == "The language model was unavailable, so this answer quotes the article's own sentences."
    )
    events = client.post("/api/ask/stream", json={"question": QUESTION, "backend": "openai"}).text
    assert '"notice": "The language model was unavailable' in events
    from ui import render

    shown = render.answer_message(answer["answer"], [c["n"] for c in answer["citations"]], answer["notice"])
    assert "<em>The language model was unavailable" in shown  # the chat shows it under the answer


@pytest.mark.parametrize("breakage", ["garbage", "directory", "locked"])
def test_a_failed_feedback_write_is_reported_and_the_chat_goes_on(own_pipeline, breakage: str) -> None:
    pipeline = own_pipeline(rate_limit_per_minute=100_000)
    db = pipeline.settings.data_dir / "feedback.sqlite3"
    holder = None
    if breakage == "garbage":
        db.write_bytes(b"this is not a database" * 100)
    elif breakage == "directory":
        db.mkdir()
    else:  # another process holds the write lock for longer than the store waits (5 s)
        FeedbackStore(db).add("q", "a", [], "up")
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
    try:
        client = TestClient(create_app(pipeline, pipeline.settings))
        answer = client.post("/api/ask", json={"question": QUESTION}).json()
        body = {
            "question": QUESTION,
            "answer": answer["answer"],
            "citations": answer["citations"],
            "rating": "up",
        }
        refused = client.post("/api/feedback", json=body)
        assert refused.status_code == 503 and refused.json()["error"] == "FeedbackNotSaved"
        assert "the chat is not affected" in refused.json()["message"]
        follow_up = [
            {"role": "user", "content": QUESTION},
            {"role": "assistant", "content": answer["answer"]},
        ]
        again = client.post("/api/ask", json={"question": "And where was it held?", "history": follow_up})
        assert again.status_code == 200
        assert any("Душанбе" in c["quote"] for c in again.json()["citations"])
    finally:
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
    if holder is not None:  # once the lock is gone, feedback is saved again
        assert client.post("/api/feedback", json=body).status_code == 201


def test_an_unreachable_openai_endpoint_falls_back_with_a_notice(own_pipeline) -> None:
    """The real langchain-openai client against a port where nothing listens (a 500 before)."""
    from rag.backends import make_openai

    pipeline = own_pipeline(rate_limit_per_minute=100_000)
    dead = pipeline.settings.with_(
        openai_base_url=f"http://127.0.0.1:{free_port()}/v1", openai_model="gpt-test", llm_timeout_s=10.0
    )
    pipeline.backends.register(make_openai(dead))
    client = TestClient(create_app(pipeline, pipeline.settings))
    response = client.post("/api/ask", json={"question": QUESTION, "backend": "openai"})
    assert response.status_code == 200, response.text
    assert "unavailable" in response.json()["notice"] and answered(response.json())
