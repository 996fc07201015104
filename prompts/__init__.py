"""Prompt templates, shipped as files in this package and rendered strictly.

``render("answer_user", question=...)`` fails loudly (``KeyError``) when a placeholder has no
value or a value names no placeholder, so a template and its caller cannot drift apart.
Placeholders are ``{name}``; literal braces are written ``{{`` and ``}}``.
"""

from __future__ import annotations

import string
import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> str:
    """The raw text of ``prompts/<name>.md``."""
    return (resources.files(__package__) / f"{name}.md").read_text(encoding="utf-8")


def fields(template: str) -> set[str]:
    """The placeholder names in a template."""
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def render(name: str, **values: Any) -> str:
    """Render ``prompts/<name>.md`` with exactly its placeholders."""
    template = load(name)
    wanted = fields(template)
    missing, extra = wanted - values.keys(), values.keys() - wanted
    if missing or extra:
        raise KeyError(f"prompt {name!r}: missing {sorted(missing)}, unexpected {sorted(extra)}")
    return template.format(**values).strip() + "\n"


@cache
def messages() -> dict[str, dict[str, str]]:
    """Reader-facing fixed phrases per language (``messages.toml``)."""
    text = (resources.files(__package__) / "messages.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def message(key: str, language: str, **values: Any) -> str:
    """A fixed phrase in ``language`` (English when we have no translation)."""
    table = messages()
    phrase = table.get(language, {}).get(key) or table["en"][key]
    return phrase.format(**values)
