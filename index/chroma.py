"""The connection to Chroma: one client, embedded or a ``chroma run`` server, and its failures.

The client is made on first use (``HttpClient`` when a host is set, else ``PersistentClient``
under ``Settings.index_dir``). A call that fails because the server cannot be reached raises
``StoreUnavailable`` naming where the store is; other errors pass through unchanged.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from core.errors import ArticleQAError, StoreUnavailable
from core.settings import Settings

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

_DAMAGED = ". If the index is damaged, move {where} aside and run 'article-qa index build'."
_CONNECTION_ERRORS = {
    "ConnectError",
    "ConnectTimeout",
    "ReadTimeout",
    "ConnectionError",
    "RemoteProtocolError",
}


class Chroma:
    """A lazily opened Chroma client and the location it talks to."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: Any = None
        self._lock = threading.Lock()

    def client(self) -> Any:
        """The Chroma client (created once): HttpClient when a host is set, else embedded."""
        if self._client is not None:  # no lock: reads must not wait for another thread's open
            return self._client
        with self._lock:
            if self._client is None:
                self._client = self._open()
            return self._client

    def _open(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        s = self.settings
        try:
            if s.remote:
                return chromadb.HttpClient(host=s.chroma_host, port=s.chroma_port, settings=chroma_settings)
            s.index_dir.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(s.index_dir), settings=chroma_settings)
        except Exception as err:  # chromadb raises ValueError/ConnectionError/...
            advice = "" if s.remote else _DAMAGED.format(where=self.where)
            raise StoreUnavailable(f"cannot open the Chroma store at {self.where}: {err}{advice}") from err

    @property
    def where(self) -> str:
        """Human-readable location of the store."""
        s = self.settings
        return f"http://{s.chroma_host}:{s.chroma_port}" if s.remote else str(s.index_dir)

    def call(self, what: str, fn: Callable[[], Any]) -> Any:
        """Run a Chroma call, turning connection failures into StoreUnavailable."""
        try:
            return fn()
        except ArticleQAError:
            raise
        except Exception as err:
            if is_connection_error(err):
                raise StoreUnavailable(
                    f"the Chroma store at {self.where} is unreachable ({what}): {err}"
                ) from err
            raise


def is_connection_error(err: BaseException) -> bool:
    """True when ``err`` or anything that caused it is a failure to reach the server."""
    names: Iterable[str] = (type(e).__name__ for e in _chain(err))
    return any(n in _CONNECTION_ERRORS or "Connection" in n for n in names)


def _chain(err: BaseException | None) -> Iterable[BaseException]:
    while err is not None:
        yield err
        err = err.__cause__ or err.__context__
