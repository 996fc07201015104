"""Sentence ranking and clause windows over the real article, with the real embedder."""

from __future__ import annotations

from itertools import pairwise

import pytest

from core.tokens import count_tokens
from rag.extractive import choose, clauses


@pytest.mark.parametrize(
    "text",
    [
        "На 9 октомври, в Душанбе – среща.",
        "Без запетаи",
        "Москва, Будапеща, Минск и Анкара; после — Токио: среща.",
    ],
)
def test_clauses_cover_the_sentence_in_order(text: str) -> None:
    spans = clauses(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a < b <= c for (a, b), (c, _) in pairwise(spans))
    assert "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When was the state visit to Russia?", "11–12 ноември"),
        ("Когда прошёл саммит «ЦА – Япония»?", "Токио"),
        ("When was the CA–Russia summit?", "9 октомври"),
    ],
)
def test_narrow_keeps_the_answering_clauses_within_budget(pipeline, question: str, expected: str) -> None:
    passages = pipeline.retrieve(question)
    best = next(p for p in pipeline.ranker.rank(question, passages) if expected in p.text)
    for limit in (25, 40, 60):
        narrowed = pipeline.ranker.narrow(question, best, limit)
        passage = next(p for p in passages if p.n == best.n)
        assert passage.text[narrowed.start : narrowed.end] == narrowed.text  # offsets still map
        assert best.start <= narrowed.start and narrowed.end <= best.end
        fits = count_tokens(narrowed.text) <= limit
        assert fits or narrowed.text == best.text or len(clauses(narrowed.text)) == 1
    assert expected in pipeline.ranker.narrow(question, best, 60).text


def test_short_sentence_is_kept_whole(pipeline) -> None:
    question = "Who wrote the article?"
    best = pipeline.ranker.rank(question, pipeline.retrieve(question))[0]
    assert pipeline.ranker.narrow(question, best, 10_000) == best


def test_choose_abstains_below_the_threshold(pipeline) -> None:
    assert choose([]) == []
    question = "When was the CA–Russia summit?"
    picks = pipeline.ranker.rank(question, pipeline.retrieve(question))
    assert choose(picks)[0] == picks[0]
