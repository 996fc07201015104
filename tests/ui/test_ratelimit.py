"""Token buckets per client, driven by an explicit clock."""

from __future__ import annotations

import pytest

from ui.errors import RateLimited
from ui.ratelimit import RateLimiter


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_refill() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=3, clock=clock)
    for _ in range(3):
        limiter.take("1.2.3.4")
    with pytest.raises(RateLimited) as refused:
        limiter.take("1.2.3.4")
    assert refused.value.status == 429 and refused.value.retry_after == 20
    limiter.take("5.6.7.8")  # other clients have their own bucket
    clock.now += 20
    limiter.take("1.2.3.4")
    with pytest.raises(RateLimited):
        limiter.take("1.2.3.4")


def test_zero_means_no_limit() -> None:
    limiter = RateLimiter(per_minute=0)
    for _ in range(1000):
        limiter.take("x")
