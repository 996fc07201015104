"""HTTP load on loopback: a real ``article-qa serve`` process, loaded from this (second) process.

    python bench/load.py [--clients 1 10 50] [--duration 10] [--max-requests 3000]
                         [--local-requests 5] [--skip-local]

Closed-loop asyncio + httpx clients (each sends its next request when the last one is
answered), bounded by ``--duration`` seconds and ``--max-requests`` per run:

- ``POST /api/retrieve`` and ``POST /api/ask`` with the extractive backend at each client
  count; the gold questions are cycled after one warm-up pass (so query vectors come from the
  cache), plus one run where every question is new (its vector computed);
- the local model: ``--local-requests`` answers one after another, 10 clients at once, and 50
  clients at once on ``/api/ask/stream`` (one question each, joining 20 ms apart): every one
  must be answered, in the order they joined, each seeing its place in line while waiting;
- memory (RSS of the server process): idle, peak under load, and with the local model loaded.

The servers run with the rate limit off (``ARTICLE_QA_RATE_LIMIT_PER_MINUTE=0``): one
loopback client is one IP, which the default limit of 30 a minute would stop at once.
Writes its tables to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import ssl
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench.build import serve_once, stop
from bench.common import Report, cpu_s, mixed, model_cache, percentiles, questions, rss_mb

SERVER_ENV = {"ARTICLE_QA_RATE_LIMIT_PER_MINUTE": "0", "ARTICLE_QA_QUEUE_SIZE": "64"}
_TLS = ssl.create_default_context()  # shared: loopback is plain HTTP, but clients build one anyway
HEADER = [
    "endpoint",
    "clients",
    "requests",
    "errors",
    "req/s",
    "p50 ms",
    "p99 ms",
    "server CPU ms/req",
    "client CPU ms/req",
]
GOALS = "≥ 100 retrieval requests/s with p99 ≤ 150 ms; 50 concurrent chats with zero errors"


@dataclass
class Run:
    """One load run's outcome."""

    what: str
    clients: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0

    def row(self) -> list[Any]:
        """A row of the results table."""
        p = percentiles(self.latencies_ms, (50, 99))
        ok = len(self.latencies_ms)
        errors = sum(self.errors.values())
        detail = ", ".join(f"{k}×{v}" for k, v in self.errors.items())
        per = 1000 / max(ok + errors, 1)
        return [
            self.what,
            self.clients,
            ok + errors,
            f"{errors}" + (f" ({detail})" if detail else ""),
            ok / self.seconds if self.seconds else 0.0,
            p["p50"],
            p["p99"],
            self.server_cpu_s * per,
            self.client_cpu_s * per,
        ]


