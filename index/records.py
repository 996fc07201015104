"""How chunks and articles are kept as Chroma records, and read back.

A chunk is a record of its version's collection: id, vector, text, and its place in the
article as metadata. An article is a record of the ``-docs`` collection: its full text (what
citations are checked against), its other fields as JSON, and a dummy one-number vector.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from core.types import Article, Chunk

Progress = Callable[[int], None]
ADD_BATCH = 2048  # chunks per Chroma write (its limit is ~5,400; each write is a transaction)


def add_chunks(
    coll: Any, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]], progress: Progress | None
) -> None:
    """Upsert ``chunks`` with their ``vectors`` into ``coll``, ``ADD_BATCH`` at a time."""
    for i in range(0, len(chunks), ADD_BATCH):
        batch = chunks[i : i + ADD_BATCH]
        coll.upsert(
            ids=[c.id for c in batch],
            embeddings=[list(v) for v in vectors[i : i + ADD_BATCH]],
            documents=[c.text for c in batch],
            metadatas=[chunk_meta(c) for c in batch],
        )
        if progress:
            progress(len(batch))


def put_articles(docs: Any, articles: Sequence[Article]) -> None:
    """Upsert ``articles`` into the ``-docs`` collection ``docs``."""
    docs.upsert(
        ids=[a.id for a in articles],
        embeddings=[[1.0] for _ in articles],
        documents=[a.text for a in articles],
        metadatas=[{"meta": json.dumps(a.metadata(), ensure_ascii=False)} for a in articles],
    )


def chunk_meta(c: Chunk) -> dict[str, Any]:
    """The metadata that a chunk's record keeps besides its id and text."""
    return {
        "article_id": c.article_id,
        "paragraph": c.paragraph,
        "start": c.start,
        "end": c.end,
        "tokens": c.tokens,
    }


def to_chunk(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    """The chunk that a record holds."""
    return Chunk(
        id=chunk_id,
        article_id=str(meta["article_id"]),
        paragraph=int(meta["paragraph"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
        tokens=int(meta.get("tokens", 0)),
    )


def to_chunks(got: dict[str, Any]) -> list[Chunk]:
    """The chunks of a Chroma ``get`` result that included documents and metadatas."""
    return [to_chunk(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)]


def to_article(text: str, meta: dict[str, Any]) -> Article:
    """The article that a ``-docs`` record holds."""
    return Article(text=text, **json.loads(str(meta["meta"])))
