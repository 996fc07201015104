"""A bounded first-come-first-served queue in front of answer generation.

The local language model answers one question at a time, so every question from the HTTP
API, the widget and the Gradio app takes a ticket here. At most ``max_waiting`` tickets wait;
one more is refused at once with ``QueueFull`` (a clear "busy", never a time-out). A waiting
ticket knows its ``position`` (1 = next) so clients can show it.

    ticket = queue.join()            # raises QueueFull
    while not ticket.try_start():    # poll (async callers sleep between tries)
        show(ticket.position())
    try: ... answer ...
    finally: ticket.finish()

Everything is guarded by one lock, so tickets can be used from threads and event loops alike.
Pollers need not wait a whole polling interval for their turn: a ticket's ``on_turn`` callback
is called (from whichever thread freed the slot) as soon as it may start, so a fast backend is
not held to one answer per interval.
A waiting ticket that nobody has polled for ``stale_s`` seconds (its request vanished without
``finish``) is dropped, so a lost ticket can never block the line.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from ui.errors import QueueFull


class Ticket:
    """One question's place in the queue."""

    def __init__(self, queue: AnswerQueue) -> None:
        self._queue = queue
        self.state = "waiting"  # -> "running" -> "done"; or "waiting" -> "left"
        self.started_at = 0.0
        self.seen = time.monotonic()
        self.on_turn: Callable[[], None] | None = None  # called when it may start: try it then

    def position(self) -> int:
        """1 for the next in line, 2 behind it, ...; 0 once running or gone."""
        return self._queue._position(self)

    def try_start(self) -> bool:
        """Take the worker slot if it is this ticket's turn; True once running."""
        return self._queue._try_start(self)

    def finish(self) -> None:
        """Give the slot back (or leave the line); safe to call more than once."""
        self._queue._finish(self)


class AnswerQueue:
    """FIFO with ``workers`` slots and room for ``max_waiting`` tickets in line."""

    def __init__(self, max_waiting: int, workers: int = 1, stale_s: float = 10.0) -> None:
        if max_waiting < 0:
            raise ValueError(f"max_waiting must be >= 0, got {max_waiting}")
        if workers < 1:
            raise ValueError(f"workers must be >= 1, got {workers}")
        self.max_waiting = max_waiting
        self.workers = workers
        self.stale_s = stale_s
        self._lock = threading.Lock()
        self._waiting: deque[Ticket] = deque()
        self._running = 0
        self._average_s = 5.0  # moving average of answer time, for Retry-After

    def join(self) -> Ticket:
        """A new ticket at the end of the line; raises QueueFull when the line is full."""
        with self._lock:
            self._drop_stale()
            free_slot = self._running < self.workers and not self._waiting
            if not free_slot and len(self._waiting) >= self.max_waiting:
                retry = math.ceil(self._average_s * (len(self._waiting) + 1) / self.workers)
                raise QueueFull(
                    f"The service is busy: {len(self._waiting)} questions are already waiting. "
                    f"Please try again in about {retry} s.",
                    retry_after=retry,
                )
            ticket = Ticket(self)
            self._waiting.append(ticket)
            return ticket

    def stats(self) -> dict[str, int]:
        """How many questions are being answered and waiting now."""
        with self._lock:
            return {"running": self._running, "waiting": len(self._waiting), "max_waiting": self.max_waiting}

    def _position(self, ticket: Ticket) -> int:
        with self._lock:
            if ticket.state != "waiting":
                return 0
            ticket.seen = time.monotonic()
            return self._waiting.index(ticket) + 1

    def _try_start(self, ticket: Ticket) -> bool:
        with self._lock:
            if ticket.state == "running":
                return True
            if ticket.state != "waiting":
                raise QueueFull("Your place in line expired. Please ask again.", retry_after=1)
            ticket.seen = time.monotonic()
            self._drop_stale(keep=ticket)
            if self._running >= self.workers or self._waiting[0] is not ticket:
                return False
            self._waiting.popleft()
            self._running += 1
            ticket.state = "running"
            ticket.started_at = time.monotonic()
            wake = self._next_up()
        if wake:
            wake()
        return True

    def _finish(self, ticket: Ticket) -> None:
        with self._lock:
            if ticket.state == "waiting":
                self._waiting.remove(ticket)
                ticket.state = "left"
            elif ticket.state == "running":
                self._running -= 1
                ticket.state = "done"
                took = time.monotonic() - ticket.started_at
                self._average_s = 0.8 * self._average_s + 0.2 * took
            wake = self._next_up()
        if wake:  # outside the lock: the callback may try to start at once
            wake()

    def _next_up(self) -> Callable[[], None] | None:
        """The callback of the ticket at the head of the line if a slot is free (lock held)."""
        if self._waiting and self._running < self.workers:
            return self._waiting[0].on_turn
        return None

    def _drop_stale(self, keep: Ticket | None = None) -> None:
        """Forget waiting tickets nobody has polled for ``stale_s`` (callers hold the lock)."""
        limit = time.monotonic() - self.stale_s
        for ticket in [t for t in self._waiting if t.seen < limit and t is not keep]:
            self._waiting.remove(ticket)
            ticket.state = "left"
