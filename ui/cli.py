"""The ``article-qa`` command line: ``ask`` here; ``index``, ``serve`` and ``eval`` register
themselves from their own packages (this module sits on top of all of them). After ``index
build`` / ``index add`` the changed articles' suggested questions are generated (``ui.suggestions``).
Errors become one clear line on stderr and exit code 2.

Examples:
    article-qa ask "When was the CA–Russia summit?"
    article-qa ask "Кога беше срещата ЦА – Русия?" --json --backend extractive
    article-qa ask "And where was it held?" --history chat.json
    echo "Who wrote the article?" | article-qa ask -
    article-qa index build
    article-qa serve --port 7860
    article-qa eval evaluation/data/test.jsonl --backend extractive --out var/eval
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.articles import validate_article_id
from core.errors import ArticleQAError, InvalidQuestion
from core.progress import tqdm_progress
from core.settings import BACKENDS, Settings
from core.types import Turn
from rag.questions import clean_question

COMMAND_MODULES = ("index.cli", "ui.serve_cli", "evaluation.cli")
INDEX_CHANGES = ("build", "add")  # after these, each changed article's suggested questions are made


def quiet_third_parties() -> None:
    """No telemetry, no hub look-ups, no progress noise from libraries."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    for name in ("chromadb", "httpx", "urllib3"):
        logging.getLogger(name).setLevel(logging.WARNING)


def load_history(path: str | None) -> list[Turn]:
    """Read a chat history file: a JSON list of {role, content} objects."""
    if not path:
        return []
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ArticleQAError(f"cannot read history file {path!r}: {err}") from err
    if not isinstance(data, list) or not all(
        isinstance(t, dict) and t.get("role") in ("user", "assistant") and isinstance(t.get("content"), str)
        for t in data
    ):
        raise ArticleQAError(f"{path}: history must be a JSON list of {{role: user|assistant, content}}")
    return [Turn(t["role"], t["content"]) for t in data]


def read_question(arg: str, limit: int) -> str:
    """The question from the command line, or from standard input when it is ``-``; checked at once."""
    if arg == "-":
        raw = sys.stdin.buffer.read(4 * limit + 5)  # UTF-8 needs at most 4 bytes a character
        if len(raw) > 4 * limit + 4:
            raise InvalidQuestion(
                f"the question on standard input is over {limit:,} characters long; the limit is "
                f"{limit:,}. Please ask something shorter."
            )
        try:
            arg = raw.decode("utf-8").removesuffix("\n")
        except UnicodeDecodeError as err:
            raise InvalidQuestion(
                f"the question on standard input is not UTF-8 text (bad byte at {err.start})"
            ) from err
    return clean_question(arg, limit)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question, streaming the text (or printing the answer JSON with --json)."""
    from rag.pipeline import Pipeline

    question = read_question(args.question, settings.max_question_chars)
    history = load_history(args.history)
    if args.article is not None:
        validate_article_id(args.article)
    pipeline = Pipeline(settings)
    pipeline.ensure_index(tqdm_progress)
    final = pipeline.ask(question, history, args.backend, args.article)
    if args.json:
        print(json.dumps(final.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(final.answer)
    if final.notice:
        print(f"\n({final.notice})")
    for c in final.citations:
        print(f"\n[{c.n}] ¶{c.paragraph}, chars {c.start}-{c.end}: „{c.quote}“")
    return 0


def suggest_after_index(settings: Settings) -> None:
    """Generate the suggested questions of every article whose version has none yet (a few
    seconds: the no-model answer to each template question); a failure only warns."""
    from rag.pipeline import Pipeline
    from ui.suggestions import MIN_PER_LANGUAGE, refresh

    try:
        made = refresh(Pipeline(settings))
    except (ArticleQAError, OSError) as err:
        print(f"warning: suggested questions not generated ({err}); the hand-written ones are used")
        return
    for article_id, counts in made.items():
        few = [lang for lang, n in counts.items() if n < MIN_PER_LANGUAGE]
        note = f" (too few in {', '.join(few)}: the hand-written ones are shown there)" if few else ""
        listed = ", ".join(f"{n} {lang}" for lang, n in counts.items())
        print(f"suggested questions for {article_id}: {listed}{note}")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered command."""
    parser = argparse.ArgumentParser(
        prog="article-qa",
        description=__doc__.split("\n\n")[0],
        epilog="Examples:\n" + __doc__.split("Examples:\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ask = commands.add_parser("ask", help="answer one question about the article")
    ask.add_argument("question", help="the question, or - to read it from standard input")
    ask.add_argument("--json", action="store_true", help="print the whole answer object as JSON")
    ask.add_argument("--backend", choices=BACKENDS, help="default: local when installed")
    ask.add_argument("--history", metavar="FILE", help="JSON list of earlier {role, content} turns")
    ask.add_argument("--article", metavar="ID", help="only this article (default: all indexed)")
    ask.set_defaults(handler=cmd_ask)
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``article-qa`` console script."""
    quiet_third_parties()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace, Settings], Any] = args.handler
    try:
        settings = Settings.from_env()
        code = int(handler(args, settings) or 0)
        if code == 0 and args.command == "index" and args.index_command in INDEX_CHANGES:
            suggest_after_index(settings)
        return code
    except ArticleQAError as err:
        print(f"article-qa: {err}", file=sys.stderr)
        return 2
    except ValueError as err:  # settings and arguments that failed validation
        print(f"article-qa: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("article-qa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `article-qa ask … | head -1`: the reader of our output has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
