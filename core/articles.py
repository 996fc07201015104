"""Loading articles: the shipped default, or any UTF-8 text file with optional JSON metadata.

An article's text is kept exactly as given (offsets into it are what citations point at);
metadata comes from a sidecar ``NAME.json`` when there is one, else from the text itself
(a leading ``date YYYY-MM-DD`` and trailing ``автор:`` / ``източник:`` lines, as the shipped
article has them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from core.errors import InvalidArticle
from core.types import Article

DEFAULT_ARTICLE_ID = "kazakhstan-diplomacy-2025"
MAX_ARTICLE_BYTES = 5_000_000
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Paragraph:
    """One blank-line-separated block: its 1-based number and exact span."""

    n: int
    start: int
    end: int


def validate_article_id(article_id: str) -> str:
    """Return ``article_id`` if it is a safe id (lowercase slug), else raise InvalidArticle."""
    if not isinstance(article_id, str) or not _ID_RE.match(article_id) or ".." in article_id:
        raise InvalidArticle(
            f"article id must be 1-128 lowercase letters, digits, '.', '_' or '-', got {article_id!r}"
        )
    return article_id


def paragraphs(text: str) -> list[Paragraph]:
    """Split ``text`` into paragraphs at blank lines, with exact, whitespace-trimmed spans.

    >>> [(p.n, p.start, p.end) for p in paragraphs("A b.\\n\\n  C d.\\n")]
    [(1, 0, 4), (2, 8, 12)]
    """
    out: list[Paragraph] = []
    pos = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        block_end = match.start() if match else len(text)
        block = text[pos:block_end]
        stripped = block.strip()
        if stripped:
            start = pos + (len(block) - len(block.lstrip()))
            out.append(Paragraph(len(out) + 1, start, start + len(stripped)))
        if match:
            pos = match.end()
    return out


def paragraph_at(paras: list[Paragraph], offset: int) -> int:
    """The number of the paragraph holding ``offset`` (the nearest one before it otherwise)."""
    number = paras[0].n if paras else 1
    for p in paras:
        if p.start > offset:
            break
        number = p.n
    return number


def default_article() -> Article:
    """The article shipped inside the project."""
    folder = resources.files("core") / "data" / "articles"
    text = (folder / f"{DEFAULT_ARTICLE_ID}.bg.txt").read_text(encoding="utf-8")
    meta = json.loads((folder / f"{DEFAULT_ARTICLE_ID}.bg.json").read_text(encoding="utf-8"))
    about = meta.pop("about", {})
    return Article(text=text, about=dict(about), **meta)


def check_text(text: str, name: str) -> str:
    """An article's text if it can be indexed (BOM dropped); else InvalidArticle naming ``name``."""
    if "\x00" in text:
        raise InvalidArticle(f"{name}: looks binary (contains NUL bytes)")
    if bad := re.search(r"[\ud800-\udfff]", text):
        raise InvalidArticle(f"{name}: not valid Unicode text (a lone surrogate at character {bad.start()})")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InvalidArticle(f"{name}: the article is empty")
    size = len(text.encode("utf-8"))
    if size > MAX_ARTICLE_BYTES:
        raise InvalidArticle(f"{name}: article is {size:,} bytes; the limit is 5 MB")
    return text


def load_article(path: Path, article_id: str | None = None) -> Article:
    """Read an article file (UTF-8 text, with ``path.json`` metadata if present)."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InvalidArticle(f"cannot read article file {str(path)!r}: {err.strerror}") from err
    if len(raw) > MAX_ARTICLE_BYTES:
        raise InvalidArticle(f"{path.name}: article is {len(raw):,} bytes; the limit is 5 MB")
    if b"\x00" in raw:  # an image or other binary file, whatever its first bytes
        raise InvalidArticle(f"{path.name}: looks binary (contains NUL bytes), not an article")
    try:
        text = check_text(raw.decode("utf-8"), path.name)
    except UnicodeDecodeError as err:
        raise InvalidArticle(f"{path.name}: not UTF-8 text (bad byte at {err.start})") from err
    meta = _sidecar(path) or _metadata_from_text(text)
    stem = path.name.split(".")[0].lower()
    meta["id"] = validate_article_id(article_id or meta.get("id") or _slug(stem))
    about = meta.pop("about", None)
    fields = {k: str(v) for k, v in meta.items() if k in _FIELDS}
    summaries = {str(k): str(v) for k, v in about.items()} if isinstance(about, dict) else {}
    return Article(
        id=fields["id"],
        text=text,
        title=fields.get("title", ""),
        language=fields.get("language", ""),
        date=fields.get("date", ""),
        author=fields.get("author", ""),
        source=fields.get("source", ""),
        url=fields.get("url", ""),
        about=summaries,
    )


_FIELDS = {"id", "title", "language", "date", "author", "source", "url"}


def _sidecar(path: Path) -> dict[str, Any]:
    for candidate in (path.with_suffix(".json"), path.with_name(path.name + ".json")):
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, ValueError) as err:
                raise InvalidArticle(f"{candidate.name}: invalid metadata JSON: {err}") from err
            if not isinstance(data, dict):
                raise InvalidArticle(f"{candidate.name}: metadata must be a JSON object")
            return {k: v for k, v in data.items() if k in _FIELDS or k == "about"}
    return {}


DATELINE = re.compile(r"\s*date\s+(\d{4}-\d{2}-\d{2})\b", re.I)
"""The dateline an article's text may open with ("date 2025-12-25"): its publication date."""


def _metadata_from_text(text: str) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if m := DATELINE.match(text):
        meta["date"] = m.group(1)
    if m := re.search(r"^(?:автор|author|автор статьи):\s*(.+)$", text, re.M | re.I):
        meta["author"] = m.group(1).strip()
    if m := re.search(r"^(?:източник|source|источник):\s*(.+)$", text, re.M | re.I):
        meta["source"] = m.group(1).strip()
    first = paragraphs(text)[0]
    meta["title"] = text[first.start : first.end][:120]
    return meta


def _slug(stem: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", stem).strip("-._")[:128] or "article"
