"""Suggested questions per article: generated from the article at index time, else hand-written.

Generated (``evaluation.suggest``): after an index build (``article-qa index build`` / ``add``,
the server's warm-up, an article added over the admin API) every indexed article whose text or
index settings changed gets template questions in en, bg and ru, kept only when the pipeline
answers them with a citation; they are stored beside the index, once per article version:

    DATA_DIR/suggestions/<article id>.json   {"version", "generated_at", "questions": {"en": [...], ...}}

Hand-written: ``ui/data/suggestions/<article id>.json`` (package data) holds
``{"en": [...], "bg": [...], "ru": [...]}``. A language with fewer than ``MIN_PER_LANGUAGE``
generated questions gets the hand-written ones; an article with neither has no suggestions.

>>> suggestions_for("kazakhstan-diplomacy-2025")["en"][0]
'When did Tokayev visit Japan?'
>>> suggestions_for("no-such-article")
{}
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from core.articles import validate_article_id
from core.errors import ArticleQAError
from core.settings import Settings
from core.types import Article
from rag.pipeline import Pipeline

log = logging.getLogger(__name__)

LANGUAGES = ("en", "bg", "ru")
MIN_PER_LANGUAGE = 3
MAX_PER_LANGUAGE = 5
MAX_CHARS = 120
FOLDER = "suggestions"
GENERATOR = "templates-1"  # part of every version: a new generator makes new questions


def suggestions_for(article_id: str, data_dir: Path | None = None, version: str = "") -> dict[str, list[str]]:
    """The article's suggested questions per language (``{}`` when it has none).

    With ``data_dir``, the questions generated for it (for ``version`` of it, when given) are
    used for each language that has at least ``MIN_PER_LANGUAGE`` of them.
    """
    shipped = _shipped(validate_article_id(article_id))
    made = _generated(data_dir, article_id, version) if data_dir is not None else {}
    out: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        mine = made.get(lang, [])
        chosen = mine if len(mine) >= MIN_PER_LANGUAGE or not shipped.get(lang) else shipped[lang]
        if chosen:
            out[lang] = list(chosen)
    return out


def version_of(article: Article, settings: Settings) -> str:
    """What the generated questions depend on: the text and the settings that decide the answers."""
    key = [GENERATOR, article.text, settings.embedder, settings.chunk_tokens, settings.chunk_overlap]
    key += [settings.top_k, settings.candidates, repr(settings.tuning)]
    return hashlib.sha256(json.dumps(key, ensure_ascii=False).encode("utf-8")).hexdigest()[:20]


def refresh(pipeline: Pipeline, article_ids: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Generate and store questions for each indexed article (or those named) whose version has
    none yet; return ``{article id: {language: how many}}`` for the ones generated now."""
    from evaluation.suggest import generate

    settings = pipeline.settings
    done: dict[str, dict[str, int]] = {}
    for article in pipeline.articles():
        if article_ids is not None and article.id not in article_ids:
            continue
        version = version_of(article, settings)
        if _stored(settings.data_dir, article.id).get("version") == version:
            continue
        questions = generate(pipeline, article, MAX_PER_LANGUAGE)
        _store(settings.data_dir, article.id, version, questions)
        done[article.id] = {lang: len(qs) for lang, qs in questions.items()}
        log.info("suggested questions for %s: %s", article.id, done[article.id])
    return done


def refresh_quietly(pipeline: Pipeline, article_ids: list[str] | None = None) -> None:
    """``refresh`` for background threads: a failure is logged, and the stored questions stay."""
    try:
        refresh(pipeline, article_ids)
    except (ArticleQAError, OSError, ValueError) as err:
        log.warning("could not generate suggested questions: %s", err)


@functools.cache
def _shipped(article_id: str) -> dict[str, list[str]]:
    """The hand-written questions shipped with the package."""
    path = resources.files("ui") / "data" / "suggestions" / f"{article_id}.json"
    if not path.is_file():
        return {}
    return _checked(json.loads(path.read_text(encoding="utf-8")), str(path))


def _generated(data_dir: Path, article_id: str, version: str) -> dict[str, list[str]]:
    stored = _stored(data_dir, article_id)
    if not stored or (version and stored.get("version") != version):
        return {}
    try:
        return _checked(stored.get("questions", {}), str(_path(data_dir, article_id)))
    except ValueError as err:
        log.warning("ignoring generated suggestions: %s", err)
        return {}


def _checked(data: dict[str, Any], where: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        questions = data.get(lang, [])
        if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
            raise ValueError(f"{where}: {lang!r} must be a list of questions, got {questions!r}")
        too_long = [q for q in questions if len(q) > MAX_CHARS]
        if too_long or len(questions) > MAX_PER_LANGUAGE:
            raise ValueError(
                f"{where}: at most {MAX_PER_LANGUAGE} questions of at most {MAX_CHARS} characters "
                f"per language; {lang!r} has {len(questions)}, too long: {too_long!r}"
            )
        if questions:
            out[lang] = list(questions)
    return out


def _path(data_dir: Path, article_id: str) -> Path:
    return data_dir / FOLDER / f"{validate_article_id(article_id)}.json"


def _stored(data_dir: Path, article_id: str) -> dict[str, Any]:
    path = _path(data_dir, article_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        log.warning("ignoring unreadable suggestions %s: %s", path, err)
        return {}
    return data if isinstance(data, dict) else {}


def _store(data_dir: Path, article_id: str, version: str, questions: dict[str, list[str]]) -> None:
    """Write the file whole, then rename it into place (a reader never sees half of it)."""
    path = _path(data_dir, article_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "article_id": article_id,
        "version": version,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "questions": questions,
    }
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)
