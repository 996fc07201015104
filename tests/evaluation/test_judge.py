"""The optional faithfulness judge: real prompt rendering; a scripted chat model at the LLM boundary."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
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


def test_support_asks_the_judge_about_each_statement(pipeline: Any) -> None:
    answer = pipeline.ask("When was the CA–Russia summit?", backend="extractive")  # "9 October [1]."
    assert Judge(_chat("yes"), supports=True).support(answer) == 1.0
    assert Judge(_chat("no"), supports=True).support(answer) == 0.0
    assert Judge(_chat("it depends"), supports=True).support(answer) is None  # no verdict: no score
    assert Judge(_chat("yes"), supports=True).support(replace(answer, abstained=True)) is None


def test_a_quote_of_the_cited_span_is_supported_without_asking(pipeline: Any) -> None:
    answer = pipeline.ask("Какво представлява участието в парада на Победата в Москва?", backend="extractive")
    assert answer.answer.startswith("В статията се казва: „")
    assert Judge(_chat("no"), supports=True).support(answer) == 1.0  # the scripted "no" is never read


def test_a_statement_that_cites_nothing_or_a_missing_passage_is_unsupported(pipeline: Any) -> None:
    answer = pipeline.ask("When was the CA–Russia summit?", backend="extractive")
    assert Judge(_chat("yes"), supports=True).support(replace(answer, answer="On 9 October.")) == 0.0
    half = replace(answer, answer="On 9 October [1]. In Dushanbe [7].")
    assert Judge(_chat("yes"), supports=True).support(half) == 0.5


def test_the_no_model_path_is_judged_by_the_local_model() -> None:
    class Named:  # the backends' registry, without starting a model server
        def default(self) -> str:
            return "extractive"

        def get(self, name: str) -> Any:
            return SimpleNamespace(name=name)

    judge = Judge.from_backends(Named(), "extractive", faithful=False, supports=True)
    assert judge.chat.name == "local" and judge.supports and not judge.faithful
    with pytest.raises(BackendUnavailable, match="--judge needs a language model"):
        Judge.from_backends(Named(), None, faithful=True, supports=True)
