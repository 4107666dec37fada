"""Two workers sharing a Redis-backed scheduler crawl the demo site once between them.

On SQLite and on one PostgreSQL archive: the union of what the workers archived is exactly a
single crawl's articles, no URL is fetched twice, and the summary tables the read commands use,
written by both workers at once, equal the counts over the rows.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from storage import models as m
from storage.db import create_archive_engine

from ..storage.test_summaries import assert_summaries_exact

pytestmark = [pytest.mark.integration, pytest.mark.redis]


def test_two_workers_share_queue_and_seen_set(redis_url, archive_url):
    import redis

    prefix = f"healtharchive-test-{uuid.uuid4().hex[:8]}"
    site = build_site()
    with DemoServer(site, slow_delay=0.2) as server:
        command = [
            sys.executable,
            "-m",
            "crawler",
            "crawl",
            server.url + "/",
            "--db",
            archive_url,
            "--redis",
            redis_url,
            "-s",
            f"SCHEDULER_QUEUE_KEY={prefix}:requests",
            "-s",
            f"SCHEDULER_DUPEFILTER_KEY={prefix}:dupefilter",
        ]
        workers = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [worker.communicate(timeout=240) for worker in workers]
        paths = list(server.requested_paths)
        base = server.url
    client = redis.Redis.from_url(redis_url)
    client.delete(f"{prefix}:requests", f"{prefix}:dupefilter")
    client.close()
    for worker, (_, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr[-2000:]

    retried = {b["path"] for b in site.truth["broken"]} | {"/robots.txt", "/health/slow.html"}
    repeats = {p: n for p, n in Counter(paths).items() if n > 1 and p not in retried}
    assert repeats == {}

    engine = create_archive_engine(archive_url)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(m.Article)) == len(site.truth["articles"])
        urls = set(s.scalars(select(m.Article.canonical_url)))
        runs = list(s.scalars(select(m.CrawlRun)))
    assert_summaries_exact(engine)
    engine.dispose()
    assert urls == {base + article["path"] for article in site.truth["articles"]}
    assert len(runs) == 2
    assert sum(run.stats.get("healtharchive/archive/fetches", 0) for run in runs) >= len(
        site.truth["articles"]
    )
