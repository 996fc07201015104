"""Progress reporting for long steps (index builds): a tqdm bar on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable


def tqdm_progress(total: int, label: str) -> Callable[[int], None]:
    """A progress bar on stderr: returns the function that advances it."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc=label, unit="chunk", file=sys.stderr, leave=False)

    def advance(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()

    return advance
