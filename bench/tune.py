"""Fit the answer stage's thresholds (``core.settings.Tuning``) on the calibration split only.

Prints, for each candidate ``min_score``, with and without ``abstain_without_fact``, the
abstention recall and false-refusal rate over evaluation/data/calibration.jsonl, and the value
that keeps false refusals at or below 5% with the best abstention recall.

    python bench/tune.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.types import Turn  # noqa: E402
from rag import conversation, evidence  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402

CALIBRATION = ROOT / "evaluation" / "data" / "calibration.jsonl"


def main() -> None:
    pipeline = Pipeline()
    pipeline.ensure_index()
    rows = [json.loads(line) for line in CALIBRATION.read_text(encoding="utf-8").splitlines() if line.strip()]
    seen = []
    for row in rows:
        turns = [Turn(t["role"], t["content"]) for t in row.get("history", [])]
        query = conversation.standalone(row["question"], turns)
        found = evidence.gather(query, pipeline.retrieve(query), pipeline.ranker)
        seen.append((bool(row["answers"]), found.score, bool(found.kind) and found.fact is None))
    answerable = sum(a for a, _, _ in seen)
    silent = len(seen) - answerable
    print(f"{len(seen)} calibration questions: {answerable} answerable, {silent} not")
    print("| min_score | typed-without-fact abstains | abstention recall | false refusals |")
    print("|---:|---|---:|---:|")
    best = None
    for without_fact in (False, True):
        for step in range(70, 90):
            t = step / 100
            abstains = [s < t or (without_fact and nf) for _, s, nf in seen]
            recall = sum(ab for (a, _, _), ab in zip(seen, abstains, strict=True) if not a) / max(silent, 1)
            false = sum(ab for (a, _, _), ab in zip(seen, abstains, strict=True) if a) / max(answerable, 1)
            print(f"| {t:.2f} | {without_fact} | {recall:.3f} | {false:.3f} |")
            if false <= 0.05 and (best is None or recall > best[0]):
                best = (recall, t, without_fact, false)
    print(f"best with false refusals <= 0.05: {best}")


if __name__ == "__main__":
    main()
