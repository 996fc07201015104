"""Scale-out on shared engines: 1 vs 2 app workers over one Chroma server and one model server.

    python bench/scaleout.py [--duration 60] [--workers 1 2] [--readers 1 4 16]
                             [--parallel 2] [--threads 2] [--cache-ram 0] [--model FILE]

Starts the README's topology ("Serving more readers") on this machine: one ``chroma run``
server, one llama.cpp server (``python -m rag.llm_server --parallel N``, the packaged model),
the index built once into the store by ``article-qa index build``, and as many ``article-qa
serve`` workers as the largest ``--workers``, each with its own data dir and
``ARTICLE_QA_CHROMA_HOST`` / ``_PORT`` and ``ARTICLE_QA_LLM_SERVER_URL`` pointing at the two
servers (``ARTICLE_QA_MODEL_PARALLEL`` = N, rate limit off: every reader is 127.0.0.1). For
each worker count and each ``--readers`` count it then runs closed-loop readers for
``--duration`` seconds: each asks its next question on ``POST /api/ask/stream`` (the default,
local backend) when the last is answered. After the deadline the questions in flight are
answered and counted.

- Questions: the first turns of evaluation/data/calibration.jsonl, the languages in turn,
  cycled from the first again in every run, so that each run is asked the same questions in
  the same order. So that no run is answered from prompts an earlier run left in the model
  server's memory, it keeps none (``--cache-ram 0``; each slot still reuses the prefix its
  last prompt shares with the next). Before the first run every slot is made to evaluate the
  fixed prompt prefix (a worker's warm-up fills one slot only; a cold slot costs a first
  question ~600 prompt tokens, a minute on a busy machine, past ``ARTICLE_QA_LLM_TIMEOUT_S``).
- Reader ``i`` asks worker ``i mod workers``: round-robin by hand, no reverse proxy (it would
  only add a hop to each request and decide nothing about the engines). A 1-worker run uses
  the first worker while the other stays idle.
- Per run: answered questions per minute (answers / time from the first question to the last
  answer); how many of those are in the model's words (the others are facts read by rules,
  quotes for Bulgarian readers and abstentions, which never join the model's line, or the
  article's sentences where the model's were rejected or it failed); first token (request
  sent to the first SSE ``token`` event) p50/p95 over all answers and p95 over each of the
  two kinds, and whole answer (to the ``answer`` event) p50/p95; refusals (HTTP 429/503,
  or an ``error`` event with status 429/503, with a JSON message: handled, counted apart);
  model fallbacks (answered from the article's sentences because the model server failed or
  was too slow: handled too); errors (anything else); ratios against the 1-worker, 1-reader
  run of the same invocation.

- Beside the model: on one worker, 4 readers asking only questions the model answers (English
  and Russian what / why) while one more asks extractive questions: the extractive answer's
  p50/p95/p99 with the model answers in flight counted at each.

Writes its table to bench/RESULTS.md (section scaleout).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from langchain_core.messages import convert_to_openai_messages

from bench.build import serve_once, stop
from bench.common import ROOT, Report, load, mixed, model_cache, percentiles, rss_mb
from bench.scale import _chroma
from prompts import message
from rag.llm_server import LocalServer
from rag.prompting import fixed_messages

CALIBRATION = ROOT / "evaluation" / "data" / "calibration.jsonl"
ARTICLE_ID = "kazakhstan-diplomacy-2025"
REFUSED = (429, 503)
FALLBACKS = {message(kind, lang) for kind in ("fallback", "cut") for lang in ("en", "bg", "ru")}
_TLS = ssl.create_default_context()  # one for every client (building one costs tens of ms)
HEADER = [
    "workers",
    "readers",
    "answered",
    "answers/min",
    "by the model",
    "first token p50 s",
    "first token p95 s",
    "first token p95 s, model's words",
    "first token p95 s, no model",
    "whole answer p50 s",
    "whole answer p95 s",
    "refused (handled)",
    "model fallbacks",
    "errors",
    "answers/min ×",
    "first token p50 ×",
    "whole answer p50 ×",
    "load",
]


@dataclass
class Outcome:
    """What one reader saw of one question (times in seconds from sending it)."""

    first_token_s: float | None = None
    answer_s: float | None = None
    refused: str = ""
    error: str = ""
    fallback: bool = False
    by_model: bool = False


@dataclass
class Run:
    """One load run: ``readers`` readers over ``workers`` workers."""

    workers: int
    readers: int
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    load: float = 0.0

    def answered(self) -> list[Outcome]:
        """The questions that got an ``answer`` event."""
        return [o for o in self.outcomes if o.answer_s is not None]

    def per_minute(self) -> float:
        """Answered questions per minute of the run."""
        return len(self.answered()) / self.seconds * 60 if self.seconds else 0.0

    def p(self, what: str, by_model: bool | None = None) -> dict[str, float]:
        """p50/p95 of ``first_token_s`` or ``answer_s`` over the answered questions (only those
        the model wrote, or only the others, when ``by_model`` says which)."""
        answered = [o for o in self.answered() if by_model is None or o.by_model == by_model]
        return percentiles([v for o in answered if (v := getattr(o, what)) is not None], (50, 95))

    def row(self, base: Run) -> list[Any]:
        """A row of the results table, with ratios against ``base``."""
        first, whole = self.p("first_token_s"), self.p("answer_s")
        refused = Counter(o.refused for o in self.outcomes if o.refused)
        errors = Counter(o.error for o in self.outcomes if o.error)
        return [
            self.workers,
            self.readers,
            len(self.answered()),
            self.per_minute(),
            sum(o.by_model for o in self.outcomes),
            first["p50"],
            first["p95"],
            self.p("first_token_s", by_model=True)["p95"],
            self.p("first_token_s", by_model=False)["p95"],
            whole["p50"],
            whole["p95"],
            _counted(refused),
            sum(o.fallback for o in self.outcomes),
            _counted(errors),
            _ratio(self.per_minute(), base.per_minute()),
            _ratio(first["p50"], base.p("first_token_s")["p50"]),
            _ratio(whole["p50"], base.p("answer_s")["p50"]),
            self.load,
        ]


def _counted(counts: Counter[str]) -> str:
    detail = ", ".join(f"{k}×{v}" for k, v in counts.most_common())
    return f"{sum(counts.values())}" + (f" ({detail})" if detail else "")


def _ratio(value: float, base: float) -> float:
    return value / base if base and base == base and value == value else float("nan")


def calibration_questions() -> list[str]:
    """The first-turn questions of evaluation/data/calibration.jsonl, the languages in turn."""
    rows = [json.loads(line) for line in CALIBRATION.read_text(encoding="utf-8").splitlines() if line.strip()]
    first = [r for r in rows if not r.get("history")]
    return [r["question"] for r in mixed(first, len(first))]


def model_questions(questions: list[str]) -> list[str]:
    """The questions only the model answers: English and Russian ones asking for no date, place,
    number or name (on the local backend the rules answer those, and Bulgarian is quoted)."""
    from rag import facts, language

    return [q for q in questions if not facts.kind(q) and language.detect(q) != "bg"]


async def ask(client: httpx.AsyncClient, question: str, backend: str | None = None) -> Outcome:
    """One question on ``/api/ask/stream``, timed to its first ``token`` and its ``answer`` event."""
    out = Outcome()
    sent = time.perf_counter()
    event = ""
    body = {"question": question} | ({"backend": backend} if backend else {})
    try:
        async with client.stream("POST", "/api/ask/stream", json=body) as response:
            if response.status_code != 200:
                body = (await response.aread()).decode(errors="replace")
                _refused_or_error(out, response.status_code, body)
                return out
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data = json.loads(line[5:])
                    if event == "token" and out.first_token_s is None:
                        out.first_token_s = time.perf_counter() - sent
                    elif event == "answer":
                        out.answer_s = time.perf_counter() - sent
                        out.fallback = data.get("notice", "") in FALLBACKS
                        out.by_model = data.get("backend") == "local"
                    elif event == "error":
                        _refused_or_error(out, int(data.get("status") or 0), json.dumps(data), data)
    except (httpx.HTTPError, json.JSONDecodeError) as err:
        out.error = type(err).__name__
    if not out.error and not out.refused and out.answer_s is None:
        out.error = "no answer event"
    return out


def _refused_or_error(out: Outcome, status: int, body: str, data: dict[str, Any] | None = None) -> None:
    """A 429/503 with a JSON message is a refusal (handled); anything else is an error."""
    try:
        data = data if data is not None else json.loads(body)
    except json.JSONDecodeError:
        data = {}
    if status in REFUSED and isinstance(data, dict) and str(data.get("message", "")).strip():
        out.refused = f"{status} {data.get('error', '')}".strip()
    else:
        out.error = f"HTTP {status} {data.get('error', '') if isinstance(data, dict) else ''}".strip()


async def drive(urls: list[str], readers: int, duration: float, questions: Iterator[str]) -> Run:
    """``readers`` closed-loop readers, reader ``i`` on ``urls[i % len(urls)]``, for ``duration`` s."""
    run = Run(len(urls), readers)
    # a client (and connection) per reader, as separate readers have; made before the clock starts
    pool = [httpx.AsyncClient(base_url=urls[i % len(urls)], timeout=900, verify=_TLS) for i in range(readers)]

    async def reader(client: httpx.AsyncClient) -> None:
        async with client:
            while time.perf_counter() < deadline:
                outcome = await ask(client, next(questions))
                run.outcomes.append(outcome)
                if outcome.refused:  # as a reader told "busy" would, wait a moment before asking again
                    await asyncio.sleep(1.0)

    started = time.perf_counter()
    deadline = started + duration
    await asyncio.gather(*(reader(client) for client in pool))
    run.seconds = time.perf_counter() - started
    run.load = load()
    return run


@dataclass
class Probe:
    """Answers without a model asked while ``model_readers`` readers keep the model busy."""

    model_readers: int
    model: Run  # what the model readers got
    quick: list[Outcome] = field(default_factory=list)
    in_flight: list[int] = field(default_factory=list)  # model answers in flight as each was asked


async def probe(
    url: str, model_readers: int, duration: float, slow: Iterator[str], quick: Iterator[str]
) -> Probe:
    """``model_readers`` closed-loop readers asking questions only the model answers, and one
    reader asking extractive questions (``backend: extractive``) on the same worker meanwhile."""
    out = Probe(model_readers, Run(1, model_readers))
    busy = 0
    clients = [httpx.AsyncClient(base_url=url, timeout=900, verify=_TLS) for _ in range(model_readers + 1)]

    async def model_reader(client: httpx.AsyncClient) -> None:
        nonlocal busy
        async with client:
            while time.perf_counter() < deadline:
                busy += 1
                try:
                    out.model.outcomes.append(await ask(client, next(slow)))
                finally:
                    busy -= 1

    async def quick_reader(client: httpx.AsyncClient) -> None:
        async with client:
            await asyncio.sleep(min(10.0, duration / 4))  # until every model reader is waiting or answered
            while time.perf_counter() < deadline:
                out.in_flight.append(busy)
                out.quick.append(await ask(client, next(quick), backend="extractive"))
                await asyncio.sleep(0.2)  # a reader every few tenths of a second, not a flood

    started = time.perf_counter()
    deadline = started + duration
    await asyncio.gather(*(model_reader(c) for c in clients[:-1]), quick_reader(clients[-1]))
    out.model.seconds = time.perf_counter() - started
    out.model.load = load()
    return out


def worker_env(chroma_port: int, llm_url: str, parallel: int) -> dict[str, str]:
    """The settings every process of the topology shares (each worker adds its own data dir)."""
    return {
        "ARTICLE_QA_CHROMA_HOST": "127.0.0.1",
        "ARTICLE_QA_CHROMA_PORT": str(chroma_port),
        "ARTICLE_QA_LLM_SERVER_URL": llm_url,
        "ARTICLE_QA_BACKEND": "local",
        "ARTICLE_QA_MODEL_PARALLEL": str(parallel),
        "ARTICLE_QA_RATE_LIMIT_PER_MINUTE": "0",
        "ARTICLE_QA_QUEUE_SIZE": "64",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
    }


def build_index(root: Path, env: dict[str, str]) -> None:
    """``article-qa index build`` into the Chroma server, once."""
    command = [str(Path(sys.executable).with_name("article-qa")), "index", "build"]
    done = subprocess.run(
        command, env={**os.environ, **env, "ARTICLE_QA_DATA_DIR": str(root / "builder")}, capture_output=True
    )
    if done.returncode != 0:
        raise RuntimeError("article-qa index build failed:\n" + done.stderr.decode(errors="replace")[-2000:])


def start_workers(root: Path, env: dict[str, str], n: int) -> list[dict[str, Any]]:
    """``n`` workers, each started once the one before is ready and has written its suggestions.

    One after another: a worker's warm-up asks the model server to evaluate the fixed prompt
    prefix, and a second one started at once waits behind that evaluation (llama.cpp starts no
    task while it decodes), which on a busy machine outlasts ``ARTICLE_QA_LLM_TIMEOUT_S``; once
    the prefix is in the server's cache the next worker's warm-up is instant.
    """
    servers: list[dict[str, Any]] = []
    try:
        for i in range(n):
            data_dir = root / f"worker-{i + 1}"
            servers.append(serve_once(data_dir, env, keep=True))
            # once ready it asks its suggested questions (no model): let that end before measuring
            deadline = time.monotonic() + 300
            while (
                not (data_dir / "suggestions" / f"{ARTICLE_ID}.json").exists() and time.monotonic() < deadline
            ):
                time.sleep(0.5)
    except BaseException:  # no worker left running behind a failed start
        for server in servers:
            stop(server["proc"])
        raise
    return servers


def main() -> None:
    """Run the benchmark, print its table and write it to bench/RESULTS.md."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of questions per run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="app worker counts")
    parser.add_argument("--readers", type=int, nargs="+", default=[1, 4, 16], help="concurrent readers")
    parser.add_argument("--parallel", type=int, default=2, help="model server slots (and each worker's)")
    parser.add_argument("--threads", type=int, default=2, help="model server threads")
    parser.add_argument(
        "--cache-ram", type=int, default=0, help="MiB of earlier prompts the model server keeps"
    )
    parser.add_argument("--model", type=Path, help="GGUF file (default: the packaged model)")
    args = parser.parse_args()
    if min(args.workers + args.readers) < 1 or args.duration <= 0:
        parser.error("--workers, --readers and --duration must be > 0")
    command = "python bench/scaleout.py" + "".join(f" {a}" for a in sys.argv[1:])
    report = Report("scaleout", "Scale-out: app workers over one Chroma server and one model server", command)
    questions = calibration_questions()
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp, _chroma(Path(tmp) / "chroma", server=True) as store:
        root = Path(tmp)
        model = args.model or _packaged_model(root)
        llm = LocalServer(
            model, args.threads, 2048, args.parallel, cache_ram_mib=args.cache_ram, log_file=root / "llm.log"
        )
        servers: list[dict[str, Any]] = []
        try:
            llm.ensure()
            env = worker_env(store.chroma_port, llm.base_url, args.parallel)
            build_index(root, env)
            servers = start_workers(root, env, max(args.workers))
            urls = [s["url"] for s in servers]
            warm_slots(llm.base_url, args.parallel)
            asyncio.run(_warm(urls, questions[-1]))
            for workers in sorted(args.workers):
                for readers in sorted(args.readers):
                    run = asyncio.run(
                        drive(urls[:workers], readers, args.duration, itertools.cycle(questions))
                    )
                    runs.append(run)
                    print(
                        f"{workers} worker(s), {readers} reader(s): {len(run.answered())} answered in "
                        f"{run.seconds:.0f} s, {sum(o.error != '' for o in run.outcomes)} errors"
                    )
            probed = asyncio.run(
                probe(
                    urls[0],
                    4,
                    args.duration,
                    itertools.cycle(model_questions(questions)),
                    itertools.cycle(questions),
                )
            )
            print(
                f"probe: {len(probed.quick)} extractive answers beside {probed.model_readers} model readers"
            )
            # LocalServer keeps its process to itself; its pid is read here for the RSS line only
            memory = [rss_mb(llm._process.pid)[1] if llm._process else 0.0]
            memory += [rss_mb(s["proc"].pid)[1] for s in servers]
        finally:
            for server in servers:
                stop(server["proc"])
            llm.stop()
    _write(report, args, runs, memory, probed)


