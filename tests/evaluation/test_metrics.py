"""Known-answer tests for every metric, and the doctests of the evaluation package."""

from __future__ import annotations

import doctest
import importlib

import pytest

from evaluation import metrics as m

MODULES = ["normalize", "metrics", "charts", "report", "compare", "gates", "judge"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(f"evaluation.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


RANKING = [(0, 100), (200, 300), (400, 500), (600, 700)]


def test_relevance_is_containment_or_overlap() -> None:
    assert m.overlaps((0, 100), (10, 20))  # contains
    assert m.overlaps((0, 100), (90, 120))  # cut by a chunk boundary
    assert not m.overlaps((0, 100), (100, 120))


def test_recall_hit_mrr() -> None:
    evidence = [(410, 420), (900, 950)]
    assert m.recall_at_k(RANKING, evidence, 3) == 0.5
    assert m.recall_at_k(RANKING, evidence, 2) == 0.0
    assert m.hit_at_k(RANKING, evidence, 3) == 1.0
    assert m.mrr_at_k(RANKING, evidence, 3) == pytest.approx(1 / 3)
    assert m.mrr_at_k(RANKING, evidence, 2) == 0.0
    assert m.recall_at_k(RANKING, [], 3) is None
    assert m.mrr_at_k([], [(1, 2)], 3) == 0.0


def test_ndcg() -> None:
    assert m.ndcg_at_k(RANKING, [(10, 20)]) == 1.0
    assert m.ndcg_at_k(RANKING, [(210, 220)]) == pytest.approx(1 / 1.584962500721156)
    both = m.ndcg_at_k(RANKING, [(210, 220), (610, 620)])  # ranks 2 and 4 of ideal 1 and 2
    assert both == pytest.approx(
        (1 / 1.584962500721156 + 1 / 2.321928094887362) / (1 + 1 / 1.584962500721156)
    )
    assert m.ndcg_at_k(RANKING, [(5000, 5001)]) == 0.0
    assert m.ndcg_at_k(RANKING, [(610, 620)], k=3) == 0.0


def test_exact_match_and_f1() -> None:
    assert m.exact_match("9 октомври", ["October 9"]) == 1.0
    assert m.exact_match("Dushanbe.", ["Душанбе", "Dushanbe"]) == 1.0
    assert m.exact_match("in Dushanbe", ["Dushanbe"]) == 0.0
    assert m.token_f1("in Dushanbe", ["Dushanbe"]) == pytest.approx(2 / 3)
    assert m.token_f1("Astana", ["Dushanbe"]) == 0.0
    assert m.token_f1("", ["Dushanbe"]) == 0.0


def test_contains_answer() -> None:
    quote = "втората среща на върха „ЦА – Русия“ на 9 октомври в Душанбе [1]"
    assert m.contains_answer(quote, ["9 October"]) == 1.0
    assert m.contains_answer(quote, ["Dushanbe", "Душанбе"]) == 1.0
    assert m.contains_answer(quote, ["Astana"]) == 0.0
    assert m.contains_answer("On October 19.", ["October 9"]) == 0.0


def test_citations() -> None:
    evidence = [(50, 80), (400, 420)]
    assert m.citation_precision([(40, 60), (60, 70), (300, 310)], evidence) == pytest.approx(2 / 3)
    assert m.citation_precision([], evidence) is None
    assert m.citation_recall([(40, 60), (60, 70)], evidence) == 0.5
    assert m.citation_recall([(0, 1000)], evidence) == 1.0
    assert m.citation_recall([(40, 60)], []) is None


def test_abstention() -> None:
    rows = [(False, True)] * 3 + [(False, False)] + [(True, True)] + [(True, False)] * 9
    out = m.abstention(rows)
    assert out["abstention_precision"] == 0.75
    assert out["abstention_recall"] == 0.75
    assert out["false_refusal_rate"] == 0.1
    assert m.abstention([(True, False)])["abstention_precision"] is None


def test_percentiles() -> None:
    values = list(range(1, 101))
    assert m.percentile(values, 50) == 50.5
    assert m.percentile(values, 95) == pytest.approx(95.05)
    assert m.percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError, match="q must be"):
        m.percentile(values, 101)


@pytest.mark.parametrize(
    ("response", "expected", "score"),
    [
        ("9 October [1].", "en", 1.0),
        ("9 октомври [1].", "bg", 1.0),
        ("9 октября [1].", "ru", 1.0),
        ("9 октомври [1].", "en", 0.0),
        ("The article says: „Срещата се проведе в Душанбе“ [1].", "en", 1.0),
        ("„Срещата се проведе в Душанбе“ [1]", "en", 0.0),  # only a quotation: not the reader's words
        ("", "en", 0.0),
        ("The summit was held in Dushanbe on 9 October [1].", "ru", 0.0),
        # a list of names carries no language but its alphabet
        ("Самарканд, Бишкек, Душанбе, Ашхабад, Ташкент и Аваза [1].", "ru", 1.0),
        ("Samarkand, Bishkek, Dushanbe, Ashgabat, Tashkent and Avaza [1].", "ru", 0.0),
        ("Съдържанието на преговорите се разшири до въпроси на сигурността [1].", "ru", 0.0),
    ],
)
def test_answer_language(response: str, expected: str, score: float) -> None:
    assert m.answer_language(response, expected) == score
