"""The Chroma store: atomic builds, idempotent re-indexing, edits, model checks, server mode."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from core.errors import IndexMismatch, IndexMissing, UnknownArticle
from core.settings import Settings
from core.types import Article
from index.build import add_article, build_index
from index.chunking import chunk_article
from index.embeddings import make_embedder
from index.store import LIVE_TTL_S, Store

ROOT = Path(__file__).resolve().parents[2]


def _store(tmp_path: Path, embedder, live_ttl_s: float = LIVE_TTL_S, **changes) -> tuple[Store, Settings]:
    settings = Settings(data_dir=tmp_path, **changes)
    return Store(settings, embedder.model_name, embedder.dim, live_ttl_s=live_ttl_s), settings


def test_missing_index_says_how_to_build(tmp_path: Path, embedder) -> None:
    store, _ = _store(tmp_path, embedder)
    assert not store.exists()
    with pytest.raises(IndexMissing, match="article-qa index build"):
        store.chunks()


def test_build_reindex_edit_remove(tmp_path: Path, embedder, article) -> None:
    store, settings = _store(tmp_path, embedder)
    build_index(store, embedder, [article], settings)
    chunks = store.chunks()
    assert len(chunks) == len(chunk_article(article, settings.chunk_tokens, settings.chunk_overlap))
    assert all(article.text[c.start : c.end] == c.text for c in chunks)
    assert store.article(article.id).about == article.about

    # Re-indexing the same text adds nothing.
    change = add_article(store, embedder, article, settings)
    assert (change.added, change.removed, change.kept) == (0, 0, len(chunks))

    # An edited paragraph replaces only its chunk; later chunks keep their ids, with moved offsets.
    text = article.text.replace("Годината започна в Абу Даби", "Годината започна в Абу Даби, ОАЕ")
    change = add_article(store, embedder, replace(article, text=text), settings)
    assert (change.added, change.removed) == (1, 1)
    after = store.chunks()
    assert len(after) == len(chunks)
    assert all(text[c.start : c.end] == c.text for c in after)

    # A second article, then removing it.
    other = Article(id="other-story", text="Нов текст за Астана.\n\nВтори абзац за форума.", language="bg")
    add_article(store, embedder, other, settings)
    assert {a.id for a in store.articles()} == {article.id, "other-story"}
    assert store.remove_article("other-story") == 1
    with pytest.raises(UnknownArticle):
        store.article("other-story")
    assert store.stats()["articles"] == 1


def test_index_built_with_another_model_is_refused_with_advice(tmp_path: Path, embedder, article) -> None:
    minilm = make_embedder("minilm")
    other, settings = _store(tmp_path, minilm)
    build_index(other, minilm, [article], settings)
    store, _ = _store(tmp_path, embedder)
    with pytest.raises(IndexMismatch, match=r"st:all-MiniLM-L6-v2.*article-qa index build"):
        store.search(embedder.embed_query("Кога?"), 3)


def test_killed_build_leaves_the_previous_index_serving(tmp_path: Path, embedder, article) -> None:
    store, settings = _store(tmp_path, embedder)
    build_index(store, embedder, [article], settings)
    before = store.info()["active"]
    ids = {c.id for c in store.chunks()}
    env = {**os.environ, "ARTICLE_QA_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    build = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "index", "build"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert build.stdout is not None
    seen = b""
    while b"embedding" not in seen and build.poll() is None:  # kill it mid-way through embedding
        seen += build.stdout.read1(256)
    build.send_signal(signal.SIGKILL)
    build.wait()
    fresh, _ = _store(tmp_path, embedder)
    assert fresh.info()["active"] == before
    assert {c.id for c in fresh.chunks()} == ids
    assert fresh.search(embedder.embed_query("Кой е авторът?"), 3)
    # A retry completes, sweeps the leftover, and holds no duplicate chunks.
    build_index(fresh, embedder, [article], settings)
    chunks = fresh.chunks()
    assert len(chunks) == len({c.id for c in chunks}) == len(ids)
    names = [c if isinstance(c, str) else c.name for c in fresh.client().list_collections()]
    assert len([n for n in names if n.startswith("articles-v") and not n.endswith("-docs")]) == 1


def test_reading_everything_goes_page_by_page(tmp_path: Path, embedder, article) -> None:
    store, settings = _store(tmp_path, embedder)
    others = [Article(id=f"story-{i}", text=f"Статия {i} за Астана.\n\nВтори абзац {i}.") for i in range(4)]
    build_index(store, embedder, [article, *others], settings)
    whole = store.chunks()
    paged = Store(settings, embedder.model_name, embedder.dim, page_size=7)  # many pages, the last short
    assert paged.chunks() == whole
    assert [a.id for a in paged.articles()] == sorted([article.id, *(o.id for o in others)])
    full = Store(settings, embedder.model_name, embedder.dim, page_size=len(whole))  # the last page full
    assert full.chunks() == whole


def test_bad_store_settings_are_refused_by_name(tmp_path: Path, embedder) -> None:
    settings = Settings(data_dir=tmp_path)
    with pytest.raises(ValueError, match="page_size must be > 0, got 0"):
        Store(settings, embedder.model_name, embedder.dim, page_size=0)
    with pytest.raises(ValueError, match="live_ttl_s must be >= 0, got -1"):
        Store(settings, embedder.model_name, embedder.dim, live_ttl_s=-1)


def test_search_with_known_chunks_reads_only_ids(tmp_path: Path, embedder, article) -> None:
    store, settings = _store(tmp_path, embedder)
    build_index(store, embedder, [article], settings)
    vector = embedder.embed_query("When was the CA–Russia summit?")
    full = store.search(vector, 5)
    known = {c.id: c for c in store.chunks()}
    assert store.search(vector, 5, known=known) == full
    partial = {cid: c for cid, c in known.items() if cid != full[0].chunk.id}
    assert store.search(vector, 5, known=partial) == full  # a chunk it lacks: everything is read


def test_nearest_among_one_articles_chunks_matches_the_filtered_search(
    tmp_path: Path, embedder, article
) -> None:
    store, settings = _store(tmp_path, embedder)
    other = Article(id="other-story", text="Срещата в Душанбе беше на 9 октомври.\n\nВтори абзац.")
    build_index(store, embedder, [article, other], settings)
    vector = embedder.embed_query("When was the CA–Russia summit?")
    filtered = store.search(vector, 5, article_id=article.id)
    exact = store.nearest(vector, store.chunks(article.id), 5)
    assert [h.chunk for h in exact] == [h.chunk for h in filtered]
    assert [h.similarity for h in exact] == pytest.approx([h.similarity for h in filtered], abs=1e-5)
    assert store.nearest(vector, [], 5) == []


def test_a_rebuild_by_another_process_is_seen(tmp_path: Path, embedder, article) -> None:
    reader, settings = _store(tmp_path, embedder, live_ttl_s=3600.0)  # its cache would stay stale
    build_index(reader, embedder, [article], settings)
    vector = embedder.embed_query("Кой е авторът?")
    assert reader.search(vector, 3)  # the live collection is now cached
    writer, _ = _store(tmp_path, embedder)  # another process: its build sweeps the old version
    edited = replace(article, text=article.text.replace("Годината започна", "Новата година започна"))
    build_index(writer, embedder, [edited], settings)
    hits = reader.search(vector, 3)  # the cached collection is gone: read afresh, not an error
    assert hits and reader.generation() == writer.generation()
    assert any("Новата година започна" in c.text for c in reader.chunks())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def chroma_server(tmp_path: Path):
    chroma = Path(sys.executable).with_name("chroma")
    port = _free_port()
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    yield port
    proc.terminate()
    proc.wait(timeout=30)


def test_chroma_server_mode(tmp_path: Path, embedder, article, chroma_server: int) -> None:
    store, settings = _store(tmp_path, embedder, chroma_host="127.0.0.1", chroma_port=chroma_server)
    assert settings.remote and store.where == f"http://127.0.0.1:{chroma_server}"
    build_index(store, embedder, [article], settings)
    hits = store.search(embedder.embed_query("When was the CA–Russia summit?"), 5)
    assert any("9 октомври в Душанбе" in h.chunk.text for h in hits)
    assert store.stats()["articles"] == 1
    assert not (tmp_path / "index").exists()  # nothing was written to the embedded store
