"""Writing the index: a whole new version swapped in, or one article changed in place.

A build fills a brand-new version and only then repoints the alias, so an interrupted build
leaves the previous index serving; leftovers of interrupted builds are swept by the next one.
An in-place change adds new chunks before deleting stale ones, so an interruption never leaves
an article missing, and running it again converges (chunk ids are content hashes). We always
pass our own vectors: Chroma's default embedding function is never called.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from core.types import Article, Chunk
from index.alias import Alias
from index.records import ADD_BATCH, Progress, add_chunks, chunk_meta, put_articles

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleChange:
    """What ``upsert_article`` did: chunk ids added, removed, and kept as they were."""

    article_id: str
    added: int
    removed: int
    kept: int


def build(
    alias: Alias,
    articles: Sequence[tuple[Article, Sequence[Chunk], Sequence[Sequence[float]]]],
    progress: Progress | None = None,
) -> str:
    """Fill a new version with these articles, then swap it in; return its name."""
    chroma = alias.chroma
    version = f"{alias.name}-v{time.time_ns() // 1_000_000}"
    chunks_coll = chroma.call("create version", lambda: _new_collection(alias, version))
    docs_coll = chroma.call("create docs", lambda: _new_collection(alias, f"{version}-docs"))
    # Small articles are written several at a time (each Chroma write is a transaction,
    # whatever its size), keyed by id: one given twice is stored once, as before.
    chunks: dict[str, tuple[Chunk, Sequence[float]]] = {}
    pending: dict[str, Article] = {}
    for article, its_chunks, its_vectors in articles:
        chunks.update((c.id, (c, v)) for c, v in zip(its_chunks, its_vectors, strict=True))
        pending[article.id] = article
        if len(chunks) >= ADD_BATCH or len(pending) >= ADD_BATCH:
            _flush(chunks_coll, docs_coll, chunks, pending, progress)
    if pending:
        _flush(chunks_coll, docs_coll, chunks, pending, progress)
    old = alias.meta()
    alias.point(version, 0 if old is None else int(old.get("generation", 0)) + 1)
    _sweep(alias, keep=version)
    return version


def _flush(
    chunks_coll: Any,
    docs_coll: Any,
    chunks: dict[str, tuple[Chunk, Sequence[float]]],
    articles: dict[str, Article],
    progress: Progress | None,
) -> None:
    """Write the chunks and articles gathered so far, and forget them."""
    pairs = list(chunks.values())
    add_chunks(chunks_coll, [c for c, _ in pairs], [v for _, v in pairs], progress)
    put_articles(docs_coll, list(articles.values()))
    chunks.clear()
    articles.clear()


def _new_collection(alias: Alias, name: str) -> Any:
    return alias.chroma.client().create_collection(
        name, metadata={"hnsw:space": "cosine"}, embedding_function=None
    )


def _sweep(alias: Alias, keep: str) -> None:
    """Delete versions other than ``keep`` (old ones and leftovers of interrupted builds)."""
    client = alias.chroma.client()
    prefix = f"{alias.name}-v"
    for coll in alias.chroma.call("list", client.list_collections):
        name = coll if isinstance(coll, str) else coll.name
        if name.startswith(prefix) and not name.startswith(keep):
            try:
                client.delete_collection(name)
            except Exception as err:  # another process may have swept it already
                log.warning("could not delete old collection %s: %s", name, err)


def upsert_article(
    alias: Alias,
    article: Article,
    chunks: Sequence[Chunk],
    embed: Callable[[list[str]], list[list[float]]],
    progress: Progress | None = None,
) -> ArticleChange:
    """Add or update one article in the live version, embedding only chunks whose text is new."""
    call = alias.chroma.call
    coll, docs = alias.chunks(), alias.docs()
    old = call("read chunks", lambda: coll.get(where={"article_id": article.id}, include=[]))
    old_ids = set(old["ids"])
    new = [c for c in chunks if c.id not in old_ids]
    kept = [c for c in chunks if c.id in old_ids]
    vectors = embed([c.text for c in new]) if new else []
    call("add chunks", lambda: add_chunks(coll, new, vectors, progress))
    if kept:  # offsets may have moved when an earlier paragraph was edited
        metas = [chunk_meta(c) for c in kept]
        call("update offsets", lambda: coll.update(ids=[c.id for c in kept], metadatas=metas))
        if progress:
            progress(len(kept))
    stale = sorted(old_ids - {c.id for c in chunks})
    if stale:
        call("delete stale", lambda: coll.delete(ids=stale))
    call("put article", lambda: put_articles(docs, [article]))
    alias.bump()
    return ArticleChange(article.id, len(new), len(stale), len(kept))


def remove_article(alias: Alias, article_id: str) -> int:
    """Delete an article and its chunks from the live version; return how many chunks went."""
    call = alias.chroma.call
    coll, docs = alias.chunks(), alias.docs()
    ids = call("read chunks", lambda: coll.get(where={"article_id": article_id}, include=[]))["ids"]
    if ids:
        call("delete chunks", lambda: coll.delete(ids=ids))
    call("delete article", lambda: docs.delete(ids=[article_id]))
    alias.bump()
    return len(ids)
