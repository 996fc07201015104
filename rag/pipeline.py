"""The one place where article-qa's parts are wired together (INTERFACE STUB, being written)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rag.settings import Settings
from rag.types import Answer, Article, Passage, StreamEvent, Turn


class Pipeline:
    """Loads the embedder, store, retriever and backends once; answers questions."""

    def __init__(self, settings: Settings) -> None: ...

    def ready(self) -> bool:
        """True once the index and the default backend's model are loaded."""
        ...

    def warm_up(self, progress: bool = False) -> None:
        """Build the index if missing and load models (slow; call once at start)."""
        ...

    def articles(self) -> list[Article]:
        """The indexed articles (metadata + text)."""
        ...

    def article(self, article_id: str) -> Article:
        """One indexed article; raises UnknownArticle."""
        ...

    def retrieve(self, question: str, k: int | None = None, article_id: str | None = None) -> list[Passage]:
        """Hybrid retrieval only."""
        ...

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        backend: str | None = None,
        article_id: str | None = None,
    ) -> Answer:
        """Answer one question; raises ArticleQAError subclasses for bad input."""
        ...

    def stream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        backend: str | None = None,
        article_id: str | None = None,
    ) -> Iterator[StreamEvent]:
        """SourcesEvent first, then TokenEvents, then one AnswerEvent."""
        ...
