"""One crawl of the demo site's hostile corner with default settings, over real HTTP.

It must finish on its own, stay under 1 GB of memory, archive the good and the merely abused
pages, and leave a ``fetches`` row with the expected reason for every other hostile URL.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.demo.page import ORIGIN_PLACEHOLDER
from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from storage import models as m
from storage.db import create_archive_engine

pytestmark = pytest.mark.integration

MAX_SECONDS = 600
MAX_RSS_BYTES = 1024**3


def test_hostile_corner_is_crawled_to_the_end_with_every_case_on_record(tmp_path):
    site = build_site(hostile=True)
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    with DemoServer(site) as server:
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "crawler", "crawl", server.url + "/hostile/", "--db", db,
             "--no-sitemap", "--no-revisit"],
            capture_output=True, text=True, timeout=MAX_SECONDS, check=False,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        requested = server.requested_paths
        base = server.url
    peak_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    assert result.returncode == 0, result.stderr[-2000:]
    assert peak_rss < MAX_RSS_BYTES
    assert elapsed < MAX_SECONDS
    assert not set(site.truth["disallowed"]) & set(requested)

    engine = create_archive_engine(db)
    with Session(engine) as s:
        articles = set(s.scalars(select(m.Article.canonical_url)))
        rows = set(s.execute(select(m.Fetch.url, m.Fetch.error)).all())
    engine.dispose()
    missing = []
    for case in site.truth["hostile"]:
        url = case["path"].replace(ORIGIN_PLACEHOLDER, base)
        expect = case["expect"]
        found = url in articles if expect == "article" else (url, expect) in rows
        if not found:
            missing.append((url, expect))
    assert missing == []
    assert "link_cap: 1" in result.stdout
