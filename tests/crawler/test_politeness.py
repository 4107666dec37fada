"""Retry-After: parsed in both forms, and honoured over real HTTP within the cap."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from itertools import pairwise

import pytest

from crawler.demo.page import DemoSite, Page
from crawler.demo.server import DemoServer
from crawler.politeness import retry_after_seconds

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("2", 2.0),
        (" 120 ", 120.0),
        ("Sun, 01 Mar 2026 12:00:30 GMT", 30.0),
        ("Sun, 01 Mar 2026 11:00:00 GMT", 0.0),
        ("soon", None),
        ("-5", None),
        ("", None),
        ("1.5", None),
    ],
)
def test_retry_after_values(value, seconds):
    assert retry_after_seconds(value, NOW) == seconds


def crawl(server: DemoServer, tmp_path, *settings: str) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "crawler", "crawl", server.url + "/busy.html"]
    args += ["--db", str(tmp_path / "a.db"), "--no-sitemap", "--no-revisit", "-s", "RETRY_TIMES=2"]
    for setting in settings:
        args += ["-s", setting]
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def busy_site(retry_after: str) -> DemoSite:
    busy = Page(503, (("Retry-After", retry_after), ("Content-Type", "text/html")), b"busy")
    robots = Page(200, (("Content-Type", "text/plain"),), b"User-agent: *\n")
    return DemoSite(pages={"/busy.html": busy, "/robots.txt": robots}, truth={})


@pytest.mark.integration
def test_retries_wait_as_long_as_the_server_asks(tmp_path):
    with DemoServer(busy_site("1")) as server:
        result = crawl(server, tmp_path)
        times = server.arrivals("/busy.html")
    assert len(times) == 3
    assert all(later - earlier >= 1.0 for earlier, later in pairwise(times))
    assert "http_503: 1" in result.stdout


@pytest.mark.integration
def test_a_wait_beyond_the_cap_ends_the_retries(tmp_path):
    with DemoServer(busy_site("3600")) as server:
        result = crawl(server, tmp_path, "RETRY_AFTER_MAX=5")
        times = server.arrivals("/busy.html")
    assert len(times) == 1
    assert "http_503: 1" in result.stdout
