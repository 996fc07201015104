"""Readers' ratings of answers, kept durably in SQLite (WAL mode).

One row per rating: when, the question, the answer text, its citations (JSON: each with its
paragraph and quote), "up", "unsure" or "down" (the reader's yes / not sure / no), an optional
reason, the backend and article. No client address or other personal data is kept. ``export``
gives the newsroom every row, as dicts or as CSV (one line per rating, the cited paragraphs
and quotes joined), for the admin endpoint ``GET /api/admin/feedback``.
Each call opens its own short connection, so the store is safe to use from any thread; a
failure raises ``FeedbackNotSaved`` with a message for the reader and never touches the chat.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ui.errors import FeedbackNotSaved

RATINGS = ("up", "unsure", "down")
EXPORT_COLUMNS = (
    "id",
    "created_at",
    "article_id",
    "rating",
    "reason",
    "question",
    "answer",
    "paragraphs",
    "quotes",
    "backend",
)
MAX_REASON_CHARS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'unsure', 'down')),
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
            raise ValueError(f"rating must be 'up', 'unsure' or 'down', got {rating!r}")
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

    def counts(self, article_id: str) -> dict[str, int]:
        """How many ratings of each kind the article's answers got: ``{"up": n, "unsure": n, "down": n}``."""
        out = dict.fromkeys(RATINGS, 0)
        if not self.path.exists():
            return out
        query = "SELECT rating, COUNT(*) FROM feedback WHERE article_id = ? GROUP BY rating"
        with self._connect() as db:
            out.update({str(r): int(n) for r, n in db.execute(query, (article_id,)).fetchall()})
        return out

    def export(self, article_id: str = "") -> list[dict[str, Any]]:
        """Every rating, oldest first (of one article when given), with its cited paragraphs."""
        query = "SELECT * FROM feedback" + (" WHERE article_id = ?" if article_id else "") + " ORDER BY id"
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(query, (article_id,) if article_id else ()).fetchall()
        out = []
        for row in rows:
            citations = json.loads(row["citations"])
            paragraphs = sorted({int(c["paragraph"]) for c in citations if c.get("paragraph")})
            out.append({**dict(row), "citations": citations, "paragraphs": paragraphs})
        return out

    def export_csv(self, article_id: str = "") -> str:
        """``export()`` as CSV (UTF-8 text, a header line, paragraphs and quotes joined by " | ")."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, EXPORT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in self.export(article_id):
            quotes = " | ".join(str(c.get("quote", "")) for c in row["citations"])
            writer.writerow({**row, "paragraphs": " | ".join(map(str, row["paragraphs"])), "quotes": quotes})
        return buffer.getvalue()

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
                _allow_unsure(db)
                self._ready = True
            yield db
            db.commit()
        except sqlite3.Error as err:
            raise _not_saved(err) from err
        finally:
            db.close()


def _allow_unsure(db: sqlite3.Connection) -> None:
    """Databases made before "unsure" existed: rebuild the table with the wider CHECK, rows kept."""
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'feedback'").fetchone()
    if "'unsure'" in sql:
        return
    db.execute("ALTER TABLE feedback RENAME TO feedback_old")
    db.execute(_SCHEMA)
    db.execute("INSERT INTO feedback SELECT * FROM feedback_old")
    db.execute("DROP TABLE feedback_old")
    db.commit()


def _not_saved(err: Exception) -> FeedbackNotSaved:
    return FeedbackNotSaved(f"Could not save your feedback ({err}); the chat is not affected.")
