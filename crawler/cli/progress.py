"""Progress for long commands (export, generate-archive): :mod:`crawler.progress` on stderr.

Progress goes to stderr, so stdout stays clean for pipes (``export - | head``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

PLAIN_EVERY_S = 5.0
"""Seconds between plain progress lines when stderr is not a terminal (logs, CI)."""


@contextmanager
def progress_bar(total: int | None, unit: str) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``; show a bar on a terminal, else a line every few seconds."""
    from crawler.progress import Progress

    with Progress("", unit=unit, total=total, interval=PLAIN_EVERY_S) as progress:
        yield progress.advance
