"""The local model's file, for real: 22 installed parts joined into the published GGUF.

No mocks. The fast tests read only the installed parts' sizes; the slow ones use the model
assembled once per test session (``model_file`` in tests/conftest.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from core.errors import BackendUnavailable
from rag.local_model import (
    MODEL_FILE,
    MODEL_SHA256,
    MODEL_SIZE,
    N_PARTS,
    assemble_model,
    model_available,
    part_paths,
)

installed = pytest.mark.skipif(not model_available(), reason="needs article-qa[local]")


@installed
def test_the_parts_are_installed_in_order_and_add_up_to_the_model() -> None:
    paths = part_paths()
    assert len(paths) == N_PARTS == 22
    assert all(p.is_file() for p in paths)
    assert sum(p.stat().st_size for p in paths) == MODEL_SIZE


@installed
def test_a_cache_dir_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(BackendUnavailable, match="cannot write the model"):
        assemble_model(blocker / "cache")


@pytest.mark.slow
def test_assembled_model_has_the_published_sha256_and_is_trusted_after(model_file: Path) -> None:
    assert model_file.name == MODEL_FILE and model_file.stat().st_size == MODEL_SIZE
    digest = hashlib.sha256()
    with model_file.open("rb") as f:
        while block := f.read(1 << 22):
            digest.update(block)
    assert digest.hexdigest() == MODEL_SHA256
    before = model_file.stat().st_mtime_ns
    assert assemble_model(model_file.parent) == model_file  # trusted through its sidecar, not rebuilt
    assert model_file.stat().st_mtime_ns == before
    sidecar = model_file.with_name(model_file.name + ".sha256")
    assert sidecar.read_text(encoding="ascii").split()[0] == MODEL_SHA256
