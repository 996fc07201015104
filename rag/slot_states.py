"""Evaluated prompt states of passages, saved by llama.cpp's server and restored per question.

Prompt processing is the slow part on a small CPU (~65 tokens/s here), and a passage is ~350
model tokens. The ``passage`` prompt layout puts the fixed prefix and then passage 1 first, so
the state after them depends on that passage only. After a question about a passage, its slot
is saved to a file (``POST /slots/{id}?action=save``, ~11 MB, ~10 ms); the next question whose
best passage it is restores it (``action=restore``, ~5 ms) and evaluates only its own tokens.
File names carry a hash of the model and the fixed prompt, so a changed prompt starts afresh.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

log = logging.getLogger(__name__)


class SlotStates:
    """The server's slots as a pool, and the saved state of each passage."""

    def __init__(self, server_url: str, slots: int, folder: Path, version: str) -> None:
        self.server_url = server_url.rstrip("/").removesuffix("/v1")
        self.folder = folder
        self.version = hashlib.sha256(version.encode()).hexdigest()[:12]
        self._free: queue.Queue[int] = queue.Queue()
        for slot in range(slots):
            self._free.put(slot)

    def file_name(self, key: str) -> str:
        """The state file of one passage (a name, not a path: the server owns the folder)."""
        return f"{self.version}-{re.sub(r'[^A-Za-z0-9_-]', '_', key)[:80]}.bin"

    def saved(self, key: str) -> bool:
        """True when a state was saved for this passage."""
        return (self.folder / self.file_name(key)).is_file()

    @contextmanager
    def slot(self, key: str) -> Iterator[int]:
        """A free slot holding passage ``key``'s state when one was saved; saved afterwards if not."""
        slot = self._free.get()
        try:
            restored = self.saved(key) and self._action(slot, "restore", key)
            try:
                yield slot
            finally:  # also when the reader's stream stopped early (the answer was long enough)
                if not restored:
                    self._action(slot, "save", key)
        finally:
            self._free.put(slot)

    def _action(self, slot: int, action: str, key: str) -> bool:
        try:
            r = httpx.post(
                f"{self.server_url}/slots/{slot}",
                params={"action": action},
                json={"filename": self.file_name(key)},
                timeout=30,
            )
        except httpx.HTTPError as err:
            log.warning("slot %s %s failed: %s", slot, action, err)
            return False
        if r.status_code != 200:
            log.warning("slot %s %s failed: %s %s", slot, action, r.status_code, r.text[:200])
        return r.status_code == 200
