"""End to end: crawl the demo site over HTTP into SQLite and compare with its ground truth."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from storage import models as m
from storage import queries
from storage.db import create_archive_engine

pytestmark = pytest.mark.integration

TABLES = (m.Article, m.ArticleVersion, m.AdviceItem, m.Link, m.Blob, m.Cluster, m.UrlAlias)


def run_cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def crawl(server: DemoServer, db: str) -> subprocess.CompletedProcess[str]:
    result = run_cli("crawl", server.url + "/", "--db", db, "-s", "DOWNLOAD_TIMEOUT=10")
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def row_counts(engine) -> dict[str, int]:
    with Session(engine) as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in TABLES}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One server and two crawls of the unchanged site; the tests below inspect the result."""
    site = build_site()
    db = f"sqlite:///{tmp_path_factory.mktemp('crawl') / 'archive.db'}"
    with DemoServer(site, slow_delay=0.5) as server:
        first = crawl(server, db)
        engine = create_archive_engine(db)
        after_first = row_counts(engine)
        fetched_first = list(server.requested_paths)
        second = crawl(server, db)
        yield {
            "site": site,
            "truth": site.truth,
            "base": server.url,
            "engine": engine,
            "first": first,
            "second": second,
            "after_first": after_first,
            "paths": fetched_first + list(server.requested_paths[len(fetched_first) :]),
        }
        engine.dispose()


def current(engine, url: str):
    with Session(engine) as s:
        article = queries.article_by_url(s, url)
        assert article is not None, f"{url} not archived"
        version = queries.versions_of(s, article.id)[-1]
        return article, version, queries.advice_of(s, version.id), queries.links_of(s, version.id)


def test_every_article_archived_exactly_once(demo):
    truth = demo["truth"]
    with Session(demo["engine"]) as s:
        urls = set(s.scalars(select(m.Article.canonical_url)))
    expected = {demo["base"] + a["path"] for a in truth["articles"]}
    assert urls == expected


def test_titles_and_advice_items_match_the_ground_truth(demo):
    mismatches = []
    for entry in demo["truth"]["articles"]:
        _, version, advice, _ = current(demo["engine"], demo["base"] + entry["path"])
        want = [(a["list_index"], a["number"], a["text"]) for a in entry["advice"]]
        got = [(a.list_index, a.printed_number, a.text) for a in advice]
        if want != got or version.headline != entry["title"]:
            mismatches.append((entry["path"], entry["template"], want, got, version.headline))
    assert mismatches == []


def test_previous_and_next_links_match_the_ground_truth(demo):
    base = demo["base"]
    mismatches = []
    for entry in demo["truth"]["articles"]:
        _, _, _, links = current(demo["engine"], base + entry["path"])
        got = {link.kind: link.url for link in links if link.kind in ("prev", "next")}
        want = {kind: base + entry[kind] for kind in ("prev", "next") if entry[kind] is not None}
        if got != want:
            mismatches.append((entry["path"], entry["template"], want, got))
    assert mismatches == []


def test_related_links_match_the_ground_truth(demo):
    base = demo["base"]
    mismatches = []
    for entry in demo["truth"]["articles"]:
        _, _, _, links = current(demo["engine"], base + entry["path"])
        got = [link.url for link in links if link.kind == "related"]
        want = [base + path for path in entry["related"]]
        if got != want:
            mismatches.append((entry["path"], entry["template"], want, got))
    assert mismatches == []


def test_disallowed_urls_are_never_fetched(demo):
    disallowed = set(demo["truth"]["disallowed"])
    assert disallowed
    assert not disallowed & set(demo["paths"])
    assert "/robots.txt" in demo["paths"]


def test_each_broken_page_is_counted_with_its_reason(demo):
    with Session(demo["engine"]) as s:
        run = s.scalar(select(m.CrawlRun).order_by(m.CrawlRun.id))
        for broken in demo["truth"]["broken"]:
            reason = broken["reason"]
            assert run.stats.get(f"healtharchive/fetch_error/{reason}") or run.stats.get(
                f"healtharchive/parse/{reason}"
            ), f"{broken['path']}: no count for {reason}"
            url = demo["base"] + broken["path"]
            fetches = s.execute(
                select(m.Fetch.status, m.Fetch.error).where(m.Fetch.url == url)
            ).all()
            assert fetches, f"{broken['path']} was not archived as a fetch"
    assert "not_html: 1" in demo["first"].stdout


