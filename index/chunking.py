"""Paragraph-aware, token-bounded chunks with exact character offsets.

Design: a chunk never crosses a paragraph boundary, except that short blocks (headings,
by-lines) are packed onto their neighbour so nothing tiny is indexed alone. A paragraph
longer than ``max_tokens`` (tiktoken ``cl100k_base``) is split at sentence, then clause,
then word boundaries by langchain-text-splitters, with ``overlap`` tokens shared between
neighbouring pieces. Every chunk satisfies ``article.text[chunk.start:chunk.end] == chunk.text``.

A chunk id is a hash of the article id and the chunk's text (plus an occurrence number for
repeated text), never of its position: re-indexing the same text yields the same ids, and
editing one paragraph changes only that paragraph's chunks.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator

from langchain_text_splitters import RecursiveCharacterTextSplitter

from core.articles import Paragraph, paragraphs
from core.tokens import count_tokens
from core.types import Article, Chunk

SMALL_BLOCK_TOKENS = 24
# Regexes, coarsest first: sentence ends (not "2025 г. в", where a lowercase word follows),
# then clause punctuation, then dashes, then any space. The separator stays with the piece.
_SEPARATORS = [
    r"(?<=[.!?…])[\"“”»]?\s+(?=[\"„«(—–-]?\s?[A-ZА-ЯЁ0-9])",
    r"(?<=[;:])\s+",
    r"(?<=,)\s+",
    r"\s+(?=[–—]\s)",
    r"\s+",
    "",
]


def chunk_id(article_id: str, text: str, occurrence: int = 0) -> str:
    """A stable id for a chunk's content.

    >>> chunk_id("a", "Same text.") == chunk_id("a", "Same text.")
    True
    """
    digest = hashlib.sha256(f"{article_id}\x00{occurrence}\x00{text}".encode()).hexdigest()
    return f"{article_id}:{digest[:16]}"


def chunk_article(article: Article, max_tokens: int = 400, overlap: int = 60) -> list[Chunk]:
    """Split an article into chunks of at most ``max_tokens`` tokens (see module docstring)."""
    if max_tokens < 1 or not 0 <= overlap < max_tokens:
        raise ValueError(f"need 0 <= overlap < max_tokens, got {overlap=} {max_tokens=}")
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=max_tokens,
        chunk_overlap=overlap,
        length_function=count_tokens,
        separators=_SEPARATORS,
        keep_separator="end",
        is_separator_regex=True,
        strip_whitespace=True,
    )
    seen: Counter[str] = Counter()
    chunks: list[Chunk] = []
    for first, start, end in _blocks(article.text, max_tokens):
        for piece_start, piece_end in _pieces(article.text, start, end, splitter, max_tokens):
            text = article.text[piece_start:piece_end]
            occurrence = seen[text]
            seen[text] += 1
            chunks.append(
                Chunk(
                    id=chunk_id(article.id, text, occurrence),
                    article_id=article.id,
                    paragraph=first,
                    start=piece_start,
                    end=piece_end,
                    text=text,
                    tokens=count_tokens(text),
                )
            )
    return chunks


def _blocks(text: str, max_tokens: int) -> Iterator[tuple[int, int, int]]:
    """(first paragraph number, start, end) of paragraph groups: small blocks join a neighbour."""
    group: list[Paragraph] = []
    for para in paragraphs(text):
        group.append(para)
        small = count_tokens(text[para.start : para.end]) < SMALL_BLOCK_TOKENS
        span = count_tokens(text[group[0].start : para.end])
        if not small or span >= max_tokens:
            yield group[0].n, group[0].start, group[-1].end
            group = []
    if group:
        # Trailing small blocks (a by-line, a source line) stand together.
        yield group[0].n, group[0].start, group[-1].end


def _pieces(
    text: str, start: int, end: int, splitter: RecursiveCharacterTextSplitter, max_tokens: int
) -> Iterator[tuple[int, int]]:
    """Exact spans of a block's pieces: the block itself when it fits, else the splitter's."""
    block = text[start:end]
    if count_tokens(block) <= max_tokens:
        yield start, end
        return
    cursor = 0
    for piece in splitter.split_text(block):
        found = block.find(piece, cursor)
        if found < 0:  # the splitter never rewrites text; guard the invariant anyway
            raise ValueError(f"splitter produced text not in the article: {piece[:40]!r}")
        yield start + found, start + found + len(piece)
        # The next piece overlaps this one, so it may start anywhere after this one's start.
        cursor = found + 1
