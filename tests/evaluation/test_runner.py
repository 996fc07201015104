"""The runner over the real pipeline (extractive backend, temporary data dir): rows, resume, Ctrl-C."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.types import Answer
from evaluation import runner
from evaluation.dataset import Example
from evaluation.judge import Judge
from evaluation.runner import RunError
from evaluation.targets import InProcess

RAGAS = ("user_input", "retrieved_contexts", "response", "reference")
OURS = ("id", "language", "citations", "abstained", "timings", "scores")


def _config(**changes: Any) -> dict[str, Any]:
    config = {
        "dataset": "subset.jsonl",
        "target": "in-process",
        "backend": "extractive",
        "k": 3,
        "article_id": None,
        "judge": False,
    }
    config.update(changes)
    return config


class Recording(InProcess):
    """The real in-process target, remembering what it was asked (and optionally stopping)."""

    def __init__(self, pipeline: Any, stop_at: int = 0) -> None:
        super().__init__(pipeline, "extractive", None)
        self.asked: list[str] = []
        self.stop_at = stop_at

    def ask(self, example: Example) -> Answer:
        if self.stop_at and len(self.asked) + 1 == self.stop_at:
            raise KeyboardInterrupt
        self.asked.append(example.id)
        return super().ask(example)


def _rows(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def test_end_to_end_rows(pipeline: Any, subset: list[Example], tmp_path: Path) -> None:
    result = runner.run(subset, InProcess(pipeline, "extractive", None), tmp_path, _config(), progress=False)
    rows = _rows(tmp_path)
    assert [r["id"] for r in rows] == [e.id for e in subset] == [r["id"] for r in result.rows]
    assert result.asked == 5 and result.skipped == 0
    for row in rows:
        assert set(RAGAS + OURS) <= set(row)
        assert row["retrieved_contexts"] and all(isinstance(t, str) and t for t in row["retrieved_contexts"])
        assert len(row["ranking"]) == 10
        assert row["timings"]["total_ms"] > 0 and row["error"] == ""
    by_id = {r["id"]: r for r in rows}
    # known answer: the CA–Russia date is in the top 3 passages
    assert by_id["en-001"]["scores"]["recall@3"] == 1.0
    assert by_id["en-001"]["reference"] == "9 October"
    assert by_id["en-fu-01"]["history"][0]["role"] == "user"
    # unanswerable rows have no answer or retrieval scores, only the abstention flag, the
    # language the reply is written in (the abstention is said in the reader's language) and
    # whether the streamed text was the final one
    unanswerable = by_id["en-na-01"]["scores"]
    streamed = ("answer_language", "retraction_rate")
    assert all(v is None for name, v in unanswerable.items() if name not in streamed)
    assert unanswerable["answer_language"] == 1.0
    assert all(r["scores"]["retraction_rate"] == 0.0 for r in rows)  # nothing shown was taken back
    for row in rows:
        article = pipeline.article("kazakhstan-diplomacy-2025").text
        for c in row["citations"]:
            assert article[c["start"] : c["end"]] == c["quote"]


def test_resume_never_asks_twice(pipeline: Any, subset: list[Example], tmp_path: Path) -> None:
    first = Recording(pipeline)
    runner.run(subset[:3], first, tmp_path, _config(), progress=False)
    second = Recording(pipeline)
    result = runner.run(subset, second, tmp_path, _config(), resume=True, progress=False)
    assert first.asked == [e.id for e in subset[:3]]
    assert second.asked == [e.id for e in subset[3:]]
    assert result.asked == 2 and result.skipped == 3
    assert [r["id"] for r in _rows(tmp_path)] == [e.id for e in subset]


def test_interrupt_leaves_a_resumable_state(pipeline: Any, subset: list[Example], tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        runner.run(subset, Recording(pipeline, stop_at=3), tmp_path, _config(), progress=False)
    assert [r["id"] for r in _rows(tmp_path)] == [e.id for e in subset[:2]]
    again = Recording(pipeline)
    runner.run(subset, again, tmp_path, _config(), resume=True, progress=False)
    assert again.asked == [e.id for e in subset[2:]]
    assert len(_rows(tmp_path)) == 5


def test_torn_last_line_is_dropped_on_resume(pipeline: Any, subset: list[Example], tmp_path: Path) -> None:
    runner.run(subset[:1], Recording(pipeline), tmp_path, _config(), progress=False)
    with (tmp_path / "results.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"id": "bg-001", "resp')
    again = Recording(pipeline)
    runner.run(subset[:2], again, tmp_path, _config(), resume=True, progress=False)
    assert again.asked == [subset[1].id]
    assert [r["id"] for r in _rows(tmp_path)] == [e.id for e in subset[:2]]


def test_resume_refuses_other_settings(pipeline: Any, subset: list[Example], tmp_path: Path) -> None:
    runner.run(subset[:1], Recording(pipeline), tmp_path, _config(), progress=False)
    with pytest.raises(RunError, match=r"backend 'extractive' -> 'local'"):
        runner.run(
            subset, Recording(pipeline), tmp_path, _config(backend="local"), resume=True, progress=False
        )


def test_without_resume_a_run_starts_afresh(pipeline: Any, subset: list[Example], tmp_path: Path) -> None:
    runner.run(subset[:2], Recording(pipeline), tmp_path, _config(), progress=False)
    again = Recording(pipeline)
    runner.run(subset[:1], again, tmp_path, _config(), progress=False)
    assert again.asked == [subset[0].id] and len(_rows(tmp_path)) == 1


def test_a_failing_question_is_recorded_and_the_run_goes_on(
    pipeline: Any, subset: list[Example], tmp_path: Path
) -> None:
    too_long = Example("en-long", "Why? " * 600, "en", ("x",), (), (), line=99)
    result = runner.run([too_long, subset[0]], Recording(pipeline), tmp_path, _config(), progress=False)
    bad, good = result.rows
    assert "characters long" in bad["error"] and bad["response"] == ""
    assert good["error"] == "" and good["response"]


def test_citation_support_is_judged_after_every_answer(
    pipeline: Any, subset: list[Example], tmp_path: Path
) -> None:
    asked: list[str] = []

    class Judging(Judge):  # the LLM boundary scripted: every statement is supported
        def _entails(self, source: str, question: str, said: str) -> bool | None:
            asked.append(question)
            return True

    target = Recording(pipeline)
    judge = Judging(None, faithful=False, supports=True)
    result = runner.run(subset[:3], target, tmp_path, _config(), judge=judge, progress=False)
    assert len(asked) <= 3 and len(target.asked) == 3  # one judged statement per short answer, at most
    on_file = runner.read_results(tmp_path / runner.RESULTS)
    assert [r["id"] for r in on_file] == [e.id for e in subset[:3]]
    for row in (*result.rows, *on_file):
        assert row["scores"]["citation_support"] == (None if row["abstained"] else 1.0)
