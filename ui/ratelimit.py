"""Per-client token buckets: ``per_minute`` requests a minute, in bursts of up to ``per_minute``.

Each client (an IP address) has a bucket that holds at most ``per_minute`` tokens and refills
at ``per_minute / 60`` tokens a second; a request takes one token or is refused with
``RateLimited`` saying when the next token arrives. Full buckets are forgotten, so memory stays
bounded by the number of clients active in the last minute.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from ui.errors import RateLimited

MAX_CLIENTS = 100_000


class RateLimiter:
    """Token buckets keyed by client."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, when)

    @property
    def enabled(self) -> bool:
        """False when ``per_minute`` is 0 or less (no limit)."""
        return self.per_minute > 0

    def take(self, client: str) -> None:
        """Take one token from ``client``'s bucket; raises RateLimited when it is empty."""
        if not self.enabled:
            return
        now = self._clock()
        with self._lock:
            tokens = self._tokens(client, now)
            if tokens < 1.0:
                wait = math.ceil((1.0 - tokens) / self._rate)
                self._buckets[client] = (tokens, now)
                raise RateLimited(
                    f"Too many requests: the limit is {self.per_minute} a minute. "
                    f"Please wait {wait} s and try again.",
                    retry_after=wait,
                )
            self._buckets[client] = (tokens - 1.0, now)
            if len(self._buckets) > MAX_CLIENTS:
                self._forget_full(now)

    def _tokens(self, client: str, now: float) -> float:
        tokens, when = self._buckets.get(client, (float(self.per_minute), now))
        return min(float(self.per_minute), tokens + (now - when) * self._rate)

    def _forget_full(self, now: float) -> None:
        full = [c for c in self._buckets if self._tokens(c, now) >= self.per_minute]
        for client in full:
            del self._buckets[client]
