"""The local model as the pipeline uses it: time to first token and tokens/s via ``Pipeline.stream``.

    python bench/answers.py [--questions 12] [--skip-cold]

``bench/local_model.py`` compares prompt layouts at the model level; this one measures what a
reader gets: the prompt exactly as ``Pipeline.stream(question, backend="local")`` builds it,
timed by the pipeline itself (``Answer.timings``: first token and total) and by the model's
own counters (prompt tokens evaluated vs reused, completion tokens). Then it checks that the
prompt prefix's state is reused: the same question with the prefix in the context, restored
from its saved state file (a restart), and evaluated from scratch (``--skip-cold`` skips that
one: minutes on 2 cores). Also the process RSS with the model loaded, and the extractive
answer's time for scale. Writes its tables to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Report, mixed, model_cache, percentiles, questions, rss_mb
from evaluation.metrics import contains_answer
from rag.local_model import ChatLocalLlama, LocalModel
from rag.pipeline import Pipeline
from core.settings import Settings
from core.types import Answer, AnswerEvent, TokenEvent

GOAL_TTFT_S = 2.0


def local_model(pipeline: Pipeline) -> LocalModel:
    """The pipeline's ``LocalModel`` (for its counters)."""
    chat = pipeline.backends.get("local").model
    assert isinstance(chat, ChatLocalLlama)
    return chat.model


def ask(pipeline: Pipeline, question: str) -> dict[str, Any]:
    """Stream one answer; the pipeline's timings, the model's counters, and the text."""
    started = time.perf_counter()
    first = 0.0
    answer: Answer | None = None
    for event in pipeline.stream(question, backend="local"):
        if isinstance(event, TokenEvent) and not first:
            first = time.perf_counter() - started
        elif isinstance(event, AnswerEvent):
            answer = event.answer
    assert answer is not None
    stats = local_model(pipeline).last_stats
    decode_s = stats.total_s - stats.ttft_s if stats else 0.0
    return {
        "answer": answer,
        "ttft_s": answer.timings.first_token_ms / 1000,
        "seen_first_s": first,
        "total_s": answer.timings.total_ms / 1000,
        "retrieval_ms": answer.timings.retrieval_ms,
        "prompt": stats.prompt_tokens if stats else 0,
        "evaluated": stats.prompt_tokens_evaluated if stats else 0,
        "completion": stats.completion_tokens if stats else 0,
        "tok_s": (stats.completion_tokens - 1) / decode_s if stats and decode_s > 0 else float("nan"),
        "fallback": bool(answer.notice),
    }


def main() -> None:
    """Run the benchmark, print its tables and write them to bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=12)
    parser.add_argument("--skip-cold", action="store_true", help="skip the from-scratch prefix")
    args = parser.parse_args()
    report = Report(
        "answers", "Local model through the pipeline: TTFT and tokens/s", "python bench/answers.py"
    )
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        model_cache(data)  # the assembled model, linked
        pipeline = Pipeline(Settings.from_env().with_(data_dir=data, backend="local"))
        rss_before = rss_mb()[0]
        started = time.perf_counter()
        pipeline.warm_up()
        warm_up_s = time.perf_counter() - started
        model = local_model(pipeline)
        warm = model.last_warm
        rss_loaded = rss_mb()[0]
        rows = mixed(questions(answerable=True), args.questions)
        runs = [ask(pipeline, r["question"]) for r in rows]
        for row, run in zip(rows, runs, strict=True):
            text = run["answer"].answer.replace("\n", " ")
            print(f"[{row['language']}] {row['question']} -> {text[:100]}")
        rss_after = rss_mb()
        question = rows[0]["question"]
        again = ask(pipeline, question)
        model.forget()
        started = time.perf_counter()
        pipeline.warm_up()
        restore_s = time.perf_counter() - started
        restored = ask(pipeline, question)
        cold = None
        if not args.skip_cold:
            model.forget()
            cold = ask(pipeline, question)
        extractive = []
        for r in rows:
            t0 = time.perf_counter()
            pipeline.ask(r["question"], backend="extractive")
            extractive.append(time.perf_counter() - t0)

    source = f"{warm.source} in {warm.seconds:.1f} s, {warm.prefix_tokens} tokens" if warm else "none"
    report.line(
        f"{len(rows)} answerable gold questions (languages in turn); warm-up {warm_up_s:.1f} s "
        f"(prompt prefix {source}). TTFT and total are the pipeline's own timings "
        "(`Answer.timings`: from the call to the first token); tokens/s is decoding after the first token."
    )
    report.line()
    ttft = percentiles([r["ttft_s"] for r in runs], (50, 95))
    total = percentiles([r["total_s"] for r in runs], (50, 95))
    correct = [contains_answer(r["answer"].answer, row["answers"]) for r, row in zip(runs, rows, strict=True)]
    rates = [r["tok_s"] for r in runs if r["tok_s"] == r["tok_s"]]
    report.table(
        ["measure", "p50", "p95"],
        [
            ["time to first token, s", ttft["p50"], ttft["p95"]],
            ["total, s", total["p50"], total["p95"]],
            ["retrieval, ms", *percentiles([r["retrieval_ms"] for r in runs], (50, 95)).values()],
            ["prompt tokens", *percentiles([float(r["prompt"]) for r in runs], (50, 95)).values()],
            [
                "prompt tokens evaluated (rest reused)",
                *percentiles([float(r["evaluated"]) for r in runs], (50, 95)).values(),
            ],
            ["completion tokens", *percentiles([float(r["completion"]) for r in runs], (50, 95)).values()],
            ["decode tokens/s", statistics.median(rates) if rates else float("nan"), min(rates, default=0.0)],
            ["extractive answer, s", *percentiles(extractive, (50, 95)).values()],
        ],
    )
    report.line(
        f"- answers containing a gold answer: {sum(correct):.0f}/{len(correct)}; extractive fallbacks: "
        f"{sum(r['fallback'] for r in runs)}"
    )
    verdict = "met" if ttft["p50"] <= GOAL_TTFT_S else "NOT met"
    report.line(f"- goal TTFT p50 ≤ {GOAL_TTFT_S:.0f} s: {verdict} ({ttft['p50']:.2f} s)")
    report.line()
    report.line("Prompt-prefix state reuse, one question three ways:")
    report.line()
    reuse: list[tuple[str, dict[str, Any]]] = [
        ("prefix in the context (every question after the first)", again),
        (f"prefix restored from its state file ({restore_s:.2f} s, as after a restart)", restored),
    ]
    if cold is not None:
        reuse.append(("prefix evaluated from scratch (no reuse)", cold))
    report.table(
        ["prefix", "TTFT s", "prompt tokens evaluated", "× TTFT in context"],
        [
            [label, r["ttft_s"], r["evaluated"], r["ttft_s"] / max(again["ttft_s"], 1e-9)]
            for label, r in reuse
        ],
    )
    report.line(
        f"Memory: RSS {rss_before:.0f} MB before loading, {rss_loaded:.0f} MB with the model loaded, "
        f"{rss_after[0]:.0f} MB after answering (peak {rss_after[1]:.0f} MB); goal ≤ 2,500 MB."
    )
    report.write()


if __name__ == "__main__":
    main()
