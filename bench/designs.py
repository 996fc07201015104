"""Answer-stage designs side by side, on the same questions, in one run.

    python bench/designs.py [--every 2] [--split calibration]

1. **no model**: the evidence stage's fact in the reader's language (date, place, number:
   translated by rules), else the best sentences quoted after a lead-in (backend extractive);
2. **sentence + model**: the local model writes from the best sentences only (~120 tokens),
   every sentence checked before it is shown (``ARTICLE_QA_LOCAL_LAYOUT=sentence``);
3. **passage + model**: the local model writes from the best passage whole, put first so its
   evaluated state is saved and restored by llama.cpp's server, plus near-best sentences of the
   other passages (``ARTICLE_QA_LOCAL_LAYOUT=passage``), for every question;
4. **facts first, then passage + model** (``Tuning.facts_first``): a date, place, number or
   name the rules read from the best sentence is the answer, as in design 1; only the other
   questions go to the model, as in design 3;
5. **facts first, the article's own words for its own language, the model for the rest**
   (``Tuning.facts_first`` and ``Tuning.quote_own_language``): as 4, but a reader who asks
   in the article's language gets its sentence quoted (design 1); the model only translates;
6. **as 5, Russian readers quoted too** (``Tuning.quote_languages``): a reader
   asking in Russian gets the article's sentence after a Russian lead-in, as in design 1: the
   small model's Russian is the article's Bulgarian words with Russian endings;
7. **as 6, a Russian "which X" told the article's phrase, translated** (the default,
   ``Tuning.phrase_languages``): the model translates only the few words that answer
   (`rag/phrases.py`), shown when every word keeps its cognate; else the quote of design 6;
8. **naive LangChain chain**: RecursiveCharacterTextSplitter (1000/200), langchain-chroma with
   the same embeddings, similarity_search (k=4), LangChain's "stuff" prompt, the same model
   behind the same llama.cpp server, no checks.

Scores come from ``evaluation`` (the same metrics as ``article-qa eval``), on the calibration
split by default: designs are chosen on it, the test split only gates. Writes the table to
bench/RESULTS.md ("designs").
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Report, model_cache
from core.articles import default_article
from core.settings import Settings, Tuning
from evaluation import dataset, runner, scoring
from evaluation.dataset import Example
from evaluation.targets import InProcess
from rag.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
K = 3
LANGUAGES = ("en", "bg", "ru")
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
    """Run every design on the same questions, print the table and write it to RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="calibration", choices=("calibration", "test"))
    parser.add_argument("--every", type=int, default=1, help="every k-th question (speed)")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--only", nargs="*", default=[], help="designs whose name has one of these words")
    args = parser.parse_args()
    path = ROOT / "evaluation" / "data" / f"{args.split}.jsonl"
    examples = dataset.load(path, default_article().text)[:: args.every]
    report = Report("designs", "Answer-stage designs side by side", "python bench/designs.py")
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        model_cache(data)
        for name, layout, backend, first, quote, quoted, phrased in (
            ("no model (facts + quotes)", "passage", "extractive", True, True, (), ()),
            ("sentence + model", "sentence", "local", False, False, (), ()),
            ("passage + model (cached state)", "passage", "local", False, False, (), ()),
            ("facts first, then passage + model", "passage", "local", True, False, (), ()),
            ("facts first, own language quoted, model translates", "passage", "local", True, True, (), ()),
            ("as 5, Russian readers quoted too", "passage", "local", True, True, ("ru",), ()),
            ("as 6, Russian which-X phrases translated", "passage", "local", True, True, ("ru",), ("ru",)),
        ):
            if args.only and not any(word in name for word in args.only):
                continue
            tuning = replace(
                Tuning(),
                facts_first=first,
                quote_own_language=quote,
                quote_languages=quoted,
                phrase_languages=phrased,
            )
            settings = Settings.from_env().with_(data_dir=data, local_layout=layout, tuning=tuning)
            pipeline = Pipeline(settings)
            pipeline.warm_up(load_model=backend != "extractive")
            out = data / f"run-{len(results)}"
            out.mkdir()
            config = {"k": K, "backend": backend, "layout": layout}
            run = runner.run(examples, InProcess(pipeline, backend, None), out, config, progress=False)
            results[name] = scoring.summarize(run.rows, K)
            print(name, _line(results[name]), flush=True)
            if backend == "local":
                pipeline.backends.get("local").server.stop()  # type: ignore[union-attr]
        if not args.skip_naive:
            results["naive LangChain chain"] = naive(examples, data)
            print("naive", _line(results["naive LangChain chain"]), flush=True)
    _table(report, results, examples, args.split)
    report.write()


