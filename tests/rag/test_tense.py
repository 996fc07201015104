"""Questions about what is still to come, in the readers' three languages."""

from __future__ import annotations

import pytest

from rag import tense


@pytest.mark.parametrize(
    "question",
    [
        "Which city will host the next Central Asia–China summit?",
        "Where is the upcoming CA–EU summit?",
        "Кой град ще бъде домакин на следващата среща?",
        "Къде предстои да се проведе срещата?",
        "Где пройдёт следующий саммит «ЦА – Китай»?",
        "Когда состоится саммит ЦА – Россия?",
    ],
)
def test_a_question_about_the_future(question) -> None:
    assert tense.asks_future(question)


@pytest.mark.parametrize(
    "question",
    [
        "Where did Tokayev go next?",  # "next" in a question about the past
        "Where was the summit held?",
        "What did Tokayev say Kazakhstan will become?",
        "Кога се проведе срещата на върха?",
        "Где прошёл саммит?",
        "Who sits next to the president?",
    ],
)
def test_a_question_about_the_past(question) -> None:
    assert not tense.asks_future(question)


def test_sentences_that_speak_of_the_future(article) -> None:
    assert tense.speaks_future("Следващата среща ще се проведе в Астана.")
    assert not tense.speaks_future("Срещата се проведе в Астана.")
    # a review of a year: none of the article's sentences speaks of what is still to come
    sentences = " ".join(article.text.split()).split(". ")
    assert any("втората среща на върха „ЦА – Китай“" in s for s in sentences)
    assert not any(tense.speaks_future(s) for s in sentences)
