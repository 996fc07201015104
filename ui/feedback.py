"""Readers' ratings of answers, kept durably in SQLite (WAL mode).

One row per rating: when, the question, the answer text, its citations (JSON), "up" or "down",
an optional reason, the backend and article. No client address or other personal data is kept.
Each call opens its own short connection, so the store is safe to use from any thread; a
failure raises ``FeedbackNotSaved`` with a message for the reader and never touches the chat.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ui.errors import FeedbackNotSaved

RATINGS = ("up", "down")
MAX_REASON_CHARS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    reason TEXT NOT NULL DEFAULT '',
    backend TEXT NOT NULL DEFAULT '',
    article_id TEXT NOT NULL DEFAULT ''
)
"""


class FeedbackStore:
    """Append-only ratings in ``path`` (created on first write)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = False

    def add(
        self,
        question: str,
        answer: str,
        citations: Sequence[dict[str, Any]],
        rating: str,
        reason: str = "",
        backend: str = "",
        article_id: str = "",
    ) -> int:
        """Store one rating; return its id. Raises ValueError for a bad rating."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be 'up' or 'down', got {rating!r}")
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"),
            question,
            answer,
            json.dumps(list(citations), ensure_ascii=False),
            rating,
            reason[:MAX_REASON_CHARS],
            backend,
            article_id,
        )
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, question, answer, citations, rating, reason, backend,"
                " article_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cursor.lastrowid or 0)

    def set_reason(self, feedback_id: int, reason: str) -> None:
        """Attach the reader's reason to an earlier rating."""
        with self._connect() as db:
            reason = reason[:MAX_REASON_CHARS]
            db.execute("UPDATE feedback SET reason = ? WHERE id = ?", (reason, feedback_id))

    def recent(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest ratings first, citations decoded."""
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("SELECT * FROM feedback ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [{**dict(r), "citations": json.loads(r["citations"])} for r in rows]

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A short connection that commits on success; any failure becomes FeedbackNotSaved."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=5.0)
        except (OSError, sqlite3.Error) as err:
            raise _not_saved(err) from err
        try:
            if not self._ready:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
                self._ready = True
            yield db
            db.commit()
        except sqlite3.Error as err:
            raise _not_saved(err) from err
        finally:
            db.close()


def _not_saved(err: Exception) -> FeedbackNotSaved:
    return FeedbackNotSaved(f"Could not save your feedback ({err}); the chat is not affected.")
