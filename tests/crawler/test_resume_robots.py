"""Killed again and again (SIGKILL, a real process), a resumed crawl never fetches what robots.txt
disallows and archives every demo article exactly once.

Resuming answers the pages already archived from the archive at once, so many links queue while
robots.txt is still on its way; robots.txt is slowed down here to make that window certain.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from storage import models as m
from storage.db import create_archive_engine

pytestmark = pytest.mark.integration

KILL_AFTER_FETCHES = (40, 100, 160)
ROBOTS_DELAY = 0.3
FAST = ["--no-revisit", "-s", "ARCHIVE_BATCH_SIZE=10", "-s", "ARCHIVE_COMMIT_INTERVAL=0.2"]


def fetch_rows(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM fetches").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def kill_after(args: list[str], path: Path, fetches: int) -> None:
    worker = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while fetch_rows(path) < fetches:
        assert worker.poll() is None, "the crawl ended before it could be killed"
        assert time.monotonic() < deadline, f"fewer than {fetches} fetches after 120 s"
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=30)


def test_killed_and_resumed_crawls_obey_robots_txt(tmp_path):
    path = tmp_path / "archive.db"
    site = build_site()
    site.pages["/robots.txt"] = replace(site.pages["/robots.txt"], delay=ROBOTS_DELAY)
    disallowed = set(site.truth["disallowed"])
    with DemoServer(site, slow_delay=ROBOTS_DELAY) as server:
        args = [sys.executable, "-m", "crawler", "crawl", server.url + "/", "--db", str(path)]
        for number, fetches in enumerate(KILL_AFTER_FETCHES):
            kill_after([*args, *FAST, *(["--resume"] if number else [])], path, fetches)
            leaked = disallowed & set(server.requested_paths)
            assert not leaked, f"fetched after kill #{number + 1}: {sorted(leaked)}"
        final = subprocess.run(
            [*args, *FAST, "--resume"], capture_output=True, text=True, timeout=240
        )
        requested = server.requested_paths
        base = server.url

    assert final.returncode == 0, final.stderr[-2000:]
    assert not disallowed & set(requested)
    engine = create_archive_engine(f"sqlite:///{path}")
    with Session(engine) as s:
        urls = list(s.scalars(select(m.Article.canonical_url)))
        versions = s.scalar(select(func.count()).select_from(m.ArticleVersion))
        on_private = m.Fetch.url.contains("/private/")
        private = list(s.execute(select(m.Fetch.status, m.Fetch.error).where(on_private)))
        runs = list(s.scalars(select(m.CrawlRun).order_by(m.CrawlRun.id)))
    engine.dispose()
    assert sorted(urls) == sorted(base + a["path"] for a in site.truth["articles"])
    assert versions == len(urls)
    assert private, "each refusal is on record"
    assert {(status, error) for status, error in private} == {(None, "robots")}
    assert [r.resumed_from for r in runs] == [None, 1, 2, 3]
    assert runs[-1].status == "finished"
