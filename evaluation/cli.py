"""Ask a gold dataset, score the answers, write the reports, gate CI; or compare two runs.

Each finished run's summary is also kept in ARTICLE_QA_DATA_DIR/eval-runs/<article id>/, where
the editors' quality page (GET /api/admin/articles/ID/quality) shows the latest one per backend.

Metric names (for --fail-under / --fail-over, in summary.json and the reports):
  recall@K, hit@K, mrr@K    evidence spans covered by the top K passages; any covered; 1/rank
  ndcg@10                   nDCG of the evidence spans over the top 10 passages
  exact_match, f1           SQuAD-style, normalised (Cyrillic, quotes, dashes, dates, digits)
  answer_accuracy           the answer contains an acceptable answer
  citation_precision        cited quotes that overlap an evidence span
  citation_recall           evidence spans overlapped by some citation
  citation_support          statements that the spans they cite support, judged one by one by
                            the local model, ALCE-style (only with --support)
  faithfulness              LLM-judged share of supported claims (only with --judge)
  abstention_precision      abstentions that were on unanswerable questions
  abstention_recall         unanswerable questions the bot abstained on
  false_refusal_rate        answerable questions it abstained on (lower is better)
  latency_{retrieval,first_token,total}_{p50,p95}_ms                 (lower is better)
Add :LANG for one language, e.g. recall@3:bg=0.95.

Examples:
  article-qa eval evaluation/data/test.jsonl --backend extractive --out var/eval
  article-qa eval evaluation/data/test.jsonl --backend extractive --out var/eval \\
      --fail-under recall@3=0.95 --fail-under abstention_recall=0.9 --fail-over false_refusal_rate=0.05
  article-qa eval evaluation/data/test.jsonl --target http://127.0.0.1:7860 --out var/eval-server
  article-qa eval evaluation/data/test.jsonl --backend local --out var/eval-local --resume
  article-qa eval compare var/eval var/eval-local
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.articles import DEFAULT_ARTICLE_ID
from core.errors import ArticleQAError
from core.settings import BACKENDS, Settings
from evaluation import dataset, gates, html_report, report, runner, runs, scoring


class UsageError(ValueError):
    """Arguments that do not make a run (shown as one line, exit code 2)."""


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Run a dataset through the pipeline (or a server), write the reports, apply the gates."""
    if args.dataset == "compare":
        return cmd_compare(args)
    if args.extra:
        raise UsageError(f"unexpected arguments: {' '.join(args.extra)}")
    if not args.out:
        raise UsageError("--out DIR is required: where results.jsonl and the reports go")
    if args.k < 1:
        raise UsageError(f"--k must be > 0, got {args.k}")
    if args.limit is not None and args.limit < 1:
        raise UsageError(f"--limit must be > 0, got {args.limit}")
    if args.every < 1:
        raise UsageError(f"--every must be > 0, got {args.every}")
    known = scoring.metric_names(args.k, args.judge)
    floors = [gates.parse(s, known) for s in args.fail_under]
    ceilings = [gates.parse(s, known, ceiling=True) for s in args.fail_over]
    if args.backend:
        settings = settings.with_(backend=args.backend)

    pipeline = None if args.target else _pipeline(settings)
    target = _target(args, pipeline, settings)
    examples = dataset.load(Path(args.dataset), _article_text(args.article, target, pipeline))
    examples = examples[:: args.every][: args.limit]
    judge = _judge(args, pipeline, settings)
    config: dict[str, Any] = {
        "dataset": args.dataset,
        "target": args.target or "in-process",
        "backend": args.backend,
        "k": args.k,
        "article_id": args.article,
        "judge": args.judge,
        "support": args.support,
    }
    if pipeline is not None:
        from core.progress import tqdm_progress

        uses_model = (args.backend or settings.backend) != "extractive" or args.judge or args.support
        pipeline.warm_up(tqdm_progress, load_model=uses_model, passages="wait")
    out = Path(args.out)
    try:
        result = runner.run(examples, target, out, config, args.resume, judge, progress=not args.quiet)
    except KeyboardInterrupt:
        done = len(runner.read_results(out / runner.RESULTS))
        print(
            f"\narticle-qa: interrupted with {done} row(s) in {out / runner.RESULTS}; "
            "run the same command with --resume to go on",
            file=sys.stderr,
        )
        return 130
    finally:
        close = getattr(target, "close", None)
        if close:
            close()
    described = {**config, **target.describe(), "date": datetime.now(UTC).isoformat(timespec="seconds")}
    summary = report.write(out, result.rows, described)
    html_report.write(out, summary, result.rows)
    header, body = report.metric_table(summary)
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    for row in body:
        print("| " + " | ".join(row) + " |")
    print(f"\n{report.counts_line(summary['counts'])} Asked now: {result.asked}; resumed: {result.skipped}.")
    print(f"Reports: {out / report.SUMMARY}, {out / report.MARKDOWN}, {out / 'report.html'}")
    _keep(settings, summary, out)
    failed = gates.failures([*floors, *ceilings], summary)
    if failed:
        print("article-qa eval: FAILED " + str(len(failed)) + " gate(s):", file=sys.stderr)
        for line in failed:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


