"""A crawled demo archive per backend, shared by the CLI tests of the read commands.

The crawl runs once per backend for the whole session (it takes a while, and every read
command test only reads), over HTTP from the bundled demo server.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from crawler.demo.page import DemoSite
from crawler.demo.server import DemoServer
from crawler.demo.site import build_site

from ...conftest import postgres_database


@dataclass(frozen=True)
class CrawledArchive:
    url: str
    site: DemoSite
    base: str


def _crawl(db: str) -> tuple[DemoSite, str]:
    site = build_site()
    with DemoServer(site) as server:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "crawler",
                "crawl",
                server.url + "/",
                "--db",
                db,
                "-s",
                "DOWNLOAD_TIMEOUT=10",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        base = server.url
    assert result.returncode == 0, result.stderr[-2000:]
    return site, base


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def crawled(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CrawledArchive]:
    """The demo site crawled into a fresh archive, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('crawled') / 'archive.db'}"
        yield CrawledArchive(url, *_crawl(url))
        return
    with postgres_database() as url:
        yield CrawledArchive(url, *_crawl(url))
