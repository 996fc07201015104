"""Vector search over the live index: Chroma's HNSW for the archive, exact cosine for a few chunks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.types import Chunk
from index.alias import Alias
from index.records import to_chunk


@dataclass(frozen=True)
class Hit:
    """A chunk found by vector search, with its cosine similarity."""

    chunk: Chunk
    similarity: float


def search(
    alias: Alias,
    vector: Sequence[float],
    n: int,
    article_id: str | None = None,
    known: Mapping[str, Chunk] | None = None,
) -> list[Hit]:
    """The ``n`` nearest chunks by cosine similarity, optionally within one article.

    ``known`` maps chunk ids to the live index's chunks (BM25 holds them all): then only ids
    and distances are read from Chroma, which skips most of a query's cost (fetching text and
    metadata); a hit missing from ``known`` makes it read everything after all.
    """
    where = {"article_id": article_id} if article_id else None
    include = ["distances"] if known is not None else ["documents", "metadatas", "distances"]
    got = alias.read(
        "query",
        lambda live: live.chunks.query(
            query_embeddings=[list(vector)], n_results=n, where=where, include=include
        ),
    )
    ids, distances = got["ids"][0], got["distances"][0]
    if known is not None:
        if all(i in known for i in ids):
            return [Hit(known[i], 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]
        return search(alias, vector, n, article_id)
    return [
        Hit(to_chunk(i, d, m), 1.0 - float(dist))
        for i, d, m, dist in zip(ids, got["documents"][0], got["metadatas"][0], distances, strict=True)
    ]


def nearest(alias: Alias, vector: Sequence[float], chunks: Sequence[Chunk], n: int) -> list[Hit]:
    """The ``n`` of ``chunks`` nearest to ``vector`` by cosine, exactly: their vectors read by id.

    For one article's few chunks this beats a filtered index search, whose cost grows with the
    archive (about 2 ms vs 150 ms at 10,000 articles, bench/scale.py).
    """
    by_id = {c.id: c for c in chunks}
    if not by_id or n < 1:
        return []
    got = alias.read("read vectors", lambda live: live.chunks.get(ids=list(by_id), include=["embeddings"]))
    if not got["ids"]:
        return []
    similarity = cosine(np.asarray(got["embeddings"], dtype=np.float32), vector)
    order = np.argsort(-similarity, kind="stable")[:n]
    return [Hit(by_id[got["ids"][i]], float(similarity[i])) for i in order]


def cosine(matrix: np.ndarray, vector: Sequence[float]) -> np.ndarray:
    """Cosine similarity of each row of ``matrix`` to ``vector`` (0 for a zero vector).

    >>> cosine(np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]]), [3.0, 0.0]).tolist()
    [1.0, 0.0, 0.0]
    """
    query = np.asarray(vector, dtype=matrix.dtype)
    norms = np.linalg.norm(matrix, axis=1) * float(np.linalg.norm(query))
    return np.asarray(matrix @ query / np.maximum(norms, 1e-12))
