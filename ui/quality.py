"""The editors' quality page of one article: how well the bot answers it, and what readers say.

    GET /api/admin/articles/{id}/quality[?format=json]      (admin token; the route is in ui.admin)

Three parts, each read from where it is kept:

- evaluation: the latest stored ``article-qa eval`` run of each backend (``evaluation.runs``):
  answer accuracy, citation precision, abstention recall and false refusals, overall and per
  language, with every other figure of the run below;
- readers' ratings (``ui.feedback``): how many answers were rated yes / not sure / no;
- refused questions (``ui.refusals``): what readers asked that the bot said the article does not
  say, the most asked first.

A part with nothing stored says so (and how to fill it): the page is never an error for that.
Every piece of text from a reader or a run goes through ``html.escape``; the page has no scripts.
"""

from __future__ import annotations

import sqlite3
from html import escape
from pathlib import Path
from typing import Any

from core.articles import DEFAULT_ARTICLE_ID
from core.errors import ArticleQAError
from core.types import Article
from evaluation import runs
from evaluation.html_report import CSS, metrics_table
from evaluation.report import counts_line, fmt
from ui.feedback import FeedbackStore
from ui.refusals import RefusalStore

KEY_METRICS = {
    "answer_accuracy": "answer accuracy",
    "citation_precision": "citation precision",
    "abstention_recall": "abstention recall (unanswerable questions refused)",
    "false_refusal_rate": "false refusals (answerable questions refused; lower is better)",
}
RATING_WORDS = {"up": "yes", "unsure": "not sure", "down": "no"}


def report(
    article: Article, data_dir: Path, feedback: FeedbackStore, refusals: RefusalStore
) -> dict[str, Any]:
    """Everything the page shows, as JSON-ready data (the ``?format=json`` body)."""
    evaluations = [_evaluation(s) for s in runs.latest(data_dir, article.id)]
    note = "" if evaluations else _no_evaluation(article.id)
    return {
        "article": {"id": article.id, "title": article.title, "date": article.date},
        "evaluation": evaluations,
        "evaluation_note": note,
        "feedback": _read(lambda: _ratings(feedback.counts(article.id)), "the feedback database"),
        "refused": _read(lambda: _refused(refusals, article.id), "the refused-questions database"),
    }


def _no_evaluation(article_id: str) -> str:
    """What to run to fill the evaluation part."""
    dataset = "evaluation/data/test.jsonl" if article_id == DEFAULT_ARTICLE_ID else "QUESTIONS.jsonl"
    return (
        "No evaluation run is stored for this article yet. On the server, run: article-qa eval "
        f"{dataset} --article {article_id} --out var/eval-{article_id}"
        + ("" if article_id == DEFAULT_ARTICLE_ID else " (a gold dataset of this article's questions)")
    )


def _evaluation(summary: dict[str, Any]) -> dict[str, Any]:
    """One stored run: what was run, the key figures per language, and every figure."""
    config = summary["config"]
    languages = list(summary["by_language"])
    key = {
        name: {
            "all": summary["metrics"].get(name),
            **{x: summary["by_language"][x].get(name) for x in languages},
        }
        for name in KEY_METRICS
    }
    return {
        "backend": config.get("backend") or "default",
        "date": config.get("date", ""),
        "dataset": config.get("dataset", ""),
        "target": config.get("target", ""),
        "out": summary.get("out", ""),
        "counts": summary.get("counts", {}),
        "key_metrics": key,
        "summary": summary,
    }


def _ratings(counts: dict[str, int]) -> dict[str, int]:
    return {**counts, "total": sum(counts.values())}


def _refused(store: RefusalStore, article_id: str) -> dict[str, Any]:
    by_language = store.counts(article_id)
    return {
        "total": sum(by_language.values()),
        "by_language": by_language,
        "questions": store.grouped(article_id),
    }


def _read(read: Any, what: str) -> dict[str, Any]:
    """``read()``, or ``{"error": why}`` when the database cannot be read (the page still shows)."""
    try:
        return dict(read())
    except (OSError, sqlite3.Error, ArticleQAError) as err:
        cause = err.__cause__ or err
        return {"error": f"could not read {what}: {cause}"}


