"""Hostile responses over real HTTP: each is archived as a failed fetch and counted by reason."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.demo.page import DemoSite, Page
from crawler.demo.server import DemoServer
from storage import models as m
from storage.db import create_archive_engine

pytestmark = pytest.mark.integration

HTML = (("Content-Type", "text/html; charset=utf-8"),)
DECLARED = '<meta property="og:type" content="article">'
"""The broken page has no headline; it says it is an article, so only its markup is on trial."""
PROSE = "<p>" + "Sleep is when the body repairs muscles and memory settles. " * 20 + "</p>"
INDEX = b"""<html><body><a href="/huge.html">huge</a> <a href="/stalled.html">stalled</a>
<a href="/broken.html">broken</a> <a href="/empty.html">empty</a>
<a href="/ok.html">ok</a></body></html>"""


def hostile_site() -> DemoSite:
    article = f"<html><head><title>Sleep</title></head><body><h1>Sleep</h1>{PROSE}</body></html>"
    pages = {
        "/": Page(200, HTML, INDEX),
        "/robots.txt": Page(200, (("Content-Type", "text/plain"),), b"User-agent: *\n"),
        "/huge.html": Page(200, HTML, b"<html><body>" + b"<p>padding</p>" * 200_000),
        "/stalled.html": Page(200, HTML, article.encode(), delay=3.0),
        "/broken.html": Page(
            200,
            HTML,
            f"<html><title>Broken</title>{DECLARED}<body><div><p><b>unclosed{PROSE}".encode(),
        ),
        "/empty.html": Page(200, HTML, b""),
        "/ok.html": Page(200, HTML, article.encode()),
    }
    return DemoSite(pages=pages, truth={})


def test_huge_stalled_broken_and_empty_pages(tmp_path):
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    with DemoServer(hostile_site()) as server:
        result = subprocess.run(
            [
                sys.executable, "-m", "crawler", "crawl", server.url + "/", "--db", db,
                "--no-sitemap", "-s", "DOWNLOAD_MAXSIZE=1000000", "-s", "DOWNLOAD_TIMEOUT=1",
                "-s", "RETRY_TIMES=0",
            ],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        base = server.url
    assert result.returncode == 0, result.stderr[-2000:]
    assert "too_large: 1" in result.stdout
    assert "timeout: 1" in result.stdout
    assert "not_html: 1" in result.stdout
    assert "memory settles. Sleep is" not in result.stderr
    engine = create_archive_engine(db)
    with Session(engine) as s:
        errors = dict(s.execute(select(m.Fetch.url, m.Fetch.error)).all())
        articles = set(s.scalars(select(m.Article.canonical_url)))
    engine.dispose()
    assert errors[base + "/huge.html"] == "too_large"
    assert errors[base + "/stalled.html"] == "timeout"
    assert articles == {base + "/ok.html", base + "/broken.html"}
