"""Building and changing the index: chunk, embed in batches, store; with progress reports.

These are the only functions that write to the store; the CLI and the server call them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from core.settings import Settings
from core.types import Article, Chunk
from index.chunking import chunk_article
from index.embeddings import ArticleEmbeddings
from index.store import ArticleChange, Store

# progress(total) -> advance(n): the caller draws a bar; we report chunks done.
ProgressFactory = Callable[[int, str], Callable[[int], None]]


def _silent(total: int, label: str) -> Callable[[int], None]:
    return lambda n: None


def chunk_all(articles: Sequence[Article], settings: Settings) -> list[tuple[Article, list[Chunk]]]:
    """Chunk every article with the configured sizes."""
    return [(a, chunk_article(a, settings.chunk_tokens, settings.chunk_overlap)) for a in articles]


def build_index(
    store: Store,
    embedder: ArticleEmbeddings,
    articles: Sequence[Article],
    settings: Settings,
    progress: ProgressFactory = _silent,
) -> str:
    """Index ``articles`` into a fresh version and swap it in; return the version name."""
    if not articles:
        raise ValueError("build_index needs at least one article")
    chunked = chunk_all(articles, settings)
    total = sum(len(chunks) for _, chunks in chunked)
    embed_step = progress(total, "embedding")
    batches = []
    for article, chunks in chunked:
        vectors: list[list[float]] = []
        for i in range(0, len(chunks), 32):
            part = chunks[i : i + 32]
            vectors.extend(embedder.embed_documents([c.text for c in part]))
            embed_step(len(part))
        batches.append((article, chunks, vectors))
    return store.build(batches, progress(total, "storing"))


def add_article(
    store: Store,
    embedder: ArticleEmbeddings,
    article: Article,
    settings: Settings,
    progress: ProgressFactory = _silent,
) -> ArticleChange:
    """Add or update one article; an index is created first if there is none."""
    chunks = chunk_article(article, settings.chunk_tokens, settings.chunk_overlap)
    if not store.exists():
        build_index(store, embedder, [article], settings, progress)
        return ArticleChange(article.id, len(chunks), 0, 0)
    return store.upsert_article(article, chunks, embedder.embed_documents, progress(len(chunks), "indexing"))
