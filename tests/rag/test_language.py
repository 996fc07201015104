"""The reader's language decides the answer's language."""

from __future__ import annotations

import pytest

from rag.language import detect, name


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("When was the CA–Russia summit?", "en"),
        ("Кога беше срещата на върха ЦА – Русия?", "bg"),
        ("Когда прошёл саммит ЦА–Россия?", "ru"),
        ("Кто такой Манарбек Кабазиев?", "ru"),
        ("Къде се проведе форумът?", "bg"),
        ("Wann fand der Gipfel statt?", "de"),
        ("Où a eu lieu le sommet Asie centrale – Russie ?", "fr"),
    ],
)
def test_detect(text: str, code: str) -> None:
    assert detect(text) == code


def test_too_short_to_tell_falls_back() -> None:
    assert detect("?", fallback="bg") == "bg"
    assert detect("C5+1?", fallback="ru") == "ru"
    assert name("bg") == "Bulgarian"
