"""Reading the live index: articles and chunks, by id or all of them a page at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from core.errors import UnknownArticle
from core.types import Article, Chunk
from index.alias import Alias, Live
from index.records import to_article, to_chunks

PAGE_SIZE = 5_000  # records per Chroma ``get`` when reading them all (bounds the peak memory)


def article(alias: Alias, article_id: str) -> Article:
    """One article by id; raises UnknownArticle."""
    got = alias.read(
        "read article", lambda live: live.docs.get(ids=[article_id], include=["documents", "metadatas"])
    )
    if not got["ids"]:
        raise UnknownArticle(f"no article with id {article_id!r} is indexed")
    return to_article(got["documents"][0], got["metadatas"][0])


def articles(alias: Alias, page_size: int = PAGE_SIZE) -> list[Article]:
    """Every indexed article, text included, sorted by id."""
    out: dict[str, Article] = {}
    for got in pages(alias, "read articles", lambda live: live.docs, None, page_size):
        for doc, meta in zip(got["documents"], got["metadatas"], strict=True):
            one = to_article(doc, meta)
            out[one.id] = one
    return sorted(out.values(), key=lambda a: a.id)


def chunks(alias: Alias, article_id: str | None = None, page_size: int = PAGE_SIZE) -> list[Chunk]:
    """All chunks (of one article), in article and offset order."""
    where = {"article_id": article_id} if article_id else None
    out: dict[str, Chunk] = {}  # by id: a page boundary that moved under a write repeats none
    for got in pages(alias, "read chunks", lambda live: live.chunks, where, page_size):
        out.update((c.id, c) for c in to_chunks(got))
    return sorted(out.values(), key=lambda c: (c.article_id, c.start, c.end))


def chunks_by_id(alias: Alias, ids: Sequence[str]) -> dict[str, Chunk]:
    """The chunks with these ids that the live index holds, by id."""
    if not ids:
        return {}
    wanted = list(ids)
    got = alias.read(
        "read chunks", lambda live: live.chunks.get(ids=wanted, include=["documents", "metadatas"])
    )
    return {c.id: c for c in to_chunks(got)}


def pages(
    alias: Alias,
    what: str,
    collection: Callable[[Live], Any],
    where: dict[str, Any] | None,
    page_size: int = PAGE_SIZE,
) -> Iterable[dict[str, Any]]:
    """``get`` results of ``page_size`` records at a time (one huge ``get`` peaks in memory)."""
    offset = 0
    while True:

        def page(live: Live, start: int = offset) -> Any:
            include = ["documents", "metadatas"]
            return collection(live).get(where=where, include=include, limit=page_size, offset=start)

        got = alias.read(what, page)
        yield got
        if len(got["ids"]) < page_size:
            return
        offset += page_size
