"""The nouns of article-qa: small frozen dataclasses that cross module boundaries.

Data flows one way: ``Article`` -> ``Chunk`` -> (vectors in Chroma) -> ``Passage`` ->
``Answer`` with ``Citation``s. Every offset is a character offset into ``Article.text``:
``article.text[chunk.start:chunk.end] == chunk.text`` always holds, and so does
``article.text[citation.start:citation.end] == citation.quote``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Article:
    """A news article: its text exactly as shipped, and its metadata."""

    id: str
    text: str
    title: str = ""
    language: str = ""
    date: str = ""
    author: str = ""
    source: str = ""
    url: str = ""
    about: dict[str, str] = field(default_factory=dict, compare=False)

    def metadata(self) -> dict[str, Any]:
        """Everything but the text, for listings and the API."""
        return {k: v for k, v in asdict(self).items() if k != "text"}

    def summary(self, language: str) -> str:
        """What the article covers, in ``language`` when we have it (else its title)."""
        return self.about.get(language) or self.about.get("en") or self.title or self.id


@dataclass(frozen=True)
class Chunk:
    """A token-bounded span of one paragraph; ``id`` is a hash of article id and content."""

    id: str
    article_id: str
    paragraph: int
    start: int
    end: int
    text: str
    tokens: int


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk, numbered ``n`` (from 1) as the answer cites it."""

    n: int
    chunk_id: str
    article_id: str
    paragraph: int
    start: int
    end: int
    text: str
    score: float

    @classmethod
    def from_chunk(cls, n: int, chunk: Chunk, score: float) -> Passage:
        """Number a chunk as passage ``n``."""
        return cls(n, chunk.id, chunk.article_id, chunk.paragraph, chunk.start, chunk.end, chunk.text, score)


@dataclass(frozen=True)
class Citation:
    """One verified ``[n]`` marker: the passage it points at and a verbatim quote from it."""

    n: int
    chunk_id: str
    paragraph: int
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class Turn:
    """One message of a conversation, as the reader and the bot said it."""

    role: Role
    content: str


@dataclass(frozen=True)
class Timings:
    """Milliseconds spent retrieving, until the first answer token, and in all."""

    retrieval_ms: float = 0.0
    first_token_ms: float = 0.0
    total_ms: float = 0.0


@dataclass(frozen=True)
class Answer:
    """The one answer type that the CLI, UI, HTTP API and evaluation all share."""

    question: str
    answer: str
    language: str
    abstained: bool
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    backend: str
    timings: Timings = field(default_factory=Timings)
    article_id: str = ""
    standalone_question: str = ""
    notice: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (lists, not tuples)."""
        return {
            "question": self.question,
            "answer": self.answer,
            "language": self.language,
            "abstained": self.abstained,
            "citations": [asdict(c) for c in self.citations],
            "passages": [
                {
                    "n": p.n,
                    "chunk_id": p.chunk_id,
                    "article_id": p.article_id,
                    "paragraph": p.paragraph,
                    "text": p.text,
                    "start": p.start,
                    "end": p.end,
                    "score": p.score,
                }
                for p in self.passages
            ],
            "backend": self.backend,
            "timings": asdict(self.timings),
            "article_id": self.article_id,
            "standalone_question": self.standalone_question,
            "notice": self.notice,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        """Rebuild an answer from ``to_dict()`` output (e.g. from the HTTP API)."""
        return cls(
            question=data["question"],
            answer=data["answer"],
            language=data["language"],
            abstained=bool(data["abstained"]),
            citations=tuple(Citation(**c) for c in data["citations"]),
            passages=tuple(Passage(**p) for p in data["passages"]),
            backend=data["backend"],
            timings=Timings(**data.get("timings", {})),
            article_id=data.get("article_id", ""),
            standalone_question=data.get("standalone_question", ""),
            notice=data.get("notice", ""),
        )


@dataclass(frozen=True)
class SourcesEvent:
    """Streamed first: the passages the answer will be built from."""

    passages: tuple[Passage, ...]
    standalone_question: str = ""


@dataclass(frozen=True)
class TokenEvent:
    """A piece of answer text as the model produces it (not yet verified)."""

    text: str


@dataclass(frozen=True)
class AnswerEvent:
    """Streamed last: the verified answer, which replaces the streamed tokens."""

    answer: Answer


StreamEvent = SourcesEvent | TokenEvent | AnswerEvent
