"""A crawl whose archive fills the disk is not marked finished, and ``--resume`` completes it.

The crawl process runs with a file-size limit (``RLIMIT_FSIZE``): once the SQLite file reaches
it, every write fails with EFBIG, which SQLite reports as "database or disk is full", exactly as
on a full disk.
"""

from __future__ import annotations

import resource
import subprocess
import sys

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from storage import models as m
from storage.db import create_archive_engine

pytestmark = pytest.mark.integration

ARCHIVE_LIMIT_BYTES = 1_500_000
"""About a third of the demo site's archive."""


def limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (ARCHIVE_LIMIT_BYTES, ARCHIVE_LIMIT_BYTES))


def test_a_crawl_that_fills_the_disk_is_resumable(tmp_path):
    path = tmp_path / "archive.db"
    site = build_site()
    with DemoServer(site, slow_delay=0.1) as server:
        args = [sys.executable, "-m", "crawler", "crawl", server.url + "/", "--db", str(path)]
        args += ["--no-revisit", "-s", "ARCHIVE_BATCH_SIZE=20", "-s", "ARCHIVE_FLUSH_RETRIES=1"]
        full = subprocess.run(
            args, capture_output=True, text=True, timeout=300, preexec_fn=limit_file_size
        )
        resumed = subprocess.run([*args, "--resume"], capture_output=True, text=True, timeout=300)
        base = server.url

    assert full.returncode == 1, full.stderr[-2000:]
    assert "could not be written to the archive" in full.stderr
    assert "--resume" in full.stderr.splitlines()[-1]
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "resuming crawl run #1" in resumed.stdout
    engine = create_archive_engine(f"sqlite:///{path}")
    with Session(engine) as s:
        urls = list(s.scalars(select(m.Article.canonical_url)))
        versions = s.scalar(select(func.count()).select_from(m.ArticleVersion))
        runs = list(s.scalars(select(m.CrawlRun).order_by(m.CrawlRun.id)))
    engine.dispose()
    assert sorted(urls) == sorted(base + a["path"] for a in site.truth["articles"])
    assert versions == len(urls)
    assert runs[0].status != "finished"
    assert (runs[-1].status, runs[-1].resumed_from) == ("finished", 1)
