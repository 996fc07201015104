"""The scale-out topology of the README ("Serving more readers"), started for real.

One ``chroma run`` server, one llama.cpp server (``python -m rag.llm_server``, 2 slots) on the
packaged model, the index built once into the store with ``article-qa index build``, and two
``article-qa serve`` workers that share nothing but those two servers (each its own data dir,
``ARTICLE_QA_CHROMA_HOST`` / ``_PORT`` and ``ARTICLE_QA_LLM_SERVER_URL`` pointing at them). Both
become ready, answer from the one index with the same citations, stream a local answer through
the one model server, and a worker killed leaves the other serving. Every process is stopped by
its fixture's finalizer, and the finalizers check that it is gone.

The tests run in file order (the last one kills a worker). Generous deadlines guard the waits;
nothing is asserted on time.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from rag.llm_server import LocalServer, free_port

pytestmark = pytest.mark.slow

SUMMIT = "When was the CA–Russia summit?"
EVIDENCE = "9 октомври в Душанбе"  # the article's sentence the extractive answer must cite
CHINA = "What was the bilateral part of the China visit focused on?"  # no rule-read fact: the model answers
HUBS = "Besides developing transport corridors, what is Kazakhstan creating on its territory?"
START_S = 600.0  # guards, not assertions: a busy 2-core machine starts a worker in tens of seconds
TIMEOUT = httpx.Timeout(600.0, connect=10.0)


def cli() -> list[str]:
    """The ``article-qa`` command of this virtualenv."""
    script = Path(sys.executable).with_name("article-qa")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ui.cli"]


def topology_env(data_dir: Path, chroma_port: int, llm_url: str) -> dict[str, str]:
    """The environment of one process of the topology (none of the caller's ARTICLE_QA_* leaks in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARTICLE_QA_")}
    env.update(
        ARTICLE_QA_DATA_DIR=str(data_dir),
        ARTICLE_QA_CHROMA_HOST="127.0.0.1",
        ARTICLE_QA_CHROMA_PORT=str(chroma_port),
        ARTICLE_QA_LLM_SERVER_URL=llm_url,
        ARTICLE_QA_BACKEND="local",
        ARTICLE_QA_RATE_LIMIT_PER_MINUTE="0",
        ARTICLE_QA_LLM_TIMEOUT_S="600",  # two answers share 2 cores here: no fallback from a slow slot
        ANONYMIZED_TELEMETRY="False",
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_OFFLINE="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def wait_listening(port: int, proc: subprocess.Popen[bytes], what: str) -> None:
    """Return once ``port`` accepts connections; fail if ``proc`` exits first."""
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start on port {port}")


def stopped(proc: subprocess.Popen[bytes]) -> None:
    """Terminate (then kill) ``proc`` and wait for it; a no-op when it has exited."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


class Worker:
    """``article-qa serve --port 0`` in a subprocess; its URL is read from the first line it prints."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name, self.log = name, log
        with log.open("wb") as out:
            self.proc = subprocess.Popen([*cli(), "serve", "--port", "0"], env=env, stdout=out, stderr=out)
        self.url = ""

    def wait_ready(self) -> None:
        """Return once ``/healthz`` answers 200; fail with the worker's log if it fails or exits."""
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline and self.proc.poll() is None:
            if not self.url:
                found = re.search(r"listening on (http://127\.0\.0\.1:\d+)/", self.log.read_text())
                self.url = found.group(1) if found else ""
            elif (health := self._health()) == "ready":
                return
            elif health == "failed":
                break
            time.sleep(0.5)
        raise RuntimeError(f"worker {self.name} did not become ready:\n{self.log.read_text()[-3000:]}")

    def _health(self) -> str:
        try:
            return str(httpx.get(f"{self.url}/healthz", timeout=10).json()["status"])
        except (httpx.TransportError, ValueError, KeyError):
            return "unreachable"


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """One ``chroma run`` server on a free loopback port (its port); empty until the index build."""
    port, path = free_port(), tmp_path_factory.mktemp("chroma")
    chroma = str(Path(sys.executable).with_name("chroma"))
    command = [chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, proc, "chroma run")
        yield port
    finally:
        stopped(proc)
    assert proc.poll() is not None


@pytest.fixture(scope="module")
def llm(model_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """One llama.cpp server on the packaged model with 2 slots, as the README starts it."""
    server = LocalServer(
        model_file, threads=2, ctx=2048, parallel=2, log_file=tmp_path_factory.mktemp("llm") / "log"
    )
    try:
        server.ensure()
        yield server
    finally:
        server.stop()
    assert not server.alive()


@pytest.fixture(scope="module")
def indexed(chroma: int, llm: LocalServer, tmp_path_factory: pytest.TempPathFactory) -> int:
    """The shipped article indexed once into the Chroma server by ``article-qa index build``."""
    env = topology_env(tmp_path_factory.mktemp("builder"), chroma, llm.base_url)
    done = subprocess.run([*cli(), "index", "build"], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return chroma


@pytest.fixture(scope="module")
def workers(
    indexed: int, llm: LocalServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Worker]]:
    """Two app workers on free ports, sharing the Chroma server and the llama.cpp server."""
    started: list[Worker] = []
    try:
        for name in ("a", "b"):
            data_dir = tmp_path_factory.mktemp(f"worker-{name}")
            env = topology_env(data_dir, indexed, llm.base_url)
            started.append(Worker(name, env, data_dir / "serve.log"))
        for worker in started:  # both load at once; then each is waited for
            worker.wait_ready()
        yield started
    finally:
        for worker in started:
            stopped(worker.proc)
    assert all(worker.proc.poll() is not None for worker in started)


def ask(worker: Worker, question: str, backend: str) -> dict[str, Any]:
    """``POST /api/ask`` on ``worker``; the answer's JSON."""
    response = httpx.post(
        f"{worker.url}/api/ask", json={"question": question, "backend": backend}, timeout=TIMEOUT
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def stream(worker: Worker, question: str) -> list[tuple[str, dict[str, Any]]]:
    """The (event, data) pairs of ``POST /api/ask/stream`` on ``worker`` (default backend)."""
    events: list[tuple[str, dict[str, Any]]] = []
    kind = "message"
    with httpx.stream(
        "POST", f"{worker.url}/api/ask/stream", json={"question": question}, timeout=TIMEOUT
    ) as r:
        assert r.status_code == 200, r.read().decode()
        for line in r.iter_lines():
            if line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:"):
                events.append((kind, json.loads(line[5:])))
    return events


def test_both_workers_become_ready_on_the_shared_servers(workers: list[Worker], llm: LocalServer) -> None:
    for worker in workers:
        assert httpx.get(f"{worker.url}/healthz", timeout=10).json() == {"status": "ready"}
        status = httpx.get(f"{worker.url}/api/status", timeout=10).json()
        assert status["status"] == "ready", status
    assert workers[0].url != workers[1].url
    for worker in workers:  # neither built an index of its own: both read the Chroma server's
        data_dir = Path(worker.log).parent
        assert not (data_dir / "index").exists(), sorted(p.name for p in data_dir.iterdir())
    assert llm.alive()


def test_both_workers_answer_with_the_same_citations_from_the_shared_index(workers: list[Worker]) -> None:
    a, b = (ask(worker, SUMMIT, "extractive") for worker in workers)
    assert a["citations"] and any(EVIDENCE in c["quote"] for c in a["citations"]), a
    assert a["citations"] == b["citations"]
    assert a["answer"] == b["answer"] and a["passages"] == b["passages"]


def test_each_worker_streams_a_local_answer_over_the_shared_model_server(workers: list[Worker]) -> None:
    with ThreadPoolExecutor(2) as pool:  # at once: the model server's two slots take one each
        runs = list(pool.map(stream, workers, (CHINA, HUBS)))
    for worker, events in zip(workers, runs, strict=True):
        kinds = [kind for kind, _ in events]
        assert "error" not in kinds, (worker.name, events[-1])
        assert kinds[-1] == "answer" and "sources" in kinds and "token" in kinds, (worker.name, kinds)
        answer = events[-1][1]
        # the model's own sentences, no fallback: the shared model server answered
        assert answer["backend"] == "local" and answer["notice"] == "", (worker.name, answer)
        tokens = "".join(data["text"] for kind, data in events if kind == "token")
        assert tokens == answer["answer"], (worker.name, tokens, answer["answer"])
        assert answer["citations"], (worker.name, answer)


def test_a_killed_worker_leaves_the_other_serving(
    workers: list[Worker], llm: LocalServer, chroma: int
) -> None:
    before = ask(workers[1], SUMMIT, "extractive")
    workers[0].proc.send_signal(signal.SIGKILL)
    workers[0].proc.wait(timeout=30)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{workers[0].url}/healthz", timeout=5)

    assert httpx.get(f"{workers[1].url}/healthz", timeout=10).json() == {"status": "ready"}
    after = ask(workers[1], SUMMIT, "extractive")
    assert after["citations"] == before["citations"] and after["answer"] == before["answer"]
    assert llm.alive() and httpx.get(f"http://127.0.0.1:{llm.port}/health", timeout=10).status_code == 200
    assert httpx.get(f"http://127.0.0.1:{chroma}/api/v2/heartbeat", timeout=10).status_code == 200
