"""The vector store: article chunks and their vectors in Chroma, embedded or on a server.

Layout, all under one name (``Settings.collection``, "articles" by default):

- ``articles`` — an empty *alias* collection whose metadata names the live version, the
  embedding model and its dimension, and a generation counter bumped on every change;
- ``articles-v<ms>`` — the chunks of that version (vectors, text, offsets);
- ``articles-v<ms>-docs`` — the full text and metadata of each article (citations are
  checked against it).

A build fills a brand-new version and only then repoints the alias (one metadata write), so
an interrupted build leaves the previous index serving; leftovers are swept by the next build.
We always pass our own vectors: Chroma's default embedding function is never called.

Reads (search, chunks, articles, generation) reuse the alias and the live collections for up
to ``LIVE_TTL_S``: a search is then one Chroma call, not three (three round trips to a
server). Writes through this ``Store`` are seen at once; another process's build is seen
within ``LIVE_TTL_S``, and a read that finds its cached collection swept retries once afresh.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import ArticleQAError, IndexMismatch, IndexMissing, StoreUnavailable, UnknownArticle
from core.settings import Settings
from core.types import Article, Chunk

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
log = logging.getLogger(__name__)

Progress = Callable[[int], None]
_ADD_BATCH = 2048  # chunks per Chroma write (its limit is ~5,400; each write is a transaction)
_DAMAGED = ". If the index is damaged, move {where} aside and run 'article-qa index build'."
_PAGE = 5_000  # chunks per Chroma ``get`` when reading them all (bounds the peak memory)
LIVE_TTL_S = 1.0


@dataclass(frozen=True)
class Hit:
    """A chunk found by vector search, with its cosine similarity."""

    chunk: Chunk
    similarity: float


@dataclass(frozen=True)
class _Live:
    """The alias metadata and the live version's collections, as read at ``when``."""

    meta: dict[str, Any]
    chunks: Any
    docs: Any
    when: float


@dataclass(frozen=True)
class ArticleChange:
    """What ``upsert_article`` did: chunk ids added, removed, and kept as they were."""

    article_id: str
    added: int
    removed: int
    kept: int


