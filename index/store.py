"""The vector store: article chunks and their vectors in Chroma, embedded or on a server.

Layout, all under one name (``Settings.collection``, "articles" by default):

- ``articles`` — an empty *alias* collection whose metadata names the live version, the
  embedding model and its dimension, and a generation counter bumped on every change
  (``index/alias.py``);
- ``articles-v<ms>`` — the chunks of that version (vectors, text, offsets);
- ``articles-v<ms>-docs`` — the full text and metadata of each article (citations are
  checked against it); the record format is ``index/records.py``.

``Store`` is the one object the other packages hold; each of its jobs is a module of its own:
the connection (``index/chroma.py``), writing (``index/writing.py``: atomic builds behind the
alias, in-place edits), reading (``index/reading.py``) and search (``index/searching.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from core.settings import Settings
from core.types import Article, Chunk
from index import reading, searching, writing
from index.alias import LIVE_TTL_S, Alias
from index.chroma import Chroma
from index.reading import PAGE_SIZE
from index.records import Progress
from index.searching import Hit
from index.writing import ArticleChange

__all__ = ["LIVE_TTL_S", "PAGE_SIZE", "ArticleChange", "Hit", "Progress", "Store"]


class Store:
    """Chroma behind an alias; see the module docstring for the layout.

    ``page_size`` is how many records one read of them all fetches at a time; ``live_ttl_s``
    how long the live version is reused before the alias is read again (another process's
    build is seen within it).
    """

    def __init__(
        self,
        settings: Settings,
        model_name: str,
        dim: int,
        *,
        page_size: int = PAGE_SIZE,
        live_ttl_s: float = LIVE_TTL_S,
    ) -> None:
        if page_size < 1:
            raise ValueError(f"page_size must be > 0, got {page_size}")
        self.settings = settings
        self.model_name = model_name
        self.dim = dim
        self.page_size = page_size
        self._chroma = Chroma(settings)
        self._alias = Alias(self._chroma, settings.collection, model_name, dim, live_ttl_s)
        self._lock = threading.RLock()  # one write at a time; reads never wait for it

    # -- connection and alias ---------------------------------------------------------------

    def client(self) -> Any:
        """The Chroma client (created once): HttpClient when a host is set, else embedded."""
        return self._chroma.client()

    @property
    def where(self) -> str:
        """Human-readable location of the store."""
        return self._chroma.where

    def info(self) -> dict[str, Any]:
        """The alias metadata (live version, model, dim, generation); raises IndexMissing."""
        return self._alias.info()

    def exists(self) -> bool:
        """True when an index is in place (whatever model built it)."""
        return self._alias.meta() is not None

    def check_model(self) -> dict[str, Any]:
        """Fail with IndexMismatch unless the live index was built with our embedding model."""
        return self._alias.check_model()

    def generation(self) -> str:
        """Changes whenever the live index changes (for caches built on top of it)."""
        return self._alias.generation()

    def stats(self) -> dict[str, Any]:
        """Counts and settings of the live index."""
        meta = self.info()
        call = self._chroma.call
        chunks = call("count", lambda: self._alias.chunks(meta["active"]).count())
        docs = call("count", lambda: self._alias.docs(meta["active"]).count())
        return {**meta, "articles": docs, "chunks": chunks, "store": self.where}

    # -- writing ----------------------------------------------------------------------------

    def build(
        self,
        articles: Sequence[tuple[Article, Sequence[Chunk], Sequence[Sequence[float]]]],
        progress: Progress | None = None,
    ) -> str:
        """Fill a new version with these articles, then swap it in; return its name."""
        with self._lock:
            return writing.build(self._alias, articles, progress)

    def upsert_article(
        self,
        article: Article,
        chunks: Sequence[Chunk],
        embed: Callable[[list[str]], list[list[float]]],
        progress: Progress | None = None,
    ) -> ArticleChange:
        """Add or update one article in place, embedding only chunks whose text is new."""
        with self._lock:
            return writing.upsert_article(self._alias, article, chunks, embed, progress)

    def remove_article(self, article_id: str) -> int:
        """Delete an article and its chunks; return how many chunks went."""
        with self._lock:
            self.article(article_id)  # raises UnknownArticle
            return writing.remove_article(self._alias, article_id)

    # -- reading ----------------------------------------------------------------------------

    def articles(self) -> list[Article]:
        """Every indexed article, text included, sorted by id."""
        return reading.articles(self._alias, self.page_size)

    def article(self, article_id: str) -> Article:
        """One article by id; raises UnknownArticle."""
        return reading.article(self._alias, article_id)

    def chunks(self, article_id: str | None = None) -> list[Chunk]:
        """All chunks (of one article), in article and offset order."""
        return reading.chunks(self._alias, article_id, self.page_size)

    def chunks_by_id(self, ids: Sequence[str]) -> dict[str, Chunk]:
        """The chunks with these ids that the live index holds, by id."""
        return reading.chunks_by_id(self._alias, ids)

    # -- search -----------------------------------------------------------------------------

    def search(
        self,
        vector: Sequence[float],
        n: int,
        article_id: str | None = None,
        known: Mapping[str, Chunk] | None = None,
    ) -> list[Hit]:
        """The ``n`` nearest chunks by cosine similarity, optionally within one article.

        With ``known`` (chunk id -> chunk of the live index) only ids and distances are read.
        """
        return searching.search(self._alias, vector, n, article_id, known)

    def nearest(self, vector: Sequence[float], chunks: Sequence[Chunk], n: int) -> list[Hit]:
        """The ``n`` of ``chunks`` nearest to ``vector`` by cosine, exactly: their vectors read by id."""
        return searching.nearest(self._alias, vector, chunks, n)
