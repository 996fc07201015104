"""Citation markers and quotes are verified before an answer is shown."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rag.citations import check_quotes, clean_markers, parse_markers, sentences, strip_quoted


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


_words = st.sampled_from(["Dushanbe", "Душанбе", "9", "October", "октомври", "Токаев", "PWNED", "и"])


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
