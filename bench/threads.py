"""How many llama.cpp threads fit this machine: prompt and decode speed at 1 and 2 threads.

    python bench/threads.py [--questions 6]

Starts the real llama.cpp server (``rag.llm_server``) on the packaged model once per thread
count and asks the same questions through its OpenAI-compatible API, reading the server's own
timings (prompt tokens/s, decoded tokens/s). Run it on a quiet machine, and once more with a
load beside it (``--load``: a busy loop on one core) to see which count holds up when the
cores are shared. Writes its table to bench/RESULTS.md ("threads").
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Report, load, model_cache
from core.settings import Settings
from rag.llm_server import LocalServer
from rag.local_model import assemble_model

PASSAGE = (
    "Срещите на върха, включително „ЕС – ЦА“ на 4 април в Самарканд, втората среща на върха "
    "„ЦА – Китай“ на 17 юни 2025 г. в Астана, втората среща на върха „ЦА – Русия“ на 9 октомври "
    "в Душанбе, „ЦА – САЩ“ на 7 ноември във Вашингтон, „ЦА – Япония“ на 19–20 декември в Токио, "
    "допринасят за диверсификацията на партньорствата."
)
QUESTIONS = [
    "When was the CA–Russia summit?",
    "Где прошёл саммит ЦА – Китай?",
    "Кога беше срещата ЕС – ЦА?",
    "Where was the CA–Japan summit held?",
    "Когда прошёл саммит ЦА – США?",
    "Къде се проведе срещата ЦА – Русия?",
]


def _spin() -> None:
    while True:
        pass


def measure(model: Path, threads: int, questions: list[str]) -> dict[str, float]:
    """Median prompt and decode tokens/s over the questions (each prompt evaluated afresh)."""
    server = LocalServer(model, threads=threads, ctx=2048, parallel=1)
    try:
        base = server.base_url
        prompt_speed, decode_speed = [], []
        for i, q in enumerate(questions):
            body = {
                "messages": [{"role": "user", "content": f"[{i}] {PASSAGE}\n\nQuestion: {q}"}],
                "max_tokens": 32,
                "temperature": 0,
                "cache_prompt": False,
            }
            timings = httpx.post(f"{base}/chat/completions", json=body, timeout=300).json()["timings"]
            prompt_speed.append(timings["prompt_per_second"])
            decode_speed.append(timings["predicted_per_second"])
        return {"prompt": statistics.median(prompt_speed), "decode": statistics.median(decode_speed)}
    finally:
        server.stop()


def main() -> None:
    """Measure 1 and 2 threads, quiet and (with --load) beside a busy core."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=6)
    parser.add_argument("--load", action="store_true", help="also measure beside a busy loop on one core")
    args = parser.parse_args()
    report = Report("threads", "llama.cpp threads on this machine", "python bench/threads.py --load")
    with tempfile.TemporaryDirectory() as tmp:
        cache = model_cache(Path(tmp))
        model = assemble_model(cache if any(cache.iterdir()) else Settings().cache_dir)
        rows = []
        for loaded in (False, True) if args.load else (False,):
            spinner = multiprocessing.Process(target=_spin, daemon=True) if loaded else None
            if spinner:
                spinner.start()
            try:
                for threads in (1, 2):
                    got = measure(model, threads, QUESTIONS[: args.questions])
                    rows.append(
                        ["busy core beside" if loaded else "quiet", threads, got["prompt"], got["decode"]]
                    )
                    print(rows[-1], f"load {load():.2f}", flush=True)
            finally:
                if spinner:
                    spinner.terminate()
        report.line(f"Machine load before the run: {load():.2f}.")
        report.table(["machine", "threads", "prompt tokens/s (p50)", "decoded tokens/s (p50)"], rows)
    report.write()


if __name__ == "__main__":
    main()
