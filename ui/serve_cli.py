"""Serve the chat UI, the embeddable widget, the demo page and the HTTP API in one process.

Examples:
    article-qa serve
    article-qa serve --host 0.0.0.0 --port 8080
    ARTICLE_QA_ALLOWED_ORIGINS=https://news.example.org article-qa serve
"""

from __future__ import annotations

import argparse

from core.settings import Settings


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until interrupted (gradio is imported only here: ``ask`` stays fast)."""
    from ui.server import serve

    serve(settings, args.host, args.port)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``serve`` command."""
    parser = commands.add_parser(
        "serve",
        help="run the chat UI, the embeddable widget and the HTTP API",
        description=__doc__.split("\n\n")[0],
        epilog="Examples:\n" + __doc__.split("Examples:\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", help="address to listen on (default: ARTICLE_QA_HOST or 127.0.0.1)")
    parser.add_argument(
        "--port", type=_port, help="port (default: ARTICLE_QA_PORT or 7860; 0 picks a free one)"
    )
    parser.set_defaults(handler=cmd_serve)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"port must be a number, got {text!r}") from err
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be in 0..65535, got {port}")
    return port
