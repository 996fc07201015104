"""Shared helpers for the benchmarks: percentiles, tables, the machine line, results file, RSS.

Every benchmark prints its table and writes the same table into its own section of
``bench/RESULTS.md`` (between ``<!-- bench:NAME -->`` markers), with the date, the machine
and the load average before and after, because this machine's 2 cores are shared.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "evaluation" / "data" / "test.jsonl"
RESULTS = ROOT / "bench" / "RESULTS.md"
CACHE = ROOT / "var" / "bench"  # vectors and archives kept between runs (var/ is ignored)


def percentiles(values: list[float], points: tuple[int, ...] = (50, 95, 99)) -> dict[str, float]:
    """Nearest-rank percentiles, e.g. {"p50": 12.1, "p95": 20.3}."""
    ordered = sorted(values)
    if not ordered:
        return {f"p{p}": float("nan") for p in points}
    return {
        f"p{p}": ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] for p in points
    }


def machine() -> str:
    """Cores, memory and Python of this machine, for the results table."""
    return f"{os.cpu_count()} cores, {total_ram_gib():.0f} GiB RAM, Python {platform.python_version()}"


def total_ram_gib() -> float:
    """Physical memory in GiB (0 where /proc is missing)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def load() -> float:
    """The 1-minute load average (other work on the machine skews timings when it is high)."""
    return os.getloadavg()[0]


def questions(limit: int | None = None, answerable: bool | None = None) -> list[dict]:
    """Gold questions (first turn only), optionally only (un)answerable ones."""
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if not r.get("history")]
    if answerable is not None:
        rows = [r for r in rows if bool(r["answers"]) == answerable]
    return rows[:limit] if limit else rows


def mixed(rows: list[dict], n: int) -> list[dict]:
    """``n`` rows taking the languages in turn (en, bg, ru, en, ...), for small subsets."""
    by_language: dict[str, list[dict]] = {}
    for row in rows:
        by_language.setdefault(row["language"], []).append(row)
    out: list[dict] = []
    while len(out) < n and any(by_language.values()):
        for group in by_language.values():
            if group and len(out) < n:
                out.append(group.pop(0))
    return out


def fmt(stats: dict[str, float]) -> str:
    """'p50 12.3 ms · p95 20.1 ms'."""
    return " · ".join(f"{k} {v:.1f} ms" for k, v in stats.items())


def rss_mb(pid: int | str = "self") -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MB, from /proc (VmRSS, VmHWM)."""
    values = {"VmRSS": 0.0, "VmHWM": 0.0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line.split(":", 1)[0]
            if key in values:
                values[key] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return values["VmRSS"], values["VmHWM"]


def cpu_s(pid: int | str = "self") -> float:
    """CPU seconds (user + system, all threads) a process has used, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def model_cache(data_dir: Path) -> Path:
    """``data_dir/cache`` with links to the assembled local model (no 1 GB copy), its own states.

    Prompt states are kept apart from the default cache's, so that a benchmark never prunes
    the states another process is using.
    """
    from core.settings import Settings
    from rag.local_model import MODEL_FILE

    shared = Settings().cache_dir
    cache = data_dir / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    for name in (MODEL_FILE, MODEL_FILE + ".sha256"):
        if (shared / name).exists() and not (cache / name).exists():
            (cache / name).symlink_to(shared / name)
    return cache


def dir_mb(path: Path) -> float:
    """Bytes on disk under ``path`` in MB (allocated blocks, so sparse files count as stored)."""
    total = 0
    for item in path.rglob("*"):
        if item.is_file():
            total += item.stat().st_blocks * 512
    return total / 1e6


class Report:
    """Lines printed as they come and kept for ``bench/RESULTS.md``; tables in Markdown."""

    def __init__(self, name: str, title: str, command: str) -> None:
        self.name = name
        self.title = title
        self.command = command
        self.lines: list[str] = []
        self.started = time.time()
        self.load_before = load()
        sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress when piped
        print(f"# {title} — {machine()} — load {self.load_before:.1f}")

    def line(self, text: str = "") -> None:
        """Print a line and keep it."""
        print(text)
        self.lines.append(text)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        """A Markdown table (printed as is: it reads well in a terminal too)."""
        cells = [[_cell(v) for v in row] for row in rows]
        widths = [max(len(str(h)), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
        self.line("| " + " | ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
        self.line("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for row in cells:
            self.line("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        self.line()

    def write(self) -> None:
        """Replace this benchmark's section of bench/RESULTS.md (other sections are kept)."""
        load_after = load()
        cores = os.cpu_count() or 0
        busy = max(self.load_before, load_after) > 0.75 * cores
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.started))
        took = time.time() - self.started
        note = (
            f"_{when}, {machine()}; `{self.command}` took {took:.0f} s; load average "
            f"{self.load_before:.1f} before, {load_after:.1f} after"
            + (" — **the machine was busy with other work: timings are pessimistic**" if busy else "")
            + "_"
        )
        section = "\n".join([f"## {self.title}", "", note, "", *self.lines]).rstrip() + "\n"
        write_section(self.name, section)
        print(f"\nwritten to {RESULTS.relative_to(ROOT)} (section {self.name})")


def write_section(name: str, body: str) -> None:
    """Put ``body`` between this section's markers in RESULTS.md, appending it when new."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else _HEADER
    block = f"{start}\n{body}{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def _cell(value: object) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "–"
        return (
            f"{value:.3g}" if abs(value) < 10 else f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.1f}"
        )
    return str(value)


_HEADER = """# Benchmark results

Each section is written by the command named in it (see `bench/`); run one again to refresh
its section. Percentiles are nearest-rank; "load" is the 1-minute load average of the machine,
which other work shares: sections marked busy were measured while it was.
"""
