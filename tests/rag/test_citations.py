"""Citation markers and quotes are verified before an answer is shown."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.types import Passage
from index.chunking import chunk_article
from rag.citations import check_quotes, cite, clean_markers, parse_markers, sentences, strip_quoted


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


def test_strip_quoted_leaves_the_answers_own_words() -> None:
    own = strip_quoted("The article says: „Срещата се проведе в Душанбе“ [1].")
    assert "Душанбе" not in own and own.startswith("The article says:") and own.endswith("[1].")


def test_sentences_do_not_split_abbreviated_years() -> None:
    text = "На 17 юни 2025 г. в Астана. Друго изречение! Трето?"
    assert [text[s.start : s.end] for s in sentences(text)] == [
        "На 17 юни 2025 г. в Астана.",
        "Друго изречение!",
        "Трето?",
    ]


def _article_passages(article, picks: list[int]) -> list[Passage]:
    chunks = chunk_article(article)
    return [Passage.from_chunk(n, chunks[i % len(chunks)], 1.0) for n, i in enumerate(picks, 1)]


_words = st.sampled_from(
    [
        "Dushanbe",
        "Душанбе",
        "9",
        "October",
        "октомври",
        "summit",
        "Токаев",
        "Japan",
        "PWNED",
        "the",
        "и",
        "2025",
    ]
)
_piece = st.one_of(
    _words,
    st.from_regex(r"\[\d{1,3}(, ?\d{1,3})?\]", fullmatch=True),
    st.sampled_from([".", ",", " ", "\n", "„", "“", '"', "«", "»", "[", "]"]),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 200), min_size=1, max_size=5), st.lists(_piece, max_size=40), st.data())
def test_cite_quotes_are_always_verbatim_for_any_model_output(article, picks, pieces, data) -> None:
    passages = _article_passages(article, picks)
    answer = "".join(pieces)
    if data.draw(st.booleans()):  # sometimes the model really quotes a passage
        p = passages[0]
        a, b = sorted(data.draw(st.tuples(st.integers(0, len(p.text)), st.integers(0, len(p.text)))))
        answer += f" „{p.text[a:b]}“ [1]."
    cites = cite(answer, passages, {article.id: article.text})
    numbers = [c.n for c in cites]
    assert len(numbers) == len(set(numbers)) and set(numbers) <= {p.n for p in passages}
    for c in cites:
        assert article.text[c.start : c.end] == c.quote and c.quote
        passage = passages[c.n - 1]
        assert passage.start <= c.start <= c.end <= passage.end


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200), st.integers(0, 5))
def test_marker_cleaning_is_idempotent_and_never_raises(text: str, valid: int) -> None:
    once = clean_markers(text, valid)
    assert clean_markers(once, valid) == once
    assert all(1 <= n <= valid for n in parse_markers(once))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(_words, st.sampled_from(["„", "“", '"', "«", "»", " "]), st.text(max_size=8)), max_size=40
    )
)
def test_check_quotes_only_ever_removes_quotation_marks(article, pieces: list[str]) -> None:
    text = "".join(pieces)
    checked = check_quotes(text, article.text)
    assert len(checked) <= len(text)
    removed = list(text)
    for ch in checked:  # what is left is ``text`` with some characters taken out, in order
        while removed and removed[0] != ch:
            assert removed.pop(0) in '„“”"«»'
        removed.pop(0)
    assert all(ch in '„“”"«»' for ch in removed)
