"""Which questions ask what the whole article is about."""

from __future__ import annotations

import pytest

from rag import overview


@pytest.mark.parametrize(
    "question",
    [
        "What is this article about?",
        "So what's the story about?",
        "Summarize the article, please",
        "Give me a summary",
        "tl;dr",
        "What are the main points?",
        "За какво е статията?",
        "Обобщи статията",
        "Какви са основните изводи?",
        "О чём статья?",
        "Перескажи статью",
        "Кратко содержание статьи",
    ],
)
def test_questions_about_the_whole_article(question) -> None:
    assert overview.asks(question)


@pytest.mark.parametrize(
    "question",
    [
        "What does the article say about Japan?",  # about one thing in it: searched
        "What was the Astana International Forum about?",
        "What is it about?",  # "it" may be the summit of the turn before
        "Summarize the declaration signed with Russia",
        "Who is the article's author?",
        "Кратко: когда был саммит?",
        "Содержание декларации?",
    ],
)
def test_questions_about_something_in_it(question) -> None:
    assert not overview.asks(question)
