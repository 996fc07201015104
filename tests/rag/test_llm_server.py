"""llama.cpp's real OpenAI-compatible server on the real packaged model, supervised here.

No mocks: ``LocalServer`` starts ``python -m rag.llm_server`` on the model assembled once per
test session, and ``ChatBackend`` talks to it through langchain-openai exactly as the pipeline
does. Four short model calls in all (2 shared cores): a known answer, a time-out, a crash in
the middle of an answer, and an answer after the restart.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from core.errors import BackendUnavailable
from core.settings import Settings
from rag.backends import ChatBackend, make_local
from rag.llm_server import LocalServer

pytestmark = pytest.mark.slow

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


def ask(question: str) -> list:
    user = f"Sources:\n[1] {SUMMIT}\n\nQuestion: {question}\nAnswer in English."
    return [SystemMessage(RULES), HumanMessage(user)]


@pytest.fixture(scope="module")
def server(model_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """The llama.cpp server on a free loopback port (one slot, small context)."""
    log = tmp_path_factory.mktemp("llm") / "llm-server.log"
    s = LocalServer(model_file, threads=2, ctx=1024, parallel=1, log_file=log)
    s.ensure()
    yield s
    s.stop()


def backend(server: LocalServer, max_tokens: int, timeout_s: float = 300.0) -> ChatBackend:
    """The pipeline's own client for an existing server (ARTICLE_QA_LLM_SERVER_URL)."""
    settings = Settings(llm_server_url=server.base_url, max_answer_tokens=max_tokens, llm_timeout_s=300.0)
    made = make_local(settings)
    return ChatBackend(made.name, made.model, made.layout, timeout_s)


def test_the_server_streams_a_known_answer(server: LocalServer) -> None:
    assert httpx.get(f"http://127.0.0.1:{server.port}/health").status_code == 200
    pieces = list(backend(server, 32).stream(ask("When was the CA–Russia summit?")))
    assert len(pieces) > 1  # streamed, not one block
    answer = "".join(pieces)
    assert "9" in answer and ("October" in answer or "Dushanbe" in answer), answer


def test_a_time_out_is_backend_unavailable(server: LocalServer) -> None:
    slow = backend(server, 24, timeout_s=0.0)  # the first piece already comes too late
    with pytest.raises(BackendUnavailable, match="took longer than"):
        list(slow.stream(ask("Where was the CA–Russia summit held?")))


def test_a_server_killed_mid_answer_is_backend_unavailable_and_ensure_restarts_it(
    server: LocalServer,
) -> None:
    long = backend(server, 256)
    stream = long.stream([HumanMessage("Count from 1 to 200, one number per line.")])
    assert next(stream)  # the answer has begun
    old_port = server.port
    server.kill()
    assert not server.alive()
    with pytest.raises(BackendUnavailable, match="failed"):
        list(stream)
    with pytest.raises(BackendUnavailable):  # nothing answers there any more
        list(long.stream(ask("When was the CA–Russia summit?")))

    server.ensure()
    assert server.alive() and server.port
    assert httpx.get(f"http://127.0.0.1:{server.port}/health").status_code == 200
    again = "".join(backend(server, 16).stream(ask("When was the CA–Russia summit?")))
    assert again.strip(), f"no answer after the restart (port {old_port} -> {server.port})"


def test_a_missing_model_file_is_refused_before_any_server_starts(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "rag.llm_server", "--model", str(tmp_path / "none.gguf"), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "no model file" in done.stderr
