"""CI gates: ``--fail-under METRIC=VALUE`` floors and ``--fail-over METRIC=VALUE`` ceilings.

``METRIC`` is a name from ``scoring.metric_names`` (``recall@3``, ``answer_accuracy``,
``abstention_recall``, ...), optionally with ``:LANG`` for one language (``recall@3:bg``).
Floors are for metrics where higher is better, ceilings for failure rates and latencies.
A metric that could not be computed (n/a) fails its gate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from evaluation.report import fmt
from evaluation.scoring import lower_is_better


class GateError(ValueError):
    """A gate that names no metric or has no number."""


@dataclass(frozen=True)
class Gate:
    """One bound on one metric, overall or for one language."""

    metric: str
    bound: float
    ceiling: bool = False
    language: str = ""

    @property
    def label(self) -> str:
        """``recall@3`` or ``recall@3:bg``."""
        return f"{self.metric}:{self.language}" if self.language else self.metric

    def value(self, summary: dict[str, Any]) -> float | None:
        """The gated figure in a summary (None when absent)."""
        figures = summary["by_language"].get(self.language, {}) if self.language else summary["metrics"]
        return figures.get(self.metric)

    def passes(self, value: float | None) -> bool:
        """True when ``value`` is within the bound."""
        if value is None:
            return False
        return value <= self.bound if self.ceiling else value >= self.bound


def parse(spec: str, known: Sequence[str], ceiling: bool = False) -> Gate:
    """A gate from ``METRIC[:LANG]=VALUE``, checked against the known metric names.

    >>> parse("recall@3:bg=0.95", ["recall@3"])
    Gate(metric='recall@3', bound=0.95, ceiling=False, language='bg')
    """
    flag = "--fail-over" if ceiling else "--fail-under"
    name, sep, raw = spec.partition("=")
    if not sep or not name.strip() or not raw.strip():
        raise GateError(f"{flag} wants METRIC=VALUE (e.g. recall@3=0.95), got {spec!r}")
    metric, _, language = name.strip().partition(":")
    if metric not in known:
        raise GateError(f"{flag}: unknown metric {metric!r}; known: {', '.join(known)}")
    try:
        bound = float(raw)
    except ValueError as err:
        raise GateError(f"{flag} {name}: {raw!r} is not a number") from err
    if lower_is_better(metric) != ceiling:
        other = "--fail-under" if ceiling else "--fail-over"
        direction = "higher" if ceiling else "lower"
        raise GateError(f"{flag} {metric}: {direction} is better for this metric, use {other}")
    return Gate(metric, bound, ceiling, language)


def failures(gates: Sequence[Gate], summary: dict[str, Any]) -> list[str]:
    """One line per gate that the summary does not pass."""
    out = []
    for gate in gates:
        value = gate.value(summary)
        if not gate.passes(value):
            word = "above its ceiling" if gate.ceiling else "under its floor"
            out.append(f"{gate.label} = {fmt(gate.metric, value)} is {word} {gate.bound:g}")
    return out
