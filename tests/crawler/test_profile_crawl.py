"""One site profile, two front doors: ``scrapy crawl -a profile=`` and ``healtharchive crawl
--profile`` crawl the demo site alike, keeping to the profile's URL patterns."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from storage import models as m
from storage.db import create_archive_engine

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = r"/health/a-\d+\.html$"
PROFILE = """
name = "demo"
start_urls = ["{base}/"]
article_urls = ['{article}']
listing_urls = ["/category/"]

[politeness]
download_delay = 0
autothrottle_enabled = false
concurrent_requests_per_domain = 8
download_timeout = 10
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=240
    )


def archived(db: str) -> tuple[set[str], set[str]]:
    engine = create_archive_engine(db)
    with Session(engine) as session:
        articles = set(session.scalars(select(m.Article.canonical_url)))
        fetched = set(session.scalars(select(m.Fetch.url)))
    engine.dispose()
    return articles, fetched


def test_scrapy_and_cli_read_the_same_profile(tmp_path):
    with DemoServer(build_site()) as server:
        profile = tmp_path / "demo.toml"
        profile.write_text(PROFILE.format(base=server.url, article=ARTICLE))
        by_scrapy, by_cli = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
        scrapy = run(
            "scrapy",
            "crawl",
            "health",
            "-a",
            f"profile={profile}",
            "-s",
            f"ARCHIVE_URL={by_scrapy}",
        )
        cli = run("crawler", "crawl", "--profile", str(profile), "--db", by_cli)
    assert scrapy.returncode == 0, scrapy.stderr[-3000:]
    assert cli.returncode == 0, cli.stderr[-3000:]
    scrapy_articles, scrapy_fetched = archived(by_scrapy)
    cli_articles, cli_fetched = archived(by_cli)
    assert scrapy_articles == cli_articles
    assert len(scrapy_articles) > 100
    for fetched in (scrapy_fetched, cli_fetched):
        pages = {url for url in fetched if not url.endswith((".txt", ".xml"))}
        off_pattern = {u for u in pages if not re.search(ARTICLE + "|/category/|/$", u)}
        assert not off_pattern, sorted(off_pattern)[:5]


def test_bad_profile_fails_naming_the_field(tmp_path):
    profile = tmp_path / "bad.toml"
    profile.write_text('start_urls = ["http://127.0.0.1:9/"]\n[politeness]\ndownload_dealy = 1\n')
    cli = run("crawler", "crawl", "--profile", str(profile), "--db", str(tmp_path / "x.db"))
    assert cli.returncode == 1
    assert cli.stderr.strip().splitlines() == [
        f"error: profile {profile}: politeness: Object contains unknown field `download_dealy`"
    ]
    scrapy = run("scrapy", "crawl", "health", "-a", f"profile={profile}")
    assert scrapy.returncode != 0
    assert "unknown field `download_dealy`" in scrapy.stderr
