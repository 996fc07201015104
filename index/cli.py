"""``article-qa index ...``: build, add, list, remove, stats. Index changes happen only here
(or through the server's admin-token endpoints), never from a reader's request."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from core.articles import default_article, load_article, validate_article_id
from core.errors import ArticleQAError, IndexMismatch
from core.settings import Settings
from core.types import Article
from index.build import add_article, build_index
from index.store import Store


def _store(settings: Settings) -> tuple[Store, Any]:
    from index.embeddings import make_embedder

    embedder = make_embedder(settings.embedder)
    return Store(settings, embedder.model_name, embedder.dim), embedder


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    """Re-index every article (kept ones, the shipped one, and FILEs) into a fresh version."""
    from core.progress import tqdm_progress

    store, embedder = _store(settings)
    articles: dict[str, Article] = {}
    if not args.only and store.exists():
        try:
            articles = {a.id: a for a in _articles_any_model(store)}
        except ArticleQAError as err:
            print(f"warning: could not read the current index ({err}); rebuilding from scratch")
    if not args.only or not args.files:
        articles.setdefault(default_article().id, default_article())
    for path in args.files:
        article = load_article(Path(path))
        articles[article.id] = article
    version = build_index(store, embedder, list(articles.values()), settings, tqdm_progress)
    stats = store.stats()
    print(f"built {version}: {stats['articles']} article(s), {stats['chunks']} chunks in {store.where}")
    return 0


def _articles_any_model(store: Store) -> list[Article]:
    """The indexed articles even when the index was built with another embedder."""
    try:
        return store.articles()
    except IndexMismatch:
        meta = store.info()
        other = Store(store.settings, str(meta["embedder"]), int(meta["dim"]))
        return other.articles()


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add or update one article from a text file."""
    from core.progress import tqdm_progress

    article = load_article(Path(args.file), args.id)
    store, embedder = _store(settings)
    change = add_article(store, embedder, article, settings, tqdm_progress)
    print(
        f"{change.article_id}: {change.added} chunk(s) added, {change.removed} removed, "
        f"{change.kept} unchanged"
    )
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    """List indexed articles."""
    store, _ = _store(settings)
    articles = store.articles()
    if args.json:
        print(json.dumps([a.metadata() for a in articles], ensure_ascii=False, indent=2))
        return 0
    for a in articles:
        print(f"{a.id}\t{a.language}\t{a.date}\t{len(a.text):,} chars\t{a.title}")
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Remove one article and its chunks."""
    store, _ = _store(settings)
    removed = store.remove_article(validate_article_id(args.id))
    print(f"removed {args.id} ({removed} chunks)")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    """Print index statistics as JSON."""
    store, _ = _store(settings)
    print(json.dumps(store.stats(), ensure_ascii=False, indent=2))
    return 0


def register(commands: Any) -> None:
    """Add ``index`` and its subcommands to the CLI."""
    index = commands.add_parser("index", help="build and change the index")
    sub = index.add_subparsers(dest="index_command", required=True, metavar="ACTION")
    build = sub.add_parser("build", help="rebuild the index (atomically swapped in)")
    build.add_argument("files", nargs="*", metavar="FILE", help="extra article files to include")
    build.add_argument("--only", action="store_true", help="index only FILEs (or only the shipped one)")
    build.set_defaults(handler=cmd_build)
    add = sub.add_parser("add", help="add or update one article (UTF-8 text, optional FILE.json metadata)")
    add.add_argument("file", metavar="FILE")
    add.add_argument("--id", help="article id (default: from metadata or the file name)")
    add.set_defaults(handler=cmd_add)
    lst = sub.add_parser("list", help="list indexed articles")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_list)
    remove = sub.add_parser("remove", help="remove an article by id")
    remove.add_argument("id", metavar="ID")
    remove.set_defaults(handler=cmd_remove)
    stats = sub.add_parser("stats", help="index statistics (JSON)")
    stats.set_defaults(handler=cmd_stats)
