"""The alias: an empty collection whose metadata says which version of the index is live.

Its metadata names the live version (``active``), the embedding model and dimension that built
it, and a ``generation`` counter bumped on every change. Repointing it is one metadata write,
so a new version becomes visible all at once.

Reads reuse the alias metadata and the live collections for up to ``live_ttl_s`` seconds: a
search is then one Chroma call, not three (three round trips to a server). ``point`` forgets
them at once, so this process sees its own writes; another process's are seen within
``live_ttl_s``, and a read that finds its cached collection swept retries once afresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.errors import ArticleQAError, IndexMismatch, IndexMissing, StoreUnavailable
from index.chroma import Chroma

LIVE_TTL_S = 1.0


@dataclass(frozen=True)
class Live:
    """The alias metadata and the live version's collections, as read at ``when``."""

    meta: dict[str, Any]
    chunks: Any
    docs: Any
    when: float


class Alias:
    """The alias collection called ``name``, for an index of ``model_name`` vectors of ``dim``."""

    def __init__(
        self, chroma: Chroma, name: str, model_name: str, dim: int, live_ttl_s: float = LIVE_TTL_S
    ) -> None:
        if live_ttl_s < 0:
            raise ValueError(f"live_ttl_s must be >= 0, got {live_ttl_s}")
        self.chroma = chroma
        self.name = name
        self.model_name = model_name
        self.dim = dim
        self.live_ttl_s = live_ttl_s
        self._cache: Live | None = None  # replaced whole, never mutated: no lock needed

    def meta(self) -> dict[str, Any] | None:
        """The alias metadata, or None when no index is in place."""
        try:
            coll = self.chroma.call("read alias", lambda: self.chroma.client().get_collection(self.name))
        except StoreUnavailable:
            raise
        except Exception:  # NotFoundError / ValueError, depending on the client
            return None
        meta = dict(coll.metadata or {})
        return meta if meta.get("active") else None

    def info(self) -> dict[str, Any]:
        """The alias metadata (live version, model, dim, generation); raises IndexMissing."""
        meta = self.meta()
        if meta is None:
            raise IndexMissing(
                f"no index at {self.chroma.where} yet: run 'article-qa index build' (or start the server)"
            )
        return meta

    def check_model(self) -> dict[str, Any]:
        """Fail with IndexMismatch unless the live index was built with our embedding model."""
        meta = self.info()
        if meta.get("embedder") != self.model_name or int(meta.get("dim", 0)) != self.dim:
            raise IndexMismatch(
                f"the index at {self.chroma.where} was built with {meta.get('embedder')!r} "
                f"(dim {meta.get('dim')}), but the embedder is {self.model_name!r} (dim {self.dim}). "
                "Rebuild it with 'article-qa index build' (or set ARTICLE_QA_EMBEDDER back)."
            )
        return meta

    def generation(self) -> str:
        """Changes whenever the live index changes (for caches built on top of it)."""
        meta = self.live().meta
        return f"{meta['active']}#{meta.get('generation', 0)}"

    def live(self) -> Live:
        """The live version (checked against our model), re-read at most every ``live_ttl_s``."""
        now = time.monotonic()
        live = self._cache
        if live is not None and now - live.when < self.live_ttl_s:
            return live
        meta = self.check_model()
        live = Live(meta, self.chunks(meta["active"]), self.docs(meta["active"]), now)
        self._cache = live
        return live

    def read(self, what: str, fn: Callable[[Live], Any]) -> Any:
        """``fn`` on the live collections; once more afresh if a cached one was swept meanwhile."""
        cached = self._cache is not None
        live = self.live()
        try:
            return self.chroma.call(what, lambda: fn(live))
        except ArticleQAError:
            raise
        except Exception:  # chromadb's NotFoundError & co: maybe another process rebuilt the index
            if not cached:
                raise
            self._cache = None
            fresh = self.live()
            return self.chroma.call(what, lambda: fn(fresh))

    def chunks(self, version: str | None = None) -> Any:
        """The chunk collection of ``version`` (the live one, uncached, by default)."""
        version = version or self.check_model()["active"]
        return self.chroma.call("open chunks", lambda: self.chroma.client().get_collection(version))

    def docs(self, version: str | None = None) -> Any:
        """The article collection of ``version`` (the live one, uncached, by default)."""
        version = version or self.check_model()["active"]
        return self.chroma.call(
            "open articles", lambda: self.chroma.client().get_collection(f"{version}-docs")
        )

    def point(self, version: str, generation: int) -> None:
        """Make ``version`` the live one, at ``generation``."""
        meta = {
            "active": version,
            "embedder": self.model_name,
            "dim": self.dim,
            "generation": generation,
            "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        client = self.chroma.client()
        coll = self.chroma.call(
            "create alias", lambda: client.get_or_create_collection(self.name, embedding_function=None)
        )
        self.chroma.call("point alias", lambda: coll.modify(metadata=meta))
        self._cache = None

    def bump(self) -> None:
        """Count a change made in place to the live version (caches on top of it rebuild)."""
        meta = self.info()
        self.point(meta["active"], int(meta.get("generation", 0)) + 1)