def test_exact_duplicates_collapse_and_near_duplicates_cluster(demo):
    base = demo["base"]
    with Session(demo["engine"]) as s:
        groups = {
            frozenset(url.removeprefix(base) for url, _ in members)
            for members in queries.clusters(s).values()
        }
    assert groups == {frozenset(g) for g in demo["truth"]["near_duplicate_groups"]}


def test_second_crawl_adds_no_rows_but_its_own_run(demo):
    assert row_counts(demo["engine"]) == demo["after_first"]
    with Session(demo["engine"]) as s:
        runs = list(s.scalars(select(m.CrawlRun).order_by(m.CrawlRun.id)))
    assert [r.status for r in runs] == ["finished", "finished"]
    assert "0 new, 0 changed" in demo["second"].stdout


def test_unreachable_site_fails_in_one_line(tmp_path):
    result = run_cli("crawl", "http://127.0.0.1:9/", "--db", str(tmp_path / "a.db"), timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "cannot reach 127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_archive_path_fails_in_one_line(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    target = Path("/proc/archive.db") if Path("/proc").is_dir() else locked / "a.db"
    result = run_cli("crawl", "http://127.0.0.1:9/", "--db", str(target), timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "archive" in result.stderr and "Traceback" not in result.stderr


def test_only_duplicates_are_dropped_and_each_is_counted(demo):
    with Session(demo["engine"]) as s:
        run = s.scalar(select(m.CrawlRun).order_by(m.CrawlRun.id))
    dropped = {
        key.rsplit("/", 1)[1]: value
        for key, value in run.stats.items()
        if key.startswith("healtharchive/dropped/")
    }
    copies = [path for path in demo["truth"]["exact_duplicates"] if "?" not in path]
    assert dropped == {"duplicate_url": len(copies)}, "tracking URLs are never even requested"


def test_page_limit_stops_the_crawl_and_resume_finishes_it(tmp_path):
    db = str(tmp_path / "limited.db")
    site = build_site()
    with DemoServer(site, slow_delay=0.1) as server:
        limited = run_cli("crawl", server.url + "/", "--db", db, "--max-pages", "30")
        assert limited.returncode == 0, limited.stderr[-2000:]
        assert "(closespider_pagecount)" in limited.stdout
        resumed = run_cli("crawl", server.url + "/", "--db", db, "--resume")
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        base = server.url
    assert "resuming crawl run #1" in resumed.stdout
    engine = create_archive_engine(db)
    with Session(engine) as s:
        urls = set(s.scalars(select(m.Article.canonical_url)))
    engine.dispose()
    assert urls == {base + a["path"] for a in site.truth["articles"]}


def test_show_walks_a_series_in_order(demo):
    """``show`` reconstructs a chain of previous/next articles from the archive alone."""
    base = demo["base"]
    entries = {entry["path"]: entry for entry in demo["truth"]["articles"]}
    middle = next(e for e in entries.values() if e["prev"] and e["next"])
    first = middle
    while first["prev"] in entries and entries[first["prev"]] is not middle:
        first = entries[first["prev"]]
    expected, entry = [], first
    while entry is not None and base + entry["path"] not in expected:
        expected.append(base + entry["path"])
        entry = entries.get(entry["next"]) if entry["next"] else None
    db = demo["engine"].url.render_as_string(hide_password=False)
    shown = run_cli("show", base + middle["path"], "--db", db)
    assert shown.returncode == 0, shown.stderr[-2000:]
    lines = shown.stdout.splitlines()
    series = lines[lines.index(next(line for line in lines if line.startswith("series"))) + 1 :]
    assert [line.split()[-1] for line in series] == expected
    assert any(line.startswith("*") and line.endswith(base + middle["path"]) for line in series)
    assert f"previous: {entries[middle['prev']]['title']}" in shown.stdout


def test_show_refuses_an_unknown_url(demo):
    db = demo["engine"].url.render_as_string(hide_password=False)
    shown = run_cli("show", demo["base"] + "/nowhere.html", "--db", db)
    assert shown.returncode == 1
    assert shown.stderr.strip().startswith("error: no archived article")
