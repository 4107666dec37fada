"""Crawled demo archives on both backends, crawled once per session for the read-side tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from storage.db import create_archive_engine

from ..conftest import postgres_database


def crawl_demo(base: str, url: str) -> Engine:
    result = subprocess.run(
        [sys.executable, "-m", "crawler", "crawl", base + "/", "--db", url],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return create_archive_engine(url)


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    with DemoServer(build_site()) as running:
        yield running


@pytest.fixture(scope="session")
def sqlite_demo(demo_server, tmp_path_factory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("demo") / "archive.db"
    engine = crawl_demo(demo_server.url, f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_demo(demo_server) -> Iterator[Engine]:
    with postgres_database() as url:
        engine = crawl_demo(demo_server.url, url)
        yield engine
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def demo(request) -> Engine:
    """A crawled demo archive, once per backend."""
    return request.getfixturevalue(f"{request.param}_demo")
