"""Prompt layouts for the local model: time to first token (TTFT), decode speed and answers.

    python bench/local_model.py [--questions 5] [--max-tokens 64] [--skip-cold-article]

At the model level (``LocalModel.stream_chat``, no pipeline), for the same questions:

- (a) article: the system message holds the rules and the whole article (numbered paragraphs);
  its evaluated state is cached and saved to disk, so a question costs only its own tokens.
- (b) passages: the fixed messages (rules, worked examples) are cached; the user message
  carries the three retrieved passages whole.
- (c) evidence, what the pipeline sends: as (b), but only the passages' best sentences.
- no cache: (b) and (c) evaluated from scratch for every question, and (a) once (minutes).

Passages come from BM25 over the question's gold evidence, so retrieval is never the weak
link: the differences are the prompt's. Writes its tables to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import prompts
from bench.common import Report, mixed, percentiles, questions
from evaluation.metrics import contains_answer
from rag import prompting
from core.articles import default_article, paragraphs
from rag.bm25 import BM25
from index.chunking import chunk_article
from index.embeddings import make_embedder
from rag.extractive import SentenceRanker
from rag.language import name as language_name
from rag.local_model import GenerationStats, LocalModel, assemble_model, to_role_dicts
from core.settings import Settings
from core.types import Article, Passage

WHOLE_ARTICLE_CTX = 8192  # layout (a) holds the whole article (~6,500 tokens)

Messages = list[dict[str, str]]


@dataclass
class Run:
    """One strategy's answers and what each cost."""

    name: str
    stats: list[GenerationStats] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    correct: list[float] = field(default_factory=list)

    def row(self) -> list[object]:
        """TTFT p50/p95, decode tokens/s, prompt tokens (evaluated), answers right."""
        ttft = percentiles([s.ttft_s for s in self.stats], (50, 95))
        rates = [
            (s.completion_tokens - 1) / (s.total_s - s.ttft_s)
            for s in self.stats
            if s.completion_tokens > 1 and s.total_s > s.ttft_s
        ]
        evaluated = [s for s in self.stats if s.prompt_eval_s > 0]
        speeds = [s.prompt_tokens_evaluated / s.prompt_eval_s for s in evaluated]
        return [
            self.name,
            ttft["p50"],
            ttft["p95"],
            statistics.median(rates) if rates else float("nan"),
            statistics.median(s.prompt_tokens for s in self.stats),
            statistics.median(s.prompt_tokens_evaluated for s in self.stats),
            statistics.median(speeds) if speeds else float("nan"),
            f"{sum(self.correct):.0f}/{len(self.correct)}",
        ]


def article_system(article: Article) -> str:
    """Layout (a)'s fixed system message: the rules, then the whole article."""
    text = article.text
    numbered = "\n".join(f"[{p.n}] {text[p.start : p.end]}" for p in paragraphs(text))
    return (
        prompts.render("system")
        + f'\nThe sources are the numbered paragraphs of the article "{article.title}":\n'
        + numbered
    )


def article_messages(article: Article, question: str, language: str) -> Messages:
    """Layout (a): the fixed system message and a question-only user message."""
    user = f"Question: {question}\nAnswer in {language_name(language)}."
    return [
        {"role": "system", "content": article_system(article)},
        {"role": "user", "content": user},
    ]


def ask(
    model: LocalModel,
    run: Run,
    rows: list[dict],
    build: Callable[[dict], Messages],
    max_tokens: int,
    cold: bool = False,
) -> Run:
    """Ask every question; ``cold`` forgets the evaluated context before each one."""
    for row in rows:
        messages = build(row)
        if cold:
            model.forget()
        answer = "".join(model.stream_chat(messages, max_tokens=max_tokens)).strip()
        assert model.last_stats is not None
        run.stats.append(model.last_stats)
        run.answers.append(answer.replace("\n", " "))
        run.correct.append(contains_answer(answer, row["answers"]))
        print(f"  {run.name} · {row['id']}: TTFT {run.stats[-1].ttft_s:.1f} s")  # progress
    return run


