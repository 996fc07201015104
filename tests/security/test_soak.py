"""``bench/soak.py`` itself: a few seconds of it against a real server end cleanly and report."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_short_soak_runs_reports_and_stops_by_itself(settings, pipeline, tmp_path: Path) -> None:
    shutil.copytree(settings.index_dir, tmp_path / "data" / "index")
    out = tmp_path / "SOAK.md"
    args = ["--duration", "8", "--warmup", "3", "--clients", "4", "--queue-size", "4", "--burst", "12"]
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "soak.py"),
            *args,
            "--data-dir",
            str(tmp_path / "data"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = out.read_text(encoding="utf-8")
    assert "| errors | 0 |" in report and "503 QueueFull" in report and "RSS growth" in report
