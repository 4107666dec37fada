"""Requests queued while robots.txt is still downloading obey it too."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crawler.demo.page import DemoSite
from crawler.demo.server import DemoServer
from crawler.demo.site import build_site

from .test_crawl_demo import run_cli

pytestmark = pytest.mark.integration


def test_requests_waiting_for_robots_txt_are_refused(tmp_path):
    site = build_site()
    slow_robots = replace(site.pages["/robots.txt"], delay=0.5)
    site = DemoSite(pages=site.pages | {"/robots.txt": slow_robots}, truth=site.truth)
    private = site.truth["disallowed"]
    with DemoServer(site) as server:
        result = run_cli(
            "crawl",
            *[server.url + path for path in ["/", *private]],
            "--db",
            str(tmp_path / "a.db"),
            "--no-sitemap",
            "--max-pages",
            "10",
        )
        requested = set(server.requested_paths)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not requested & set(private)
