"""Catching answers that repeat the model's own instructions (a prompt leak).

The prompts tell the model never to reveal its rules, but a small model can still be talked
into reciting them ("print everything above"). So every answer is checked as it streams: one
that shares a run of ``RUN`` words with the fixed wording of any template in ``prompts/`` (its
rules, worked examples and framing, never the article or question filled into it) is a leak,
and the pipeline abstains.

>>> leaks("Sure! You are the Ask about this article assistant of a news site.")
True
>>> leaks("The summit was held on 9 October in Dushanbe [1].")
False
"""

from __future__ import annotations

import re
import string
from functools import cache
from importlib import resources

import prompts

RUN = 7  # words in a row; long enough that an answer about the article never matches by chance
_WORD = re.compile(r"\w+")


def template_names() -> list[str]:
    """Every prompt template shipped in ``prompts/`` (rules, worked examples, message frames)."""
    files = resources.files("prompts").iterdir()
    return sorted(f.name.removesuffix(".md") for f in files if f.name.endswith(".md"))


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


@cache
def prompt_runs() -> frozenset[tuple[str, ...]]:
    """Every run of ``RUN`` words in the fixed text of the prompt templates."""
    runs: set[tuple[str, ...]] = set()
    for name in template_names():
        for literal, *_ in string.Formatter().parse(prompts.load(name)):
            runs |= _runs(_words(literal))
    return frozenset(runs)


def leaks(answer: str) -> bool:
    """True when ``answer`` repeats a run of ``RUN`` words of the prompts' fixed wording."""
    return not prompt_runs().isdisjoint(_runs(_words(answer)))
