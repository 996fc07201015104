"""Every finished ``article-qa eval`` run, kept per article in the data dir for the quality page.

``--out DIR`` may be anywhere (and is often thrown away), so each run's ``summary.json`` is also
copied here, where the server's editor page (``GET /api/admin/articles/{id}/quality``) finds it:

    DATA_DIR/eval-runs/<article id>/<UTC time>-<backend>.json   {**summary, "out": "DIR"}

A run without ``--article`` is about the shipped article (its gold offsets point into it).
Files are written whole and then renamed, so a reader never sees half a summary.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

from core.articles import DEFAULT_ARTICLE_ID, validate_article_id

log = logging.getLogger(__name__)

RUNS = "eval-runs"
_STAMP = re.compile(r"[^0-9A-Za-z]+")


def article_of(summary: dict[str, Any]) -> str:
    """The article a run asked about (the shipped one when the run named none)."""
    return str(summary["config"].get("article_id") or DEFAULT_ARTICLE_ID)


def record(data_dir: Path, summary: dict[str, Any], out: Path) -> Path:
    """Keep a copy of ``summary`` (of the run written to ``out``) under ``data_dir``; its path."""
    config = summary["config"]
    folder = data_dir / RUNS / validate_article_id(article_of(summary))
    folder.mkdir(parents=True, exist_ok=True)
    stamp = _STAMP.sub("", str(config.get("date", "")))[:15] or "undated"
    backend = _STAMP.sub("-", str(config.get("backend") or "default")).strip("-")
    path = folder / f"{stamp}-{backend}.json"
    partial = path.with_suffix(".tmp")
    body = {**summary, "out": str(out.resolve())}
    partial.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return path


def latest(data_dir: Path, article_id: str) -> list[dict[str, Any]]:
    """The newest stored run of each backend for ``article_id``, newest first (``[]`` if none).

    A file that cannot be read is skipped with a warning: one bad copy never hides the rest.
    """
    folder = data_dir / RUNS / validate_article_id(article_id)
    newest: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json"), reverse=True) if folder.is_dir() else []:
        try:
            summary = json.loads(path.read_text(encoding="utf-8"))
            if not all(isinstance(summary.get(k), dict) for k in ("config", "metrics", "by_language")):
                raise ValueError("not the summary of an eval run")
            backend = str(summary["config"].get("backend") or "default")
        except (OSError, ValueError, KeyError, TypeError) as err:
            log.warning("skipping the unreadable eval summary %s: %s", path, err)
            continue
        newest.setdefault(backend, summary)
    return sorted(newest.values(), key=lambda s: str(s["config"].get("date", "")), reverse=True)
