"""Small inline-SVG charts for the HTML report: no JavaScript, no external files.

Each function returns one ``<svg>`` element as a string; every label is escaped, so the SVG
can be put straight into the page. Ratios are drawn on a 0..1 axis.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ("#2f6fb2", "#d9822b", "#3a9a5b", "#b8455f", "#7a5fb5", "#6b7b8c")
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def bars(items: Sequence[tuple[str, float | None]], width: int = 640, label_width: int = 170) -> str:
    """Horizontal bars for ratios in [0, 1], one per (label, value).

    >>> svg = bars([("recall@3", 0.9), ("f1", None)])
    >>> svg.startswith("<svg") and "recall@3" in svg and "n/a" in svg
    True
    """
    row, plot = 22, width - label_width - 60
    height = row * len(items) + 24
    parts = [_open(width, height, "metrics")]
    parts.append(_axis(label_width, plot, row * len(items) + 4))
    for i, (label, value) in enumerate(items):
        y = i * row + 4
        length = 0.0 if value is None else max(0.0, min(1.0, value)) * plot
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 14}" text-anchor="end" {FONT}>{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {_fmt(value)}</title></rect>"
            f'<text x="{label_width + length + 4:.1f}" y="{y + 14}" {FONT}>{_fmt(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def grouped_bars(
    metrics: Sequence[str], groups: Mapping[str, Mapping[str, float | None]], width: int = 640
) -> str:
    """For each metric, one bar per group (language), with a legend.

    >>> svg = grouped_bars(["recall@3"], {"en": {"recall@3": 1.0}, "bg": {"recall@3": 0.5}})
    >>> svg.count("<rect") >= 4
    True
    """
    names = list(groups)
    label_width, bar = 170, 12
    block = bar * max(1, len(names)) + 10
    plot = width - label_width - 60
    height = block * len(metrics) + 40
    parts = [_open(width, height, "metrics per language")]
    parts.append(_axis(label_width, plot, block * len(metrics) + 4))
    for i, metric in enumerate(metrics):
        y0 = i * block + 4
        parts.append(
            f'<text x="{label_width - 8}" y="{y0 + block / 2 + 2:.1f}" text-anchor="end" {FONT}>'
            f"{escape(metric)}</text>"
        )
        for j, name in enumerate(names):
            value = groups[name].get(metric)
            length = 0.0 if value is None else max(0.0, min(1.0, value)) * plot
            parts.append(
                f'<rect x="{label_width}" y="{y0 + j * bar}" width="{length:.1f}" height="{bar - 2}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(name)} {escape(metric)}: '
                f"{_fmt(value)}</title></rect>"
                f'<text x="{label_width + length + 3:.1f}" y="{y0 + j * bar + bar - 3}" '
                f'font-family="system-ui, sans-serif" font-size="9">{_fmt(value)}</text>'
            )
    legend_y = block * len(metrics) + 24
    for j, name in enumerate(names):
        x = label_width + j * 80
        parts.append(
            f'<rect x="{x}" y="{legend_y}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{x + 16}" y="{legend_y + 11}" {FONT}>{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram(values: Sequence[float], bins: int = 12, unit: str = "ms", width: int = 640) -> str:
    """A histogram of ``values`` in equal-width bins, with the bin edges under the bars.

    >>> svg = histogram([1.0, 2.0, 2.5, 9.0], bins=4)
    >>> svg.count("<rect") == 4
    True
    """
    height, bottom, left = 200, 170, 40
    parts = [_open(width, height, "histogram")]
    if not values:
        parts.append(f'<text x="{left}" y="100" {FONT}>no values</text></svg>')
        return "".join(parts)
    low, high = min(values), max(values)
    step = (high - low) / bins or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - low) / step))] += 1
    top = max(counts)
    slot = (width - left - 10) / bins
    for i, n in enumerate(counts):
        h = (bottom - 20) * n / top
        x = left + i * slot
        edge = low + i * step
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{bottom - h:.1f}" width="{slot - 2:.1f}" height="{h:.1f}" '
            f'fill="{PALETTE[0]}"><title>{edge:.0f}–{edge + step:.0f} {escape(unit)}: {n}</title></rect>'
        )
        if n:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{bottom - h - 3:.1f}" text-anchor="middle" '
                f"{FONT}>{n}</text>"
            )
        if i % max(1, math.ceil(bins / 6)) == 0:
            parts.append(f'<text x="{x:.1f}" y="{bottom + 15}" {FONT}>{edge:.0f}</text>')
    parts.append(f'<text x="{width - 10}" y="{bottom + 28}" text-anchor="end" {FONT}>{escape(unit)}</text>')
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="#555"/>')
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
    )


def _axis(x: int, plot: int, bottom: int) -> str:
    ticks = []
    for i in range(5):
        tx = x + plot * i / 4
        ticks.append(
            f'<line x1="{tx:.1f}" y1="0" x2="{tx:.1f}" y2="{bottom}" stroke="#ddd"/>'
            f'<text x="{tx:.1f}" y="{bottom + 14}" text-anchor="middle" {FONT}>{i / 4:.2f}</text>'
        )
    return "".join(ticks)
