"""Citation markers and quotes are verified before an answer is shown."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rag.citations import attribute, check_quotes, cite, clean_markers, parse_markers, sentences
from rag.types import Passage


def _passage(article, n: int, needle: str) -> Passage:
    start = article.text.index(needle)
    para_start = article.text.rfind("\n\n", 0, start) + 2
    para_end = article.text.find("\n\n", start)
    return Passage(n, f"c{n}", article.id, 0, para_start, para_end, article.text[para_start:para_end], 1.0)


def test_parse_and_clean_markers() -> None:
    assert parse_markers("A [1]. B [2, 3]; C [1][4].") == [1, 2, 3, 1, 4]
    assert clean_markers("A [1]. B [2, 9]. C [7].", 3) == "A [1]. B [2]. C."
    assert clean_markers("No markers.", 3) == "No markers."


@given(st.text(alphabet="ab [],0123456789.", max_size=60), st.integers(0, 5))
def test_cleaned_markers_are_always_in_range(text: str, valid: int) -> None:
    assert all(1 <= n <= valid for n in parse_markers(clean_markers(text, valid)))


def test_quotes_must_be_verbatim(article) -> None:
    real = "Answer: „втората среща на върха „ЦА – Русия“ on 9 October."
    assert check_quotes("He said „Годината започна в Абу Даби“.", article.text) == (
        "He said „Годината започна в Абу Даби“."
    )
    assert check_quotes("He said „this sentence is not in the article“.", article.text) == (
        "He said this sentence is not in the article."
    )
    assert "„" in check_quotes(real, article.text) or "втората" in check_quotes(real, article.text)


def test_cite_quotes_the_supporting_sentence(article) -> None:
    p1 = _passage(article, 1, "9 октомври в Душанбе")
    p2 = _passage(article, 2, "Годината започна в Абу Даби")
    answer = "The CA–Russia summit was held on 9 October in Dushanbe [1]. The year began in Abu Dhabi [2]."
    cites = cite(answer, [p1, p2], {article.id: article.text})
    assert [c.n for c in cites] == [1, 2]
    for c in cites:
        assert article.text[c.start : c.end] == c.quote
    assert "9 октомври в Душанбе" in cites[0].quote
    assert cites[1].quote.startswith("Годината започна в Абу Даби")


def test_out_of_range_markers_make_no_citation(article) -> None:
    p1 = _passage(article, 1, "9 октомври в Душанбе")
    assert cite("Dushanbe [4].", [p1], {article.id: article.text}) == []


def test_attribute_adds_a_marker_when_a_passage_clearly_supports_a_sentence(article) -> None:
    p1 = _passage(article, 1, "9 октомври в Душанбе")
    p2 = _passage(article, 2, "Годината започна в Абу Даби")
    assert attribute("It was on 9 October in Dushanbe.", [p2, p1]) == "It was on 9 October in Dushanbe [1]."
    assert attribute("Nothing relevant here.", [p1]) == "Nothing relevant here."


def test_sentences_do_not_split_abbreviated_years() -> None:
    text = "На 17 юни 2025 г. в Астана. Друго изречение! Трето?"
    assert [text[s.start : s.end] for s in sentences(text)] == [
        "На 17 юни 2025 г. в Астана.",
        "Друго изречение!",
        "Трето?",
    ]
