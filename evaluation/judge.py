"""Optional LLM judges: faithfulness and citation support.

- ``faithfulness`` (``--judge``): the configured language-model backend reads the question, the
  answer and the retrieved passages (``templates/judge.md``) and replies ``SCORE: x`` in [0, 1].
- ``support`` (``--support``), the ALCE way: each statement of the answer (the text up to each
  citation marker) is judged against the exact spans it cites, alone (``templates/support.md``,
  a yes or a no, held to those two words by a llama.cpp grammar where the backend is local); a
  statement that only quotes its cited span is supported without asking, one that cites nothing
  is not. The row's score is the share of its statements supported.

Off by default: a small local model is a weak judge (on 12 hand-made pairs, true and false,
the packaged 1.5B model judged 10 right), so the figures are hints next to the exact metrics.
"""

from __future__ import annotations

import re
import string
from importlib import resources
from typing import Any

from core.errors import ArticleQAError, BackendUnavailable
from core.types import Answer
from rag.citations import strip_quoted

_SCORE = re.compile(r"SCORE\s*[:=]\s*([01](?:[.,]\d+)?)", re.IGNORECASE)
MAX_PASSAGE_CHARS = 1200


_MARKERS = re.compile(r"\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
_QUOTE_INNER = re.compile(r"„([^“”\"]+)[“”\"]|«([^»]+)»|“([^”]+)”")
_YES_NO = 'root ::= "yes" | "no"'


def template(name: str = "judge") -> string.Template:
    """A judge prompt, shipped as package data."""
    text = (resources.files("evaluation") / "templates" / f"{name}.md").read_text(encoding="utf-8")
    return string.Template(text)


def render(answer: Answer) -> str:
    """The judge prompt for one answer (every placeholder must be filled)."""
    passages = "\n\n".join(f"[{p.n}] {p.text[:MAX_PASSAGE_CHARS]}" for p in answer.passages)
    return template().substitute(question=answer.question, passages=passages, answer=answer.answer)


def statements(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """The answer's statements, each with the passage numbers it cites: the text up to a marker
    (a statement after the last marker cites nothing).

    >>> statements("On 9 October [1]. It was held in Dushanbe [1, 2].")
    [('On 9 October', (1,)), ('It was held in Dushanbe', (1, 2))]
    """
    out: list[tuple[str, tuple[int, ...]]] = []
    at = 0
    for m in _MARKERS.finditer(text):
        said = text[at : m.start()].strip(" .;,\n")
        if said:
            out.append((said, tuple(int(n) for n in re.findall(r"\d+", m.group(1)))))
        at = m.end()
    rest = text[at:].strip(" .;,\n")
    if rest:
        out.append((rest, ()))
    return out


def quotes_only(statement: str, cited: str) -> bool:
    """Whether a statement only quotes its cited span: every quotation is in it, and what is left
    outside them is a lead-in ("The article says:"), no claim."""
    inner = [next(g for g in m.groups() if g is not None) for m in _QUOTE_INNER.finditer(statement)]
    outside = re.findall(r"\w+", strip_quoted(statement))
    return bool(inner) and all(q in cited for q in inner) and len(outside) <= 4


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

    def __init__(self, chat: Any, faithful: bool = True, supports: bool = False) -> None:
        self.chat = chat
        self.faithful = faithful  # score faithfulness (--judge)
        self.supports = supports  # score citation support (--support)

    @classmethod
    def from_backends(
        cls, backends: Any, backend: str | None, faithful: bool = True, supports: bool = False
    ) -> Judge:
        """The judge for ``backend`` (or the default one) of ``rag.backends.Backends``; the
        no-model path has none of its own, so it is judged by the local model."""
        name = backend or backends.default()
        if name == "extractive":
            if faithful:
                raise BackendUnavailable(
                    "--judge needs a language model: use --backend local or openai (extractive cannot judge)"
                )
            name = "local"
        return cls(backends.get(name), faithful, supports)

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

    def support(self, answer: Answer) -> float | None:
        """The share of the answer's statements that the spans they cite support; None for
        abstentions, or when the judge fails on any statement."""
        quotes = {c.n: c.quote for c in answer.citations}
        return self.support_of(answer.question, answer.answer, answer.abstained, quotes)

    def support_of(self, question: str, text: str, abstained: bool, quotes: dict[int, str]) -> float | None:
        """``support`` of an answer's parts: its text, and its cited quotes by number."""
        if abstained or not text.strip():
            return None
        verdicts = []
        for said, cited in statements(text):
            source = " … ".join(quotes[n] for n in cited if n in quotes)
            if not source:
                verdicts.append(False)  # cites nothing, or a number no citation has
            elif quotes_only(said, source):
                verdicts.append(True)
            else:
                verdict = self._entails(source, question, said)
                if verdict is None:
                    return None
                verdicts.append(verdict)
        return sum(verdicts) / len(verdicts) if verdicts else None

    def _entails(self, source: str, question: str, said: str) -> bool | None:
        from langchain_core.messages import HumanMessage

        prompt = template("support").substitute(source=source, question=question, answer=said)
        extra = {"grammar": _YES_NO, "max_tokens": 2} if self.chat.name == "local" else {"max_tokens": 3}
        try:
            reply = "".join(self.chat.stream([HumanMessage(prompt)], extra=extra))
        except (ArticleQAError, TimeoutError, RuntimeError, ValueError, OSError):
            return None
        word = re.match(r"\W*(yes|no)\b", reply, re.I)
        return None if word is None else word.group(1).lower() == "yes"
