"""A bounded soak of the real server on loopback: many clients, mixed questions, for a while.

    python bench/soak.py                                   # 10 minutes, 50 clients
    python bench/soak.py --duration 150 --clients 50 --out bench/SOAK.md

Starts ``article-qa serve`` in a subprocess (extractive backend, a private data dir, rate
limit off: every client is 127.0.0.1), waits for /healthz, then:

1. **soak** — ``--clients`` closed-loop clients (each sends its next request when the last is
   answered) for ``--duration`` seconds, cycling a mix: gold questions in en/bg/ru on
   ``/api/ask`` and ``/api/ask/stream``, follow-ups with history, and invalid requests (empty,
   10,000 characters, control characters only, unknown article, a path as article id, broken
   JSON). Every response is checked against what it must be (200 with an answer, or the
   exact 4xx error); anything else counts as an error, by kind.
2. **burst** — ``queue size + --burst`` requests at once, so the answer queue overflows: the
   ones beyond it must get 503 ``QueueFull`` at once. Their latency is measured.

The server's RSS is sampled throughout: when ready, after ``--warmup`` seconds of load (the
baseline: caches filled) and at the end. Prints the figures, optionally writes them as
Markdown (``--out``), and exits 1 on any error or RSS growth over ``--max-growth`` percent.
It always stops by itself: every phase has a deadline and the server is killed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.build import serve_once
from bench.common import load, machine, percentiles, questions, rss_mb

QUEUE_SIZE = 64
HEADER = (
    "# Soak\n\nWritten by `bench/soak.py` (`make soak`: 10 minutes, 50 clients). Zero errors means every\n"
    "response was the one it must be: an answer for a valid question, the exact 4xx JSON error for an\n"
    "invalid one; RSS growth is measured from after the warm-up to the end.\n\n"
)
REQUEST_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Probe:
    """One request of the mix and what the server must answer."""

    kind: str
    path: str
    body: Any  # a JSON value, or bytes sent as they are
    status: int
    error: str = ""  # the error class expected in the JSON body


@dataclass
class Tally:
    """What the clients saw."""

    latencies_ms: list[float] = field(default_factory=list)  # valid questions answered
    refusals_ms: list[float] = field(default_factory=list)  # bad input correctly refused
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    rss_mb: list[tuple[float, float]] = field(default_factory=list)  # (seconds since start, MB)


def mix(seed: int = 7) -> list[Probe]:
    """The request mix: about 70 % answerable questions (a fifth streamed), 30 % invalid."""
    rows = questions()
    rng = random.Random(seed)
    probes: list[Probe] = []
    for row in rows:
        body = {"question": row["question"]}
        streamed = rng.random() < 0.2
        path = "/api/ask/stream" if streamed else "/api/ask"
        probes.append(Probe("stream" if streamed else "ask", path, body, 200))
    history = [
        {"role": "user", "content": "When was the CA–Russia summit?"},
        {"role": "assistant", "content": "On 9 October in Dushanbe [1]."},
    ]
    probes += [
        Probe("follow-up", "/api/ask", {"question": "And where was it held?", "history": history}, 200)
    ] * 5
    bad = [
        Probe("empty", "/api/ask", {"question": "   "}, 422, "InvalidQuestion"),
        Probe("too-long", "/api/ask", {"question": "why " * 2500}, 422, "InvalidQuestion"),
        Probe("controls", "/api/ask", {"question": "\u0000\u001b\u202e"}, 422, "InvalidQuestion"),
        Probe(
            "unknown-article", "/api/ask", {"question": "Who?", "article_id": "nope"}, 404, "UnknownArticle"
        ),
        Probe(
            "path-article", "/api/ask", {"question": "Who?", "article_id": "../etc"}, 422, "InvalidArticle"
        ),
        Probe("broken-json", "/api/ask", b'{"question": "Who', 422, "InvalidRequest"),
        Probe("surrogate", "/api/ask", b'{"question": "\\udcff"}', 422, "InvalidRequest"),
    ]
    probes += bad * max(1, round(0.3 * len(probes) / 0.7 / len(bad)))
    rng.shuffle(probes)
    return probes


async def send(client: httpx.AsyncClient, probe: Probe) -> tuple[str, float]:
    """Send one probe; return ("ok" | an error kind, milliseconds)."""
    content = probe.body if isinstance(probe.body, bytes) else json.dumps(probe.body).encode()
    headers = {"Content-Type": "application/json"}
    started = time.perf_counter()
    try:
        response = await client.post(probe.path, content=content, headers=headers)
    except httpx.HTTPError as err:
        return f"transport {type(err).__name__}", (time.perf_counter() - started) * 1000
    ms = (time.perf_counter() - started) * 1000
    if response.status_code != probe.status:
        detail = response.json().get("error", "") if _is_json(response) else "not JSON"
        return f"HTTP {response.status_code} {detail} on {probe.kind}", ms
    if probe.status != 200:
        ok = _is_json(response) and response.json().get("error") == probe.error
        return ("ok" if ok else f"wrong error body on {probe.kind}"), ms
    if probe.path.endswith("/stream"):
        events = re.findall(r"^event: (\w+)", response.text, re.M)
        return ("ok" if events and events[-1] == "answer" else f"stream ended with {events[-1:]}"), ms
    return ("ok" if isinstance(response.json().get("answer"), str) else "answer missing"), ms


def _is_json(response: httpx.Response) -> bool:
    return response.headers.get("content-type", "").startswith("application/json")


async def soak(url: str, clients: int, seconds: float, probes: list[Probe], tally: Tally) -> float:
    """Closed-loop clients until ``seconds`` pass; returns the wall time taken."""
    stream = itertools.cycle(probes)
    deadline = time.perf_counter() + seconds

    async def client_loop() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT_S) as client:
            while time.perf_counter() < deadline:
                probe = next(stream)
                outcome, ms = await send(client, probe)
                tally.outcomes[probe.kind if outcome == "ok" else "error"] += 1
                if outcome != "ok":
                    tally.errors[outcome] += 1
                elif probe.status == 200:
                    tally.latencies_ms.append(ms)
                else:
                    tally.refusals_ms.append(ms)

    started = time.perf_counter()
    await asyncio.gather(*(client_loop() for _ in range(clients)))
    return time.perf_counter() - started


async def burst(url: str, n: int) -> tuple[Counter[str], list[float], list[float]]:
    """``n`` questions at once: counts by status, latencies of answers and of busy refusals."""
    body = json.dumps({"question": "Who wrote the article?"}).encode()
    headers = {"Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=n + 10, max_keepalive_connections=n + 10)
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT_S, limits=limits) as client:

        async def one() -> tuple[str, float]:
            started = time.perf_counter()
            try:
                response = await client.post("/api/ask", content=body, headers=headers)
            except httpx.HTTPError as err:
                return f"transport {type(err).__name__}", (time.perf_counter() - started) * 1000
            ms = (time.perf_counter() - started) * 1000
            error = response.json().get("error", "") if _is_json(response) else ""
            return f"{response.status_code} {error}".strip(), ms

        results = await asyncio.gather(*(one() for _ in range(n)))
    counts = Counter(kind for kind, _ in results)
    answered = [ms for kind, ms in results if kind == "200"]
    busy = [ms for kind, ms in results if kind == "503 QueueFull"]
    return counts, answered, busy


def start_server(data_dir: Path, queue_size: int) -> tuple[subprocess.Popen[bytes], str, list[str]]:
    """``article-qa serve --port 0`` (extractive, no rate limit) until /healthz is 200."""
    env = {
        "ARTICLE_QA_BACKEND": "extractive",
        "ARTICLE_QA_RATE_LIMIT_PER_MINUTE": "0",
        "ARTICLE_QA_QUEUE_SIZE": str(queue_size),
    }
    server = serve_once(data_dir, env, keep=True)
    return server["proc"], server["url"], server["output"]


def sample_rss(pid: int, tally: Tally, stop: threading.Event, started: float) -> None:
    """Record the server's RSS every 2 s until ``stop``."""
    while not stop.wait(2.0):
        tally.rss_mb.append((time.perf_counter() - started, rss_mb(pid)[0]))


