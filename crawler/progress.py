"""Live progress for long runs (crawl, export, reparse): a bar on a terminal, plain lines otherwise.

On a terminal, one tqdm bar that updates in place: items done, rate, and the run's own counters
(tqdm is imported only then, so commands that show no bar start quickly).
Anywhere else (cron, scrapyd, a pipe into a file) a bar would be noise, so a plain line is
emitted every ``interval`` seconds and once at the end. No Scrapy here: any long loop can use
it::

    with Progress("export", unit="articles", total=count) as progress:
        for row in rows:
            ...
            progress.advance(1, written=n)
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm

Counters = Mapping[str, int | float | str]


class Progress:
    def __init__(
        self,
        desc: str,
        *,
        unit: str = "items",
        total: int | None = None,
        interval: float = 30.0,
        stream: TextIO | None = None,
        emit: Callable[[str], None] | None = None,
        bar: bool | None = None,
    ) -> None:
        """``unit`` is the plural noun shown ("pages"); ``emit`` receives the plain lines
        (default: written to ``stream``); ``bar`` forces the bar on or off (default: on when
        ``stream``, stderr by default, is a terminal)."""
        self.desc = desc
        self.unit = unit
        self.total = total
        self.interval = interval
        self.stream = stream or sys.stderr
        self.emit = emit or self._write_line
        self.done = 0
        self.counters: dict[str, int | float | str] = {}
        self.started = time.monotonic()
        self.last_line = self.started
        self.lines = 0
        use_bar = bar if bar is not None else _is_terminal(self.stream)
        self.bar: tqdm | None = None
        if use_bar:
            from tqdm import tqdm

            self.bar = tqdm(
                desc=desc,
                unit=f" {unit}",
                total=total,
                file=self.stream,
                dynamic_ncols=True,
                mininterval=0.5,
                leave=True,
            )

    def advance(self, n: int = 1, **counters: int | float | str) -> None:
        self.update(self.done + n, counters)

    def update(self, done: int, counters: Counters | None = None) -> None:
        """Set the absolute count (and counters); shows them when due."""
        step, self.done = done - self.done, done
        if counters:
            self.counters.update(counters)
        if self.bar is not None:
            if counters:
                self.bar.set_postfix_str(self._counters_text(), refresh=False)
            self.bar.update(step)
            return
        now = time.monotonic()
        if now - self.last_line >= self.interval:
            self.last_line = now
            self.lines += 1
            self.emit(self.line())

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        of_total = f"/{self.total}" if self.total is not None else ""
        text = f"{self.done}{of_total} {self.unit}, {self.done / elapsed:.1f}/s"
        if self.desc:
            text = f"{self.desc}: {text}"
        counters = self._counters_text()
        return f"{text}, {counters}" if counters else text

    def close(self) -> None:
        """Finish the bar; off a terminal, a last line if the run was long enough to show any."""
        if self.bar is not None:
            self.bar.set_postfix_str(self._counters_text(), refresh=False)
            self.bar.close()
            self.bar = None
        elif self.lines:
            self.emit(self.line() + " (done)")

    @contextmanager
    def logging_above(self) -> Iterator[None]:
        """While the bar shows, log lines to the same terminal print above it, not through it."""
        if self.bar is None:
            yield
            return
        handlers = [
            h
            for h in logging.root.handlers
            if type(h) is logging.StreamHandler and h.stream is self.stream
        ]
        writer = _AboveBar(self.stream)
        for handler in handlers:
            handler.setStream(writer)  # type: ignore[arg-type]
        try:
            yield
        finally:
            for handler in handlers:
                handler.setStream(self.stream)

    def _counters_text(self) -> str:
        return " ".join(f"{name}={value}" for name, value in self.counters.items())

    def _write_line(self, line: str) -> None:
        print(line, file=self.stream, flush=True)

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class _AboveBar:
    """A text stream that hands each line to ``tqdm.write`` so the bar is redrawn below it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        if text.strip():
            from tqdm import tqdm

            tqdm.write(text.rstrip("\n"), file=self.stream)
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
