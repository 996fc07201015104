"""``article-qa serve`` for real: it says where it listens at once, builds the index on first
start with progress on the console, reports loading on /healthz, then answers."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest


def command() -> list[str]:
    script = Path(sys.executable).with_name("article-qa")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ui.cli"]


def environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ARTICLE_QA_DATA_DIR=str(data_dir),
        ARTICLE_QA_BACKEND="extractive",
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_OFFLINE="1",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.mark.slow
def test_serve_builds_the_index_and_becomes_ready(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [*command(), "serve", "--port", "0"],
        env=environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stdout and server.stderr
    err_stream = server.stderr
    stderr: list[str] = []
    threading.Thread(target=lambda: stderr.append(err_stream.read()), daemon=True).start()
    try:
        first = server.stdout.readline()
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)/", first)
        assert found, first + "".join(stderr)
        url = found.group(1)
        states = []
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"{url}/healthz", timeout=10)
            except httpx.TransportError:  # not accepting yet
                time.sleep(0.5)
                continue
            states.append((health.status_code, health.json()))
            if health.status_code == 200:
                break
            time.sleep(0.5)
        assert states and states[-1] == (200, {"status": "ready"}), states
        assert all(s in ((503, {"status": "loading"}), (200, {"status": "ready"})) for s in states)
        answer = httpx.post(f"{url}/api/ask", json={"question": "Who wrote the article?"}, timeout=60)
        assert answer.status_code == 200 and answer.json()["citations"]
        assert (tmp_path / "index").is_dir()
        # once ready, the suggested questions are generated in the background and then served
        made = tmp_path / "suggestions" / "kazakhstan-diplomacy-2025.json"
        while not made.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        served = httpx.get(f"{url}/api/articles/kazakhstan-diplomacy-2025/suggestions", timeout=30)
        assert served.json()["suggestions"] == json.loads(made.read_text(encoding="utf-8"))["questions"]
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert "ready after" in out
    time.sleep(0.2)
    assert "embedding" in "".join(stderr)  # the index build showed its progress


def test_serve_refuses_a_busy_port_clearly(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*command(), "serve", "--port", str(port)],
            env=environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
