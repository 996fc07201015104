"""What is evaluated: the pipeline in this process, or a running server through ``POST /api/ask``.

Both answer an ``Example`` with the one ``Answer`` type and give the ranking that retrieval
metrics use: in-process that is a fresh ``Pipeline.retrieve`` of the standalone question, 10
deep (so nDCG@10 has ten passages); over HTTP it is the answer's own passages.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from core.errors import ArticleQAError
from core.types import Answer, AnswerEvent, TokenEvent
from evaluation.dataset import Example
from evaluation.metrics import Span
from evaluation.scoring import NDCG_AT

RETRY_STATUSES = (429, 502, 503, 504)
MAX_TRIES = 6
MAX_WAIT_S = 30.0


class TargetError(ArticleQAError):
    """The target cannot be reached or answers what is not an answer: the run stops."""


class RowError(ArticleQAError):
    """This one question failed (bad input, a refusal by the server): recorded, the run goes on."""


class Target(Protocol):
    """Something that answers the dataset's questions."""

    def ask(self, example: Example) -> Answer:
        """The answer to one example (raises RowError or TargetError)."""
        ...

    def ranking(self, example: Example, answer: Answer) -> list[Span]:
        """Spans of the retrieved passages, best first."""
        ...

    def describe(self) -> dict[str, Any]:
        """What is evaluated, for the summary."""
        ...


class InProcess:
    """The pipeline, called directly."""

    def __init__(self, pipeline: Any, backend: str | None, article_id: str | None) -> None:
        self.pipeline = pipeline
        self.backend = backend
        self.article_id = article_id
        self.retracted: bool | None = None  # of the last answer: streamed text != final text

    def ask(self, example: Example) -> Answer:
        """Stream ``Pipeline.stream`` as a reader would; bad input becomes a RowError."""
        shown: list[str] = []
        final: Answer | None = None
        try:
            for event in self.pipeline.stream(
                example.question, example.history, self.backend, self.article_id
            ):
                if isinstance(event, TokenEvent):
                    shown.append(event.text)
                elif isinstance(event, AnswerEvent):
                    final = event.answer
        except ArticleQAError as err:
            raise RowError(str(err)) from err
        if final is None:
            raise RowError("the pipeline gave no answer")
        self.retracted = "".join(shown) != final.answer
        return final

    def ranking(self, example: Example, answer: Answer) -> list[Span]:
        """A fresh retrieval, ``NDCG_AT`` deep, of the question the answer was retrieved with."""
        query = answer.standalone_question or example.question
        passages = self.pipeline.retrieve(query, max(NDCG_AT, self.pipeline.settings.top_k), self.article_id)
        return [(p.start, p.end) for p in passages]

    def describe(self) -> dict[str, Any]:
        """Backend and index settings of this process."""
        s = self.pipeline.settings
        return {
            "target": "in-process",
            "backend": self.backend or self.pipeline.backends.default(),
            "top_k": s.top_k,
            "embedder": s.embedder,
            "chunk_tokens": s.chunk_tokens,
        }


class Http:
    """A running article-qa server, through its JSON API (with backoff on 429/503)."""

    def __init__(
        self, url: str, backend: str | None, article_id: str | None, timeout_s: float = 120.0
    ) -> None:
        import httpx

        if not url.startswith(("http://", "https://")):
            raise TargetError(f"--target must be an http:// or https:// URL, got {url!r}")
        self.url = url.rstrip("/")
        self.backend = backend
        self.article_id = article_id
        self.client = httpx.Client(base_url=self.url, timeout=timeout_s)
        self.sleep = time.sleep

    def ask(self, example: Example) -> Answer:
        """POST /api/ask and rebuild the Answer from its JSON."""
        import httpx

        body: dict[str, Any] = {
            "question": example.question,
            "history": [{"role": t.role, "content": t.content} for t in example.history],
        }
        if self.backend:
            body["backend"] = self.backend
        if self.article_id:
            body["article_id"] = self.article_id
        for attempt in range(1, MAX_TRIES + 1):
            try:
                response = self.client.post("/api/ask", json=body)
            except httpx.HTTPError as err:
                raise TargetError(f"cannot reach {self.url}/api/ask: {err}") from err
            if response.status_code in RETRY_STATUSES and attempt < MAX_TRIES:
                self.sleep(_wait(response.headers.get("retry-after"), attempt))
                continue
            break
        if response.status_code == 404 and "json" not in response.headers.get("content-type", ""):
            raise TargetError(f"{self.url} has no /api/ask (HTTP 404): is it an article-qa server?")
        if response.status_code >= 400:
            raise RowError(f"HTTP {response.status_code}: {_message(response)}")
        try:
            return Answer.from_dict(response.json())
        except (ValueError, KeyError, TypeError) as err:
            raise TargetError(f"{self.url}/api/ask answered something that is not an answer: {err}") from err

    def article_text(self, article_id: str) -> str:
        """The text of an article the server has indexed (``GET /api/articles/ID``)."""
        import httpx

        try:
            response = self.client.get(f"/api/articles/{article_id}")
        except httpx.HTTPError as err:
            raise TargetError(f"cannot reach {self.url}/api/articles/{article_id}: {err}") from err
        if response.status_code >= 400:
            raise TargetError(
                f"{self.url}: article {article_id!r}: HTTP {response.status_code}: {_message(response)}"
            )
        text = response.json().get("text") if "json" in response.headers.get("content-type", "") else None
        if not isinstance(text, str):
            raise TargetError(f"{self.url}/api/articles/{article_id} gave no article text")
        return text

    def ranking(self, example: Example, answer: Answer) -> list[Span]:
        """The answer's passages, in the order given."""
        return [(p.start, p.end) for p in answer.passages]

    def describe(self) -> dict[str, Any]:
        """The server's URL."""
        return {"target": self.url, "backend": self.backend or "server default"}

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()


def _wait(retry_after: str | None, attempt: int) -> float:
    try:
        return min(MAX_WAIT_S, max(0.0, float(retry_after))) if retry_after else min(MAX_WAIT_S, 2.0**attempt)
    except ValueError:
        return min(MAX_WAIT_S, 2.0**attempt)


def _message(response: Any) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(data, dict):
        for key in ("message", "detail", "error"):
            if isinstance(data.get(key), str):
                return str(data[key])
    return str(data)[:200]
