"""Shared helpers for the benchmarks: percentiles, the machine line, the gold questions."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "evaluation" / "data" / "gold.jsonl"


def percentiles(values: list[float], points: tuple[int, ...] = (50, 95, 99)) -> dict[str, float]:
    """Nearest-rank percentiles, e.g. {"p50": 12.1, "p95": 20.3}."""
    ordered = sorted(values)
    if not ordered:
        return {f"p{p}": float("nan") for p in points}
    return {f"p{p}": ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] for p in points}


def machine() -> str:
    """Cores, memory and Python of this machine, for the results table."""
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {mem_kb / 1024 / 1024:.0f} GiB RAM, Python {platform.python_version()}"


def questions(limit: int | None = None, answerable: bool | None = None) -> list[dict]:
    """Gold questions (first turn only), optionally only (un)answerable ones."""
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if not r.get("history")]
    if answerable is not None:
        rows = [r for r in rows if bool(r["answers"]) == answerable]
    return rows[:limit] if limit else rows


def fmt(stats: dict[str, float]) -> str:
    """'p50 12.3 ms · p95 20.1 ms'."""
    return " · ".join(f"{k} {v:.1f} ms" for k, v in stats.items())
