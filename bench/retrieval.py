"""Retrieval and extractive-answer latency on the shipped article, split by stage.

    python bench/retrieval.py [--rounds 3]

Prints p50/p95/p99 per stage (query embedding, dense search, BM25, fusion) over the gold
questions, first with cold query vectors and then warm (the query-embedding cache), and the
extractive answer's total time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import fmt, machine, percentiles, questions  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402
from rag.retrieval import StageTimes  # noqa: E402
from rag.settings import Settings  # noqa: E402


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pipeline = Pipeline(Settings(data_dir=Path(tmp), backend="extractive"))
        started = time.perf_counter()
        pipeline.warm_up(load_model=False)
        print(f"# retrieval benchmark — {machine()}")
        print(f"index build + warm-up: {time.perf_counter() - started:.1f} s")
        qs = [r["question"] for r in questions()]
        stages: dict[str, list[float]] = {"embed": [], "dense": [], "bm25": [], "fusion": [], "total": []}
        cold: list[float] = []
        for round_ in range(args.rounds):
            for q in qs:
                t = StageTimes()
                pipeline.retrieve(q, times=t)
                (cold if round_ == 0 else stages["total"]).append(t.total_ms)
                if round_ > 0:
                    stages["embed"].append(t.embed_ms)
                    stages["dense"].append(t.dense_ms)
                    stages["bm25"].append(t.bm25_ms)
                    stages["fusion"].append(t.fusion_ms)
        answers = []
        for q in qs:
            t0 = time.perf_counter()
            pipeline.ask(q, backend="extractive")
            answers.append((time.perf_counter() - t0) * 1000)
        print(f"questions: {len(qs)} × {args.rounds} rounds")
        print(f"retrieval, cold query vectors: {fmt(percentiles(cold))}")
        for name, values in stages.items():
            print(f"retrieval {name:>6} (warm cache): {fmt(percentiles(values))}")
        print(f"extractive answer (warm cache): {fmt(percentiles(answers))}")
        p_cold, p_warm = percentiles(cold)["p50"], percentiles(stages["total"])["p50"]
        print(f"query-embedding cache speed-up at p50: {p_cold / max(p_warm, 1e-9):.1f}×")


if __name__ == "__main__":
    main()
