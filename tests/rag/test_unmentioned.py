"""Names the article never mentions, over the real article: a question about them has no answer
in it, and no question the article does answer is taken for one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.articles import default_article
from rag.unmentioned import unmentioned

TEXT = default_article().text
DATA = Path(__file__).parents[2] / "evaluation" / "data"


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("What did Kazakhstan agree with France in 2025?", ["France"]),
        ("Кой спечели президентските избори в Полша през 2025 г.?", ["Полша"]),
        ("О чём Казахстан договорился с Францией?", ["Францией"]),
        ("Did Tokayev visit Brazil or Argentina?", ["Brazil", "Argentina"]),
        ("Какъв беше ръстът на БВП на Казахстан през 2025 г.?", ["БВП"]),  # an abbreviation of its own
        ("Каким был рост ВВП Казахстана в 2025 году?", ["ВВП"]),
        ("What did NATO say about Kazakhstan?", ["NATO"]),
    ],
)
def test_a_name_the_article_never_mentions_is_found(question: str, names: list[str]) -> None:
    assert unmentioned(question, TEXT) == names


@pytest.mark.parametrize(
    "question",
    [
        "Which Croatian leader visited Kazakhstan in the last week of May?",  # an adjective is its country
        "Каким мостом между Китаем и Европой Казахстан подтвердил готовность стать?",  # case endings
        "Where did the leaders of Central Asia meet in August?",  # months are dates
        "Who is the chairman of the Institute for Foreign Policy Studies?",  # one known word in a title
        "What was the main theme of Digital Bridge 2025?",  # Latin names the article writes in Latin
        "When was the CA–US summit held?",  # abbreviations
        "What did Tokayev say at the CIS and CSTO meetings?",  # the article's ОНД, ОДКБ
        "Что подчеркнуло участие президента в заседаниях СНГ и ОДКБ?",
        "What role did AI play at Digital Bridge?",  # the article's "изкуствен интелект"
        "Which countries of the EAEU met in Minsk?",  # "Евразийския икономически съвет"
        "When did Tokayev visit the UAE and the PRC?",
        "WHEN DID TOKAYEV VISIT JAPAN?",  # capitals all through name nothing
    ],
)
def test_names_the_article_mentions_in_any_spelling_or_form_are_not(question: str) -> None:
    assert unmentioned(question, TEXT) == []


def test_no_answerable_question_of_either_split_is_taken_for_one_about_an_unmentioned_name() -> None:
    rows = [json.loads(line) for name in ("calibration", "test") for line in (DATA / f"{name}.jsonl").open()]
    flagged = [r["id"] for r in rows if r.get("answers") and unmentioned(r["question"], TEXT)]
    assert flagged == []


def test_a_question_about_a_name_the_article_never_mentions_is_answered_with_the_abstention(pipeline) -> None:
    answer = pipeline.ask("What did Kazakhstan agree with France in 2025?", backend="extractive")
    assert answer.abstained and not answer.citations
    assert answer.answer.startswith("The article does not say")
