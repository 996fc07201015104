"""Request bodies of the HTTP API (pydantic, with limits), and the response bodies for the docs.

What comes *in* is validated here, so a bad request is refused at the edge with a message naming
the bad field. What goes *out* is ``core.types.Answer.to_dict()`` and friends; ``AnswerOut``,
``PassageOut``, ``CitationOut`` and ``ErrorOut`` only describe it in the OpenAPI schema (a test
checks that a real answer fits them).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_TEXT_CHARS = 20_000
MAX_HISTORY = 50
_SURROGATE = re.compile(r"[\ud800-\udfff]")
MAX_K = 20
MAX_CONTEXT_CHARS = 1000
RATINGS = ("up", "unsure", "down")


class Input(BaseModel):
    """Base of every request body: text fields must be valid Unicode (no lone surrogates)."""

    @field_validator("*", mode="after")
    @classmethod
    def _valid_unicode(cls, value: Any) -> Any:
        for text in _strings(value):
            if _SURROGATE.search(text):
                raise ValueError(
                    "text must be valid Unicode: it holds a lone surrogate (bytes that are not UTF-8)"
                )
        return value


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


class TurnIn(Input):
    """One earlier message of the conversation."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TEXT_CHARS)


class AskRequest(Input):
    """A question about the article, with the conversation so far for follow-ups."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"question": "When was the CA–Russia summit?"},
                {
                    "question": "And where was it held?",
                    "history": [
                        {"role": "user", "content": "When was the CA–Russia summit?"},
                        {"role": "assistant", "content": "On 9 October in Dushanbe [1]."},
                    ],
                    "backend": "extractive",
                    "article_id": "kazakhstan-diplomacy-2025",
                },
            ]
        },
    )

    question: str = Field(max_length=MAX_TEXT_CHARS, description="in any language; answers follow it")
    history: list[TurnIn] = Field(default_factory=list, max_length=MAX_HISTORY)
    backend: Literal["local", "openai", "extractive"] | None = Field(
        default=None, description="default: the server's (local when installed)"
    )
    article_id: str | None = Field(
        default=None,
        max_length=128,
        description="default (absent): all indexed; empty: the only indexed article (the widget "
        "without data-article), an error when there are several",
    )
    context: str = Field(
        default="",
        max_length=MAX_CONTEXT_CHARS,
        description="a passage the reader selected on the page; the question is asked about it "
        "(answers still come from the article only)",
    )


class RetrieveRequest(Input):
    """A question whose passages are wanted without an answer (search boxes, benchmarks)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"question": "When was the CA–Russia summit?"},
                {
                    "question": "Кога беше срещата ЦА – Русия?",
                    "article_id": "kazakhstan-diplomacy-2025",
                    "k": 5,
                },
            ]
        },
    )

    question: str = Field(max_length=MAX_TEXT_CHARS, description="in any language")
    article_id: str | None = Field(default=None, max_length=128, description="default: all indexed")
    k: int | None = Field(default=None, ge=1, le=MAX_K, description="passages wanted (default: top_k)")


class CitationIn(Input):
    """A citation as the answer gave it (``Answer.to_dict()["citations"][i]``)."""

    model_config = ConfigDict(extra="ignore")

    n: int = Field(ge=1, le=1000)
    chunk_id: str = Field(default="", max_length=300)
    paragraph: int = Field(default=0, ge=0, le=1_000_000)
    start: int = Field(default=0, ge=0)
    end: int = Field(default=0, ge=0)
    quote: str = Field(default="", max_length=5000)


class FeedbackRequest(Input):
    """A reader's rating of one answer."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    answer: str = Field(max_length=MAX_TEXT_CHARS)
    citations: list[CitationIn] = Field(default_factory=list, max_length=50)
    rating: Literal["up", "unsure", "down"] = Field(description="did it help: yes / not sure / no")
    reason: str = Field(default="", max_length=2000)
    backend: str = Field(default="", max_length=32)
    article_id: str = Field(default="", max_length=128)


class ErrorOut(BaseModel):
    """Every error response: the error's class name and a message for the reader."""

    error: str = Field(examples=["InvalidQuestion"])
    message: str = Field(examples=["the question is empty: please type a question about the article"])


class CitationOut(BaseModel):
    """One verified ``[n]`` of an answer: an exact span ``[start, end)`` of the article text."""

    n: int = Field(description="the marker's number, from 1; the passage it points at")
    chunk_id: str
    paragraph: int = Field(description="the paragraph's number in the article, from 1")
    start: int = Field(description="character offset in the article text")
    end: int
    quote: str = Field(description="the article's text[start:end], verbatim")


class PassageOut(BaseModel):
    """A retrieved passage, numbered as the answer cites it."""

    n: int
    chunk_id: str
    article_id: str
    paragraph: int
    text: str
    start: int = Field(description="character offset of the passage in the article text")
    end: int
    score: float = Field(description="fused retrieval score (higher is closer)")


class TimingsOut(BaseModel):
    """Milliseconds per stage."""

    retrieval_ms: float
    first_token_ms: float
    total_ms: float


class AnswerOut(BaseModel):
    """The answer object shared by the CLI, the UI, the HTTP API and the evaluation."""

    question: str
    answer: str = Field(description="the text, with [n] markers that point at citations")
    language: str = Field(examples=["en"])
    abstained: bool = Field(description="true when the article does not hold the answer")
    citations: list[CitationOut]
    passages: list[PassageOut]
    backend: str = Field(examples=["extractive"])
    timings: TimingsOut
    article_id: str
    standalone_question: str = Field(description="a follow-up rewritten to stand alone")
    notice: str = Field(description="set when the answer was replaced, e.g. by the extractive one")


class RetrieveOut(BaseModel):
    """Passages found for a question, and the time each stage took."""

    passages: list[PassageOut]
    timings: dict[str, float]


class SuggestionsOut(BaseModel):
    """Short questions the article answers, per reader language."""

    article_id: str
    suggestions: dict[str, list[str]] = Field(examples=[{"en": ["Who wrote the article?"]}])