class Store:
    """Chroma behind an alias; see the module docstring for the layout."""

    def __init__(self, settings: Settings, model_name: str, dim: int) -> None:
        self.settings = settings
        self.model_name = model_name
        self.dim = dim
        self._client: Any = None
        self._lock = threading.RLock()
        self._live_cache: _Live | None = None  # replaced whole, never mutated: no lock needed

    # -- connection -------------------------------------------------------------------------

    def client(self) -> Any:
        """The Chroma client (created once): HttpClient when a host is set, else embedded."""
        if self._client is not None:  # no lock: reads must not wait for a build holding it
            return self._client
        with self._lock:
            if self._client is None:
                import chromadb
                from chromadb.config import Settings as ChromaSettings

                chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
                try:
                    if self.settings.remote:
                        self._client = chromadb.HttpClient(
                            host=self.settings.chroma_host,
                            port=self.settings.chroma_port,
                            settings=chroma_settings,
                        )
                    else:
                        self.settings.index_dir.mkdir(parents=True, exist_ok=True)
                        self._client = chromadb.PersistentClient(
                            path=str(self.settings.index_dir), settings=chroma_settings
                        )
                except Exception as err:  # chromadb raises ValueError/ConnectionError/...
                    advice = "" if self.settings.remote else _DAMAGED.format(where=self.where)
                    raise StoreUnavailable(
                        f"cannot open the Chroma store at {self.where}: {err}{advice}"
                    ) from err
            return self._client

    @property
    def where(self) -> str:
        """Human-readable location of the store."""
        s = self.settings
        return f"http://{s.chroma_host}:{s.chroma_port}" if s.remote else str(s.index_dir)

    def _call(self, what: str, fn: Callable[[], Any]) -> Any:
        """Run a Chroma call, turning connection failures into StoreUnavailable."""
        try:
            return fn()
        except ArticleQAError:
            raise
        except Exception as err:
            if _is_connection_error(err):
                raise StoreUnavailable(
                    f"the Chroma store at {self.where} is unreachable ({what}): {err}"
                ) from err
            raise

    # -- alias ------------------------------------------------------------------------------

    def _alias(self) -> dict[str, Any] | None:
        name = self.settings.collection
        try:
            coll = self._call("read alias", lambda: self.client().get_collection(name))
        except StoreUnavailable:
            raise
        except Exception:  # NotFoundError / ValueError, depending on the client
            return None
        meta = dict(coll.metadata or {})
        return meta if meta.get("active") else None

    def info(self) -> dict[str, Any]:
        """The alias metadata (live version, model, dim, generation); raises IndexMissing."""
        meta = self._alias()
        if meta is None:
            raise IndexMissing(
                f"no index at {self.where} yet: run 'article-qa index build' (or start the server)"
            )
        return meta

    def exists(self) -> bool:
        """True when an index is in place (whatever model built it)."""
        return self._alias() is not None

    def check_model(self) -> dict[str, Any]:
        """Fail with IndexMismatch unless the live index was built with our embedding model."""
        meta = self.info()
        if meta.get("embedder") != self.model_name or int(meta.get("dim", 0)) != self.dim:
            raise IndexMismatch(
                f"the index at {self.where} was built with {meta.get('embedder')!r} "
                f"(dim {meta.get('dim')}), but the embedder is {self.model_name!r} (dim {self.dim}). "
                "Rebuild it with 'article-qa index build' (or set ARTICLE_QA_EMBEDDER back)."
            )
        return meta

    def generation(self) -> str:
        """Changes whenever the live index changes (for caches built on top of it)."""
        meta = self._live().meta
        return f"{meta['active']}#{meta.get('generation', 0)}"

    def _live(self) -> _Live:
        """The live version (checked against our model), re-read at most every ``LIVE_TTL_S``."""
        now = time.monotonic()
        live = self._live_cache
        if live is not None and now - live.when < LIVE_TTL_S:
            return live
        meta = self.check_model()
        version = meta["active"]
        client = self.client()
        chunks = self._call("open chunks", lambda: client.get_collection(version))
        docs = self._call("open articles", lambda: client.get_collection(f"{version}-docs"))
        live = _Live(meta, chunks, docs, now)
        self._live_cache = live
        return live

    def _read(self, what: str, fn: Callable[[_Live], Any]) -> Any:
        """``fn`` on the live collections; once more afresh if a cached one was swept meanwhile."""
        cached = self._live_cache is not None
        live = self._live()
        try:
            return self._call(what, lambda: fn(live))
        except ArticleQAError:
            raise
        except Exception:  # chromadb's NotFoundError & co: maybe another process rebuilt the index
            if not cached:
                raise
            self._live_cache = None
            fresh = self._live()
            return self._call(what, lambda: fn(fresh))

    def _chunks(self, version: str | None = None) -> Any:
        version = version or self.check_model()["active"]
        return self._call("open chunks", lambda: self.client().get_collection(version))

    def _docs(self, version: str | None = None) -> Any:
        version = version or self.check_model()["active"]
        return self._call("open articles", lambda: self.client().get_collection(f"{version}-docs"))

    def _point_alias(self, version: str, generation: int) -> None:
        meta = {
            "active": version,
            "embedder": self.model_name,
            "dim": self.dim,
            "generation": generation,
            "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        client = self.client()
        coll = self._call(
            "create alias",
            lambda: client.get_or_create_collection(self.settings.collection, embedding_function=None),
        )
        self._call("point alias", lambda: coll.modify(metadata=meta))
        self._live_cache = None

    def _bump(self) -> None:
        meta = self.info()
        self._point_alias(meta["active"], int(meta.get("generation", 0)) + 1)

    # -- building ---------------------------------------------------------------------------

    def build(
        self,
        articles: Sequence[tuple[Article, Sequence[Chunk], Sequence[Sequence[float]]]],
        progress: Progress | None = None,
    ) -> str:
        """Fill a new version with these articles, then swap it in; return its name."""
        with self._lock:
            client = self.client()
            version = f"{self.settings.collection}-v{time.time_ns() // 1_000_000}"
            chunks_coll = self._call("create version", lambda: self._new_collection(version))
            docs_coll = self._call("create docs", lambda: self._new_collection(f"{version}-docs"))
            # Small articles are written several at a time (each Chroma write is a transaction,
            # whatever its size), keyed by id: one given twice is stored once, as before.
            chunks: dict[str, tuple[Chunk, Sequence[float]]] = {}
            pending: dict[str, Article] = {}
            for article, its_chunks, its_vectors in articles:
                chunks.update((c.id, (c, v)) for c, v in zip(its_chunks, its_vectors, strict=True))
                pending[article.id] = article
                if len(chunks) >= _ADD_BATCH or len(pending) >= _ADD_BATCH:
                    self._flush(chunks_coll, docs_coll, chunks, pending, progress)
            if pending:
                self._flush(chunks_coll, docs_coll, chunks, pending, progress)
            old = self._alias()
            self._point_alias(version, 0 if old is None else int(old.get("generation", 0)) + 1)
            self._sweep(keep=version, client=client)
            return version

    def _flush(
        self,
        chunks_coll: Any,
        docs_coll: Any,
        chunks: dict[str, tuple[Chunk, Sequence[float]]],
        articles: dict[str, Article],
        progress: Progress | None,
    ) -> None:
        """Write the chunks and articles gathered so far, and forget them."""
        pairs = list(chunks.values())
        self._add_chunks(chunks_coll, [c for c, _ in pairs], [v for _, v in pairs], progress)
        self._put_articles(docs_coll, list(articles.values()))
        chunks.clear()
        articles.clear()

    def _new_collection(self, name: str) -> Any:
        return self.client().create_collection(
            name, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )

    def _sweep(self, keep: str, client: Any) -> None:
        """Delete versions other than ``keep`` (old ones and leftovers of interrupted builds)."""
        prefix = f"{self.settings.collection}-v"
        for coll in self._call("list", client.list_collections):
            name = coll if isinstance(coll, str) else coll.name
            if name.startswith(prefix) and not name.startswith(keep):
                try:
                    client.delete_collection(name)
                except Exception as err:  # another process may have swept it already
                    log.warning("could not delete old collection %s: %s", name, err)

    @staticmethod
    def _add_chunks(
        coll: Any,
        chunks: Sequence[Chunk],
        vectors: Sequence[Sequence[float]],
        progress: Progress | None,
    ) -> None:
        for i in range(0, len(chunks), _ADD_BATCH):
            batch = chunks[i : i + _ADD_BATCH]
            coll.upsert(
                ids=[c.id for c in batch],
                embeddings=[list(v) for v in vectors[i : i + _ADD_BATCH]],
                documents=[c.text for c in batch],
                metadatas=[_chunk_meta(c) for c in batch],
            )
            if progress:
                progress(len(batch))

    def _put_article(self, docs: Any, article: Article) -> None:
        self._put_articles(docs, [article])

    @staticmethod
    def _put_articles(docs: Any, articles: Sequence[Article]) -> None:
        docs.upsert(
            ids=[a.id for a in articles],
            embeddings=[[1.0] for _ in articles],
            documents=[a.text for a in articles],
            metadatas=[{"meta": json.dumps(a.metadata(), ensure_ascii=False)} for a in articles],
        )

    def upsert_article(
        self,
        article: Article,
        chunks: Sequence[Chunk],
        embed: Callable[[list[str]], list[list[float]]],
        progress: Progress | None = None,
    ) -> ArticleChange:
        """Add or update one article in place, embedding only chunks whose text is new.

        New chunks go in before stale ones are deleted, so an interruption never leaves the
        article missing, and running it again converges (ids are content hashes).
        """
        with self._lock:
            coll, docs = self._chunks(), self._docs()
            old = self._call("read chunks", lambda: coll.get(where={"article_id": article.id}, include=[]))
            old_ids = set(old["ids"])
            new = [c for c in chunks if c.id not in old_ids]
            kept = [c for c in chunks if c.id in old_ids]
            vectors = embed([c.text for c in new]) if new else []
            self._call("add chunks", lambda: self._add_chunks(coll, new, vectors, progress))
            if kept:  # offsets may have moved when an earlier paragraph was edited
                self._call(
                    "update offsets",
                    lambda: coll.update(ids=[c.id for c in kept], metadatas=[_chunk_meta(c) for c in kept]),
                )
                if progress:
                    progress(len(kept))
            stale = sorted(old_ids - {c.id for c in chunks})
            if stale:
                self._call("delete stale", lambda: coll.delete(ids=stale))
            self._call("put article", lambda: self._put_article(docs, article))
            self._bump()
            return ArticleChange(article.id, len(new), len(stale), len(kept))

    def remove_article(self, article_id: str) -> int:
        """Delete an article and its chunks; return how many chunks went."""
        with self._lock:
            self.article(article_id)  # raises UnknownArticle
            coll, docs = self._chunks(), self._docs()
            ids = self._call("read chunks", lambda: coll.get(where={"article_id": article_id}, include=[]))[
                "ids"
            ]
            if ids:
                self._call("delete chunks", lambda: coll.delete(ids=ids))
            self._call("delete article", lambda: docs.delete(ids=[article_id]))
            self._bump()
            return len(ids)

    # -- reading ----------------------------------------------------------------------------

    def articles(self) -> list[Article]:
        """Every indexed article, text included, sorted by id."""
        out: dict[str, Article] = {}
        for got in self._pages("read articles", lambda live: live.docs, None):
            for doc, meta in zip(got["documents"], got["metadatas"], strict=True):
                article = _article(doc, meta)
                out[article.id] = article
        return sorted(out.values(), key=lambda a: a.id)

    def article(self, article_id: str) -> Article:
        """One article by id; raises UnknownArticle."""
        got = self._read(
            "read article",
            lambda live: live.docs.get(ids=[article_id], include=["documents", "metadatas"]),
        )
        if not got["ids"]:
            raise UnknownArticle(f"no article with id {article_id!r} is indexed")
        return _article(got["documents"][0], got["metadatas"][0])

    def chunks(self, article_id: str | None = None) -> list[Chunk]:
        """All chunks (of one article), in article and offset order."""
        where = {"article_id": article_id} if article_id else None
        out: dict[str, Chunk] = {}  # by id: a page boundary that moved under a write repeats none
        for got in self._pages("read chunks", lambda live: live.chunks, where):
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                out[i] = _chunk(i, d, m)
        return sorted(out.values(), key=lambda c: (c.article_id, c.start, c.end))

    def chunks_by_id(self, ids: Sequence[str]) -> dict[str, Chunk]:
        """The chunks with these ids that the live index holds, by id."""
        if not ids:
            return {}
        wanted = list(ids)
        got = self._read(
            "read chunks", lambda live: live.chunks.get(ids=wanted, include=["documents", "metadatas"])
        )
        return {
            i: _chunk(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        }

    def _pages(
        self, what: str, collection: Callable[[_Live], Any], where: dict[str, Any] | None
    ) -> Iterable[dict[str, Any]]:
        """``get`` results of ``_PAGE`` records at a time (one huge ``get`` peaks in memory)."""
        offset = 0
        while True:

            def page(live: _Live, start: int = offset) -> Any:
                include = ["documents", "metadatas"]
                return collection(live).get(where=where, include=include, limit=_PAGE, offset=start)

            got = self._read(what, page)
            yield got
            if len(got["ids"]) < _PAGE:
                return
            offset += _PAGE

    def search(
        self,
        vector: Sequence[float],
        n: int,
        article_id: str | None = None,
        known: Mapping[str, Chunk] | None = None,
    ) -> list[Hit]:
        """The ``n`` nearest chunks by cosine similarity, optionally within one article.

        ``known`` maps chunk ids to the live index's chunks (BM25 holds them all): then only ids
        and distances are read from Chroma, which skips most of a query's cost (fetching text
        and metadata); a hit missing from ``known`` makes it read everything after all.
        """
        where = {"article_id": article_id} if article_id else None
        include = ["distances"] if known is not None else ["documents", "metadatas", "distances"]
        got = self._read(
            "query",
            lambda live: live.chunks.query(
                query_embeddings=[list(vector)], n_results=n, where=where, include=include
            ),
        )
        if known is not None:
            ids = got["ids"][0]
            if all(i in known for i in ids):
                return [Hit(known[i], 1.0 - float(d)) for i, d in zip(ids, got["distances"][0], strict=True)]
            return self.search(vector, n, article_id)
        return [
            Hit(_chunk(i, d, m), 1.0 - float(dist))
            for i, d, m, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=True
            )
        ]

    def nearest(self, vector: Sequence[float], chunks: Sequence[Chunk], n: int) -> list[Hit]:
        """The ``n`` of ``chunks`` nearest to ``vector`` by cosine, exactly: their vectors read by id.

        For one article's few chunks this beats a filtered index search, whose cost grows with
        the archive (about 2 ms vs 150 ms at 10,000 articles, bench/scale.py).
        """
        by_id = {c.id: c for c in chunks}
        if not by_id or n < 1:
            return []
        got = self._read(
            "read vectors", lambda live: live.chunks.get(ids=list(by_id), include=["embeddings"])
        )
        if not got["ids"]:
            return []
        matrix = np.asarray(got["embeddings"], dtype=np.float32)
        query = np.asarray(vector, dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1) * float(np.linalg.norm(query))
        similarity = matrix @ query / np.maximum(norms, 1e-12)
        order = np.argsort(-similarity, kind="stable")[:n]
        return [Hit(by_id[got["ids"][i]], float(similarity[i])) for i in order]

    def stats(self) -> dict[str, Any]:
        """Counts and settings of the live index."""
        meta = self.info()
        chunks = self._call("count", lambda: self._chunks(meta["active"]).count())
        docs = self._call("count", lambda: self._docs(meta["active"]).count())
        return {**meta, "articles": docs, "chunks": chunks, "store": self.where}


def _chunk_meta(c: Chunk) -> dict[str, Any]:
    return {
        "article_id": c.article_id,
        "paragraph": c.paragraph,
        "start": c.start,
        "end": c.end,
        "tokens": c.tokens,
    }


def _chunk(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        id=chunk_id,
        article_id=str(meta["article_id"]),
        paragraph=int(meta["paragraph"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
        tokens=int(meta.get("tokens", 0)),
    )


def _article(text: str, meta: dict[str, Any]) -> Article:
    return Article(text=text, **json.loads(str(meta["meta"])))


def _is_connection_error(err: BaseException) -> bool:
    names: Iterable[str] = (type(e).__name__ for e in _chain(err))
    return any(
        n in {"ConnectError", "ConnectTimeout", "ReadTimeout", "ConnectionError", "RemoteProtocolError"}
        or "Connection" in n
        for n in names
    )


def _chain(err: BaseException | None) -> Iterable[BaseException]:
    while err is not None:
        yield err
        err = err.__cause__ or err.__context__
