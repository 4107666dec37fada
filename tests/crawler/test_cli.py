"""The CLI on a real archive: one clear line and a non-zero exit for every expected failure."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.demo.site import build_site
from storage.archive import ArchiveWriter
from storage.db import create_archive_engine
from storage.fingerprints import NearDupConfig
from storage.records import ArticleRecord
from storage.runs import start_run

from ..storage.test_archive import article, record


@pytest.fixture
def archive(tmp_path):
    db = tmp_path / "archive.db"
    engine = create_archive_engine(str(db))
    writer = ArchiveWriter(engine, start_run(engine, "test", []), "1", NearDupConfig())
    hostile = article("http://site/a.html", "Sleep well. " * 30, title="=HYPERLINK(1)")
    writer.add_article(record(hostile))
    writer.add_article(record(article("http://site/b.html", "Drink water. " * 30)))
    writer.add_article(
        ArticleRecord(article=article("http://site/c.html", "Walk daily. " * 30), content_hash="c")
    )
    writer.flush()
    engine.dispose()
    return db


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_peek(archive):
    result = invoke("peek", "--db", str(archive))
    assert result.exit_code == 0
    assert "archive: 3 articles" in result.output


def test_export_articles_and_advice(archive, tmp_path):
    out = tmp_path / "articles.csv"
    assert invoke("export", str(out), "--db", str(archive)).exit_code == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3
    assert rows[0]["headline"] == "'=HYPERLINK(1)"
    advice = tmp_path / "advice.csv"
    result = invoke("export", str(advice), "--db", str(archive))
    assert "wrote 6 advice rows" in result.output
    with advice.open(encoding="utf-8-sig", newline="") as handle:
        first = next(csv.DictReader(handle))
    assert (first["canonical_url"], first["printed_number"], first["text"]) == (
        "http://site/a.html",
        "1",
        "tip 1",
    )


def test_extract_prints_one_record_per_file(tmp_path):
    site = build_site()
    page = tmp_path / "a.html.gz"
    page.write_bytes(gzip.compress(site.pages["/health/a-001.html"].body))
    result = invoke(
        "extract", str(page), "--url", "http://demo.invalid/health/a-001.html", "--jsonl"
    )
    record = json.loads(result.output)
    assert result.exit_code == 0
    assert record["headline"] == site.truth["articles"][0]["title"]
    assert [a["printed_number"] for a in record["advice"]] == [
        a["number"] for a in site.truth["articles"][0]["advice"]
    ]


def test_extract_reports_unparseable_files(tmp_path):
    page = tmp_path / "b.html"
    page.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    result = invoke("extract", str(page))
    assert result.exit_code == 1
    assert json.loads(result.output)["error"] == "not_html"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("peek", "--db", "/nonexistent/archive.db"), "error: no archive at"),
        (("export", "x.csv", "--db", "/nonexistent/archive.db"), "error: no archive at"),
        (("diff", "http://nowhere/", "--db", "{archive}"), "error: no archived article"),
        (("crawl", "ftp://site/", "--db", "{tmp}/a.db"), "error: not an http(s) URL"),
        (("export", "{tmp}/x.warc.gz", "--db", "{archive}"), "error: no fetches match"),
        (("export", "{tmp}/x.wacz", "--db", "{archive}"), "error: no fetches match"),
        (("import", "{tmp}/none.warc.gz", "--db", "{tmp}/a.db"), "error: no such WARC file"),
    ],
)
def test_expected_failures_are_one_line(archive, tmp_path, args, message):
    args = tuple(a.format(archive=archive, tmp=tmp_path) for a in args)
    result = invoke(*args)
    assert result.exit_code == 1
    assert result.output.strip().startswith(message)
    assert result.output.strip().count("\n") == 0


def test_schema_from_a_newer_version_is_refused(archive):
    import sqlite3

    with sqlite3.connect(archive) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'future'")
    result = invoke("crawl", "http://127.0.0.1:9/", "--db", str(archive))
    assert result.exit_code == 1
    assert "healtharchive db upgrade" in result.output


def test_save_fixture_writes_a_case_the_article_test_accepts(tmp_path):
    from crawler.demo.site import render_body
    from crawler.extract import fixture_expectation
    from storage.records import FetchRecord

    db = tmp_path / "archive.db"
    engine = create_archive_engine(str(db))
    page = build_site().pages["/health/a-002.html"]
    url = "http://demo.example/health/a-002.html"
    writer = ArchiveWriter(engine, start_run(engine, "test", []), "1", NearDupConfig())
    writer.add_fetch(
        FetchRecord(
            key="k",
            url=url,
            final_url=url,
            status=200,
            fetched_at=datetime.now(timezone.utc),
            body=render_body(page, "http://demo.example"),
            content_type=dict(page.headers)["Content-Type"],
        )
    )
    writer.flush()
    engine.dispose()
    folder = tmp_path / "fixtures"
    result = invoke("save-fixture", url, "demo-a-002", "--db", str(db), "--dir", str(folder))
    assert result.exit_code == 0, result.output
    case = folder / "demo-a-002"
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    content_type = expected["headers"]["Content-Type"]
    assert fixture_expectation((case / "page.html").read_bytes(), url, content_type) == expected
    assert expected["advice"]
    again = invoke("save-fixture", url, "demo-a-002", "--db", str(db), "--dir", str(folder))
    assert again.exit_code == 1 and "exists" in again.output
    missing = invoke("save-fixture", url + "?x", "other", "--db", str(db), "--dir", str(folder))
    assert missing.exit_code == 1 and "no archived 200 response" in missing.output
    for name in ("../escaped", "/tmp/escaped", "a/b", "..", ""):
        outside = invoke("save-fixture", url, name, "--db", str(db), "--dir", str(folder))
        assert outside.exit_code == 1 and "must be one folder name" in outside.output, name
    assert not (tmp_path / "escaped").exists() and not (folder / "a").exists()
