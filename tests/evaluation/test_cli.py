"""``article-qa eval``: gates and exit codes, the HTTP target against a real local server, compare."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.errors import ArticleQAError
from core.types import Turn
from ui.cli import main


@pytest.fixture()
def env(settings: Any, pipeline: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the CLI at the test index (built by the pipeline fixture)."""
    monkeypatch.setenv("ARTICLE_QA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ARTICLE_QA_BACKEND", "extractive")


@pytest.fixture(scope="module")
def server(pipeline: Any) -> Iterator[tuple[str, dict[str, int]]]:
    """A real HTTP server (uvicorn) whose /api/ask calls the real pipeline; the first call gets 429."""
    import uvicorn
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    app = FastAPI()
    calls = {"n": 0}

    @app.post("/api/ask")
    def ask(body: dict[str, Any]) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            return JSONResponse({"error": "busy", "message": "slow down"}, 429, {"Retry-After": "0"})
        history = [Turn(t["role"], t["content"]) for t in body.get("history", [])]
        try:
            answer = pipeline.ask(body["question"], history, body.get("backend"), body.get("article_id"))
        except ArticleQAError as err:
            return JSONResponse({"error": type(err).__name__, "message": str(err)}, err.status)
        return answer.to_dict()

    @app.get("/api/articles/{article_id}")
    def article(article_id: str) -> Any:
        try:
            found = pipeline.article(article_id)
        except ArticleQAError as err:
            return JSONResponse({"error": type(err).__name__, "message": str(err)}, err.status)
        return {**found.metadata(), "text": found.text}

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", calls
    srv.should_exit = True
    thread.join(10)
    sock.close()


def test_help_documents_metric_names(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["eval", "--help"])
    text = capsys.readouterr().out
    for name in ("recall@K", "abstention_recall", "answer_accuracy", "citation_precision", "--fail-under"):
        assert name in text


def test_unknown_metric_fails_before_asking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["eval", "x.jsonl", "--out", str(tmp_path), "--fail-under", "recal@3=0.9"])
    assert code == 2
    err = capsys.readouterr().err
    assert "unknown metric 'recal@3'" in err and "recall@3" in err
    assert main(["eval", "x.jsonl", "--out", str(tmp_path), "--fail-under", "false_refusal_rate=0.1"]) == 2
    assert "use --fail-over" in capsys.readouterr().err


def test_malformed_dataset_is_exit_2_with_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"question": "Q?", "answers": ["a"], "evidence": ["nowhere to be found"], "language": "en"}\n'
    )
    assert main(["eval", str(bad), "--backend", "extractive", "--out", str(tmp_path / "o")]) == 2
    assert "bad.jsonl:1: evidence[0] does not occur in the article" in capsys.readouterr().err
    assert not (tmp_path / "o" / "results.jsonl").exists()


def test_gates_fail_with_every_metric_listed(
    env: None, subset_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "a"
    args = ["eval", str(subset_file), "--backend", "extractive", "--out", str(out), "--quiet"]
    code = main(
        [
            *args,
            "--fail-under",
            "recall@3=1.01",
            "--fail-under",
            "answer_accuracy:bg=1.01",
            "--fail-under",
            "hit@3=0",
            "--fail-over",
            "latency_total_p95_ms=0",
        ]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "FAILED 3 gate(s)" in captured.err
    assert "recall@3 = " in captured.err and "under its floor 1.01" in captured.err
    assert "answer_accuracy:bg = " in captured.err
    assert "latency_total_p95_ms = " in captured.err and "above its ceiling 0" in captured.err
    assert "hit@3" not in captured.err
    assert "| recall@3 |" in captured.out
    assert (out / "report.html").exists()
    # the same run again with --resume asks nothing and passes lenient gates
    assert main([*args, "--resume", "--fail-under", "recall@3=0.5"]) == 0
    assert "Asked now: 0; resumed: 5." in capsys.readouterr().out


def test_http_target_and_compare(
    env: None,
    server: tuple[str, dict[str, int]],
    subset_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, calls = server
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["eval", str(subset_file), "--backend", "extractive", "--out", str(a), "--quiet"]) == 0
    code = main(
        [
            "eval",
            str(subset_file),
            "--target",
            url,
            "--out",
            str(b),
            "--quiet",
            "--limit",
            "4",
            "--fail-under",
            "hit@3=0.5",
        ]
    )
    assert code == 0
    assert calls["n"] == 5  # one 429, retried, then four questions
    rows = [json.loads(x) for x in (b / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 4 and all(r["error"] == "" and r["backend"] == "extractive" for r in rows)
    summary = json.loads((b / "summary.json").read_text(encoding="utf-8"))
    assert summary["config"]["target"] == url
    capsys.readouterr()

    assert main(["eval", "compare", str(a), str(b)]) == 0
    text = capsys.readouterr().out
    assert f"A: {a}" in text and f"B: {b}" in text
    assert "recall@3" in text and "->" in text
    assert "better" in text or "worse" in text or "same" in text
    assert "better," in text and "the same" in text


def test_compare_marks_better_and_worse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def summary(recall: float, refusals: float) -> dict[str, Any]:
        metrics = {"recall@3": recall, "false_refusal_rate": refusals, "latency_total_p50_ms": 100.0}
        return {"config": {"backend": "extractive"}, "metrics": metrics, "by_language": {"bg": metrics}}

    for name, data in (("a", summary(0.9, 0.05)), ("b", summary(0.95, 0.10))):
        (tmp_path / name).mkdir()
        (tmp_path / name / "summary.json").write_text(json.dumps(data))
    assert main(["eval", "compare", str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(x.startswith("recall@3") and "(+0.050)" in x and x.endswith("better") for x in lines)
    assert any(x.startswith("false_refusal_rate") and "(+0.050)" in x and x.endswith("worse") for x in lines)
    assert any(x.startswith("latency_total_p50_ms") and x.endswith("same") for x in lines)
    assert "[bg]" in lines
    assert main(["eval", "compare", str(tmp_path / "a"), str(tmp_path / "missing")]) == 2


def test_http_target_reads_the_article_from_the_server(
    server: tuple[str, dict[str, int]], article: Any
) -> None:
    from evaluation.targets import Http, TargetError

    target = Http(server[0], None, None)
    try:
        assert target.article_text(article.id) == article.text
        with pytest.raises(TargetError, match="HTTP 404: no article with id 'nope'"):
            target.article_text("nope")
    finally:
        target.close()
    with pytest.raises(TargetError, match="must be an http"):
        Http("ftp://x", None, None)


def test_every_takes_a_spread_out_sample(
    env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = Path(__file__).resolve().parents[2] / "evaluation" / "data" / "test.jsonl"
    ids = [json.loads(line)["id"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = tmp_path / "sample"
    code = main(["eval", str(gold), "--out", str(out), "--quiet", "--every", "40"])
    assert code == 0
    rows = [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ids[::40]
    assert main(["eval", str(gold), "--out", str(out), "--every", "0"]) != 0
    assert "--every must be > 0" in capsys.readouterr().err
