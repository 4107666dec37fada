"""A re-crawl asks before it downloads: 304s, sitemap dates, and ``--full`` to force it all."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from storage import models as m
from storage.db import create_archive_engine

from .test_crawl_demo import run_cli

pytestmark = pytest.mark.integration


def crawl(server: DemoServer, db: str, *options: str) -> int:
    """Crawl and return the body bytes the server sent for it."""
    before = server.bytes_sent
    result = run_cli("crawl", server.url + "/", "--db", db, "-s", "DOWNLOAD_TIMEOUT=10", *options)
    assert result.returncode == 0, result.stderr[-2000:]
    return server.bytes_sent - before


def fetch_statuses(engine, run_id: int) -> Counter[int | None]:
    """Statuses of the run's page fetches; refusals (never requested) are no fetches."""
    refused = {key.rsplit("/", 1)[1] for key in run_stats(engine, run_id) if "/refused/" in key}
    with Session(engine) as s:
        rows = s.execute(
            select(m.Fetch.status, m.Fetch.error).where(m.Fetch.crawl_run_id == run_id)
        ).all()
    return Counter(status for status, error in rows if error not in refused)


def run_stats(engine, run_id: int) -> dict:
    with Session(engine) as s:
        run = s.get(m.CrawlRun, run_id)
        assert run is not None
        return dict(run.stats)


@pytest.fixture(scope="module")
def unchanged(module_archive_url):
    """Three crawls of one unchanged site: first, incremental, then ``--full``."""
    site = build_site()
    with DemoServer(site, slow_delay=0.1) as server:
        first = crawl(server, module_archive_url)
        engine = create_archive_engine(module_archive_url)
        with Session(engine) as s:
            seen_first = {
                aid: seen for aid, seen in s.execute(select(m.Article.id, m.Article.last_seen))
            }
        second = crawl(server, module_archive_url)
        full = crawl(server, module_archive_url, "--full")
    yield {"site": site, "bytes": (first, second, full), "seen_first": seen_first, "engine": engine}
    engine.dispose()


def test_second_crawl_is_mostly_304s_and_downloads_little(unchanged):
    """Pages archived the first time come back 304; only the demo's broken pages do not."""
    first, second, _ = unchanged["bytes"]
    engine = unchanged["engine"]
    with Session(engine) as s:
        archived = set(
            s.scalars(select(m.Fetch.url).where(m.Fetch.crawl_run_id == 1, m.Fetch.status == 200))
        )
        again = s.execute(
            select(m.Fetch.url, m.Fetch.status).where(m.Fetch.crawl_run_id == 2)
        ).all()
    revalidated = Counter(status for url, status in again if url in archived)
    assert revalidated[304] >= 0.9 * sum(revalidated.values()) > 0, revalidated
    statuses = fetch_statuses(engine, 2)
    assert statuses[200] == 0, statuses
    assert sum(statuses.values()) - statuses[304] <= len(unchanged["site"].truth["broken"])
    assert second < 0.2 * first, (first, second)


def test_unchanged_sitemap_entries_are_skipped_with_a_reason(unchanged):
    stats = run_stats(unchanged["engine"], 2)
    articles = len(unchanged["site"].truth["articles"])
    assert stats["healtharchive/skipped/sitemap_lastmod"] >= 0.8 * articles
    assert stats["healtharchive/archive/new_blobs"] == 0
    assert stats["healtharchive/archive/new_versions"] == 0


def test_304_points_at_the_stored_body_and_moves_last_seen(unchanged):
    engine = unchanged["engine"]
    with Session(engine) as s:
        not_modified = s.execute(
            select(m.Fetch.url, m.Fetch.blob_sha256).where(m.Fetch.status == 304)
        ).all()
        stored = {
            url: sha
            for url, sha in s.execute(
                select(m.Fetch.url, m.Fetch.blob_sha256).where(
                    m.Fetch.crawl_run_id == 1, m.Fetch.status == 200
                )
            )
        }
        last_seen = {
            aid: seen for aid, seen in s.execute(select(m.Article.id, m.Article.last_seen))
        }
    assert not_modified
    assert all(sha is not None and stored[url] == sha for url, sha in not_modified)
    assert all(last_seen[aid] > seen for aid, seen in unchanged["seen_first"].items())


def test_full_recrawl_downloads_everything_again(unchanged):
    first, _, full = unchanged["bytes"]
    statuses = fetch_statuses(unchanged["engine"], 3)
    assert statuses[304] == 0
    assert full >= 0.9 * first


def test_edited_pages_are_downloaded_and_versioned(sqlite_url):
    first, second = build_site(), build_site(edition=2)
    with DemoServer(first, slow_delay=0.1) as server:
        crawl(server, sqlite_url)
        server.set_site(second)
        crawl(server, sqlite_url)
        base = server.url
    engine = create_archive_engine(sqlite_url)
    with Session(engine) as s:
        downloaded = set(
            s.scalars(select(m.Fetch.url).where(m.Fetch.crawl_run_id == 2, m.Fetch.status == 200))
        )
        versioned = set(
            s.scalars(select(m.Article.canonical_url).where(m.Article.current_version == 2))
        )
    engine.dispose()
    edited = {base + path for path in second.truth["edited"]}
    assert edited <= downloaded
    assert versioned == edited