def _packaged_model(root: Path) -> Path:
    from rag.local_model import assemble_model, model_available

    if not model_available():
        sys.exit("needs article-qa[local] (xllamacpp and the model's packages), or --model FILE")
    return assemble_model(model_cache(root / "model"))


def warm_slots(base_url: str, slots: int) -> None:
    """Have every slot of the model server evaluate the fixed prompt prefix, one after another."""
    messages = convert_to_openai_messages(fixed_messages())
    for slot in range(slots):
        body = {"messages": messages, "max_tokens": 1, "id_slot": slot, "cache_prompt": True}
        httpx.post(f"{base_url}/chat/completions", json=body, timeout=900).raise_for_status()


async def _warm(urls: list[str], question: str) -> None:
    """One question per worker, not counted (the first one pays for loading what is lazy)."""
    for url in urls:
        async with httpx.AsyncClient(base_url=url, timeout=900, verify=_TLS) as client:
            await ask(client, question)


def _write(
    report: Report, args: argparse.Namespace, runs: list[Run], memory: list[float], probed: Probe
) -> None:
    base = next((r for r in runs if (r.workers, r.readers) == (1, 1)), runs[0])
    report.line(
        f"One `chroma run` server, one llama.cpp server (`--parallel {args.parallel} --threads "
        f"{args.threads} --cache-ram {args.cache_ram}`, the packaged model), up to "
        f"{max(args.workers)} `article-qa serve` workers "
        f"(`ARTICLE_QA_MODEL_PARALLEL={args.parallel}` each, rate limit off), all on this machine. "
        f"Closed-loop readers on `/api/ask/stream` (local backend), {args.duration:.0f} s per run plus "
        "the answers in flight at the end, the same calibration questions (languages in turn) "
        "in every run; reader *i* asks worker *i* mod *workers* (no reverse proxy). Times in "
        'seconds from the request, over all answers ("by the model": answers in the model\'s '
        "words; the others are rule-read facts, quotes for Bulgarian readers and abstentions, "
        "which never wait in the model's line, or the article's sentences where the model's "
        "were rejected, which did); ratios (×) "
        f"against the {base.workers}-worker, {base.readers}-reader run."
    )
    report.line()
    report.table(HEADER, [run.row(base) for run in runs])
    report.line(
        "Refused (handled): 429/503 with a JSON message. Model fallbacks: answered from the "
        "article's sentences with a notice because the model server failed or was too slow. "
        "Errors: anything else."
    )
    quick = percentiles([o.answer_s * 1000 for o in probed.quick if o.answer_s is not None], (50, 95, 99))
    flight = sorted(probed.in_flight) or [0]
    model = probed.model.answered()
    report.line(
        f"Beside the model: on worker 1, {probed.model_readers} readers asking only questions the "
        f"model answers (English and Russian what / why) for {args.duration:.0f} s, and one reader "
        f"asking extractive questions meanwhile: {len(probed.quick)} extractive answers, whole answer "
        f"p50 {quick['p50']:.0f} ms, p95 {quick['p95']:.0f} ms, p99 {quick['p99']:.0f} ms, with "
        f"{flight[len(flight) // 2]} model answers in flight at the median (min {flight[0]}, max "
        f"{flight[-1]}); {sum(o.error != '' for o in probed.quick)} errors. The model readers got "
        f"{len(model)} answers ({sum(o.by_model for o in model)} in the model's words)."
    )
    report.line()
    worker_mb = ", ".join(f"{mb:.0f}" for mb in memory[1:])
    report.line(f"Peak RSS: model server {memory[0]:.0f} MB; workers {worker_mb} MB.")
    report.line()
    report.write()


if __name__ == "__main__":
    main()