def report(args: argparse.Namespace, figures: dict[str, Any], tally: Tally) -> str:
    """The results as Markdown."""
    p = percentiles(tally.latencies_ms, (50, 99))
    r = percentiles(tally.refusals_ms, (50, 99))
    b = percentiles(figures["busy_ms"], (50, 99))
    a = percentiles(figures["burst_answered_ms"], (50, 99))
    total = sum(tally.outcomes.values())
    errors = sum(tally.errors.values())
    lines = [
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}; "
        f"load average {figures['load_before']:.1f} before, {figures['load_after']:.1f} after "
        "(the 2 cores are shared with other work, so latencies are pessimistic).",
        "",
        f"`python bench/soak.py --duration {args.duration:.0f} --clients {args.clients} "
        f"--burst {args.burst}` "
        f"— `article-qa serve` with the extractive backend, queue size {args.queue_size}, rate limit off.",
        "",
        "| soak | value |",
        "|---|---:|",
        f"| duration | {figures['seconds']:.0f} s |",
        f"| clients | {args.clients} |",
        f"| requests | {total:,} ({total / figures['seconds']:.1f}/s) |",
        f"| errors | {errors} |",
        f"| answered (valid questions) | {len(tally.latencies_ms):,} |",
        f"| refused as they should be (invalid input) | {len(tally.refusals_ms):,} |",
        f"| answer latency p50 / p99 | {p['p50']:.0f} ms / {p['p99']:.0f} ms |",
        f"| refusal latency p50 / p99 | {r['p50']:.0f} ms / {r['p99']:.0f} ms |",
        f"| server RSS when ready | {figures['rss_ready']:.0f} MB |",
        f"| server RSS after {args.warmup:.0f} s warm-up (baseline) | {figures['rss_start']:.0f} MB |",
        f"| server RSS at the end | {figures['rss_end']:.0f} MB |",
        f"| RSS growth over the soak | {figures['growth']:+.1f} % (limit {args.max_growth:.0f} %) |",
        f"| RSS peak | {figures['rss_peak']:.0f} MB |",
        "",
        "Requests by kind: " + ", ".join(f"{k} {v:,}" for k, v in sorted(tally.outcomes.items())) + ".",
        "",
        "Errors by kind: " + (", ".join(f"{k} ×{v}" for k, v in tally.errors.most_common()) or "none") + ".",
        "",
        "| burst | value |",
        "|---|---:|",
        f"| requests at once | {figures['burst_n']} (queue size {args.queue_size} + {args.burst}) |",
        f"| outcomes | {', '.join(f'{k} ×{v}' for k, v in sorted(figures['burst_counts'].items()))} |",
        f"| busy (503 QueueFull) latency p50 / p99 / max | {b['p50']:.0f} / {b['p99']:.0f} / "
        f"{max(figures['busy_ms'], default=float('nan')):.0f} ms |",
        f"| answered latency p50 / p99 (waited in line) | {a['p50']:.0f} ms / {a['p99']:.0f} ms |",
        f"| after the burst, a normal question | HTTP {figures['after_burst']} |",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the soak; 0 when there were no errors and RSS stayed within bounds."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of soak (default 600)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--warmup", type=float, default=30.0, help="seconds of load before the RSS baseline")
    parser.add_argument(
        "--burst", type=int, default=QUEUE_SIZE, help="requests beyond the queue in the burst"
    )
    parser.add_argument(
        "--queue-size", type=int, default=QUEUE_SIZE, help="the server's ARTICLE_QA_QUEUE_SIZE"
    )
    parser.add_argument("--max-growth", type=float, default=10.0, help="allowed RSS growth, percent")
    parser.add_argument("--data-dir", type=Path, help="server data dir (default: a fresh temp dir)")
    parser.add_argument("--out", type=Path, help="write the results as Markdown here")
    args = parser.parse_args(argv)
    if args.duration <= args.warmup or args.clients < 1:
        parser.error("--duration must be longer than --warmup, and --clients at least 1")
    if args.clients > args.queue_size + 1:  # one answering, the rest waiting: none may be turned away
        parser.error(f"--clients {args.clients} needs --queue-size >= {args.clients - 1}")

    probes = mix()
    tally = Tally()
    figures: dict[str, Any] = {"load_before": load()}
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        print(f"starting the server (data dir {data_dir}) ...", flush=True)
        proc, url, output = start_server(data_dir, args.queue_size)
        stop = threading.Event()
        started = time.perf_counter()
        try:
            figures["rss_ready"] = rss_mb(proc.pid)[0]
            sampler = threading.Thread(target=sample_rss, args=(proc.pid, tally, stop, started), daemon=True)
            sampler.start()
            print(f"{url} ready; warming up for {args.warmup:.0f} s with {args.clients} clients", flush=True)
            warm = Tally()
            asyncio.run(soak(url, args.clients, args.warmup, probes, warm))
            figures["rss_start"] = rss_mb(proc.pid)[0]
            print(f"soaking for {args.duration - args.warmup:.0f} s more ...", flush=True)
            figures["seconds"] = asyncio.run(
                soak(url, args.clients, args.duration - args.warmup, probes, tally)
            )
            figures["rss_end"] = rss_mb(proc.pid)[0]
            figures["rss_peak"] = rss_mb(proc.pid)[1]
            figures["growth"] = 100 * (figures["rss_end"] - figures["rss_start"]) / figures["rss_start"]
            tally.errors.update(warm.errors)
            n = args.queue_size + 1 + args.burst
            print(f"burst of {n} requests at once ...", flush=True)
            counts, answered, busy = asyncio.run(burst(url, n))
            figures.update(burst_n=n, burst_counts=counts, burst_answered_ms=answered, busy_ms=busy)
            figures["after_burst"] = httpx.post(
                f"{url}/api/ask", json={"question": "Who wrote the article?"}, timeout=REQUEST_TIMEOUT_S
            ).status_code
        finally:
            stop.set()
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        figures["load_after"] = load()
    text = report(args, figures, tally)
    print(text)
    if args.out:
        args.out.write_text(HEADER + text, encoding="utf-8")
    unexpected = [k for k in figures["burst_counts"] if k not in ("200", "503 QueueFull")]
    failed = sum(tally.errors.values()) or unexpected or figures["growth"] > args.max_growth
    failed = failed or not busy or figures["after_burst"] != 200
    if "Traceback" in "".join(output):
        print("the server logged a traceback:\n" + "".join(output[-40:]), file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
