"""Building the chat messages a language model answers from.

Two layouts, both rendered from the files in ``prompts/``:

- **article** (the local model's): the system message holds the rules and the *whole*
  article with numbered paragraphs. It is the same for every question, so llama.cpp keeps
  its evaluated state and each question costs only its own few dozen tokens; retrieval
  still decides where the model looks ("Most relevant paragraphs: 23, 21") and what is
  cited. The model cites paragraph numbers, which are mapped back to passages afterwards.
- **passages** (classic RAG, for remote endpoints and articles too long for the context):
  the user message carries the retrieved passages numbered ``[1]``..``[k]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

import prompts
from rag.articles import paragraph_at, paragraphs
from rag.language import name as language_name
from rag.types import Article, Passage, Turn

ABSTAIN_TOKEN = "NOT_IN_ARTICLE"


@dataclass(frozen=True)
class Prompt:
    """Messages for the model, and how to read the numbers it cites."""

    messages: list[BaseMessage]
    layout: str  # "article" or "passages"


def article_system(article: Article) -> str:
    """The fixed system message of the article layout (identical for every question)."""
    numbered = "\n".join(f"[{p.n}] {article.text[p.start : p.end]}" for p in paragraphs(article.text))
    return prompts.render("system", title=article.title, date=article.date or "undated", article=numbered)


def hint_paragraphs(article: Article, passages: Sequence[Passage]) -> list[int]:
    """Paragraph numbers of the passages, best first (a passage's last paragraph holds its text)."""
    paras = paragraphs(article.text)
    out: list[int] = []
    for p in passages:
        n = paragraph_at(paras, max(p.end - 1, p.start))
        if n not in out:
            out.append(n)
    return out


def build(
    layout: str,
    article: Article,
    question: str,
    language: str,
    passages: Sequence[Passage],
    history: Sequence[Turn] = (),
) -> Prompt:
    """Messages for one question in the given layout."""
    earlier: list[BaseMessage] = [
        HumanMessage(t.content) if t.role == "user" else AIMessage(t.content) for t in history
    ]
    if layout == "article":
        hints = ", ".join(f"[{n}]" for n in hint_paragraphs(article, passages)) or "none"
        user = prompts.render("answer_user", hints=hints, question=question, language=language_name(language))
        return Prompt([SystemMessage(article_system(article)), *earlier, HumanMessage(user)], layout)
    sources = "\n\n".join(f"[{p.n}] {p.text}" for p in passages)
    user = prompts.render(
        "passages_user",
        title=article.title,
        sources=sources,
        question=question,
        language=language_name(language),
    )
    system = prompts.render("passages_system")
    return Prompt([SystemMessage(system), *earlier, HumanMessage(user)], layout)
