"""Prompts are files, rendered strictly; the article layout's system message never changes."""

from __future__ import annotations

import pytest

import prompts
from rag.prompting import article_system, build, hint_paragraphs


def test_render_is_strict() -> None:
    with pytest.raises(KeyError, match="missing"):
        prompts.render("answer_user", question="q")
    with pytest.raises(KeyError, match="unexpected"):
        prompts.render("passages_system", extra="x")


def test_system_message_is_the_same_for_every_question(article, pipeline) -> None:
    a = build("article", article, "When?", "en", pipeline.retrieve("When was the CA–Russia summit?"))
    b = build("article", article, "Кога?", "bg", pipeline.retrieve("Кой е авторът?"))
    assert a.messages[0].content == b.messages[0].content == article_system(article)
    assert "[23] — Тези формати" in a.messages[0].content
    assert "Answer in English" in a.messages[-1].content
    assert "Answer in Bulgarian" in b.messages[-1].content


def test_hints_name_the_retrieved_paragraphs(article, pipeline) -> None:
    passages = pipeline.retrieve("When was the CA–Russia summit?")
    assert 23 in hint_paragraphs(article, passages)


def test_passages_layout_numbers_sources(article, pipeline) -> None:
    passages = pipeline.retrieve("Who wrote the article?")
    prompt = build("passages", article, "Who wrote the article?", "en", passages)
    user = prompt.messages[-1].content
    assert "[1] " in user and "[3] " in user and "Question: Who wrote the article?" in user
