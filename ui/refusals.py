"""The questions readers asked that the article could not answer, for the editors' quality page.

When the answer service abstains ("the article does not say"), one row is appended here: when
(UTC, to the second), the article, the question's language, the backend and the question as the
reader asked it (cut to ``MAX_QUESTION_CHARS``). No client address, session or other personal
data is kept. SQLite in WAL mode beside the feedback database, one short connection per call;
a failed write is logged and never reaches the reader.

    store = RefusalStore(data_dir / "refusals.sqlite3")
    store.add("Who won the 2030 World Cup?", "en", "kazakhstan-diplomacy-2025", "extractive")
    store.grouped("kazakhstan-diplomacy-2025")  # [{question, language, times, last_asked}, ...]
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FILE = "refusals.sqlite3"
MAX_QUESTION_CHARS = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS refusals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    article_id TEXT NOT NULL,
    language TEXT NOT NULL,
    backend TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL
)
"""


class RefusalStore:
    """Append-only refused questions in ``path`` (created on the first write)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = False

    def add(self, question: str, language: str, article_id: str, backend: str = "") -> bool:
        """Append one refused question; False (and a warning in the log) if it could not be kept."""
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"),
            article_id,
            language,
            backend,
            " ".join(question.split())[:MAX_QUESTION_CHARS],
        )
        try:
            with self._connect() as db:
                db.execute(
                    "INSERT INTO refusals (created_at, article_id, language, backend, question)"
                    " VALUES (?, ?, ?, ?, ?)",
                    row,
                )
        except (OSError, sqlite3.Error) as err:
            log.warning("could not record a refused question in %s: %s", self.path, err)
            return False
        return True

    def grouped(self, article_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """The article's refused questions, each once per language with how often and when last
        asked; the most asked first (``[]`` when there are none or the file is missing)."""
        if not self.path.exists():
            return []
        query = (
            "SELECT question, language, COUNT(*) AS times, MAX(created_at) AS last_asked FROM refusals"
            " WHERE article_id = ? GROUP BY lower(question), language"
            " ORDER BY times DESC, last_asked DESC LIMIT ?"
        )
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute(query, (article_id, limit)).fetchall()]

    def counts(self, article_id: str) -> dict[str, int]:
        """How many questions about the article were refused, per language."""
        if not self.path.exists():
            return {}
        query = "SELECT language, COUNT(*) FROM refusals WHERE article_id = ? GROUP BY language"
        with self._connect() as db:
            return {str(lang): int(n) for lang, n in db.execute(query, (article_id,)).fetchall()}

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A short connection that commits on success."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5.0)
        try:
            if not self._ready:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
                self._ready = True
            yield db
            db.commit()
        finally:
            db.close()
