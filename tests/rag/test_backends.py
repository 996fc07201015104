"""What each backend is told about the answer policy (no server needed: a configured URL)."""

from __future__ import annotations

from dataclasses import replace

from core.settings import Settings, Tuning
from rag.backends import Backends, ModelUse, make_local, make_openai


def test_the_local_backend_follows_the_tuning_and_a_remote_model_writes_every_answer(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, llm_server_url="http://127.0.0.1:9/v1")
    default = ModelUse(
        facts_first=True,
        quote_own_language=True,
        quote_languages=frozenset({"ru"}),
        phrase_languages=frozenset({"ru"}),
    )
    assert make_local(settings).use == default
    off = replace(
        Tuning(), facts_first=False, quote_own_language=False, quote_languages=(), phrase_languages=()
    )
    assert make_local(settings.with_(tuning=off)).use == ModelUse()
    remote = make_openai(settings.with_(openai_base_url="http://127.0.0.1:9/v1", openai_model="m"))
    assert remote.use == ModelUse()  # a newsroom's own (larger) model writes every answer


def test_a_backends_use_is_known_before_it_is_made(tmp_path) -> None:
    backends = Backends(Settings(data_dir=tmp_path, llm_server_url="http://127.0.0.1:9/v1"))
    assert backends.use("local") == make_local(backends.settings).use
    assert backends.use("openai") == ModelUse()
    assert not backends.loaded("local")  # asking did not create it
