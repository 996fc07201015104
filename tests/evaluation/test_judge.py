"""The optional faithfulness judge: real prompt rendering; a scripted chat model at the LLM boundary."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from core.errors import BackendUnavailable
from evaluation.judge import Judge, parse, render
from rag.backends import Backends, ChatBackend


def _chat(reply: str) -> ChatBackend:
    return ChatBackend("scripted", GenericFakeChatModel(messages=iter([AIMessage(reply)])), "passages", 30)


def test_prompt_has_question_answer_and_numbered_passages(pipeline: Any) -> None:
    answer = pipeline.ask("When was the CA–Russia summit?", backend="extractive")
    prompt = render(answer)
    assert answer.question in prompt and answer.answer in prompt
    assert "[1] " + answer.passages[0].text[:50] in prompt
    assert "$" not in prompt.replace(answer.answer, "")


def test_scores_an_answer(pipeline: Any) -> None:
    answer = pipeline.ask("When was the CA–Russia summit?", backend="extractive")
    assert Judge(_chat("Most claims hold.\nSCORE: 0.8")).faithfulness(answer) == 0.8
    assert Judge(_chat("I cannot tell")).faithfulness(answer) is None
    assert Judge(_chat("SCORE: 1")).faithfulness(replace(answer, abstained=True)) is None


def test_parse() -> None:
    assert parse("score: 0,5") == 0.5
    assert parse("SCORE: 1.0 because ...") == 1.0


def test_extractive_cannot_judge(settings: Any) -> None:
    with pytest.raises(BackendUnavailable, match="--judge needs a language model"):
        Judge.from_backends(Backends(settings), "extractive")
