"""Writes a run's ``summary.json`` and ``report.md`` (``html_report`` writes ``report.html``).

``summary.json`` holds ``config`` (backend, k, dataset, date, target, ...), ``metrics`` (by
name), ``by_language`` (the same names per language) and ``counts``; ``compare`` reads it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.errors import ArticleQAError
from evaluation import scoring

SUMMARY = "summary.json"
MARKDOWN = "report.md"
WORST = 12


def build_summary(rows: Sequence[dict[str, Any]], config: dict[str, Any]) -> dict[str, Any]:
    """The summary of a run: its config and the metrics over ``rows``."""
    k = int(config["k"])
    judged = bool(config.get("judge"))
    summary = scoring.summarize(rows, k, judged)
    backends = sorted({str(r["backend"]) for r in rows if r.get("backend")})
    return {"config": {**config, "backends_seen": backends}, **summary}


def fmt(name: str, value: float | None) -> str:
    """A metric value for people: ratios to 3 places, latencies in whole ms.

    >>> fmt("recall@3", 0.98765), fmt("latency_total_p50_ms", 1234.5), fmt("f1", None)
    ('0.988', '1234 ms', 'n/a')
    """
    if value is None:
        return "n/a"
    return f"{value:.0f} ms" if name.startswith("latency_") else f"{value:.3f}"


def metric_table(summary: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the metrics table: metric, all, then one column per language."""
    languages = list(summary["by_language"])
    header = ["metric", "all", *languages]
    body = []
    for name, value in summary["metrics"].items():
        per = [summary["by_language"][lang].get(name) for lang in languages]
        body.append([name, fmt(name, value), *(fmt(name, v) for v in per)])
    counts = summary["counts"]
    body.append(
        ["questions", str(counts["rows"]), *(str(counts["by_language"][x]["rows"]) for x in languages)]
    )
    return header, body


def worst(rows: Sequence[dict[str, Any]], n: int = WORST) -> list[dict[str, Any]]:
    """The wrong rows, worst first: errors, then answered-but-unanswerable, then lowest F1/recall."""
    wrong = [r for r in rows if r.get("error") or not _correct(r)]

    def badness(r: dict[str, Any]) -> tuple[int, float]:
        if r.get("error"):
            return (0, 0.0)
        s = r["scores"]
        quality = (s.get("f1") or 0.0) + next(
            (v or 0.0 for k, v in s.items() if k.startswith("recall@")), 0.0
        )
        return (1, quality)

    return sorted(wrong, key=badness)[:n]


def _correct(row: dict[str, Any]) -> bool:
    if not row["answerable"]:
        return bool(row["abstained"])
    return bool(row["scores"].get("answer_accuracy")) and not row["abstained"]


def markdown(summary: dict[str, Any], rows: Sequence[dict[str, Any]]) -> str:
    """The report as Markdown: config line, the metrics table, the worst answers."""
    c = summary["config"]
    header, body = metric_table(summary)
    lines = [
        "# article-qa evaluation",
        "",
        f"Dataset `{c['dataset']}` · backend `{c['backend']}` · k = {c['k']} · target {c['target']} · "
        f"{c['date']}",
        "",
        counts_line(summary["counts"]),
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|",
        *("| " + " | ".join(row) + " |" for row in body),
        "",
        "## Worst answers",
        "",
    ]
    for r in worst(rows):
        expected = " / ".join(r["answers"]) or "(unanswerable: should abstain)"
        got = r.get("error") or r["response"]
        lines.append(f"- **{r['id']}** ({r['language']}) {_md(r['user_input'])}  ")
        lines.append(
            f"  expected: {_md(expected)}; got{' (abstained)' if r['abstained'] else ''}: {_md(got)}"
        )
    if not worst(rows):
        lines.append("None: every answer was right.")
    return "\n".join(lines) + "\n"


def counts_line(counts: dict[str, Any]) -> str:
    """One sentence with the row counts."""
    return (
        f"{counts['rows']} questions: {counts['answerable']} answerable, "
        f"{counts['unanswerable']} unanswerable, "
        f"{counts['follow_ups']} follow-ups; {counts['abstained']} abstained, {counts['errors']} errors, "
        f"{counts['fallbacks']} extractive fallbacks."
    )


def _md(text: str, limit: int = 240) -> str:
    text = " ".join(str(text).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def write(out: Path, rows: Sequence[dict[str, Any]], config: dict[str, Any]) -> dict[str, Any]:
    """Write summary.json and report.md into ``out``; return the summary (``html_report`` adds the page)."""
    summary = build_summary(rows, config)
    (out / SUMMARY).write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / MARKDOWN).write_text(markdown(summary, rows), encoding="utf-8")
    return summary


def load_summary(directory: Path) -> dict[str, Any]:
    """Read ``DIR/summary.json`` of an earlier run."""
    path = directory / SUMMARY
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ArticleQAError(f"{path} does not exist: is {directory} the --out of an eval run?") from err
    except (OSError, ValueError) as err:
        raise ArticleQAError(f"cannot read {path}: {err}") from err
    return data
