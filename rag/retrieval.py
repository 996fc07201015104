"""Hybrid retrieval: dense vectors (Chroma) and BM25, fused by reciprocal rank.

Dense search carries meaning across languages (an English question finds a Bulgarian
passage); BM25 catches exact names, numbers and rare words that a small embedder blurs.
Reciprocal-rank fusion needs no score calibration between the two: each list contributes
``weight / (RRF_K + rank)`` per chunk.

BM25 is rebuilt from the store when the index changes: at once for a small index, in the
background for a big one (seconds at 10,000 articles), while the old one keeps serving. A
keyword hit from a BM25 older than the index is checked against the store (it may have been
deleted, or moved by an edit), so a change never yields a passage that is no longer there.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from core.types import Chunk, Passage
from index.embeddings import ArticleEmbeddings
from index.store import Store
from rag.bm25 import BM25
from rag.dates import season_words
from rag.names import article_forms

log = logging.getLogger(__name__)

RRF_K = 60
DENSE_WEIGHT = 1.0
BM25_WEIGHT = 0.6
REFRESH_S = 2.0  # seconds: how often a retriever asks the store whether the index changed
BACKGROUND_OVER = 20_000  # chunks: a bigger BM25 is rebuilt in the background


@dataclass
class StageTimes:
    """Milliseconds per retrieval stage (for benchmarks and the answer's timings)."""

    embed_ms: float = 0.0
    dense_ms: float = 0.0
    bm25_ms: float = 0.0
    fusion_ms: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def total_ms(self) -> float:
        """All stages together."""
        return self.embed_ms + self.dense_ms + self.bm25_ms + self.fusion_ms

    def to_dict(self) -> dict[str, float]:
        """The stages and their total in milliseconds, rounded to 0.01 ms (for JSON)."""
        stages = {"embed_ms": self.embed_ms, "dense_ms": self.dense_ms, "bm25_ms": self.bm25_ms}
        stages |= {"fusion_ms": self.fusion_ms, **self.extra, "total_ms": self.total_ms}
        return {name: round(ms, 2) for name, ms in stages.items()}


class HybridRetriever:
    """Dense + BM25 retrieval over a Store; the BM25 side follows the store's changes."""

    def __init__(
        self,
        store: Store,
        embedder: ArticleEmbeddings,
        candidates: int = 20,
        *,
        background_over: int = BACKGROUND_OVER,
        refresh_s: float = REFRESH_S,
    ) -> None:
        if candidates < 1:
            raise ValueError(f"candidates must be > 0, got {candidates}")
        self.store = store
        self.embedder = embedder
        self.candidates = candidates
        self.background_over = background_over  # BM25s of more chunks are rebuilt in the background
        self.refresh_s = refresh_s  # how often the index's generation is checked
        self._bm25: BM25 | None = None
        self._generation = ""
        self._checked = 0.0
        self._lock = threading.Lock()
        self._rebuilding: threading.Thread | None = None

    def bm25(self) -> BM25:
        """The keyword index, rebuilt when the store's generation moves on."""
        return self._current()[0]

    def _current(self) -> tuple[BM25, str]:
        """The keyword index and the generation it was built from (maybe older than the store's)."""
        now = time.monotonic()
        with self._lock:
            if self._bm25 is None or now - self._checked > self.refresh_s:
                generation = self.store.generation()
                self._checked = now
                if self._bm25 is None or (
                    generation != self._generation and len(self._bm25.chunks) <= self.background_over
                ):
                    self._bm25 = BM25(self.store.chunks())
                    self._generation = generation
                elif generation != self._generation and self._rebuilding is None:
                    self._rebuilding = threading.Thread(
                        target=self._rebuild, args=(generation,), name="article-qa-bm25", daemon=True
                    )
                    self._rebuilding.start()
            return self._bm25, self._generation

    def _rebuild(self, generation: str) -> None:
        """Build BM25 for ``generation`` and swap it in (the old one serves meanwhile)."""
        try:
            fresh = BM25(self.store.chunks())
            with self._lock:
                self._bm25, self._generation = fresh, generation
        except Exception as err:  # the next check tries again; the old BM25 keeps serving
            log.warning("rebuilding the keyword index failed: %s", err)
        finally:
            with self._lock:
                self._rebuilding = None

    def retrieve(
        self,
        question: str,
        k: int = 3,
        article_id: str | None = None,
        times: StageTimes | None = None,
    ) -> list[Passage]:
        """The ``k`` best passages for ``question``, numbered from 1."""
        if k < 1:
            raise ValueError(f"k must be > 0, got {k}")
        times = times if times is not None else StageTimes()
        t0 = time.perf_counter()
        vector = self.embedder.embed_query(question)
        t1 = time.perf_counter()
        bm25, generation = self._current()  # (re)built here when the index changed
        # the chunks BM25 holds are the live index's when built from its generation: then dense
        # search reads only ids and distances from Chroma
        stale = generation != self.store.generation()
        known = None if stale else bm25.by_id
        t2 = time.perf_counter()
        if article_id is not None and known is not None:  # one article: exact, over its chunks
            dense = self.store.nearest(vector, bm25.article_chunks(article_id), max(self.candidates, k))
        else:
            dense = self.store.search(vector, max(self.candidates, k), article_id, known)
        t3 = time.perf_counter()
        extra = article_forms(question) + season_words(question)  # the article's words for its names, seasons
        keyword = bm25.search(question, max(self.candidates, k), article_id, extra)
        if stale and keyword:  # keep the hits still in the index, as they are now
            live = self.store.chunks_by_id([c.id for c, _ in keyword])
            keyword = [(live[c.id], score) for c, score in keyword if c.id in live]
        t4 = time.perf_counter()
        fused = fuse([[h.chunk for h in dense], [c for c, _ in keyword]], [DENSE_WEIGHT, BM25_WEIGHT])
        t5 = time.perf_counter()
        times.embed_ms, times.dense_ms = (t1 - t0) * 1000, (t3 - t2) * 1000
        times.bm25_ms, times.fusion_ms = (t2 - t1 + t4 - t3) * 1000, (t5 - t4) * 1000
        return [
            Passage.from_chunk(i, chunk, round(score, 6)) for i, (chunk, score) in enumerate(fused[:k], 1)
        ]

    def opening(self, article_id: str) -> Chunk | None:
        """The first chunk of an article (where a dateline is), None for an unknown article."""
        chunks = self.bm25().article_chunks(article_id)
        return chunks[0] if chunks else None


def fuse(rankings: list[list[Chunk]], weights: list[float]) -> list[tuple[Chunk, float]]:
    """Reciprocal-rank fusion of several rankings (best first), ties kept in input order."""
    scores: dict[str, float] = {}
    by_id: dict[str, Chunk] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, chunk in enumerate(ranking, start=1):
            by_id.setdefault(chunk.id, chunk)
            scores[chunk.id] = scores.get(chunk.id, 0.0) + weight / (RRF_K + rank)
    order = sorted(scores, key=lambda cid: -scores[cid])
    return [(by_id[cid], scores[cid]) for cid in order]
