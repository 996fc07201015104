"""Fresh clone to a ready chat app: the README's first command, timed, with no package cache.

    python bench/fresh.py [--keep]

Clones this repository's HEAD into a temporary folder and runs ``make run`` there as a new
user would, with ``PIP_NO_CACHE_DIR=1`` (every package downloaded), an empty data dir and a
free port. Each line the command prints is time-stamped, so the table splits the wait into the
virtualenv, the packages, the server's start (port listening) and "ready" (index built, the
packaged model assembled and its server warm, ``/healthz`` 200). The server is then stopped and
the folder removed (``--keep`` leaves it). Issue #12's floor is ready in at most 5 minutes.

Packages come from wherever pip is set up to look (the section prints its index and find-links
settings): on a machine with a local wheel folder the package step measures that disk, not a
download from PyPI. The size of the virtualenv is printed to make figures comparable.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench.common import ROOT, Report, dir_mb

FLOOR_S = 300.0
LIMIT_S = 1800.0  # give up after half an hour


def main() -> None:
    """Run the benchmark, print its table and write it to bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", action="store_true", help="leave the clone and its virtualenv")
    args = parser.parse_args()
    report = Report("fresh", "Fresh clone to ready", "python bench/fresh.py")
    work = Path(tempfile.mkdtemp(prefix="aq-fresh-"))
    repo = work / "repo"
    started = time.monotonic()
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(repo)], check=True)
    cloned = time.monotonic() - started
    port = _free_port()
    env = {
        **os.environ,
        "PIP_NO_CACHE_DIR": "1",
        "ARTICLE_QA_DATA_DIR": str(work / "data"),
        "ARTICLE_QA_PORT": str(port),
        "PATH": _without_venvs(os.environ.get("PATH", "")),  # python3 must be the system's
    }
    env.pop("VIRTUAL_ENV", None)
    marks: dict[str, float] = {}
    proc = subprocess.Popen(
        ["make", "run"],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    reader = threading.Thread(target=_follow, args=(proc, started, marks), daemon=True)
    reader.start()
    ready_s, status = _wait_ready(port, started, proc)
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
    venv_mb = dir_mb(repo / ".venv")
    rows = [
        ("git clone", cloned),
        ("virtualenv made, pip upgraded", marks.get("packages", float("nan"))),
        ("packages installed (`article-qa serve` starts)", marks.get("serve", float("nan"))),
        ("port listening", marks.get("listening", float("nan"))),
        (f"ready (`/healthz` {status})", ready_s),
    ]
    report.line(
        f"A clone of HEAD, `make run` with `PIP_NO_CACHE_DIR=1`, an empty data dir; "
        f"virtualenv on disk afterwards {venv_mb:,.0f} MB. Seconds from the start of the clone:"
    )
    report.line()
    report.table(("step", "s from start", "min"), [(name, f"{s:.1f}", f"{s / 60:.1f}") for name, s in rows])
    verdict = "within" if ready_s <= FLOOR_S else "over"
    ratio = ready_s / FLOOR_S
    report.line(f"Ready after {ready_s / 60:.1f} min: {verdict} the 5-minute floor ({ratio:.2f}×).")
    report.line(f"Where pip found the packages: {_pip_sources()}.")
    report.write()
    if not args.keep:
        subprocess.run(["rm", "-rf", str(work)], check=False)
    else:
        print(f"kept {work}")


def _follow(proc: subprocess.Popen[str], started: float, marks: dict[str, float]) -> None:
    """Echo the command's output with seconds since the start; note when each step begins."""
    assert proc.stdout is not None
    for line in proc.stdout:
        at = time.monotonic() - started
        print(f"[{at:6.1f} s] {line.rstrip()}")
        if "setup: installing article-qa" in line:
            marks.setdefault("packages", at)
        elif "article-qa serve" in line and "setup:" not in line:
            marks.setdefault("serve", at)
        elif "article-qa: listening on" in line:
            marks.setdefault("listening", at)


def _wait_ready(port: int, started: float, proc: subprocess.Popen[str]) -> tuple[float, str]:
    """Seconds from ``started`` until ``/healthz`` is 200 (or the server fails or exits)."""
    while time.monotonic() - started < LIMIT_S:
        if proc.poll() is not None:
            return time.monotonic() - started, f"never: make exited {proc.returncode}"
        try:
            answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            status = answer.json().get("status", "?")
            if answer.status_code == 200 or status == "failed":
                return time.monotonic() - started, status
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    return time.monotonic() - started, "timed out"


def _pip_sources() -> str:
    """pip's index and find-links settings, which decide what "downloaded" means here."""
    found = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    ).stdout
    keys = ("index-url", "extra-index-url", "find-links")
    lines = [line.strip() for line in found.splitlines() if any(f".{k}=" in line for k in keys)]
    return "; ".join(lines) or "the default index (pypi.org)"


def _without_venvs(path: str) -> str:
    return os.pathsep.join(p for p in path.split(os.pathsep) if not (Path(p).parent / "pyvenv.cfg").exists())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    main()
