"""Progress: plain lines on a timer off a terminal, a bar that keeps log lines above it on one."""

from __future__ import annotations

import io
import logging

from crawler.progress import Progress


def test_plain_lines_every_interval_and_at_the_end():
    out = io.StringIO()
    with Progress("export", unit="article", total=3, interval=0, stream=out) as progress:
        progress.advance(1, written=1)
        progress.advance(2, written=3)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("export: 1/3 articles, ")
    assert lines[0].endswith("written=1")
    assert lines[-1].startswith("export: 3/3 articles, ") and lines[-1].endswith("(done)")
    assert len(lines) == 3


def test_no_line_before_the_interval_is_up():
    out = io.StringIO()
    progress = Progress("reparse", unit="version", interval=3600, stream=out)
    for _ in range(100):
        progress.advance()
    assert out.getvalue() == ""
    progress.close()
    assert out.getvalue().startswith("reparse: 100 versions, ")


def test_lines_can_go_to_a_log():
    seen: list[str] = []
    with Progress("crawl", unit="page", interval=0, emit=seen.append) as progress:
        progress.update(5, {"new": 2})
    assert seen[0].startswith("crawl: 5 pages, ") and seen[0].endswith("new=2")


def test_bar_shows_counters_and_log_lines_print_above_it():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logging.root.addHandler(handler)
    try:
        with Progress("crawl", unit="page", stream=out, bar=True) as progress:
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
