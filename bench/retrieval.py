"""Retrieval and extractive-answer latency on the shipped article, split by stage.

    python bench/retrieval.py [--rounds 3]

Prints p50/p95/p99 per stage (query embedding, dense search, BM25, fusion) over the gold
questions, first with cold query vectors (each question embedded for the first time) and then
warm (the query-embedding cache), and the extractive answer's total time; writes the table to
bench/RESULTS.md. Goal: retrieval p50 <= 25 ms for one article (2-core CPU).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Report, percentiles, questions
from core.settings import Settings
from rag.pipeline import Pipeline
from rag.retrieval import StageTimes

GOAL_P50_MS = 25.0


def main() -> None:
    """Run the benchmark, print its table and write it to bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    report = Report("retrieval", "Retrieval latency by stage (one article)", "python bench/retrieval.py")
    with tempfile.TemporaryDirectory() as tmp:
        pipeline = Pipeline(Settings(data_dir=Path(tmp), backend="extractive"))
        started = time.perf_counter()
        pipeline.warm_up(load_model=False)
        warm_up_s = time.perf_counter() - started
        qs = [r["question"] for r in questions()]
        cold: dict[str, list[float]] = {"embed": [], "dense": [], "bm25": [], "fusion": [], "total": []}
        warm: dict[str, list[float]] = {name: [] for name in cold}
        for round_ in range(args.rounds):
            for q in qs:
                t = StageTimes()
                pipeline.retrieve(q, times=t)
                into = cold if round_ == 0 else warm
                stage_ms = (t.embed_ms, t.dense_ms, t.bm25_ms, t.fusion_ms, t.total_ms)
                for name, ms in zip(into, stage_ms, strict=True):
                    into[name].append(ms)
        answers = []
        for q in qs:
            t0 = time.perf_counter()
            pipeline.ask(q, backend="extractive")
            answers.append((time.perf_counter() - t0) * 1000)
    report.line(
        f"{len(qs)} gold questions × {args.rounds} rounds; index build + warm-up {warm_up_s:.1f} s. "
        "Cold: each question's vector computed; warm: from the query-embedding cache."
    )
    report.line()
    rows = []
    for label, stages in (("cold", cold), ("warm", warm)):
        for name, values in stages.items():
            p = percentiles(values)
            rows.append([f"{name} ({label})", p["p50"], p["p95"], p["p99"]])
    p = percentiles(answers)
    rows.append(["extractive answer, whole (warm)", p["p50"], p["p95"], p["p99"]])
    report.table(["stage", "p50 ms", "p95 ms", "p99 ms"], rows)
    p_cold, p_warm = percentiles(cold["total"])["p50"], percentiles(warm["total"])["p50"]
    report.line(f"- query-embedding cache: p50 {p_cold / max(p_warm, 1e-9):.1f}× faster when warm")
    verdict = "met" if p_cold <= GOAL_P50_MS else "NOT met"
    report.line(
        f"- goal p50 ≤ {GOAL_P50_MS:.0f} ms: {verdict} with cold vectors ({p_cold:.1f} ms, "
        f"{p_cold / GOAL_P50_MS:.2f}× the goal); warm {p_warm:.1f} ms"
    )
    report.write()


if __name__ == "__main__":
    main()
