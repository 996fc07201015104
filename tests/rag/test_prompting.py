"""Prompts are files, rendered strictly; the fixed messages never change between questions."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, SystemMessage

import prompts
from rag.prompting import EVIDENCE_TOKENS, build, evidence, fixed_messages
from rag.tokens import count_tokens


def test_render_is_strict() -> None:
    with pytest.raises(KeyError, match="missing"):
        prompts.render("answer_user", question="q")
    with pytest.raises(KeyError, match="unexpected"):
        prompts.render("system", extra="x")


def test_fixed_messages_lead_every_prompt(article, pipeline) -> None:
    fixed = fixed_messages()
    assert isinstance(fixed[0], SystemMessage) and "NOT_IN_ARTICLE" in fixed[0].content
    assert isinstance(fixed[-1], AIMessage)  # the worked examples end with a reply
    q1, q2 = "When was the CA–Russia summit?", "Кой е авторът?"
    a = build("passages", article, q1, "en", pipeline.retrieve(q1))
    b = build(
        "evidence", article, q2, "bg", pipeline.retrieve(q2), pipeline.ranker.rank(q2, pipeline.retrieve(q2))
    )
    assert a.messages[: len(fixed)] == b.messages[: len(fixed)] == fixed
    assert a.messages[-1].content.endswith("Answer in English.\n")
    assert b.messages[-1].content.endswith("Answer in Bulgarian.\n")


def test_evidence_is_tight_and_keeps_passage_numbers(pipeline) -> None:
    question = "When was the CA–Russia summit?"
    passages = pipeline.retrieve(question)
    picks = pipeline.ranker.rank(question, passages)
    chosen = evidence(picks)
    used = sum(count_tokens(p.text) for group in chosen.values() for p in group)
    assert used <= max(EVIDENCE_TOKENS, count_tokens(picks[0].text))
    assert picks[0] in chosen[picks[0].n]
    user = build("evidence", pipeline.article(passages[0].article_id), question, "en", passages, picks)
    text = user.messages[-1].content
    assert "9 октомври в Душанбе" in text
    assert len(text) < sum(len(p.text) for p in passages)


def test_passages_layout_numbers_whole_passages(article, pipeline) -> None:
    passages = pipeline.retrieve("Who wrote the article?")
    user = build("passages", article, "Who wrote the article?", "en", passages).messages[-1].content
    assert all(f"[{p.n}] {p.text}" in user for p in passages)
    assert "Question: Who wrote the article?" in user
