"""``article-qa eval compare DIR_A DIR_B``: each metric A -> B with its delta, better or worse.

Overall metrics are all listed; per-language ones only where they changed. When both
directories hold ``results.jsonl``, the questions that turned right or wrong are named too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.report import fmt, load_summary
from evaluation.runner import RESULTS, read_results
from evaluation.scoring import lower_is_better

EPSILON = 1e-9


@dataclass(frozen=True)
class Change:
    """One metric in both runs."""

    name: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        """B minus A, when both exist."""
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def verdict(self) -> str:
        """better, worse, same, or new/gone/n/a when a side is missing.

        >>> Change("f1", 0.5, 0.6).verdict, Change("false_refusal_rate", 0.1, 0.2).verdict
        ('better', 'worse')
        """
        if self.delta is None:
            return "n/a" if self.a is None and self.b is None else ("new" if self.a is None else "gone")
        if abs(self.delta) <= EPSILON:
            return "same"
        improved = self.delta < 0 if lower_is_better(self.name) else self.delta > 0
        return "better" if improved else "worse"


def changes(a: Mapping[str, float | None], b: Mapping[str, float | None]) -> list[Change]:
    """One Change per metric name in either mapping (A's order first)."""
    names = list(dict.fromkeys([*a, *b]))
    return [Change(n, a.get(n), b.get(n)) for n in names]


def line(change: Change, width: int = 28) -> str:
    """``name  A -> B  (+delta)  verdict``.

    >>> line(Change("recall@3", 0.9, 0.95), 10)
    'recall@3    0.900 ->   0.950  (+0.050)   better'
    """
    delta = change.delta
    if delta is None:
        shown = ""
    elif change.name.startswith("latency_"):
        shown = f"({delta:+.0f} ms)"
    else:
        shown = f"({delta:+.3f})"
    a, b = fmt(change.name, change.a), fmt(change.name, change.b)
    return f"{change.name:<{width}}{a:>7} -> {b:>7}  {shown:<9}  {change.verdict}".rstrip()


def flips(dir_a: Path, dir_b: Path) -> tuple[list[str], list[str]]:
    """Ids that were wrong in A and right in B, and the reverse (empty without results files)."""
    if not (dir_a / RESULTS).exists() or not (dir_b / RESULTS).exists():
        return [], []
    right_a = {r["id"]: _right(r) for r in read_results(dir_a / RESULTS)}
    right_b = {r["id"]: _right(r) for r in read_results(dir_b / RESULTS)}
    both = [i for i in right_a if i in right_b]
    return [i for i in both if right_b[i] and not right_a[i]], [
        i for i in both if right_a[i] and not right_b[i]
    ]


def _right(row: dict[str, Any]) -> bool:
    if not row["answerable"]:
        return bool(row["abstained"])
    return not row["abstained"] and bool(row["scores"].get("answer_accuracy"))


def render(dir_a: Path, dir_b: Path) -> str:
    """The whole comparison as text."""
    a, b = load_summary(dir_a), load_summary(dir_b)
    out = [f"A: {dir_a}  ({_describe(a)})", f"B: {dir_b}  ({_describe(b)})", ""]
    overall = changes(a["metrics"], b["metrics"])
    width = max([len(c.name) for c in overall] + [10]) + 2
    out += [line(c, width) for c in overall]
    tally = {v: sum(c.verdict == v for c in overall) for v in ("better", "worse", "same")}
    out += ["", f"{tally['better']} better, {tally['worse']} worse, {tally['same']} the same"]
    for lang in dict.fromkeys([*a.get("by_language", {}), *b.get("by_language", {})]):
        moved = [
            c
            for c in changes(a["by_language"].get(lang, {}), b["by_language"].get(lang, {}))
            if c.verdict in ("better", "worse", "new", "gone") and not c.name.startswith("latency_")
        ]
        if moved:
            out += ["", f"[{lang}]", *(line(c, width) for c in moved)]
    now_right, now_wrong = flips(dir_a, dir_b)
    if now_right or now_wrong:
        out += ["", f"now right ({len(now_right)}): {' '.join(now_right) or '-'}"]
        out += [f"now wrong ({len(now_wrong)}): {' '.join(now_wrong) or '-'}"]
    return "\n".join(out)


def _describe(summary: dict[str, Any]) -> str:
    c = summary.get("config", {})
    parts = [str(c.get(key)) for key in ("backend", "dataset", "date") if c.get(key)]
    return ", ".join(parts) or json.dumps(c)[:80]
