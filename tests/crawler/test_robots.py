"""robots.txt over real HTTP: every request waiting for it gets the rules, RFC 9309 statuses."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crawler.demo.page import DemoSite, Page
from crawler.demo.server import DemoServer

pytestmark = pytest.mark.integration

HTML = (("Content-Type", "text/html; charset=utf-8"),)
TEXT = (("Content-Type", "text/plain"),)
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
ROBOTS_DELAY = 0.5
"""Long enough for every start request to be waiting on robots.txt when it arrives."""
OPEN = [f"/open/{n}.html" for n in range(6)]
PRIVATE = [f"/private/{n}.html" for n in range(6)]


def page(title: str) -> Page:
    body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
    body += "<p>" + "Sleep helps the body repair itself overnight. " * 10 + "</p></body></html>"
    return Page(200, HTML, body.encode())


def site(robots: Page) -> DemoSite:
    pages = {path: page(path) for path in [*OPEN, *PRIVATE]}
    pages["/robots.txt"] = robots
    return DemoSite(pages=pages, truth={})


def crawl(server: DemoServer, tmp_path, paths: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable, "-m", "crawler", "crawl", *[server.url + p for p in paths],
            "--db", str(tmp_path / "archive.db"), "--no-sitemap", "--no-revisit",
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_every_request_waiting_for_robots_txt_is_checked(tmp_path):
    """Twelve start requests wait together; Scrapy's middleware let all but the first through."""
    slow_robots = Page(200, TEXT, ROBOTS, delay=ROBOTS_DELAY)
    with DemoServer(site(slow_robots)) as server:
        interleaved = [path for pair in zip(PRIVATE, OPEN, strict=True) for path in pair]
        result = crawl(server, tmp_path, interleaved)
        requested = server.requested_paths
    assert result.returncode == 0, result.stderr[-2000:]
    assert requested.count("/robots.txt") == 1
    assert not set(PRIVATE) & set(requested)
    assert set(OPEN) <= set(requested)


@pytest.mark.parametrize("status", [404, 403])
def test_robots_txt_missing_allows_everything(tmp_path, status):
    with DemoServer(site(Page(status, TEXT, b""))) as server:
        result = crawl(server, tmp_path, [*OPEN, *PRIVATE])
        requested = server.requested_paths
    assert result.returncode == 0, result.stderr[-2000:]
    assert set(OPEN + PRIVATE) <= set(requested)


@pytest.mark.parametrize("status", [500, 503, 429])
def test_robots_txt_unreachable_refuses_the_host(tmp_path, status):
    with DemoServer(site(Page(status, TEXT, b""))) as server:
        crawl(server, tmp_path, [*OPEN, *PRIVATE])
        requested = server.requested_paths
    assert set(requested) == {"/robots.txt"}