# -- the page ---------------------------------------------------------------------------------


def page(data: dict[str, Any]) -> str:
    """The quality page as one self-contained HTML document (inline CSS, no scripts)."""
    article = data["article"]
    title = article["title"] or article["id"]
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        f"<title>Quality: {escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>Quality of the answers about „{escape(title)}“</h1>",
        f'<p class="meta">article <code>{escape(article["id"])}</code> · {escape(article["date"])}</p>',
        "<h2>Evaluation</h2>",
        _evaluations(data["evaluation"], data["evaluation_note"]),
        "<h2>Readers' ratings</h2>",
        _feedback(data["feedback"]),
        "<h2>Questions the bot refused</h2>",
        _refusals(data["refused"]),
        "</body></html>\n",
    ]
    return "\n".join(parts)


def _evaluations(evaluations: list[dict[str, Any]], note: str) -> str:
    if not evaluations:
        return f"<p>{escape(note)}</p>"
    return "\n".join(_run(e) for e in evaluations)


def _run(e: dict[str, Any]) -> str:
    summary = e["summary"]
    languages = list(summary["by_language"])
    head = "".join(f"<th>{escape(h)}</th>" for h in ["", "all", *languages])
    rows = []
    for name, label in KEY_METRICS.items():
        cells = "".join(
            f'<td class="n">{escape(fmt(name, e["key_metrics"][name].get(x)))}</td>'
            for x in ["all", *languages]
        )
        rows.append(f"<tr><td>{escape(label)}</td>{cells}</tr>")
    counts = f"<p>{escape(counts_line(e['counts']))}</p>" if e["counts"] else ""
    return (
        f"<h3>Backend <code>{escape(str(e['backend']))}</code>, {escape(str(e['date']))}</h3>"
        f'<p class="meta">dataset <code>{escape(str(e["dataset"]))}</code> · target '
        f"{escape(str(e['target']))} · reports in <code>{escape(str(e['out']))}</code></p>{counts}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<details><summary>every figure of this run</summary>{metrics_table(summary)}</details>"
    )


def _feedback(counts: dict[str, Any]) -> str:
    if "error" in counts:
        return f'<p class="bad">{escape(counts["error"])}</p>'
    if not counts["total"]:
        return "<p>No reader has rated an answer about this article yet.</p>"
    cells = "".join(
        f'<tr><td>{word}</td><td class="n">{int(counts[r])}</td></tr>' for r, word in RATING_WORDS.items()
    )
    return (
        f"<p>{_many(int(counts['total']), 'answer')} rated: was the answer helpful?</p>"
        f"<table><thead><tr><th>rating</th><th>answers</th></tr></thead><tbody>{cells}</tbody></table>"
        '<p class="meta">Every rating with its question, answer and reason: '
        f"<code>GET /api/admin/feedback?format=csv&amp;article_id=…</code></p>"
    )


def _refusals(refused: dict[str, Any]) -> str:
    if "error" in refused:
        return f'<p class="bad">{escape(refused["error"])}</p>'
    if not refused["total"]:
        return "<p>No reader's question about this article has been refused yet.</p>"
    per = ", ".join(f"{escape(lang)} {int(n)}" for lang, n in sorted(refused["by_language"].items()))
    rows = "".join(
        f"<tr><td>{escape(q['question'])}</td><td>{escape(q['language'])}</td>"
        f'<td class="n">{int(q["times"])}</td><td>{escape(q["last_asked"])}</td></tr>'
        for q in refused["questions"]
    )
    return (
        f"<p>{_many(int(refused['total']), 'question')} refused ({per}): the bot said the article does not "
        "say. An often-asked one may be worth answering in the article, or a sign that retrieval misses"
        " it.</p>"
        "<table><thead><tr><th>question</th><th>language</th><th>times</th><th>last asked (UTC)</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )


def _many(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless one.

    >>> _many(1, "question"), _many(3, "answer")
    ('1 question', '3 answers')
    """
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