class Sampler:
    """Samples a process's RSS in a thread; ``peak`` is the highest seen (and VmHWM)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, rss_mb(self.pid)[0])


async def closed_loop(
    url: str,
    path: str,
    bodies: Iterator[dict[str, Any]],
    clients: int,
    duration: float,
    limit: int,
    server: int | None = None,
) -> Run:
    """``clients`` workers posting one request after another until time or count runs out.

    With the ``server``'s pid, the CPU time it and this process used is recorded too.
    """
    run = Run(path, clients)
    sent = 0

    # a client (and connection) per worker, as separate readers have; one shared pool is slow
    # (httpcore matches requests to connections in O(connections × requests)). Made before the
    # clock starts: each new client builds an SSL context, even for http:// (tens of ms).
    pool = [httpx.AsyncClient(base_url=url, timeout=600, verify=_TLS) for _ in range(clients)]

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal sent
        async with client:
            while time.perf_counter() < deadline and sent < limit:
                sent += 1
                body = next(bodies)
                t0 = time.perf_counter()
                try:
                    response = await client.post(path, json=body)
                except httpx.HTTPError as err:
                    run.errors[type(err).__name__] += 1
                    continue
                if response.status_code == 200:
                    run.latencies_ms.append((time.perf_counter() - t0) * 1000)
                else:
                    run.errors[f"HTTP {response.status_code}"] += 1

    started, cpu, server_cpu = time.perf_counter(), time.process_time(), cpu_s(server or "self")
    deadline = started + duration
    await asyncio.gather(*(worker(client) for client in pool))
    run.seconds = time.perf_counter() - started
    run.client_cpu_s = time.process_time() - cpu
    run.server_cpu_s = cpu_s(server) - server_cpu if server else 0.0
    return run


@dataclass
class Chat:
    """What one streaming client saw."""

    joined: float = 0.0
    positions: list[int] = field(default_factory=list)
    sources: float | None = None
    first_token: float | None = None
    answered: float | None = None
    error: str = ""


async def chats(url: str, bodies: list[dict[str, Any]], stagger_s: float = 0.02) -> tuple[list[Chat], float]:
    """One streaming question per body, all at once (joining ``stagger_s`` apart, in order)."""
    async with contextlib.AsyncExitStack() as stack:

        async def one(i: int, body: dict[str, Any]) -> Chat:
            client = await stack.enter_async_context(
                httpx.AsyncClient(base_url=url, timeout=900, verify=_TLS)
            )
            await asyncio.sleep(i * stagger_s)
            chat = Chat(joined=time.perf_counter())
            event = ""
            try:
                async with client.stream("POST", "/api/ask/stream", json=body) as response:
                    if response.status_code != 200:
                        chat.error = f"HTTP {response.status_code}"
                        return chat
                    async for line in response.aiter_lines():
                        if line.startswith("event:"):
                            event = line[6:].strip()
                        elif line.startswith("data:"):
                            data = json.loads(line[5:])
                            now = time.perf_counter()
                            if event == "queue":
                                chat.positions.append(int(data["position"]))
                            elif event == "sources":
                                chat.sources = now
                            elif event == "token" and chat.first_token is None:
                                chat.first_token = now
                            elif event == "answer":
                                chat.answered = now
                            elif event == "error":
                                chat.error = str(data.get("error"))
            except httpx.HTTPError as err:
                chat.error = type(err).__name__
            if not chat.error and chat.answered is None:
                chat.error = "no answer"
            return chat

        started = time.perf_counter()
        done = await asyncio.gather(*(one(i, body) for i, body in enumerate(bodies)))
        return list(done), time.perf_counter() - started


def fairness(done: list[Chat]) -> dict[str, Any]:
    """Served in joining order? Positions shown and counting down to 1?"""
    started = [c.sources if c.sources is not None else float("inf") for c in done]
    order = sorted(range(len(done)), key=lambda i: started[i])
    inversions = sum(1 for a, b in itertools.combinations(order, 2) if a > b)
    waited = [c for c in done if c.positions]
    counting_down = all(
        c.positions == sorted(c.positions, reverse=True) and c.positions[-1] == 1 for c in waited
    )
    first_positions_ok = all(not c.positions or c.positions[0] == i for i, c in enumerate(done))
    return {
        "inversions": inversions,
        "waited": len(waited),
        "counting_down": counting_down,
        "first_position_is_place": first_positions_ok,
        "max_position": max((c.positions[0] for c in waited), default=0),
    }


def cycle_bodies(rows: list[dict], **extra: Any) -> Iterator[dict[str, Any]]:
    """Request bodies over the gold questions, round and round."""
    return ({"question": r["question"], **extra} for r in itertools.cycle(rows))


def fresh_bodies(rows: list[dict]) -> Iterator[dict[str, Any]]:
    """Bodies whose questions were never asked (so never in the query-vector cache)."""
    return ({"question": f"{r['question']} ({n})"} for n, r in enumerate(itertools.cycle(rows)))


async def warm(url: str, path: str, rows: list[dict], **extra: Any) -> None:
    """Ask every question once (fills the query-vector cache, as a running site's would be)."""
    await closed_loop(url, path, cycle_bodies(rows, **extra), 4, 600, len(rows))


def extractive_part(args: argparse.Namespace, report: Report, rows: list[dict], tmp: Path) -> list[list[Any]]:
    """Load the extractive server; return memory rows."""
    server = serve_once(tmp / "extractive", {**SERVER_ENV, "ARTICLE_QA_BACKEND": "extractive"}, keep=True)
    proc, url = server["proc"], server["url"]
    memory: list[list[Any]] = []
    try:
        time.sleep(2)
        memory.append(["extractive", "idle, ready", rss_mb(proc.pid)[0]])
        runs: list[Run] = []

        def load(what: str, path: str, bodies: Iterator[dict[str, Any]], clients: int) -> None:
            run = asyncio.run(
                closed_loop(url, path, bodies, clients, args.duration, args.max_requests, proc.pid)
            )
            run.what = what
            runs.append(run)
            print(run.row())

        with Sampler(proc.pid) as sampler:
            asyncio.run(warm(url, "/api/retrieve", rows))
            for clients in args.clients:
                load("/api/retrieve", "/api/retrieve", cycle_bodies(rows), clients)
            load("/api/retrieve, new questions", "/api/retrieve", fresh_bodies(rows), 10)
            asyncio.run(warm(url, "/api/ask", rows, backend="extractive"))
            for clients in args.clients:
                load("/api/ask extractive", "/api/ask", cycle_bodies(rows, backend="extractive"), clients)
        memory.append(["extractive", "peak under load", max(sampler.peak, rss_mb(proc.pid)[1])])
    finally:
        stop(proc)
    report.line(
        f"Extractive server (`article-qa serve`, backend extractive); {args.duration:.0f} s or "
        f"{args.max_requests} requests per run; goals: {GOALS}."
    )
    report.line()
    report.table(HEADER, [r.row() for r in runs])
    return memory


def local_part(args: argparse.Namespace, report: Report, rows: list[dict], tmp: Path) -> list[list[Any]]:
    """Load the local-model server; return memory rows."""
    data = tmp / "local"
    data.mkdir()
    model_cache(data)  # the assembled model, linked
    server = serve_once(data, {**SERVER_ENV, "ARTICLE_QA_BACKEND": "local"}, keep=True)
    proc, url = server["proc"], server["url"]
    memory: list[list[Any]] = []
    try:
        time.sleep(2)
        memory.append(
            ["local", f"model loaded, idle (ready after {server['ready_s']:.0f} s)", rss_mb(proc.pid)[0]]
        )
        subset = mixed(questions(answerable=True), 50)
        bodies = [{"question": r["question"], "backend": "local"} for r in subset]
        runs: list[Run] = []
        with Sampler(proc.pid) as sampler:
            one = asyncio.run(
                closed_loop(url, "/api/ask", iter(bodies), 1, 600, args.local_requests, proc.pid)
            )
            ten = asyncio.run(closed_loop(url, "/api/ask", iter(bodies[10:]), 10, 900, 10, proc.pid))
            for run in (one, ten):
                run.what = "/api/ask local"
                runs.append(run)
                print(run.row())
            done, seconds = asyncio.run(chats(url, bodies))
        memory.append(["local", "peak under load", max(sampler.peak, rss_mb(proc.pid)[1])])
    finally:
        stop(proc)
    fifty = Run("/api/ask/stream local", len(done), seconds=seconds)
    for chat in done:
        if chat.error:
            fifty.errors[chat.error] += 1
        elif chat.answered is not None:
            fifty.latencies_ms.append((chat.answered - chat.joined) * 1000)
    runs.append(fifty)
    fair = fairness(done)
    waits = [(c.sources - c.joined) for c in done if c.sources is not None]
    firsts = [(c.first_token - c.joined) for c in done if c.first_token is not None]
    report.line("Local model server (backend local: one answer at a time, the rest queue):")
    report.line()
    report.table(HEADER, [r.row() for r in runs])
    report.line(
        f"- 50 streaming chats: {sum(c.answered is not None for c in done)}/{len(done)} answered, "
        f"{sum(bool(c.error) for c in done)} errors; served out of joining order: {fair['inversions']} "
        f"pairs; {fair['waited']} waited in line, each shown its place (first shown = its place: "
        f"{fair['first_position_is_place']}, counting down to 1: {fair['counting_down']}, longest "
        f"line {fair['max_position']}); wait for sources p50 {percentiles(waits, (50,))['p50']:.0f} s, "
        f"max {max(waits, default=0):.0f} s; first token p50 {percentiles(firsts, (50,))['p50']:.0f} s"
    )
    report.line()
    return memory


def main() -> None:
    """Run the benchmark, print its tables and write them to bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run (at most)")
    parser.add_argument("--max-requests", type=int, default=3000, help="requests per run (at most)")
    parser.add_argument("--local-requests", type=int, default=5)
    parser.add_argument("--skip-local", action="store_true")
    args = parser.parse_args()
    report = Report("load", "HTTP load on loopback", "python bench/load.py")
    rows = questions()
    with tempfile.TemporaryDirectory() as tmp:
        memory = extractive_part(args, report, rows, Path(tmp))
        if not args.skip_local:
            memory += local_part(args, report, rows, Path(tmp))
    report.line("Memory (RSS of the server process; goal ≤ 2.5 GB with the local model loaded):")
    report.line()
    report.table(["server", "state", "RSS MB"], memory)
    report.write()


if __name__ == "__main__":
    main()
