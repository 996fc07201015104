"""Chunks: token-bounded, paragraph-aware, exact offsets, content-hash ids."""

from __future__ import annotations

import itertools
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from core.articles import paragraphs
from core.tokens import count_tokens
from core.types import Article
from index.chunking import chunk_article


def test_offsets_round_trip_and_bounds(article) -> None:
    chunks = chunk_article(article, 400, 60)
    assert len(chunks) > 20
    for c in chunks:
        assert article.text[c.start : c.end] == c.text
        assert c.tokens == count_tokens(c.text) <= 400
        assert c.article_id == article.id
    assert len({c.id for c in chunks}) == len(chunks)


def test_chunks_stay_inside_paragraphs_and_cover_them(article) -> None:
    paras = paragraphs(article.text)
    chunks = chunk_article(article, 120, 20)
    for p in paras:
        covered = [c for c in chunks if c.start < p.end and p.start < c.end]
        assert covered, f"paragraph {p.n} is in no chunk"
        assert min(c.start for c in covered) <= p.start and max(c.end for c in covered) >= p.end
    for c in chunks:  # a chunk crosses a blank line only to take a heading along
        assert c.text.count("\n\n") <= 1


def test_long_paragraphs_split_with_overlap(article) -> None:
    chunks = chunk_article(article, 120, 30)
    same_para = [(a, b) for a, b in itertools.pairwise(chunks) if a.paragraph == b.paragraph]
    assert same_para
    assert any(b.start < a.end for a, b in same_para), "neighbouring pieces should overlap"


def test_headings_are_not_indexed_alone(article) -> None:
    chunks = chunk_article(article)
    assert not any(c.text == "Регионално измерение" for c in chunks)
    assert any(c.text.startswith("Регионално измерение\n\nОще от първите") for c in chunks)


def test_ids_are_content_hashes(article) -> None:
    first = chunk_article(article)
    assert [c.id for c in chunk_article(article)] == [c.id for c in first]
    # Editing one paragraph changes only that paragraph's chunks, even though offsets move.
    edited_text = article.text.replace("Годината започна в Абу Даби", "Годината започна отново в Абу Даби")
    edited = chunk_article(replace(article, text=edited_text))
    changed = {c.id for c in edited} ^ {c.id for c in first}
    assert len(changed) == 2
    assert all(edited_text[c.start : c.end] == c.text for c in edited)


_paragraph = st.text(alphabet=st.sampled_from("абвгд ежзий. ,AbCd1–„“\n"), min_size=1, max_size=300)


@settings(max_examples=60, deadline=None)
@given(st.lists(_paragraph, min_size=1, max_size=8), st.sampled_from(["\n\n", "\n \n", "\n\n\n"]))
def test_offsets_hold_for_any_text(blocks: list[str], gap: str) -> None:
    text = gap.join(blocks)
    if not text.strip():
        return
    art = Article(id="prop", text=text)
    for c in chunk_article(art, 40, 8):
        assert text[c.start : c.end] == c.text
        assert c.text.strip() == c.text and c.text
        assert c.tokens <= 40


_any_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),  # any Unicode but lone surrogates
    max_size=400,
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_any_text, min_size=1, max_size=6), st.sampled_from(["\n\n", "\r\n\r\n", "\n\t\n", "\n\n\n"]))
def test_offsets_and_ids_hold_for_arbitrary_unicode(blocks: list[str], gap: str) -> None:
    text = gap.join(blocks)
    if not text.strip():
        return
    chunks = chunk_article(Article(id="prop", text=text), 40, 8)
    for c in chunks:
        assert text[c.start : c.end] == c.text and c.text.strip() == c.text and c.text
        assert 0 <= c.start < c.end <= len(text)
        assert c.tokens == count_tokens(c.text) <= 40
    assert len({c.id for c in chunks}) == len(chunks)
    assert [c.id for c in chunk_article(Article(id="prop", text=text), 40, 8)] == [c.id for c in chunks]


@settings(max_examples=80, deadline=None)
@given(_any_text)
def test_paragraph_spans_are_exact_ordered_and_disjoint(text: str) -> None:
    paras = paragraphs(text)
    assert [p.n for p in paras] == list(range(1, len(paras) + 1))
    for p in paras:
        block = text[p.start : p.end]
        assert block and block == block.strip()
    assert all(a.end <= b.start for a, b in itertools.pairwise(paras))
