"""The parse worker: same results as parsing in the crawl, no page lost, never an orphan."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from crawler.parse_worker import BACKLOG_PER_PROCESS, ParseWorker
from crawler.parsers import NotHtml, parse_page
from storage import models as m
from storage.db import create_archive_engine

from .parsers.fixture_pages import read_case_page

FIXTURES = Path(__file__).parent / "parsers" / "fixtures" / "article"
CASES = sorted(path for path in FIXTURES.iterdir() if path.is_dir())
URL = "https://health.example.com/articles/124.html"
HEADERS = {"Content-Type": "text/html"}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers signal 0; it is dead for our purpose.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())


def test_worker_gives_what_the_parser_gives() -> None:
    worker = ParseWorker(1)
    assert worker.wait_started(60)
    pages = [read_case_page(case) for case in CASES]

    async def parse_all():
        return [await worker.parse(page, URL, HEADERS, None) for page in pages]

    try:
        parsed = asyncio.run(parse_all())
    finally:
        worker.close()
    assert parsed == [parse_page(page, URL, HEADERS, None) for page in pages]


def test_parse_errors_come_back_as_themselves() -> None:
    worker = ParseWorker(1)
    assert worker.wait_started(60)
    try:
        with pytest.raises(NotHtml) as raised:
            asyncio.run(worker.parse(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, URL, {}, None))
    finally:
        worker.close()
    assert raised.value.reason == "not_html"


def test_a_killed_worker_is_replaced_and_no_page_is_lost() -> None:
    worker = ParseWorker(1)
    page = read_case_page(CASES[0])
    assert worker.wait_started(60)

    async def parse_around_a_kill():
        first = await worker.parse(page, URL, HEADERS, None)
        pool = worker._pool
        assert pool is not None
        for pid in list(pool._processes):  # type: ignore[attr-defined]
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        second = await worker.parse(page, URL, HEADERS, None)
        assert worker.wait_started(60)
        third = await worker.parse(page, URL, HEADERS, None)
        return first, second, third

    try:
        first, second, third = asyncio.run(parse_around_a_kill())
    finally:
        worker.close()
    assert first == second == third
    assert worker.restarts == 1


def test_pages_past_the_backlog_are_parsed_inline() -> None:
    """Downloads outrunning the worker must not pile pages up in memory waiting for it."""
    worker = ParseWorker(1)
    pages = [read_case_page(case) for case in CASES] * 4
    assert worker.wait_started(60)
    pool = worker._pool
    assert pool is not None
    submit, waiting = pool.submit, []

    def counted_submit(*args, **kwargs):  # type: ignore[no-untyped-def]
        waiting.append(worker.waiting)
        return submit(*args, **kwargs)

    pool.submit = counted_submit  # type: ignore[method-assign]

    async def parse_together():
        return await asyncio.gather(*(worker.parse(p, URL, HEADERS, None) for p in pages))

    try:
        parsed = asyncio.run(parse_together())
    finally:
        worker.close()
    assert parsed == [parse_page(page, URL, HEADERS, None) for page in pages]
    assert waiting == [1, 2, 3, 4] == list(range(1, BACKLOG_PER_PROCESS + 1))
    assert worker.waiting == 0


def test_pages_are_parsed_inline_until_a_worker_is_up() -> None:
    worker = ParseWorker(1)
    page = read_case_page(CASES[0])
    worker.start()
    try:
        # A spawned worker takes a few hundred milliseconds to import the parser.
        assert not worker.up
        parsed = asyncio.run(worker.parse(page, URL, HEADERS, None))
    finally:
        worker.close()
    assert parsed == parse_page(page, URL, HEADERS, None)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_worker_dies_with_a_crawl_killed_by_sigkill(tmp_path: Path) -> None:
    """A crawl stopped with ``kill -9`` must not leave its worker holding its output pipes."""
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import asyncio, time
            from crawler.parse_worker import BACKLOG_PER_PROCESS, ParseWorker

            if __name__ == "__main__":
                worker = ParseWorker(1)
                assert worker.wait_started(60)
                page = b"<html><body><p>hello</p></body></html>"
                asyncio.run(worker.parse(page, {URL!r}, {{}}, None))
                print(*worker._pool._processes, flush=True)
                time.sleep(60)
            """
        )
    )
    command = [sys.executable, str(script)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as parent:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert workers and all(_pid_alive(pid) for pid in workers)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 5
        while any(_pid_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_pid_alive(pid) for pid in workers)
        # Nobody holds the pipe open any more: reading it ends.
        assert parent.stdout.read() == ""


@pytest.mark.integration
def test_crawl_with_worker_archives_what_a_crawl_without_it_archives(tmp_path: Path) -> None:
    site = build_site()
    archived = {}
    with DemoServer(site, slow_delay=0.0) as server:
        for workers in (0, 1):
            db = f"sqlite:///{tmp_path / f'workers{workers}.db'}"
            result = subprocess.run(
                [sys.executable, "-m", "crawler", "crawl", server.url + "/", "--db", db,
                 "-s", f"PARSE_WORKERS={workers}"],
                capture_output=True, text=True, timeout=240, check=False,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr[-2000:]
            engine = create_archive_engine(db)
            with Session(engine) as session:
                archived[workers] = set(
                    session.execute(
                        select(
                            m.Article.canonical_url,
                            m.ArticleVersion.headline,
                            m.ArticleVersion.body,
                        ).join(m.ArticleVersion, m.ArticleVersion.article_id == m.Article.id)
                    ).all()
                )
            engine.dispose()
    assert len(archived[0]) == len(site.truth["articles"])
    assert archived[1] == archived[0]
