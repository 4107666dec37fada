"""Progress: plain lines on a timer off a terminal, a bar that keeps log lines above it on one."""

from __future__ import annotations

import io
import logging

from crawler.progress import Progress


def test_plain_lines_every_interval_and_at_the_end():
    out = io.StringIO()
    with Progress("export", unit="articles", total=3, interval=0, stream=out) as progress:
        progress.advance(1, written=1)
        progress.advance(2, written=3)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("export: 1/3 articles, ")
    assert lines[0].endswith("written=1")
    assert lines[-1].startswith("export: 3/3 articles, ") and lines[-1].endswith("(done)")
    assert len(lines) == 3


def test_a_run_shorter_than_the_interval_stays_quiet():
    out = io.StringIO()
    with Progress("reparse", unit="versions", interval=3600, stream=out) as progress:
        for _ in range(100):
            progress.advance()
    assert out.getvalue() == ""


def test_no_name_no_prefix():
    seen: list[str] = []
    with Progress("", unit="rows", interval=0, emit=seen.append) as progress:
        progress.advance(10)
    assert seen[0].startswith("10 rows, ")


def test_lines_can_go_to_a_log():
    seen: list[str] = []
    with Progress("crawl", unit="pages", interval=0, emit=seen.append) as progress:
        progress.update(5, {"new": 2})
    assert seen[0].startswith("crawl: 5 pages, ") and seen[0].endswith("new=2")


def test_bar_shows_counters_and_log_lines_print_above_it():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logging.root.addHandler(handler)
    try:
        with Progress("crawl", unit="pages", stream=out, bar=True) as progress:
            with progress.logging_above():
                assert handler.stream is not out
                progress.update(7, {"new": 3, "errors": 1})
                logging.getLogger("probe").warning("a log line")
            assert handler.stream is out
    finally:
        logging.root.removeHandler(handler)
    text = out.getvalue()
    assert "a log line\n" in text
    assert "7 pages" in text and "new=3 errors=1" in text
