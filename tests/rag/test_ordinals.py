"""Known ordinals of the real article ("which one in a row"), read and said in the reader's language."""

from __future__ import annotations

import pytest

from core.articles import default_article
from rag import facts, ordinals
from rag.citations import sentences

TEXT = default_article().text
SENTENCES = [TEXT[s.start : s.end] for s in sentences(TEXT)]
CHINA = next(s for s in SENTENCES if "осмото заседание" in s)
TASHKENT = next(s for s in SENTENCES if s.startswith("VII консултативна"))


def test_every_ordinal_of_the_article_is_read() -> None:
    found = [m.group(0) for m in ordinals.ORDINAL.finditer(TEXT)]
    assert [ordinals.value(w) for w in found] == [8, 1, 1, 1, 7, 2, 2, 3]


@pytest.mark.parametrize(
    "question",
    [
        "Какое по счёту заседание делового совета «Казахстан – КНР» прошло во время визита в Китай?",
        "Кое поред заседание на бизнес съвета „Казахстан – КНР“ се проведе?",
        "What number meeting of the Kazakhstan–China business council was it?",
    ],
)
def test_the_ordinal_asked_for_is_the_meetings(question: str) -> None:
    assert facts.kind(question) == "ordinal"
    fact = facts.find(question, CHINA)
    assert fact is not None and fact.text == "осмото"


@pytest.mark.parametrize(
    ("question", "language", "said"),
    [
        ("Какое по счёту заседание делового совета прошло?", "ru", "восьмое"),
        ("What number business council meeting was it?", "en", "the eighth"),
        ("Кое поред заседание на бизнес съвета беше?", "bg", "осмото"),
    ],
)
def test_said_in_the_readers_language(question: str, language: str, said: str) -> None:
    fact = facts.find(question, CHINA)
    assert facts.say(fact, language, question) == said


def test_russian_agrees_with_the_readers_noun() -> None:
    fact = facts.find("Какая по счёту консультативная встреча прошла в Ташкенте?", TASHKENT)
    assert fact is not None and fact.text == "VII"
    assert facts.say(fact, "ru", "Какая по счёту консультативная встреча прошла в Ташкенте?") == "седьмая"
    assert ordinals.say("втората", "ru", "Какой по счёту саммит?") == "второй"  # саммит, not среща
    assert ordinals.say("третата", "ru") == "третья"  # the Bulgarian word's gender without one


def test_a_sentence_without_the_event_asked_about_has_no_ordinal() -> None:
    assert facts.find("Кое поред заседание на бизнес съвета беше?", TASHKENT) is None


def test_a_count_is_not_an_ordinal() -> None:
    assert facts.kind("How many meetings were there?") == "count"
    assert facts.kind("Which meeting did Tokayev attend?") != "ordinal"
