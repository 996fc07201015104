"""Errors of the web edge (HTTP API, Gradio app), in the style of ``core.errors``.

Each has an HTTP ``status`` and a message written for the person who caused it; the ones a
client should retry also say when (``retry_after``, seconds, sent as ``Retry-After``).
"""

from __future__ import annotations

from core.errors import ArticleQAError


class RetryLater(ArticleQAError):
    """Base for refusals that end by themselves: try again after ``retry_after`` seconds."""

    status = 503

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class NotReady(RetryLater):
    """The index or the model is still loading."""


class QueueFull(RetryLater):
    """Too many questions are already waiting for the model."""


class RateLimited(RetryLater):
    """This client asked too often in the last minute."""

    status = 429


class StartupFailed(ArticleQAError):
    """Loading the index or the model failed; the server cannot answer until restarted."""

    status = 503


class InvalidRequest(ArticleQAError):
    """A request body or parameter that does not have the documented shape."""

    status = 422


class RequestTooLarge(ArticleQAError):
    """The request body is over the size limit."""

    status = 413


class OriginRefused(ArticleQAError):
    """A browser page from an origin that is not allowed called the API."""

    status = 403


class ClientGone(ArticleQAError):
    """The client went away before its question's turn came (nobody reads this answer)."""

    status = 499  # nginx's "client closed request"


class AdminDisabled(ArticleQAError):
    """Index changes over HTTP are off: no admin token is configured."""

    status = 403


class NotAuthorized(ArticleQAError):
    """An admin request without the right ``Authorization: Bearer`` token."""

    status = 401


class FeedbackNotSaved(ArticleQAError):
    """The feedback database could not be written."""

    status = 503


def error_body(err: ArticleQAError) -> dict[str, str]:
    """The JSON body of an error response: ``{"error": ClassName, "message": text}``."""
    return {"error": type(err).__name__, "message": str(err)}


def error_headers(err: ArticleQAError) -> dict[str, str]:
    """``Retry-After`` for errors that end by themselves; the auth scheme for 401."""
    if isinstance(err, NotAuthorized):
        return {"WWW-Authenticate": 'Bearer realm="article-qa admin"'}
    retry_after = getattr(err, "retry_after", None)
    return {"Retry-After": str(retry_after)} if retry_after else {}


class ArticleNotChosen(ArticleQAError):
    """A question without an article id on a server that holds several articles."""

    status = 422
