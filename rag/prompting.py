"""Building the chat messages a language model answers from.

The system message (rules) is fixed, so llama.cpp evaluates it once and reuses that state;
each question then costs only its user message. The user message carries the sources,
numbered like the answer's passages, then the question and the language to answer in.

Two layouts of the sources, rendered from the files in ``prompts/``:

- **evidence** (the local model's): only the best sentences of the retrieved passages, long
  ones cut to their best run of clauses, within a small token budget. Prompt processing on a
  2-core CPU runs at ~50 tokens/s (measured; see bench/RESULTS.md), so three whole passages
  (~900 model tokens) would cost ~18 s before the first word; the clauses that hold the answer
  cost ~1-2 s. Sentences keep their passage's number, so citations still map.
- **passages** (remote endpoints, where prompt processing is cheap): the retrieved passages whole.

A layout that put the whole article in the cached system message was measured and dropped: the
1.5B model then answered "not in the article" or picked the wrong date on most questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

import prompts
from rag.extractive import Pick
from rag.injection import mask
from rag.language import name as language_name
from rag.tokens import count_tokens
from rag.types import Article, Passage, Turn

ABSTAIN_TOKEN = "NOT_IN_ARTICLE"
LAYOUTS = ("evidence", "passages")
EVIDENCE_TOKENS = 100  # all the evidence sentences together (cl100k tokens)
SENTENCE_TOKENS = 100  # one sentence; a longer one is cut to its best run of clauses
EVIDENCE_CANDIDATES = 6  # ranked sentences considered for the evidence
HISTORY_CHARS = {"evidence": 200, "passages": 600}  # each earlier turn in the prompt, clipped


@dataclass(frozen=True)
class Prompt:
    """Messages for the model."""

    messages: list[BaseMessage]
    layout: str


def fixed_messages() -> list[BaseMessage]:
    """The system message and the worked examples: identical for every question."""
    parts = [part.strip() for part in prompts.load("examples").split("\n---\n")][1:]
    if len(parts) % 2:
        raise ValueError("prompts/examples.md must alternate user messages and replies")
    examples: list[BaseMessage] = []
    for user, reply in zip(parts[::2], parts[1::2], strict=True):
        examples += [HumanMessage(user), AIMessage(reply)]
    return [SystemMessage(prompts.render("system")), *examples]


def evidence(picks: Sequence[Pick], budget: int = EVIDENCE_TOKENS) -> dict[int, list[Pick]]:
    """The best sentences within ``budget`` tokens, grouped by passage number, in text order.

    The best sentence is always kept, however long.
    """
    chosen: list[Pick] = []
    used = 0
    for pick in picks:
        cost = count_tokens(pick.text)
        if chosen and used + cost > budget:
            continue
        chosen.append(pick)
        used += cost
    grouped: dict[int, list[Pick]] = {}
    for pick in sorted(chosen, key=lambda p: (p.n, p.start)):
        grouped.setdefault(pick.n, []).append(pick)
    return grouped


def render_sources(layout: str, passages: Sequence[Passage], picks: Sequence[Pick]) -> str:
    """The numbered sources block of the user message (orders planted in the article masked)."""
    if layout == "passages":
        return "\n\n".join(f"[{p.n}] {mask(p.text)}" for p in passages)
    if layout == "evidence":
        return "\n".join(
            f"[{n}] " + " … ".join(mask(p.text) for p in group)
            for n, group in sorted(evidence(picks).items())
        )
    raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")


def build(
    layout: str,
    article: Article,
    question: str,
    language: str,
    passages: Sequence[Passage],
    picks: Sequence[Pick] = (),
    history: Sequence[Turn] = (),
) -> Prompt:
    """Messages for one question: the fixed messages, earlier turns, then sources and question."""
    earlier: list[BaseMessage] = [
        HumanMessage(t.content) if t.role == "user" else AIMessage(t.content) for t in history
    ]
    user = prompts.render(
        "answer_user",
        sources=render_sources(layout, passages, picks),
        question=question,
        language=language_name(language),
    )
    return Prompt([*fixed_messages(), *earlier, HumanMessage(user)], layout)
