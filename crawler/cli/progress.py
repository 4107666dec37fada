"""Progress for long commands: a tqdm bar on a terminal, a few plain lines otherwise.

Progress goes to stderr, so stdout stays clean for pipes (``export - | head``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

PLAIN_EVERY_S = 5.0
"""Seconds between plain progress lines when stderr is not a terminal (logs, CI)."""


@contextmanager
def progress_bar(total: int | None, unit: str) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``; show a bar on a terminal, else a line every few seconds."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        with tqdm(total=total, unit=f" {unit}", unit_scale=True, leave=False) as bar:
            yield bar.update
        return
    done = 0
    last = time.monotonic()

    def advance(n: int) -> None:
        nonlocal done, last
        done += n
        now = time.monotonic()
        if now - last >= PLAIN_EVERY_S:
            last = now
            of = f" of {total}" if total else ""
            print(f"{done}{of} {unit}", file=sys.stderr, flush=True)

    yield advance
