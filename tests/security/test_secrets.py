"""Secrets come only from the environment and never show: not in logs, output, pages, the OpenAPI
schema, /api/status, error messages or anything written to disk. The real server runs in a
subprocess with an OpenAI key and an admin token, and is made to use both.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from core.settings import Settings

KEY = "sk-secret-4f1d0c9a7b3e2d1c0b9a8f7e6d5c4b3a"
TOKEN = "adm-secret-9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4"


def test_settings_never_show_the_secrets() -> None:
    settings = Settings.from_env(
        {"ARTICLE_QA_OPENAI_API_KEY": KEY, "ARTICLE_QA_ADMIN_TOKEN": TOKEN, "ARTICLE_QA_PORT": "8080"}
    )
    assert settings.openai_api_key == KEY and settings.admin_token == TOKEN
    for shown in (repr(settings), str(settings), f"{settings}", repr([settings])):
        assert KEY not in shown and TOKEN not in shown
    assert "port=8080" in repr(settings)
    assert Settings.from_env({"OPENAI_API_KEY": KEY}).openai_api_key == KEY  # the usual variable works too


@pytest.mark.slow
def test_the_running_server_never_reveals_its_secrets(settings: Settings, pipeline, tmp_path: Path) -> None:
    shutil.copytree(settings.index_dir, tmp_path / "index")
    env = {
        **os.environ,
        "ARTICLE_QA_DATA_DIR": str(tmp_path),
        "ARTICLE_QA_BACKEND": "extractive",
        "ARTICLE_QA_OPENAI_BASE_URL": "http://127.0.0.1:9/v1",  # nothing listens: every call fails
        "ARTICLE_QA_OPENAI_MODEL": "gpt-test",
        "ARTICLE_QA_OPENAI_API_KEY": KEY,
        "ARTICLE_QA_ADMIN_TOKEN": TOKEN,
        "PYTHONUNBUFFERED": "1",
    }
    script = Path(sys.executable).with_name("article-qa")
    server = subprocess.Popen(
        [str(script), "serve", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stdout and server.stderr
    err_stream = server.stderr
    stderr: list[str] = []
    threading.Thread(target=lambda: stderr.append(err_stream.read()), daemon=True).start()
    seen: list[str] = []  # every response: status line, headers and body
    try:
        first = server.stdout.readline()
        url = re.search(r"listening on (http://127\.0\.0\.1:\d+)/", first).group(1)  # type: ignore[union-attr]
        with httpx.Client(base_url=url, timeout=120) as client:
            deadline = time.monotonic() + 300
            while client.get("/healthz").status_code != 200:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.5)

            def call(method: str, path: str, **kwargs) -> httpx.Response:
                response = client.request(method, path, **kwargs)
                seen.append(f"{method} {path} {response.status_code}\n{response.headers}\n{response.text}")
                return response

            for path in ("/", "/config", "/demo", "/widget.js", "/docs", "/openapi.json", "/api/status"):
                assert call("GET", path).status_code == 200, path
            call("GET", "/gradio_api/info")
            answer = call(
                "POST", "/api/ask", json={"question": "Who wrote the article?", "backend": "openai"}
            )
            assert answer.status_code == 200 and "unavailable" in answer.json()["notice"]  # the key was used
            call("POST", "/api/ask/stream", json={"question": "Who wrote it?", "backend": "openai"})
            story = {"id": "secret-test", "text": "Заглавие\n\nЕдин абзац за теста."}
            assert (
                call(
                    "POST", "/api/admin/articles", json=story, headers={"Authorization": f"Bearer {TOKEN}x"}
                ).status_code
                == 401
            )
            assert (
                call(
                    "POST", "/api/admin/articles", json=story, headers={"Authorization": f"Bearer {TOKEN}"}
                ).status_code
                == 201
            )
            assert (
                call(
                    "DELETE", "/api/admin/articles/secret-test", headers={"Authorization": f"Bearer {TOKEN}"}
                ).status_code
                == 200
            )
            call("GET", "/api/ask", headers={"Authorization": f"Bearer {TOKEN}"})  # 405, token sent elsewhere
            call("POST", "/api/feedback", json={"question": "q", "answer": "a", "rating": "up"})
            call("POST", "/api/ask", content=b"{broken", headers={"Content-Type": "application/json"})
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    time.sleep(0.2)
    logs = out + "".join(stderr)
    assert "openai backend failed" in logs  # the failure was logged...
    for secret in (KEY, TOKEN, KEY[10:30], TOKEN[11:31]):
        assert secret not in logs  # ...without the key
        assert not [s for s in seen if secret in s]
        for file in tmp_path.rglob("*"):
            if file.is_file():
                assert secret.encode() not in file.read_bytes(), file
