"""What each backend is told about the answer policy (no server needed: a configured URL)."""

from __future__ import annotations

from dataclasses import replace

from core.settings import Settings, Tuning
from rag.backends import make_local, make_openai


def test_the_local_backend_follows_the_tuning_and_a_remote_model_writes_every_answer(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, llm_server_url="http://127.0.0.1:9/v1")
    local = make_local(settings)
    assert (local.facts_first, local.quotes_own_language) == (True, True)  # the defaults
    off = make_local(settings.with_(tuning=replace(Tuning(), facts_first=False, quote_own_language=False)))
    assert (off.facts_first, off.quotes_own_language) == (False, False)
    remote = make_openai(settings.with_(openai_base_url="http://127.0.0.1:9/v1", openai_model="m"))
    assert (remote.facts_first, remote.quotes_own_language) == (False, False)
