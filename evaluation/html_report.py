"""``report.html``: one self-contained page (inline CSS and SVG, no scripts, nothing fetched).

Per-metric bars, the per-language breakdown, latency histograms, the metrics table and the
worst answers with their evidence, citations and retrieved passages. Every piece of text from
the dataset or the answers goes through ``html.escape``. The page is also well-formed XML.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from evaluation import charts, scoring
from evaluation.report import counts_line, fmt, metric_table, worst

HTML = "report.html"
PASSAGE_CHARS = 500
_NONE = '<div class="meta">none</div>'
# The report page's style; the editors' quality page (ui.quality) uses it too.
CSS = """
body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ddd;padding:3px 8px}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}
.case{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;margin:1em 0}
.meta{color:#666;font-size:.85em}.bad{color:#a3262f}.quote{background:#fff6d5}
blockquote{margin:.3em 0 .3em 1em;padding-left:.6em;border-left:3px solid #ccc;font-size:.9em}
"""


def page(summary: dict[str, Any], rows: Sequence[dict[str, Any]]) -> str:
    """The whole report page as a string."""
    c = summary["config"]
    k = int(c["k"])
    ratios = [n for n in summary["metrics"] if not n.startswith("latency_")]
    per_language = summary["by_language"]
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        f"<title>article-qa evaluation: {escape(str(c['backend']))}, {escape(str(c['dataset']))}</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>article-qa evaluation</h1>",
        f'<p class="meta">dataset <code>{escape(str(c["dataset"]))}</code> · backend '
        f"<code>{escape(str(c['backend']))}</code> · k = {k} · target {escape(str(c['target']))} · "
        f"{escape(str(c['date']))}</p>",
        f"<p>{escape(counts_line(summary['counts']))}</p>",
        "<h2>Metrics</h2>",
        charts.bars([(n, summary["metrics"][n]) for n in ratios]),
        "<h2>Per language</h2>",
        charts.grouped_bars(ratios, per_language) if per_language else "<p>no rows</p>",
        "<h2>Latency</h2>",
        _latency(rows),
        "<h2>All figures</h2>",
        metrics_table(summary),
        "<h2>Worst answers</h2>",
        _worst(rows),
        "</body></html>\n",
    ]
    return "\n".join(parts)


def _latency(rows: Sequence[dict[str, Any]]) -> str:
    out = []
    for stage in scoring.LATENCIES:
        values = [float(r["timings"][f"{stage}_ms"]) for r in rows if not r.get("error")]
        out.append(f"<h3>{escape(stage.replace('_', ' '))} (ms)</h3>{charts.histogram(values)}")
    return "\n".join(out)


def metrics_table(summary: dict[str, Any]) -> str:
    """Every figure of a run's summary as an HTML table: metric, all, then one column per language."""
    header, body = metric_table(summary)
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    lines = [f"<table><thead><tr>{head}</tr></thead><tbody>"]
    for row in body:
        cells = f"<td>{escape(row[0])}</td>" + "".join(f'<td class="n">{escape(v)}</td>' for v in row[1:])
        lines.append(f"<tr>{cells}</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _worst(rows: Sequence[dict[str, Any]]) -> str:
    cases = worst(rows)
    if not cases:
        return "<p>None: every answer was right.</p>"
    return "\n".join(_case(r) for r in cases)


def _case(r: dict[str, Any]) -> str:
    expected = " / ".join(r["answers"]) or "(unanswerable: the bot should abstain)"
    got = r.get("error") or r["response"] or "(empty)"
    scores = " · ".join(f"{escape(k)} {escape(fmt(k, v))}" for k, v in r["scores"].items() if v is not None)
    history = "".join(
        f'<div class="meta">{escape(t["role"])}: {escape(t["content"])}</div>' for t in r.get("history", [])
    )
    evidence = "".join(f'<blockquote class="quote">{escape(e)}</blockquote>' for e in r["reference_contexts"])
    cited = "".join(
        f"<blockquote>[{int(c['n'])}] ¶{int(c['paragraph'])}: {escape(c['quote'])}</blockquote>"
        for c in r["citations"]
    )
    passages = "".join(
        f"<blockquote>[{i}] {escape(_clip(text))}</blockquote>"
        for i, text in enumerate(r["retrieved_contexts"], 1)
    )
    flag = " (abstained)" if r["abstained"] else ""
    return (
        f'<div class="case"><div><b>{escape(r["id"])}</b> <span class="meta">{escape(r["language"])}</span> '
        f"{escape(r['user_input'])}</div>{history}"
        f"<div>expected: {escape(expected)}</div>"
        f'<div class="bad">got{escape(flag)}: {escape(got)}</div>'
        f'<div class="meta">{scores}</div>'
        f"<details><summary>evidence, citations and sources</summary>"
        f"<div>evidence:</div>{evidence or _NONE}<div>cited:</div>{cited or _NONE}"
        f"<div>retrieved:</div>{passages or _NONE}</details></div>"
    )


def _clip(text: str) -> str:
    return text if len(text) <= PASSAGE_CHARS else text[: PASSAGE_CHARS - 1] + "…"


def write(out: Path, summary: dict[str, Any], rows: Sequence[dict[str, Any]]) -> Path:
    """Write ``out/report.html``."""
    path = out / HTML
    path.write_text(page(summary, rows), encoding="utf-8")
    return path
