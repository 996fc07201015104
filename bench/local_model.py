"""Time to first token (TTFT) and decode speed of the local model, per prompt layout.

    python bench/local_model.py [--questions 5] [--max-tokens 64] [--skip-cold-article]

- (a) article: the system message holds the rules and the whole article; its evaluated state
  is cached (and saved to disk); each question adds only its own user message.
- (b) passages: the system message holds the rules (cached); the user message carries three
  retrieved passages (BM25 on the gold evidence, so retrieval is never the weak link).
- no cache: layout (b) evaluated from scratch for every question, and layout (a) once from
  scratch (minutes: the whole article is evaluated).

Also prints the article's size in model tokens, the saved state's size and load time, and
each answer, so that quality can be compared by eye.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine, percentiles, questions
from rag import prompting
from rag.articles import default_article
from rag.bm25 import BM25
from rag.chunking import chunk_article
from rag.local_model import GenerationStats, LocalModel, assemble_model, to_role_dicts
from rag.settings import Settings
from rag.types import Article, Passage


@dataclass
class Run:
    """The stats and answers of one strategy."""

    name: str
    stats: list[GenerationStats]
    answers: list[str]

    def ttft(self) -> dict[str, float]:
        """TTFT percentiles in seconds."""
        return percentiles([s.ttft_s for s in self.stats], (50, 95))

    def decode_tok_s(self) -> float:
        """Median tokens/s after the first token."""
        rates = [
            (s.completion_tokens - 1) / (s.total_s - s.ttft_s)
            for s in self.stats
            if s.completion_tokens > 1 and s.total_s > s.ttft_s
        ]
        return statistics.median(rates) if rates else float("nan")

    def line(self) -> str:
        """One row of the results table."""
        t = self.ttft()
        evaluated = statistics.median(s.prompt_tokens_evaluated for s in self.stats)
        prompt = statistics.median(s.prompt_tokens for s in self.stats)
        speeds = [
            s.prompt_tokens_evaluated / s.prompt_eval_s for s in self.stats if s.prompt_eval_s
        ]
        pp = statistics.median(speeds) if speeds else float("nan")
        return (
            f"{self.name:<34} TTFT p50 {t['p50']:6.2f} s  p95 {t['p95']:6.2f} s  "
            f"decode {self.decode_tok_s():5.1f} tok/s  prompt {prompt:5.0f} tok "
            f"(evaluated {evaluated:5.0f}, {pp:5.1f} tok/s)"
        )


def passages_for(bm25: BM25, row: dict, k: int) -> list[Passage]:
    """The top-k chunks for the question's gold evidence, numbered from 1."""
    hits = bm25.search(row["evidence"][0] if row["evidence"] else row["question"], k)
    return [Passage.from_chunk(i + 1, chunk, score) for i, (chunk, score) in enumerate(hits)]


def ask(
    model: LocalModel,
    layout: str,
    article: Article,
    rows: list[dict],
    bm25: BM25,
    max_tokens: int,
    cold: bool = False,
) -> Run:
    """Ask every question in one layout; ``cold`` forgets the context before each."""
    run = Run(f"({'a' if layout == 'article' else 'b'}) {layout}", [], [])
    for row in rows:
        passages = passages_for(bm25, row, 3)
        prompt = prompting.build(layout, article, row["question"], row["language"], passages)
        if cold:
            model.forget()
        answer = "".join(model.stream_chat(to_role_dicts(prompt.messages), max_tokens=max_tokens))
        assert model.last_stats is not None
        run.stats.append(model.last_stats)
        run.answers.append(answer.strip().replace("\n", " "))
    return run


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--skip-cold-article", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env()
    article = default_article()
    chunks = chunk_article(article, settings.chunk_tokens, settings.chunk_overlap)
    bm25 = BM25(chunks)
    gold = questions(answerable=True)
    english = [r for r in gold if r["language"] == "en"]
    bulgarian = [r for r in gold if r["language"] == "bg"]
    rows = [r for pair in zip(english, bulgarian, strict=False) for r in pair][: args.questions]

    print(f"# local model benchmark — {machine()}")
    started = time.perf_counter()
    path = assemble_model(settings.cache_dir)
    print(f"model file ready in {time.perf_counter() - started:.1f} s: {path}")
    state_dir = settings.cache_dir / "states"

    def load() -> LocalModel:
        started = time.perf_counter()
        model = LocalModel(path, n_ctx=settings.model_ctx, state_dir=state_dir)
        print(f"model loaded in {time.perf_counter() - started:.1f} s")
        return model

    model = load()
    print(f"article: {len(article.text)} chars, {len(model.tokenize(article.text))} model tokens")
    article_prefix = to_role_dicts(prompting.build("article", article, "", "en", []).messages[:1])
    model.warm(article_prefix)
    warm = model.last_warm
    assert warm is not None
    print(
        f"(a) prefix: {warm.prefix_tokens} tokens, {warm.source} in {warm.seconds:.1f} s"
        + (f" ({warm.prefix_tokens / warm.seconds:.1f} tok/s)" if warm.source == "computed" else "")
    )
    if warm.source == "computed":  # show what a restart costs
        model.close()
        model = load()
        model.warm(article_prefix)
        warm = model.last_warm
        assert warm is not None
    if warm.state_file is not None and warm.state_file.exists():
        size = warm.state_file.stat().st_size / 1e6
        print(f"(a) state file {size:.0f} MB, {warm.source} in {warm.seconds:.2f} s")

    runs = [ask(model, "article", article, rows, bm25, args.max_tokens)]
    passages_prefix = to_role_dicts(prompting.build("passages", article, "", "en", []).messages[:1])
    model.warm(passages_prefix)
    runs.append(ask(model, "passages", article, rows, bm25, args.max_tokens))
    cold = ask(model, "passages", article, rows, bm25, args.max_tokens, cold=True)
    cold.name = "no cache, (b) passages"
    runs.append(cold)
    if not args.skip_cold_article:
        cold_a = ask(model, "article", article, rows[:1], bm25, args.max_tokens, cold=True)
        cold_a.name = "no cache, (a) article (1 question)"
        runs.append(cold_a)
    model.close()

    print()
    for run in runs:
        print(run.line())
    p50 = {run.name: run.ttft()["p50"] for run in runs}
    a, b = p50[runs[0].name], p50[runs[1].name]
    print(
        f"\nTTFT p50 ratios: (b)/(a) {b / a:.1f}x · no-cache (b)/(b) {p50[cold.name] / b:.1f}x",
        end="",
    )
    if len(runs) > 3:
        print(f" · no-cache (a)/(a) {p50[runs[3].name] / a:.0f}x")
    else:
        print()
    print()
    for i, row in enumerate(rows):
        print(f"Q [{row['language']}] {row['question']}  (gold: {row['answers'][0]})")
        for run in runs:
            if i < len(run.answers):
                print(f"  {run.name:<34} {run.answers[i]}")


if __name__ == "__main__":
    main()
