"""Optional LLM-judged faithfulness: does the answer say only what its passages say?

The configured language-model backend reads the question, the answer and the retrieved passages
(``templates/judge.md``) and replies ``SCORE: x`` with x in [0, 1]. Off by default: a small local
model is a weak judge, so the figure is a hint next to the exact metrics, never a gate by itself.
"""

from __future__ import annotations

import re
import string
from importlib import resources
from typing import Any

from core.errors import ArticleQAError, BackendUnavailable
from core.types import Answer

_SCORE = re.compile(r"SCORE\s*[:=]\s*([01](?:[.,]\d+)?)", re.IGNORECASE)
MAX_PASSAGE_CHARS = 1200


def template() -> string.Template:
    """The judge prompt, shipped as package data."""
    text = (resources.files("evaluation") / "templates" / "judge.md").read_text(encoding="utf-8")
    return string.Template(text)


def render(answer: Answer) -> str:
    """The judge prompt for one answer (every placeholder must be filled)."""
    passages = "\n\n".join(f"[{p.n}] {p.text[:MAX_PASSAGE_CHARS]}" for p in answer.passages)
    return template().substitute(question=answer.question, passages=passages, answer=answer.answer)


def parse(reply: str) -> float | None:
    """The score in a judge's reply, or None when it gave none.

    >>> parse("SCORE: 0.75"), parse("score = 1"), parse("I think it is fine")
    (0.75, 1.0, None)
    """
    match = _SCORE.search(reply)
    if not match:
        return None
    return min(1.0, float(match.group(1).replace(",", ".")))


class Judge:
    """Scores answers with a chat backend (``rag.backends.ChatBackend``)."""

    def __init__(self, chat: Any) -> None:
        self.chat = chat

    @classmethod
    def from_backends(cls, backends: Any, backend: str | None) -> Judge:
        """The judge for ``backend`` (or the default one) of ``rag.backends.Backends``."""
        name = backend or backends.default()
        if name == "extractive":
            raise BackendUnavailable(
                "--judge needs a language model: use --backend local or openai (extractive cannot judge)"
            )
        return cls(backends.get(name))

    def faithfulness(self, answer: Answer) -> float | None:
        """The judged share of supported claims; None for abstentions or when the judge fails."""
        if answer.abstained or not answer.answer.strip() or not answer.passages:
            return None
        from langchain_core.messages import HumanMessage

        try:
            reply = "".join(self.chat.stream([HumanMessage(render(answer))]))
        except (ArticleQAError, TimeoutError, RuntimeError, ValueError, OSError):
            return None
        return parse(reply)
