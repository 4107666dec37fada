"""``reparse`` turns archived pages the parser once rejected into articles, offline."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cli import main
from crawler.demo.site import build_site, render_body
from crawler.reparse import reparse
from storage import models as m
from storage import queries
from storage.archive import ArchiveWriter
from storage.db import create_archive_engine
from storage.records import FetchRecord
from storage.runs import start_run

ORIGIN = "http://demo.example"
SITE = build_site()


def archive_fetch(engine, path: str) -> str:
    page = SITE.pages[path]
    fetch = FetchRecord(
        key=uuid.uuid4().hex,
        url=ORIGIN + path,
        final_url=ORIGIN + path,
        status=200,
        fetched_at=datetime.now(timezone.utc),
        body=render_body(page, ORIGIN),
        content_type=dict(page.headers)["Content-Type"],
    )
    writer = ArchiveWriter(engine, start_run(engine, "test", []), "0")
    writer.add_fetch(fetch)
    writer.flush()
    return fetch.key


def test_rejected_pages_become_articles_once(archive_url):
    engine = create_archive_engine(archive_url)
    entry = SITE.truth["articles"][5]
    key = archive_fetch(engine, entry["path"])
    archive_fetch(engine, "/")
    result = reparse(engine)
    assert result.new_articles == 1
    with Session(engine) as s:
        article = queries.article_by_url(s, ORIGIN + entry["path"])
        (version,) = queries.versions_of(s, article.id)
        assert version.headline == entry["title"]
        assert s.scalar(select(m.Fetch.key).where(m.Fetch.id == version.fetch_id)) == key
        advice = [(a.printed_number, a.text) for a in queries.advice_of(s, version.id)]
        assert advice == [(a["number"], a["text"]) for a in entry["advice"]]
        runs = [r.spider for r in s.scalars(select(m.CrawlRun).order_by(m.CrawlRun.id))]
    assert runs[-1] == "reparse"
    assert reparse(engine).new_articles == 0
    engine.dispose()


def test_reparse_command_reports_progress(sqlite_url, monkeypatch):
    engine = create_archive_engine(sqlite_url)
    for entry in SITE.truth["articles"][:4]:
        archive_fetch(engine, entry["path"])
    assert reparse(engine).new_articles == 4
    seen: list[tuple[int, int]] = []
    reparse(engine, only_stale=False, on_page=lambda r: seen.append((r.reparsed, r.failed)))
    engine.dispose()
    assert seen == [(1, 0), (2, 0), (3, 0), (4, 0)]

    monkeypatch.setattr("crawler.settings.PROGRESS_INTERVAL", 0)
    result = CliRunner().invoke(main, ["reparse", "--all", "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 5
    assert lines[0].startswith("reparse: 1/4 versions, ")
    assert re.match(r"reparse: 4/4 versions, [\d.]+/s, changed=0 failed=0 \(done\)$", lines[-1])


def test_reparse_applies_a_site_profiles_selectors(sqlite_url, tmp_path):
    engine = create_archive_engine(sqlite_url)
    for entry in SITE.truth["articles"][:3]:
        archive_fetch(engine, entry["path"])
    assert reparse(engine).new_articles == 3
    engine.dispose()
    profile = tmp_path / "demo.toml"
    profile.write_text(f'start_urls = ["{ORIGIN}/"]\n[selectors]\nbody = ["body"]\n')
    result = CliRunner().invoke(
        main, ["reparse", "--all", "--db", sqlite_url, "--profile", str(profile)]
    )
    assert result.exit_code == 0, result.output
    assert "3 changed" in result.stdout
    missing = str(tmp_path / "absent.toml")
    bad = CliRunner().invoke(main, ["reparse", "--db", sqlite_url, "--profile", missing])
    assert bad.exit_code == 1
    assert bad.stderr.startswith("error: cannot read profile")
