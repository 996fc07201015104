"""Prompts are files, rendered strictly; the fixed messages never change between questions;
each layout numbers its sources like the evidence stage numbered the passages."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

import prompts
from core.settings import Tuning
from core.tokens import count_tokens
from core.types import Turn
from rag import evidence
from rag.prompting import ABSTAIN_TOKEN, LAYOUTS, build, fixed_messages, hint, phrase_messages, render_sources

SUMMIT = "When was the CA–Russia summit?"


def gathered(pipeline, question: str) -> evidence.Evidence:
    return evidence.gather(question, pipeline.retrieve(question), pipeline.ranker)


def test_render_is_strict() -> None:
    with pytest.raises(KeyError, match="missing"):
        prompts.render("answer_user", question="q")
    with pytest.raises(KeyError, match="unexpected"):
        prompts.render("system", extra="x")


def test_fixed_messages_lead_every_prompt(pipeline) -> None:
    fixed = fixed_messages()
    assert isinstance(fixed[0], SystemMessage) and ABSTAIN_TOKEN in fixed[0].content
    assert isinstance(fixed[-1], AIMessage)  # the worked examples end with a reply
    q2 = "Кой е авторът?"
    a = build("passages", SUMMIT, "en", gathered(pipeline, SUMMIT))
    b = build("passage", q2, "bg", gathered(pipeline, q2))
    c = build("sentence", "Кто автор?", "ru", gathered(pipeline, "Кто автор?"))
    assert a.messages[: len(fixed)] == b.messages[: len(fixed)] == c.messages[: len(fixed)] == fixed
    assert a.layout == "passages" and b.layout == "passage" and c.layout == "sentence"
    assert "Answer in English" in a.messages[-1].content
    assert "Answer in Bulgarian" in b.messages[-1].content
    assert "Answer in Russian" in c.messages[-1].content


def test_earlier_turns_come_between_the_fixed_messages_and_the_question(pipeline) -> None:
    history = [Turn("user", "Who wrote the article?"), Turn("assistant", "Yuliya Polonskaya [1].")]
    prompt = build("passage", SUMMIT, "en", gathered(pipeline, SUMMIT), history)
    n = len(fixed_messages())
    assert prompt.messages[n : n + 2] == [
        HumanMessage("Who wrote the article?"),
        AIMessage("Yuliya Polonskaya [1]."),
    ]
    assert SUMMIT in prompt.messages[-1].content


def test_the_key_fact_is_given_in_the_readers_language_and_as_the_source_says_it(pipeline) -> None:
    found = gathered(pipeline, SUMMIT)
    assert found.fact is not None and found.fact.text == "9 октомври"
    assert hint(found, "en") == "Key fact: 9 October (9 октомври)\n"
    assert hint(found, "ru") == "Key fact: 9 октября (9 октомври)\n"
    assert hint(found, "bg") == "Key fact: 9 октомври\n"
    assert "Key fact: 9 October (9 октомври)" in build("passage", SUMMIT, "en", found).messages[-1].content
    plain = gathered(pipeline, "Why does Kazakhstan diversify its partnerships?")
    assert plain.fact is None and hint(plain, "en") == ""


def test_passage_layout_puts_the_best_passage_first_and_whole(pipeline) -> None:
    found = gathered(pipeline, SUMMIT)
    first = found.passages[0]
    assert first.n == 1 and "9 октомври в Душанбе" in first.text
    assert found.best is not None and found.best.n == 1
    sources = render_sources("passage", found)
    assert sources.startswith(f"[1] {first.text}")
    lines = sources[len(f"[1] {first.text}") :].strip().splitlines()
    best_of = {p.n: next(x.text for x in found.ranked if x.n == p.n) for p in found.passages[1:]}
    for line in lines:  # the others by their best sentence only, one line each
        n, text = int(line[1 : line.index("]")]), line[line.index("]") + 2 :]
        assert n in best_of and text == best_of[n]


def test_sentence_layout_is_tight_and_keeps_passage_numbers(pipeline) -> None:
    found = gathered(pipeline, SUMMIT)
    sources = render_sources("sentence", found)
    assert "9 октомври в Душанбе" in sources
    assert sources.startswith("[1] ")
    best = found.ranked[0]
    assert count_tokens(sources) <= max(Tuning().evidence_tokens, count_tokens(best.text)) + 20
    assert len(sources) < sum(len(p.text) for p in found.passages)


def test_passages_layout_numbers_whole_passages(pipeline) -> None:
    found = gathered(pipeline, "Who wrote the article?")
    user = build("passages", "Who wrote the article?", "en", found).messages[-1].content
    assert all(f"[{p.n}] {p.text}" in user for p in found.passages)
    assert [p.n for p in found.passages] == list(range(1, len(found.passages) + 1))
    assert "Question: Who wrote the article?" in user


def test_an_unknown_layout_is_refused(pipeline) -> None:
    assert LAYOUTS == ("passage", "sentence", "passages")
    with pytest.raises(ValueError, match="layout must be one of"):
        render_sources("evidence", gathered(pipeline, SUMMIT))


def test_a_phrase_is_asked_for_in_the_close_language_after_worked_examples() -> None:
    messages = phrase_messages("проактивна многовекторна политика", "bg", "ru")
    assert isinstance(messages[0], SystemMessage) and "Bulgarian phrases into Russian" in messages[0].content
    assert isinstance(messages[-2], AIMessage) and isinstance(messages[-1], HumanMessage)
    assert messages[-1].content == "проактивна многовекторна политика"
    examples = messages[1:-1]
    assert examples and all(isinstance(m, HumanMessage) for m in examples[::2])
    assert all(isinstance(m, AIMessage) for m in examples[1::2])