def _keep(settings: Settings, summary: dict[str, Any], out: Path) -> None:
    """Copy the summary into the data dir for the editors' quality page (a failure only warns)."""
    try:
        kept = runs.record(settings.data_dir, summary, out)
    except (OSError, ArticleQAError) as err:
        print(f"article-qa eval: warning: the quality page will not show this run: {err}", file=sys.stderr)
        return
    print(f"Kept for the quality page of {runs.article_of(summary)}: {kept}")


def cmd_compare(args: argparse.Namespace) -> int:
    """Print what got better or worse between two eval output directories."""
    from evaluation import compare

    if len(args.extra) != 2:
        raise UsageError("usage: article-qa eval compare DIR_A DIR_B")
    print(compare.render(Path(args.extra[0]), Path(args.extra[1])))
    return 0


def _pipeline(settings: Settings) -> Any:
    from rag.pipeline import Pipeline

    return Pipeline(settings)


def _article_text(article_id: str | None, target: Any, pipeline: Any) -> str:
    """The text that evidence offsets point into (the shipped article unless --article says)."""
    from core.articles import default_article

    if article_id in (None, DEFAULT_ARTICLE_ID):
        return default_article().text
    if pipeline is None:
        return str(target.article_text(article_id))
    pipeline.ensure_index()
    return str(pipeline.article(article_id).text)


def _target(args: argparse.Namespace, pipeline: Any, settings: Settings) -> Any:
    from evaluation.targets import Http, InProcess

    if args.target:
        return Http(args.target, args.backend, args.article, timeout_s=settings.llm_timeout_s + 60)
    return InProcess(pipeline, args.backend, args.article)


def _judge(args: argparse.Namespace, pipeline: Any, settings: Settings) -> Any:
    if not (args.judge or args.support):
        return None
    from evaluation.judge import Judge
    from rag.backends import Backends

    backends = pipeline.backends if pipeline else Backends(settings)
    return Judge.from_backends(backends, args.backend, faithful=args.judge, supports=args.support)


def register(commands: Any) -> None:
    """Add ``eval`` (and ``eval compare``) to the CLI."""
    doc = __doc__ or ""
    parser = commands.add_parser(
        "eval",
        help="evaluate answers on a gold dataset; 'eval compare A B' compares two runs",
        description=doc.split("\n\n")[0],
        epilog=doc.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="article-qa eval DATASET --out DIR [options]\n       article-qa eval compare DIR_A DIR_B",
    )
    parser.add_argument("dataset", metavar="DATASET", help="JSONL or CSV (one question per row)")
    parser.add_argument("extra", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--backend", choices=BACKENDS, help="answering backend (default: the configured one)")
    parser.add_argument("--target", metavar="URL", help="evaluate a running server (POST URL/api/ask)")
    parser.add_argument("--k", type=int, default=3, help="cut-off for recall@K, hit@K, mrr@K (default 3)")
    parser.add_argument(
        "--out", metavar="DIR", help="output directory (results.jsonl, summary.json, reports)"
    )
    parser.add_argument(
        "--fail-under",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="exit 1 if METRIC[:LANG] is below VALUE (repeatable), e.g. recall@3=0.95",
    )
    parser.add_argument(
        "--fail-over",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="exit 1 if a lower-is-better METRIC is above VALUE, e.g. false_refusal_rate=0.05",
    )
    parser.add_argument("--resume", action="store_true", help="keep DIR/results.jsonl and skip ids done")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N questions")
    parser.add_argument(
        "--every", type=int, default=1, metavar="K", help="only every K-th question (a spread-out sample)"
    )
    parser.add_argument("--article", metavar="ID", help="ask about this indexed article only")
    parser.add_argument("--judge", action="store_true", help="also score faithfulness with the LLM backend")
    parser.add_argument(
        "--support",
        action="store_true",
        help="also score citation support: each statement judged against the spans it cites (LLM)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=cmd_eval)
