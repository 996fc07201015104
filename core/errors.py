"""Errors that article-qa turns into user messages at its edges (CLI, HTTP, UI).

Each carries a message written for the person who caused it: what was wrong and what to do.
"""

from __future__ import annotations


class ArticleQAError(Exception):
    """Base class: ``str(err)`` is a complete message for the user."""

    status = 400


class InvalidQuestion(ArticleQAError):
    """The question is empty, too long or not text."""

    status = 422


class UnknownArticle(ArticleQAError):
    """No indexed article has that id."""

    status = 404


class InvalidArticle(ArticleQAError):
    """An article file or id that cannot be indexed (empty, binary, bad id)."""

    status = 422


class IndexMissing(ArticleQAError):
    """The index directory holds no index yet."""

    status = 503


class IndexMismatch(ArticleQAError):
    """The index was built with another embedding model; it must be rebuilt."""

    status = 409


class StoreUnavailable(ArticleQAError):
    """The Chroma store (e.g. a remote server) cannot be reached."""

    status = 503


class BackendUnavailable(ArticleQAError):
    """The requested answering backend is not installed or failed to load."""

    status = 503


class Busy(ArticleQAError):
    """Too many requests are waiting; try again shortly."""

    status = 503
