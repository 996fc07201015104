"""The HTTP API's guards, as small ASGI middlewares for paths under ``/api/`` (and ``/healthz``).

Outermost first: ``OriginGuard`` (CORS: allowed origins get CORS headers; any other browser
origin gets 403 ``OriginRefused`` -- with CORS headers on the refusal only, so that the widget
can read why and say what to fix, while the request itself is never run), ``BodyLimit`` (413
past ``MAX_BODY_BYTES``), ``RateLimit`` (429 with ``Retry-After`` from a per-IP token bucket;
``X-Forwarded-For`` counts only when the peer is a configured proxy, see ``ui.clients``).
Every refusal is JSON ``{"error", "message"}``. Gradio's own routes are left to Gradio.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import ArticleQAError
from ui.clients import TrustedProxies
from ui.errors import OriginRefused, RateLimited, RequestTooLarge, error_body, error_headers
from ui.ratelimit import RateLimiter

MAX_BODY_BYTES = 64 * 1024
LOCAL_ORIGINS = (
    "http://localhost:*",
    "http://127.0.0.1:*",
    "http://[::1]:*",
    "https://localhost:*",
    "https://127.0.0.1:*",
)
GUARDED_PREFIXES = ("/api/", "/healthz")
_PATTERN = re.compile(r"^https?://(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:(\d{1,5}|\*))?$")


def guarded(scope: Scope) -> bool:
    """True for the paths these guards protect."""
    return scope["type"] == "http" and str(scope["path"]).startswith(GUARDED_PREFIXES)


def json_error(err: ArticleQAError) -> JSONResponse:
    """The JSON response for an ArticleQAError (status, body and Retry-After)."""
    return JSONResponse(error_body(err), status_code=err.status, headers=error_headers(err))


class OriginPolicy:
    """Which browser origins may call the API: exact ``scheme://host[:port]``, ``host:*`` or ``*``.

    With no patterns, pages on localhost / 127.0.0.1 (any port) are allowed.
    """

    def __init__(self, patterns: Sequence[str] = ()) -> None:
        self.patterns = tuple(p.strip().lower().rstrip("/") for p in patterns if p.strip()) or LOCAL_ORIGINS
        for pattern in self.patterns:
            if pattern != "*" and not _PATTERN.match(pattern):
                raise ValueError(
                    "allowed origins must look like https://example.org, http://localhost:* or *; "
                    f"got {pattern!r}"
                )

    def allows(self, origin: str) -> bool:
        """True if a page from ``origin`` may call the API."""
        origin = origin.strip().lower().rstrip("/")
        for pattern in self.patterns:
            if pattern in ("*", origin):
                return True
            if pattern.endswith(":*"):
                base = pattern[:-2]
                if origin == base or (origin.startswith(base + ":") and origin[len(base) + 1 :].isdigit()):
                    return True
        return False


def _same_origin(origin: str, scope: Scope) -> bool:
    """True when the page's origin is this server (e.g. the demo page or the Gradio app)."""
    host = Headers(scope=scope).get("host", "")
    parts = urlsplit(origin)
    return bool(host) and parts.netloc.lower() == host.lower() and parts.scheme == scope.get("scheme", "http")


class OriginGuard:
    """CORS for the API: allowed origins get CORS headers; other browser origins get 403."""

    def __init__(self, app: ASGIApp, policy: OriginPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not guarded(scope):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        cors = {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Expose-Headers": "Retry-After",
            "Vary": "Origin",
        }
        allowed = self.policy.allows(origin) or _same_origin(origin, scope)
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            # A refused origin passes the pre-flight too, so that its real request reaches the
            # refusal below and the page can read the reason; the pre-flight itself runs nothing.
            preflight = {
                **cors,
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type, Accept",
                "Access-Control-Max-Age": "600" if allowed else "0",
            }
            await Response(status_code=204, headers=preflight)(scope, receive, send)
            return
        if not allowed:
            refused = OriginRefused(
                f"Pages from {origin} may not use this API. Ask the server's administrator to add the "
                "origin to ARTICLE_QA_ALLOWED_ORIGINS."
            )
            response = json_error(refused)
            response.headers.update(cors)
            await response(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in cors.items():
                    out[name] = value
            await send(message)

        await self.app(scope, receive, send_with_cors)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413 (the body is read at most once).

    ``limit_for(scope)``, when given, sets the limit per request (admin uploads may be larger).
    """

    def __init__(
        self, app: ASGIApp, limit: int = MAX_BODY_BYTES, limit_for: Callable[[Scope], int] | None = None
    ) -> None:
        self.app = app
        self.limit = limit
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not guarded(scope):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope) if self.limit_for else self.limit
        too_large = RequestTooLarge(
            f"The request body is over the limit of {limit // 1024} KB. Send a shorter question."
        )
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await json_error(too_large)(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > limit:
                await json_error(too_large)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class RateLimit:
    """One token per API request from each client IP (pre-flight requests are free).

    The client is the socket peer, or the address a trusted proxy forwarded (``ui.clients``).
    """

    def __init__(self, app: ASGIApp, limiter: RateLimiter, proxies: TrustedProxies | None = None) -> None:
        self.app = app
        self.limiter = limiter
        self.proxies = proxies or TrustedProxies()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not guarded(scope) or scope["method"] == "OPTIONS" or scope["path"] == "/healthz":
            await self.app(scope, receive, send)
            return
        try:
            self.limiter.take(self.proxies.client_of(scope))
        except RateLimited as err:
            await json_error(err)(scope, receive, send)
            return
        await self.app(scope, receive, send)
