"""A crawl killed mid-way (SIGKILL: no clean shutdown) resumes without loss or duplicates."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from storage import models as m
from storage.db import create_archive_engine

pytestmark = pytest.mark.integration

SLOW = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=1"]
SLOW += ["-s", "DOWNLOAD_DELAY=0.03", "-s", "ARCHIVE_BATCH_SIZE=10"]


def archived(engine) -> int:
    try:
        with Session(engine) as s:
            return s.scalar(select(func.count()).select_from(m.Article)) or 0
    except OperationalError:
        return 0


def test_killed_crawl_resumes_from_the_archive(tmp_path):
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    site = build_site()
    with DemoServer(site, slow_delay=0.1) as server:
        args = [sys.executable, "-m", "crawler", "crawl", server.url + "/", "--db", db]
        worker = subprocess.Popen([*args, *SLOW], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        engine = create_archive_engine(db)
        deadline = time.monotonic() + 120
        while archived(engine) < 60 and time.monotonic() < deadline:
            assert worker.poll() is None, "the crawl ended before it could be interrupted"
            time.sleep(0.1)
        worker.send_signal(signal.SIGKILL)
        worker.communicate(timeout=30)
        before_kill = archived(engine)
        first_paths = len(server.requested_paths)

        resumed = subprocess.run(
            [*args, "--resume", "--no-revisit"], capture_output=True, text=True, timeout=240
        )
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        second_paths = server.requested_paths[first_paths:]
        base = server.url

    assert "resuming crawl run #1" in resumed.stdout
    with Session(engine) as s:
        urls = list(s.scalars(select(m.Article.canonical_url)))
        runs = list(s.scalars(select(m.CrawlRun).order_by(m.CrawlRun.id)))
    engine.dispose()
    assert sorted(urls) == sorted({base + a["path"] for a in site.truth["articles"]})
    assert [(r.status, r.resumed_from) for r in runs] == [("interrupted", None), ("finished", 1)]
    assert runs[1].stats["healtharchive/resume/from_archive"] >= before_kill
    article_paths = {a["path"] for a in site.truth["articles"]}
    refetched = [p for p in second_paths if p in article_paths]
    assert len(refetched) <= len(article_paths) - before_kill + 10


def test_ctrl_c_stops_cleanly_and_says_how_to_continue(tmp_path):
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    with DemoServer(build_site(), slow_delay=0.1) as server:
        args = [sys.executable, "-m", "crawler", "crawl", server.url + "/", "--db", db, *SLOW]
        worker = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        engine = create_archive_engine(db)
        deadline = time.monotonic() + 120
        while archived(engine) < 30 and time.monotonic() < deadline:
            assert worker.poll() is None, "the crawl ended before it could be interrupted"
            time.sleep(0.1)
        worker.send_signal(signal.SIGINT)
        stdout, stderr = worker.communicate(timeout=60)
    assert worker.returncode == 1
    assert "error: crawl interrupted: run the same command with --resume" in stderr
    assert "crawl run #1 (shutdown)" in stdout
    with Session(engine) as s:
        run = s.scalar(select(m.CrawlRun))
        assert run.status == "shutdown"
        assert run.stats["healtharchive/archive/new_articles"] == archived(engine)
    engine.dispose()
