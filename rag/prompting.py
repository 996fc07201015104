"""Building the chat messages a language model answers from.

The system message (rules) and the worked examples are fixed, so llama.cpp evaluates them once
and reuses that state; each question then costs only its own message: the sources, numbered
like the answer's passages, the question, the key fact the evidence stage found (when the
question asks for a date, place or number), and the language to answer in.

Layouts of the sources (measured side by side in ``bench/designs.py``): ``passage`` (the best
passage whole, first, then the other passages' best sentences), ``sentence`` (only the best
sentences, ~120 tokens) and ``passages`` (all passages whole, for remote endpoints).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

import prompts
from core.settings import Tuning
from core.tokens import count_tokens
from core.types import Turn
from rag import facts
from rag.extractive import Pick
from rag.injection import mask
from rag.language import name as language_name

if TYPE_CHECKING:
    from rag.evidence import Evidence

ABSTAIN_TOKEN = "NOT_IN_ARTICLE"
LAYOUTS = ("passage", "sentence", "passages")
EVIDENCE_CANDIDATES = 6  # ranked sentences considered for the "sentence" layout
HISTORY_CHARS = 200  # each earlier turn in the prompt, clipped


@dataclass(frozen=True)
class Prompt:
    """Messages for the model."""

    messages: list[BaseMessage]
    layout: str


def _examples(name: str) -> list[BaseMessage]:
    """The worked examples of ``prompts/<name>.md``: user messages and replies, alternating
    after its opening note, separated by lines of "---"."""
    parts = [part.strip() for part in prompts.load(name).split("\n---\n")][1:]
    if len(parts) % 2:
        raise ValueError(f"prompts/{name}.md must alternate user messages and replies")
    examples: list[BaseMessage] = []
    for user, reply in zip(parts[::2], parts[1::2], strict=True):
        examples += [HumanMessage(user), AIMessage(reply)]
    return examples


def fixed_messages() -> list[BaseMessage]:
    """The system message and the worked examples: identical for every question."""
    return [SystemMessage(prompts.render("system")), *_examples("examples")]


def phrase_messages(phrase: str, source: str, target: str) -> list[BaseMessage]:
    """Asking for the article's ``phrase`` (language ``source``) in the close language ``target``."""
    system = prompts.render("phrase", source=language_name(source), target=language_name(target))
    return [SystemMessage(system), *_examples("phrase_examples"), HumanMessage(mask(phrase))]


def passage_prefix(text: str) -> list[BaseMessage]:
    """The start of every ``passage`` prompt whose passage [1] is ``text``: what its saved state holds."""
    return [
        *fixed_messages(),
        HumanMessage(prompts.load("answer_user").split("{sources}")[0] + f"[1] {mask(text)}"),
    ]


def render_sources(layout: str, evidence: Evidence, tuning: Tuning | None = None) -> str:
    """The numbered sources block (orders planted in the article masked).

    - ``passage``: passage 1 (the one holding the best sentence) whole, then the best sentence
      of each other passage; passage 1 comes first so its evaluated state can be reused;
    - ``sentence``: only the best sentences within ``budget`` tokens, by passage, in text order;
    - ``passages``: every passage whole (remote endpoints, where prompt processing is cheap).
    """
    tuning = tuning or Tuning()
    if layout == "passages":
        return "\n\n".join(f"[{p.n}] {mask(p.text)}" for p in evidence.passages)
    if layout == "passage":
        first = evidence.passages[0]
        others = []
        for p in evidence.passages[1:]:  # only a sentence nearly as good as the best one
            best = next((x for x in evidence.ranked if x.n == p.n), None)
            if (
                best is not None
                and best.text not in first.text
                and best.score >= evidence.score - tuning.others_within
            ):
                others.append(f"[{p.n}] {mask(best.text)}")
        return "\n".join([f"[{first.n}] {mask(first.text)}", *others])
    if layout == "sentence":
        chosen: list[Pick] = []
        used = 0
        for pick in evidence.ranked[:EVIDENCE_CANDIDATES]:
            cost = count_tokens(pick.text)
            if chosen and used + cost > tuning.evidence_tokens:
                continue
            chosen.append(pick)
            used += cost
        groups: dict[int, list[Pick]] = {}
        for pick in sorted(chosen, key=lambda x: (x.n, x.start)):
            groups.setdefault(pick.n, []).append(pick)
        return "\n".join(f"[{n}] " + " … ".join(mask(x.text) for x in g) for n, g in sorted(groups.items()))
    raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")


def hint(evidence: Evidence, language: str) -> str:
    """The "Key fact" line: the fact asked for, in the reader's language and as the source says it."""
    if evidence.fact is None:
        return ""
    source = evidence.fact.text
    if not facts.sayable(evidence.fact, language):  # words no rule translates: the model must
        return f"Key fact, to translate: {source}\n"
    said = facts.say(evidence.fact, language)
    return f"Key fact: {said}\n" if said == source else f"Key fact: {said} ({source})\n"


def build(
    layout: str,
    question: str,
    language: str,
    evidence: Evidence,
    history: Sequence[Turn] = (),
    tuning: Tuning | None = None,
) -> Prompt:
    """Messages for one question: the fixed messages, earlier turns, then sources and question."""
    earlier: list[BaseMessage] = [
        HumanMessage(t.content) if t.role == "user" else AIMessage(t.content) for t in history
    ]
    user = prompts.render(
        "answer_user",
        sources=render_sources(layout, evidence, tuning),
        question=question,
        hint=hint(evidence, language),
        language=language_name(language),
    )
    return Prompt([*fixed_messages(), *earlier, HumanMessage(user)], layout)
