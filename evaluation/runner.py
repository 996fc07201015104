"""Asks every example, one at a time, and appends each result to ``results.jsonl`` at once.

A row is written (and flushed) only when complete, so an interrupted run (Ctrl-C, a crash)
leaves every finished row behind; ``resume=True`` skips the ids already there. ``run.json`` keeps
the settings of the run so that a resume cannot mix two configurations in one file.

Each row has the RAGAS v0.2 columns ``user_input``, ``retrieved_contexts``, ``response``,
``reference`` (plus ``reference_contexts``), and ours: ``id``, ``language``, ``answers``,
``answerable``, ``history``, ``citations``, ``abstained``, ``timings``, ``ranking`` (the spans
used for retrieval metrics), ``notice``, ``error`` and the per-row ``scores``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from core.errors import ArticleQAError
from core.types import Answer
from evaluation import scoring
from evaluation.dataset import Example
from evaluation.judge import Judge
from evaluation.targets import RowError, Target

RESULTS = "results.jsonl"
RUN = "run.json"
MUST_MATCH = ("dataset", "target", "backend", "k", "article_id", "judge", "support")


class RunError(ArticleQAError):
    """The output directory cannot be used for this run."""


@dataclass(frozen=True)
class RunResult:
    """The rows of the examples asked for (old and new), and how many were asked now."""

    rows: list[dict[str, Any]]
    asked: int
    skipped: int


def result_row(
    example: Example,
    answer: Answer | None,
    ranking: Sequence[tuple[int, int]],
    k: int,
    error: str = "",
    retracted: bool | None = None,
) -> dict[str, Any]:
    """One results.jsonl row (an error row has an empty response and no passages)."""
    answer = answer or Answer(example.question, "", example.language, False, (), (), "")
    cited = [(c.start, c.end) for c in answer.citations]
    scores = scoring.score(example, answer.answer, answer.abstained, ranking, cited, k, retracted)
    return {
        "id": example.id,
        "language": example.language,
        "user_input": example.question,
        "retrieved_contexts": [p.text for p in answer.passages],
        "response": answer.answer,
        "reference": example.answers[0] if example.answers else "",
        "reference_contexts": list(example.evidence),
        "answers": list(example.answers),
        "answerable": example.answerable,
        "history": [asdict(t) for t in example.history],
        "citations": [asdict(c) for c in answer.citations],
        "abstained": answer.abstained,
        "timings": asdict(answer.timings),
        "ranking": [list(span) for span in ranking],
        "passages": [[p.n, p.paragraph, p.start, p.end] for p in answer.passages],
        "backend": answer.backend,
        "notice": answer.notice,
        "error": error,
        "scores": scores,
    }


def read_results(path: Path) -> list[dict[str, Any]]:
    """The rows of a results file; a last line cut short by a crash is dropped from the file."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as err:
            if number == len(lines):  # torn write: keep what is whole
                path.write_text("".join(lines[:-1]), encoding="utf-8")
                break
            raise RunError(
                f"{path}:{number}: not a JSON row ({err.msg}); remove the file to start afresh"
            ) from err
    return rows


def prepare(out: Path, config: dict[str, Any], resume: bool) -> list[dict[str, Any]]:
    """Create ``out``; return the rows already done when resuming (else start a fresh file)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise RunError(f"cannot create the output directory {str(out)!r}: {err.strerror}") from err
    results, run = out / RESULTS, out / RUN
    if resume and results.exists():
        earlier = json.loads(run.read_text(encoding="utf-8")) if run.exists() else {}
        changed = [key for key in MUST_MATCH if key in earlier and earlier[key] != config.get(key)]
        if changed:
            what = ", ".join(f"{key} {earlier[key]!r} -> {config.get(key)!r}" for key in changed)
            raise RunError(f"cannot resume {out}: it was run with other settings ({what}); use another --out")
        return read_results(results)
    if results.exists() and results.stat().st_size:
        print(f"note: starting afresh in {out} (use --resume to keep earlier rows)", file=sys.stderr)
    results.write_text("", encoding="utf-8")
    run.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return []


def run(
    examples: Sequence[Example],
    target: Target,
    out: Path,
    config: dict[str, Any],
    resume: bool = False,
    judge: Judge | None = None,
    progress: bool = True,
) -> RunResult:
    """Ask every example not yet in ``out/results.jsonl``; return the rows for all of them."""
    k = int(config["k"])
    done = {str(r["id"]): r for r in prepare(out, config, resume)}
    todo = [e for e in examples if e.id not in done]
    bar = _bar(len(examples), len(examples) - len(todo), progress)
    asked = 0
    try:
        with (out / RESULTS).open("a", encoding="utf-8") as fh:
            for example in todo:
                bar.set_postfix_str(example.id, refresh=False)
                row = _ask(example, target, k, judge)
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
                done[example.id] = row
                asked += 1
                bar.update(1)
    finally:
        bar.close()
    if judge and judge.supports:
        _judge_support(out / RESULTS, list(done.values()), judge)
    return RunResult([done[e.id] for e in examples], asked, len(examples) - len(todo))


def _judge_support(results: Path, rows: list[dict[str, Any]], judge: Judge) -> None:
    """Citation support, judged once every answer is in (so the judge's prompts never stand
    between the model and a passage state an answer would reuse, nor in its timings); the
    results file is rewritten whole, atomically."""
    for row in rows:
        if scoring.SUPPORT not in row["scores"] and not row.get("error"):
            quotes = {int(c["n"]): str(c["quote"]) for c in row.get("citations", [])}
            row["scores"][scoring.SUPPORT] = judge.support_of(
                str(row["user_input"]), str(row["response"]), bool(row["abstained"]), quotes
            )
    fresh = results.with_suffix(".tmp")
    fresh.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    os.replace(fresh, results)


def _ask(example: Example, target: Target, k: int, judge: Judge | None) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        answer = target.ask(example)
    except RowError as err:
        return result_row(example, None, [], k, error=str(err) or type(err).__name__)
    ranking = target.ranking(example, answer)
    row = result_row(example, answer, ranking, k, retracted=getattr(target, "retracted", None))
    if judge and judge.faithful:
        row["scores"][scoring.JUDGED] = judge.faithfulness(answer)
    row["wall_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return row


def _bar(total: int, initial: int, enabled: bool) -> Any:
    from tqdm import tqdm

    # disable=None: shown on a terminal, silent in CI logs
    disable = None if enabled else True
    return tqdm(total=total, initial=initial, desc="eval", unit="q", file=sys.stderr, disable=disable)
