"""``scrapy crawl health -o ...``: feed exports hold one record per archived article."""

from __future__ import annotations

import csv
import json
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
FAST = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=0", "CONCURRENT_REQUESTS_PER_DOMAIN=8")
PROGRESS_LINE = re.compile(
    r"\[crawler\.extensions\] INFO: crawl: (\d+) pages, [\d.]+/s, new=(\d+) changed=\d+ "
    r"unchanged=\d+ dup=\d+ refused=\d+ errors=\d+ queue=\d+"
)


def scrapy(*args: str, cwd: Path = ROOT, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("feeds")
    db = f"sqlite:///{out / 'archive.db'}"
    settings = [arg for pair in (*FAST, "PROGRESS_INTERVAL=1") for arg in ("-s", pair)]
    with DemoServer(build_site()) as server:
        result = scrapy(
            "crawl", "health", "-a", f"start_urls={server.url}/", "-s", f"ARCHIVE_URL={db}",
            *settings, "-o", str(out / "articles.jsonl"), "-o", str(out / "articles.csv"),
        )  # fmt: skip
    engine = create_archive_engine(db)
    with Session(engine) as session:
        archived = set(session.scalars(select(m.Article.canonical_url)))
    engine.dispose()
    return result, out, archived


def test_crawl_with_feeds_exits_cleanly(feeds):
    result, _, archived = feeds
    assert result.returncode == 0, result.stderr[-3000:]
    assert " ERROR: " not in result.stderr, result.stderr[-3000:]
    assert len(archived) > 100


def test_jsonl_holds_one_record_per_archived_article(feeds):
    _, out, archived = feeds
    records = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    urls = [r["canonicalUrl"] for r in records]
    assert len(urls) == len(set(urls)) == len(archived)
    assert set(urls) == archived
    with_advice = [r for r in records if r["advice"]]
    assert with_advice, "the demo site has numbered advice lists"
    assert {"printed_number", "text", "marker"} <= set(with_advice[0]["advice"][0])
    assert all(r["headline"] and r["articleBody"] for r in records)


def test_csv_holds_the_same_records_with_lists_as_json(feeds):
    _, out, archived = feeds
    with (out / "articles.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["canonicalUrl"] for row in rows} == archived
    assert len(rows) == len(archived)
    for row in rows:
        assert isinstance(json.loads(row["advice"]), list)
        assert isinstance(json.loads(row["related"]), list)


def test_progress_is_logged_as_plain_lines_off_a_terminal(feeds):
    result, _, archived = feeds
    lines = PROGRESS_LINE.findall(result.stderr)
    assert len(lines) >= 2, result.stderr[-3000:]
    pages = [int(done) for done, _ in lines]
    assert pages == sorted(pages)
    assert result.stderr.count("(done)") == 1
    assert int(lines[-1][1]) == len(archived)
