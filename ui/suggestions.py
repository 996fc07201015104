"""Suggested questions per article: a small JSON file beside the UI, one per article id.

``ui/data/suggestions/<article id>.json`` holds ``{"en": [...], "bg": [...], "ru": [...]}``:
3–5 short questions per language that the article answers (a test asks each of them and
checks that the answer cites a passage). An article without a file has no suggestions.

>>> suggestions_for("kazakhstan-diplomacy-2025")["en"][0]
'When did Tokayev visit Japan?'
>>> suggestions_for("no-such-article")
{}
"""

from __future__ import annotations

import functools
import json
from importlib import resources

from core.articles import validate_article_id

LANGUAGES = ("en", "bg", "ru")
MAX_PER_LANGUAGE = 5
MAX_CHARS = 120


@functools.cache
def suggestions_for(article_id: str) -> dict[str, list[str]]:
    """The article's suggested questions per language (``{}`` when it has none)."""
    path = resources.files("ui") / "data" / "suggestions" / f"{validate_article_id(article_id)}.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        questions = data.get(lang, [])
        if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
            raise ValueError(f"{path}: {lang!r} must be a list of questions, got {questions!r}")
        too_long = [q for q in questions if len(q) > MAX_CHARS]
        if too_long or len(questions) > MAX_PER_LANGUAGE:
            raise ValueError(
                f"{path}: at most {MAX_PER_LANGUAGE} questions of at most {MAX_CHARS} characters "
                f"per language; {lang!r} has {len(questions)}, too long: {too_long!r}"
            )
        if questions:
            out[lang] = list(questions)
    return out
