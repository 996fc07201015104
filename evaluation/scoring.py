"""Per-row scores and their aggregation into the named metrics (overall and per language).

Answer and citation metrics count answerable rows only (an abstention there scores 0);
retrieval metrics count answerable rows with evidence; abstention metrics count every row.
Latency percentiles use the pipeline's own timings. Metric names are what ``--fail-under``
takes: ``recall@3``, ``answer_accuracy``, ``abstention_recall``, ...
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from evaluation import metrics
from evaluation.dataset import Example
from evaluation.metrics import Span

NDCG_AT = 10
LATENCIES = ("retrieval", "first_token", "total")
ANSWER = ("exact_match", "f1", "answer_accuracy")
LANGUAGE = "answer_language"
RETRACTION = "retraction_rate"  # streamed text that differs from the final answer (must be 0)
CITATION = ("citation_precision", "citation_recall")
ABSTENTION = ("abstention_precision", "abstention_recall", "false_refusal_rate")
JUDGED = "faithfulness"
SUPPORT = "citation_support"  # judged: share of statements their cited spans support (--support)


def retrieval_names(k: int) -> tuple[str, ...]:
    """The retrieval metric names for cut-off k."""
    return (f"recall@{k}", f"hit@{k}", f"mrr@{k}", f"ndcg@{NDCG_AT}")


def latency_names() -> tuple[str, ...]:
    """``latency_total_p95_ms`` and its siblings."""
    return tuple(f"latency_{stage}_{q}_ms" for stage in LATENCIES for q in ("p50", "p95"))


def metric_names(k: int, judged: bool = False) -> tuple[str, ...]:
    """Every metric a run reports, in report order."""
    judge = (JUDGED,) if judged else ()
    return (
        *retrieval_names(k),
        *ANSWER,
        LANGUAGE,
        RETRACTION,
        *CITATION,
        SUPPORT,
        *judge,
        *ABSTENTION,
        *latency_names(),
    )


def lower_is_better(name: str) -> bool:
    """True for rates of failure and latencies."""
    return name in ("false_refusal_rate", RETRACTION) or name.startswith("latency_")


def score(
    example: Example,
    response: str,
    abstained: bool,
    ranking: Sequence[Span],
    cited: Sequence[Span],
    k: int,
    retracted: bool | None = None,
) -> dict[str, float | None]:
    """The per-row scores of one answer (None where a metric does not apply to the row)."""
    out: dict[str, float | None] = dict.fromkeys((*retrieval_names(k), *ANSWER, *CITATION))
    out[LANGUAGE] = metrics.answer_language(response, example.language)
    out[RETRACTION] = None if retracted is None else float(retracted)
    if not example.answerable:
        return out
    evidence = list(example.spans)
    out[f"recall@{k}"] = metrics.recall_at_k(ranking, evidence, k)
    out[f"hit@{k}"] = metrics.hit_at_k(ranking, evidence, k)
    out[f"mrr@{k}"] = metrics.mrr_at_k(ranking, evidence, k)
    out[f"ndcg@{NDCG_AT}"] = metrics.ndcg_at_k(ranking, evidence, NDCG_AT)
    text = "" if abstained else response
    out["exact_match"] = metrics.exact_match(text, example.answers)
    out["f1"] = metrics.token_f1(text, example.answers)
    out["answer_accuracy"] = metrics.contains_answer(text, example.answers)
    if evidence:
        out["citation_precision"] = metrics.citation_precision(cited, evidence)
        out["citation_recall"] = metrics.citation_recall(cited, evidence)
    return out


def aggregate(rows: Sequence[dict[str, Any]], k: int, judged: bool = False) -> dict[str, float | None]:
    """The named metrics over result rows (as written to results.jsonl)."""
    out: dict[str, float | None] = {}
    for name in (
        *retrieval_names(k),
        *ANSWER,
        LANGUAGE,
        RETRACTION,
        *CITATION,
        SUPPORT,
        *((JUDGED,) if judged else ()),
    ):
        out[name] = metrics.mean([r["scores"].get(name) for r in rows])
    out.update(metrics.abstention([(bool(r["answerable"]), bool(r["abstained"])) for r in rows]))
    for stage in LATENCIES:
        values = [float(r["timings"][f"{stage}_ms"]) for r in rows if not r.get("error")]
        out[f"latency_{stage}_p50_ms"] = metrics.percentile(values, 50)
        out[f"latency_{stage}_p95_ms"] = metrics.percentile(values, 95)
    return out


def counts(rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    """How many rows of each kind."""
    rows = list(rows)
    return {
        "rows": len(rows),
        "answerable": sum(bool(r["answerable"]) for r in rows),
        "unanswerable": sum(not r["answerable"] for r in rows),
        "follow_ups": sum(bool(r.get("history")) for r in rows),
        "abstained": sum(bool(r["abstained"]) for r in rows),
        "errors": sum(bool(r.get("error")) for r in rows),
        "fallbacks": sum(bool(r.get("notice")) for r in rows),
    }


def summarize(rows: Sequence[dict[str, Any]], k: int, judged: bool = False) -> dict[str, Any]:
    """Metrics and counts overall and per language (languages in order of first appearance)."""
    languages = list(dict.fromkeys(str(r["language"]) for r in rows))
    return {
        "metrics": aggregate(rows, k, judged),
        "by_language": {
            lang: aggregate([r for r in rows if r["language"] == lang], k, judged) for lang in languages
        },
        "counts": {
            **counts(rows),
            "by_language": {lang: counts(r for r in rows if r["language"] == lang) for lang in languages},
        },
    }
