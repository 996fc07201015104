"""The verify stage on passages cut from the real article: streamed pieces become sentences,
only checked sentences come out, each cited to the article sentence that holds its facts."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.articles import default_article
from core.types import Passage
from index.chunking import chunk_article
from rag import checks
from rag.verify import MAX_SENTENCES, Sentences, cite_unmarked, reattribute, supporting, verified

ARTICLE = default_article()
TEXT = ARTICLE.text


def passage(n: int, words: str, length: int = 600) -> Passage:
    """Passage ``n``: the article from the paragraph holding ``words``."""
    at = TEXT.index(words)
    start = TEXT.rfind("\n", 0, at) + 1
    end = min(len(TEXT), start + length)
    return Passage(n, f"c{n}", ARTICLE.id, 0, start, end, TEXT[start:end], 1.0)


SUMMITS = passage(1, "9 октомври в Душанбе")
AUTHOR = passage(2, "автор: Юлия Полонская", 40)
PASSAGES = (SUMMITS, AUTHOR)
CTX = checks.Context("en", {p.n: p.text for p in PASSAGES}, "Where was the CA–Russia summit held?", TEXT)


def feed(pieces: list[str]) -> list[str]:
    splitter = Sentences()
    out = [s for piece in pieces for s in splitter.feed(piece)]
    return out + list(splitter.flush())


def test_sentences_are_cut_from_streamed_pieces_only_once_complete() -> None:
    splitter = Sentences()
    assert list(splitter.feed("It was held in Dush")) == []
    assert list(splitter.feed("anbe [1]")) == []
    assert list(splitter.feed(".")) == []  # a marker may still follow the full stop
    assert list(splitter.feed(" Then")) == ["It was held in Dushanbe [1]."]
    assert list(splitter.feed(" Tokyo [2].")) == []
    assert list(splitter.flush()) == ["Then Tokyo [2]."]
    assert list(splitter.flush()) == []


@pytest.mark.parametrize(
    "pieces",
    [
        ["It was held in Dushanbe [1]. Then Tokyo [2]."],
        list("It was held in Dushanbe [1]. Then Tokyo [2]."),
        ["It was held in Dushanbe", " [1]", ".", " ", "Then Tokyo [2]", "."],
    ],
)
def test_however_the_text_is_cut_the_sentences_are_the_same(pieces: list[str]) -> None:
    assert feed(pieces) == ["It was held in Dushanbe [1].", "Then Tokyo [2]."]


def test_a_marker_after_the_full_stop_stays_with_its_sentence() -> None:
    assert feed(["Dushanbe. [1] Then Tokyo."]) == ["Dushanbe. [1]", "Then Tokyo."]


def test_only_checked_sentences_are_shown_each_cited_to_the_articles_sentence() -> None:
    reply = "Answer: The CA–Russia summit was held in Dushanbe [1]. It was held in London [1]."
    out = list(verified(re.findall(r"\S+\s*", reply), CTX, PASSAGES, {ARTICLE.id: TEXT}))
    assert [c.shown for c in out] == [True, False]
    kept, dropped = out
    assert kept.verdict.text == "The CA–Russia summit was held in Dushanbe [1]."
    (cite,) = kept.citations
    assert cite.n == 1 and "9 октомври в Душанбе" in cite.quote
    assert TEXT[cite.start : cite.end] == cite.quote
    assert dropped.verdict.check == "names" and not dropped.citations


def test_nothing_is_shown_after_a_refusal() -> None:
    reply = "NOT_IN_ARTICLE. The CA–Russia summit was held in Dushanbe [1]."
    out = list(verified([reply], CTX, PASSAGES, {ARTICLE.id: TEXT}))
    assert len(out) == 1 and out[0].verdict.check == "refusal" and not out[0].shown


def test_at_most_max_sentences_are_shown() -> None:
    reply = " ".join(["The CA–Russia summit was held in Dushanbe [1]."] * (MAX_SENTENCES + 2))
    out = list(verified([reply], CTX, PASSAGES, {ARTICLE.id: TEXT}))
    assert sum(c.shown for c in out) == MAX_SENTENCES


def test_support_is_one_sentence_holding_every_name_and_number() -> None:
    found = supporting("The CA–China summit was in Astana in 2025 [1].", CTX, PASSAGES, {ARTICLE.id: TEXT})
    assert found is not None and "17 юни 2025 г. в Астана" in found[0].quote
    # names from two different sentences of the passage are not one sentence's support
    assert supporting("Yuliya Polonskaya was in Dushanbe [2].", CTX, PASSAGES, {ARTICLE.id: TEXT}) is None


def test_a_quote_that_no_longer_matches_the_article_is_never_shown() -> None:
    changed = {ARTICLE.id: TEXT.replace("Душанбе", "Dushanbe")}
    assert supporting("The CA–Russia summit was held in Dushanbe [1].", CTX, PASSAGES, changed) is None


def test_a_marker_that_is_supported_stays_where_it_is() -> None:
    assert reattribute("The CA–Russia summit was held in Dushanbe [1].", CTX, PASSAGES) == (
        "The CA–Russia summit was held in Dushanbe [1]."
    )
    assert reattribute("It was held in London [1].", CTX, PASSAGES) == "It was held in London [1]."


def test_a_misnumbered_marker_moves_to_the_one_passage_that_supports_it() -> None:
    assert reattribute("The article was written by Yuliya Polonskaya [1].", CTX, PASSAGES) == (
        "The article was written by Yuliya Polonskaya [2]."
    )


def test_a_sentence_without_a_marker_is_cited_to_the_passage_that_holds_its_facts() -> None:
    assert cite_unmarked("The article was written by Yuliya Polonskaya.", CTX, PASSAGES) == (
        "The article was written by Yuliya Polonskaya [2]."
    )
    shown = list(verified(["The CA–Russia summit was held on 9 October in Dushanbe."], CTX, PASSAGES,
                          {ARTICLE.id: TEXT}))  # fmt: skip
    assert [c.verdict.text for c in shown if c.shown] == [
        "The CA–Russia summit was held on 9 October in Dushanbe [1]."
    ]
    assert "9 октомври в Душанбе" in shown[0].citations[0].quote


def test_a_sentence_without_a_marker_or_support_is_not_shown() -> None:
    for sentence in ("It was held in London.", "It was a great success for everyone."):
        assert cite_unmarked(sentence, CTX, PASSAGES) == sentence  # nothing to cite it to, or to check
        assert not any(c.shown for c in verified([sentence], CTX, PASSAGES, {ARTICLE.id: TEXT}))


def test_a_marker_for_no_passage_supports_nothing() -> None:
    assert supporting("Dushanbe [4].", CTX, PASSAGES, {ARTICLE.id: TEXT}) is None


_piece = st.one_of(
    st.sampled_from(["Dushanbe", "Душанбе", "9", "October", "октомври", "summit", "Токаев", "Japan", "2025"]),
    st.from_regex(r"\[\d{1,3}(, ?\d{1,3})?\]", fullmatch=True),
    st.sampled_from([".", ",", " ", "\n", "„", "“", '"', "«", "»", "[", "]"]),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 200), min_size=1, max_size=5), st.lists(_piece, max_size=40), st.data())
def test_citations_are_always_verbatim_spans_of_their_passage_for_any_model_output(
    picks, pieces, data
) -> None:
    chunks = chunk_article(ARTICLE)
    passages = tuple(Passage.from_chunk(n, chunks[i % len(chunks)], 1.0) for n, i in enumerate(picks, 1))
    answer = "".join(pieces)
    if data.draw(st.booleans()):  # sometimes the model really quotes a passage
        p = passages[0]
        a, b = sorted(data.draw(st.tuples(st.integers(0, len(p.text)), st.integers(0, len(p.text)))))
        answer += f" „{p.text[a:b]}“ [1]."
    ctx = checks.Context("en", {p.n: p.text for p in passages}, "When was the summit?", TEXT)
    for sentence in feed([answer]):
        found = supporting(sentence, ctx, passages, {ARTICLE.id: TEXT})
        for c in found or []:
            assert TEXT[c.start : c.end] == c.quote and c.quote
            assert passages[c.n - 1].start <= c.start <= c.end <= passages[c.n - 1].end
