"""The local model for real: the assembled GGUF, llama.cpp answers, the persisted prompt prefix.

No mocks. The 1 GB model file is assembled once into the data dir's cache (``ARTICLE_QA_DATA_DIR``
or ~/.local/share/article-qa), so later runs reuse it; prompt states go to a temp dir.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage, SystemMessage, ToolMessage

from rag.local_model import (
    MODEL_SHA256,
    STATE_SUFFIX,
    ChatLocalLlama,
    LocalModel,
    assemble_model,
    model_available,
    to_role_dicts,
)
from rag.settings import Settings
from rag.types import Article

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not model_available(), reason="needs article-qa[local]"),
]

SUMMIT = (
    "Сред ключовите събития бяха срещата на върха „ЕС – ЦА“ на 4 април в Самарканд, "
    "втората среща на върха „ЦА – Китай“ на 17 юни 2025 г. в Астана, "
    "втората среща на върха „ЦА – Русия“ на 9 октомври в Душанбе."
)


RULES = (
    "You answer questions about a news article using only the numbered sources in the "
    "reader's message. Answer in one short sentence in the language asked for, citing the "
    "source like [1]. If the sources do not say, reply only: NOT_IN_ARTICLE"
)


def _question(question: str, sources: str) -> list[dict[str, str]]:
    user = f"Sources:\n{sources}\n\nQuestion: {question}\nAnswer in English."
    return [{"role": "system", "content": RULES}, {"role": "user", "content": user}]


@pytest.fixture(scope="module")
def model_path() -> Path:
    """The assembled model (built on first use, then trusted through its sidecar)."""
    return assemble_model(Settings.from_env().cache_dir)


@pytest.fixture(scope="module")
def model(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalModel]:
    """One small-context model shared by the tests of this module."""
    m = LocalModel(model_path, n_ctx=2048, state_dir=tmp_path_factory.mktemp("states"))
    yield m
    m.close()


def test_assembled_model_has_the_published_sha256(model_path: Path) -> None:
    digest = hashlib.sha256()
    with model_path.open("rb") as f:
        while block := f.read(1 << 22):
            digest.update(block)
    assert digest.hexdigest() == MODEL_SHA256
    before = model_path.stat().st_mtime_ns
    assert assemble_model(model_path.parent) == model_path  # trusted, not rebuilt
    assert model_path.stat().st_mtime_ns == before


def test_answers_from_a_bulgarian_passage(model: LocalModel) -> None:
    answer = model.chat(_question("When was the CA–Russia summit?", f"[1] {SUMMIT}"), max_tokens=48)
    assert "9" in answer
    assert "October" in answer or "Dushanbe" in answer


def test_prefix_state_is_saved_and_reused_by_the_next_model(
    model_path: Path, tmp_path: Path, article: Article
) -> None:
    system = RULES + "\nArticle:\n" + article.text[:800]
    prefix = [{"role": "system", "content": system}]
    question = {"role": "user", "content": "Who did Tokayev meet in Abu Dhabi? Answer briefly."}
    messages = [*prefix, question]

    first = LocalModel(model_path, n_ctx=2048, state_dir=tmp_path)
    first.warm(prefix)
    assert first.last_warm is not None and first.last_warm.source == "computed"
    answer = first.chat(messages, max_tokens=24)
    first.close()
    [state] = tmp_path.glob(f"*{STATE_SUFFIX}")

    second = LocalModel(model_path, n_ctx=2048, state_dir=tmp_path, keep_states=1)
    second.warm(prefix)
    assert second.last_warm is not None and second.last_warm.source == "loaded"
    n_prefix = second.last_warm.prefix_tokens
    assert second.chat(messages, max_tokens=24) == answer
    stats = second.last_stats
    assert stats is not None and stats.prompt_tokens > n_prefix
    # only the question was evaluated; the prefix came from the file
    assert second.last_prompt_tokens_evaluated == stats.prompt_tokens - n_prefix

    second.warm(prefix)
    assert second.last_warm.source == "context"  # still in memory: nothing loaded or evaluated

    second.warm([{"role": "system", "content": "Be brief."}])  # a new prefix evicts the old state
    assert second.last_warm.source == "computed"
    assert not state.exists() and len(list(tmp_path.glob(f"*{STATE_SUFFIX}"))) == 1
    second.close()


def test_chat_model_streams_what_invoke_returns(model: LocalModel) -> None:
    chat = ChatLocalLlama(model=model, max_tokens=40)
    _, user = _question("Where was the CA–Russia summit held?", f"[1] {SUMMIT}")
    messages = [SystemMessage(RULES), HumanMessage(user["content"])]
    chunks = [c.content for c in chat.stream(messages)]
    assert len(chunks) > 2
    assert "".join(str(c) for c in chunks) == chat.invoke(messages).content


def test_only_chat_roles_are_converted() -> None:
    assert to_role_dicts([SystemMessage("s"), HumanMessage("u")]) == [
        {"role": "system", "content": "s"},
        {"role": "user", "content": "u"},
    ]
    with pytest.raises(ValueError, match="ToolMessage"):
        to_role_dicts([ToolMessage("x", tool_call_id="1")])