def _line(summary: dict[str, Any]) -> str:
    m = summary["metrics"]
    return f"accuracy {m['answer_accuracy']:.3f} language {m['answer_language']:.3f}"


def naive(examples: list[Example], data: Path) -> dict[str, Any]:
    """The naive chain on the same questions; scored by the same functions (no citations)."""
    from langchain_chroma import Chroma
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    pipeline = Pipeline(Settings.from_env().with_(data_dir=data))
    llm = pipeline.backends.get("local")
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
    docs = splitter.create_documents([default_article().text])
    store = Chroma.from_documents(
        docs, pipeline.embedder, collection_name="naive", persist_directory=str(data / "n")
    )
    prompt = ChatPromptTemplate.from_messages([("system", STUFF_SYSTEM), ("human", "{question}")])
    rows = []
    for e in examples:
        started, first, text = time.perf_counter(), 0.0, ""
        found = store.similarity_search(e.question)
        context = "\n\n".join(d.page_content for d in found)
        for piece in llm.stream(prompt.format_messages(context=context, question=e.question)):
            first = first or time.perf_counter() - started
            text += piece
        total = time.perf_counter() - started
        spans = [
            (int(d.metadata["start_index"]), int(d.metadata["start_index"]) + len(d.page_content))
            for d in found
        ]
        abstained = bool(DONT_KNOW.search(text))
        rows.append(
            {
                "id": e.id,
                "language": e.language,
                "answerable": e.answerable,
                "abstained": abstained,
                "scores": scoring.score(e, text, abstained, spans, [], K),
                "timings": {
                    "retrieval_ms": 0.0,
                    "first_token_ms": (first or total) * 1000,
                    "total_ms": total * 1000,
                },
            }
        )
    llm.server.stop()  # type: ignore[union-attr]
    return scoring.summarize(rows, K)


def _table(report: Report, results: dict[str, dict[str, Any]], examples: list[Example], split: str) -> None:
    counts = ", ".join(f"{lang} {sum(e.language == lang for e in examples)}" for lang in LANGUAGES)
    silent = sum(not e.answerable for e in examples)
    report.line(
        f"{len(examples)} questions of the {split} split ({counts}; {silent} unanswerable), the same "
        "local model (Qwen2.5-Coder-1.5B Q4_K_M) behind the same llama.cpp server, greedy decoding."
    )
    report.line()
    header = ["design", *(f"accuracy {lang}" for lang in LANGUAGES), "answer language", "citation precision"]
    header += ["abstention recall", "false refusals", "first token p50 s", "whole answer p50 s"]
    rows = []
    for name, summary in results.items():
        m, by = summary["metrics"], summary["by_language"]
        rows.append(
            [
                name,
                *(by.get(lang, {}).get("answer_accuracy") for lang in LANGUAGES),
                m["answer_language"],
                m["citation_precision"],
                m["abstention_recall"],
                m["false_refusal_rate"],
                (m["latency_first_token_p50_ms"] or 0) / 1000,
                (m["latency_total_p50_ms"] or 0) / 1000,
            ]
        )
    report.table(header, rows)
    report.line()
    report.line("The naive chain has no citations (its citation precision is not defined) and no checks.")


if __name__ == "__main__":
    main()
