"""The answer queue: first come first served, bounded, positions, stale tickets dropped."""

from __future__ import annotations

import pytest

from ui.errors import QueueFull
from ui.queueing import AnswerQueue


def test_one_runs_the_rest_wait_in_order() -> None:
    queue = AnswerQueue(max_waiting=2)
    first = queue.join()
    assert first.try_start() and first.position() == 0
    second, third = queue.join(), queue.join()
    assert (second.position(), third.position()) == (1, 2)
    assert not third.try_start() and not second.try_start()  # the slot is taken
    first.finish()
    assert not third.try_start()  # not its turn: second is ahead
    assert second.try_start() and third.position() == 1
    assert queue.stats() == {"running": 1, "waiting": 1, "max_waiting": 2}


def test_a_full_line_is_refused_at_once_with_retry_after() -> None:
    queue = AnswerQueue(max_waiting=1)
    running = queue.join()
    assert running.try_start()
    queue.join()
    with pytest.raises(QueueFull, match="busy") as refused:
        queue.join()
    assert refused.value.status == 503 and refused.value.retry_after >= 1


def test_leaving_the_line_frees_the_place() -> None:
    queue = AnswerQueue(max_waiting=1)
    running, waiting = queue.join(), None
    assert running.try_start()
    waiting = queue.join()
    waiting.finish()
    waiting.finish()  # twice is harmless
    assert queue.join().position() == 1


def test_a_forgotten_ticket_does_not_block_the_line() -> None:
    queue = AnswerQueue(max_waiting=2, stale_s=0.0)
    lost, next_one = queue.join(), queue.join()
    assert next_one.try_start()  # ``lost`` was never polled again: dropped
    with pytest.raises(QueueFull, match="expired"):
        lost.try_start()


def test_the_next_in_line_is_woken_as_soon_as_the_slot_frees() -> None:
    queue = AnswerQueue(max_waiting=3)
    running, second, third = queue.join(), queue.join(), queue.join()
    woken: list[str] = []
    second.on_turn = lambda: woken.append("second")
    third.on_turn = lambda: woken.append("third")
    assert running.try_start()
    assert woken == []  # the slot is taken: nobody may start
    running.finish()
    assert woken == ["second"]  # only the head, and at once (not at its next poll)
    assert second.try_start()
    second.finish()
    assert woken == ["second", "third"]


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="workers must be >= 1, got 0"):
        AnswerQueue(max_waiting=1, workers=0)
