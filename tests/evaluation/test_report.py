"""Report files from a real run: summary.json, report.md, and an escaped, well-formed report.html."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from evaluation import html_report, report, runner, scoring
from evaluation.dataset import Example
from evaluation.targets import InProcess

CONFIG = {
    "dataset": "subset.jsonl",
    "target": "in-process",
    "backend": "extractive",
    "k": 3,
    "article_id": None,
    "judge": False,
    "date": "2026-01-01T00:00:00+00:00",
}
VOID = {"meta", "br", "img", "input", "link", "hr"}


@pytest.fixture(scope="module")
def run_dir(pipeline: Any, subset: list[Example], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    # a wrong answer (so it is among the worst shown) to a question with markup in it
    hostile = Example(
        "en-xss",
        "<script>alert('x')</script> When was the CA–Russia summit?",
        "en",
        ("<b>never said</b>",),
        subset[0].evidence,
        subset[0].spans,
        line=9,
    )
    result = runner.run(
        [*subset, hostile], InProcess(pipeline, "extractive", None), out, CONFIG, progress=False
    )
    html_report.write(out, report.write(out, result.rows, CONFIG), result.rows)
    return out


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def test_files_and_summary(run_dir: Path) -> None:
    for name in ("results.jsonl", "run.json", "summary.json", "report.md", "report.html"):
        assert (run_dir / name).stat().st_size > 0, name
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    assert set(summary) >= {"config", "metrics", "by_language", "counts"}
    assert list(summary["metrics"]) == list(scoring.metric_names(3))
    assert set(summary["by_language"]) == {"en", "bg", "ru"}
    assert summary["config"]["backend"] == "extractive" and summary["config"]["k"] == 3
    assert summary["counts"]["rows"] == 6 and summary["counts"]["unanswerable"] == 2
    assert summary["counts"]["by_language"]["ru"]["rows"] == 1
    assert 0 <= summary["metrics"]["recall@3"] <= 1


def test_markdown_table(run_dir: Path) -> None:
    text = (run_dir / "report.md").read_text(encoding="utf-8")
    assert "| metric | all | en | bg | ru |" in text
    assert re.search(r"^\| recall@3 \| \d\.\d{3} \|", text, re.M)
    assert "## Worst answers" in text and "<script>" not in text


def test_html_is_self_contained_escaped_and_well_formed(run_dir: Path) -> None:
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "&lt;script&gt;" in html
    assert not re.search(r"""(?:src|href)=["']?https?:""", html)
    assert html.count("<svg") >= 5  # metric bars, per language, three latency histograms
    ET.fromstring(html.removeprefix("<!DOCTYPE html>"))  # parses as XML: every tag closed
    checker = _Balance()
    checker.feed(html)
    assert checker.errors == [] and checker.stack == []
