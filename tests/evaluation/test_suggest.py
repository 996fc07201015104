"""Suggested questions generated from the shipped article, checked by the real pipeline (no model).

Known answers: each template comes from a sentence of the article, so the facts it asks about are
known; every kept question must be answered, in its own language, with a citation of a passage
that holds that fact.
"""

from __future__ import annotations

import pytest

from core.types import Article
from evaluation import suggest
from rag import facts


@pytest.fixture(scope="module")
def generated(pipeline, article: Article) -> dict[str, list[str]]:
    return suggest.generate(pipeline, article)


def test_the_templates_ask_about_facts_of_the_article(article: Article) -> None:
    found = suggest.candidates(article)
    by_question = {c.questions["en"]: c for c in found}
    japan = by_question["When did Tokayev visit Japan?"]
    assert article.text[japan.fact.start : japan.fact.end] == japan.fact.text == "18–20 декември 2025 г."
    assert japan.questions == {
        "en": "When did Tokayev visit Japan?",
        "bg": "Кога Токаев посети Япония?",
        "ru": "Когда Токаев посетил Японию?",
    }
    summit = by_question["Where was the CA–Russia summit held?"]
    assert summit.fact.text == "Душанбе" and summit.questions["ru"] == "Где прошёл саммит «ЦА – Россия»?"
    assert all(article.text[c.fact.start : c.fact.end] == c.fact.text for c in found)
    assert {c.fact.kind for c in found} >= {"when", "where", "count"}
    assert len({c.questions["en"] for c in found}) == len(found)


def test_at_least_three_per_language_each_answered_with_a_citation(
    pipeline, article: Article, generated: dict[str, list[str]]
) -> None:
    assert set(generated) == {"en", "bg", "ru"}
    for language, questions in generated.items():
        assert 3 <= len(questions) <= suggest.PER_LANGUAGE, (language, questions)
        for question in questions:
            answer = pipeline.ask(question, (), "extractive", article.id)
            assert not answer.abstained and answer.citations, (question, answer.answer)
            assert answer.language == language, (question, answer.answer)
            cited = [p for p in answer.passages if p.n in {c.n for c in answer.citations}]
            (candidate,) = [c for c in suggest.candidates(article) if c.questions[language] == question]
            assert any(candidate.fact.text in p.text for p in cited), (question, answer.answer)
            assert facts.say(candidate.fact, language).casefold() in answer.answer.casefold()


def test_a_wrong_answer_is_not_kept(pipeline, article: Article) -> None:
    candidate = next(
        c for c in suggest.candidates(article) if c.questions["en"] == "When was the CA–Russia summit?"
    )
    right = pipeline.ask(candidate.questions["bg"], (), "extractive", article.id)
    assert suggest.answered(right, candidate, "bg")
    wrong = pipeline.ask("Кога Токаев посети Китай?", (), "extractive", article.id)  # another date, cited
    assert wrong.citations and not suggest.answered(wrong, candidate, "bg")
    assert not suggest.answered(right, candidate, "en")  # a Bulgarian answer to an English question