def main() -> None:
    """Run the benchmark, print its tables and write them to bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--skip-cold-article", action="store_true", help="skip (a) from scratch")
    args = parser.parse_args()
    report = Report(
        "local_model",
        "Local model: prompt layouts, TTFT and decode speed",
        "python bench/local_model.py",
    )
    settings = Settings.from_env()
    article = default_article()
    bm25 = BM25(chunk_article(article, settings.chunk_tokens, settings.chunk_overlap))
    ranker = SentenceRanker(make_embedder(settings.embedder))
    rows = mixed([r for r in questions(answerable=True) if r["evidence"]], args.questions)

    def passages(row: dict) -> list[Passage]:
        hits = bm25.search(row["evidence"][0], settings.top_k)
        return [Passage.from_chunk(i + 1, chunk, score) for i, (chunk, score) in enumerate(hits)]

    def build(layout: str) -> Callable[[dict], Messages]:
        def messages(row: dict) -> Messages:
            found = passages(row)
            picks = ranker.rank(row["question"], found) if layout == "evidence" else []
            question, language = row["question"], row["language"]
            prompt = prompting.build(layout, article, question, language, found, picks)
            return to_role_dicts(prompt.messages)

        return messages

    started = time.perf_counter()
    path = assemble_model(settings.cache_dir)
    assembled_s = time.perf_counter() - started
    started = time.perf_counter()
    state_dir = settings.cache_dir / "states"
    model = LocalModel(path, n_ctx=WHOLE_ARTICLE_CTX, state_dir=state_dir)
    loaded_s = time.perf_counter() - started
    report.line(f"Model file ready in {assembled_s:.1f} s, loaded in {loaded_s:.1f} s.")
    article_tokens = len(model.tokenize(article.text))
    report.line(f"Article: {len(article.text):,} characters, {article_tokens:,} model tokens.")

    a_prefix = article_messages(article, "", "en")[:1]
    model.warm(a_prefix)
    warm = model.last_warm
    assert warm is not None
    report.line(f"(a) prefix: {warm.prefix_tokens:,} tokens, {warm.source} in {warm.seconds:.1f} s")
    if warm.source == "computed":  # what a restart costs: load the state just saved
        model.close()
        model = LocalModel(path, n_ctx=WHOLE_ARTICLE_CTX, state_dir=state_dir)
        model.warm(a_prefix)
        warm = model.last_warm
        assert warm is not None
    if warm.state_file is not None and warm.state_file.exists():
        size = warm.state_file.stat().st_size / 1e6
        report.line(f"(a) state file: {size:.0f} MB, {warm.source} in {warm.seconds:.2f} s.")
    report.line()

    def whole_article(row: dict) -> Messages:
        return article_messages(article, row["question"], row["language"])

    n = args.max_tokens
    runs = [ask(model, Run("(a) article, prefix cached"), rows, whole_article, n)]
    model.warm(to_role_dicts(prompting.fixed_messages()))
    runs.append(ask(model, Run("(b) passages, prefix cached"), rows, build("passages"), n))
    runs.append(ask(model, Run("(c) evidence, prefix cached"), rows, build("evidence"), n))
    runs.append(ask(model, Run("(b) passages, no cache"), rows, build("passages"), n, cold=True))
    runs.append(ask(model, Run("(c) evidence, no cache"), rows, build("evidence"), n, cold=True))
    if not args.skip_cold_article:
        cold_a = Run("(a) article, no cache (1 question)")
        runs.append(ask(model, cold_a, rows[:1], whole_article, n, cold=True))
    model.close()

    report.line(f"{len(rows)} answerable gold questions (languages in turn), greedy, ≤ {n} tokens.")
    report.line()
    report.table(
        [
            "strategy",
            "TTFT p50 s",
            "TTFT p95 s",
            "decode tok/s",
            "prompt tok",
            "evaluated tok",
            "prompt tok/s",
            "right",
        ],
        [run.row() for run in runs],
    )
    p50 = {run.name: percentiles([s.ttft_s for s in run.stats], (50,))["p50"] for run in runs}
    a, b, c = (p50[run.name] for run in runs[:3])
    ratios = [
        f"(b)/(a) {b / a:.1f}×",
        f"(c)/(a) {c / a:.1f}×",
        f"(b) no cache/cached {p50[runs[3].name] / b:.1f}×",
        f"(c) no cache/cached {p50[runs[4].name] / c:.1f}×",
    ]
    if len(runs) > 5:
        ratios.append(f"(a) no cache/cached {p50[runs[5].name] / a:.0f}×")
    report.line("TTFT p50 ratios: " + " · ".join(ratios))
    report.line()
    report.line("Answers:")
    report.line()
    for i, row in enumerate(rows):
        report.line(f"- [{row['language']}] {row['question']} (gold: {row['answers'][0]})")
        for run in runs:
            if i < len(run.answers):
                report.line(f"  - {run.name}: {run.answers[i]}")
    report.write()


if __name__ == "__main__":
    main()
