"""The summary tables stay equal to counting the rows themselves, whatever writes them.

``summary_articles``, ``summary_failures`` and ``summary_runs`` (revision 0008) are kept by
triggers; ``stats``, ``runs`` and ``peek`` read them instead of grouping every article. Each test
here compares them, on both backends, with the grouped queries ``stats`` used to run over
``articles``, ``article_versions``, ``advice_items`` and ``fetches``, after every kind of write
the archive sees: a crawl, a changed page, a removed page coming back, a re-extraction, a
generated archive, deleted rows, two writers at once.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
import time
from contextlib import closing
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Connection, delete, select, text, update
from sqlalchemy.orm import Session

from crawler.cli import main
from crawler.parsers.records import AdviceItem
from storage import models as m
from storage.db import create_archive_engine
from storage.generate import generate_archive
from storage.reextract import replace_extracted, stored_pages
from storage.runs import finish_run

from .test_archive import article, crawl, engine, fetch, prose, record, writer  # noqa: F401


def site_of(dialect: str, column: str) -> str:
    """``scheme://host`` of a URL column, as ``stats`` computed it before the summaries."""
    if dialect == "postgresql":
        return f"substring({column} from '^[^:]+://[^/?#]+')"
    rest = f"substr({column}, instr({column}, '://') + 3)"
    return (
        f"substr({column}, 1, instr({column}, '://') + 2 + "
        f"CASE instr({rest}, '/') WHEN 0 THEN length({rest}) ELSE instr({rest}, '/') - 1 END)"
    )


def counted(conn: Connection) -> dict[str, dict[tuple[Any, ...], tuple[int, ...]]]:
    """The counts, grouped over the archive's own rows."""
    dialect = conn.dialect.name
    groups = conn.execute(
        text(
            f"SELECT {site_of(dialect, 'a.canonical_url')}, coalesce(v.language, '?'), "
            "a.status, count(*), sum(a.current_version), sum(coalesce(n.advice, 0)) "
            "FROM article_versions v JOIN articles a "
            "ON v.article_id = a.id AND v.version = a.current_version "
            "LEFT JOIN (SELECT version_id, count(*) AS advice FROM advice_items "
            "GROUP BY version_id) n ON n.version_id = v.id GROUP BY 1, 2, 3"
        )
    )
    failures = conn.execute(
        text(
            "SELECT CASE WHEN error IS NOT NULL THEN error "
            "ELSE 'http_' || CAST(status AS TEXT) END, "
            f"{site_of(dialect, 'url')}, count(*) FROM fetches "
            "WHERE error IS NOT NULL OR status >= 400 GROUP BY 1, 2"
        )
    )
    runs = conn.execute(
        text(
            "SELECT r.id, (SELECT count(*) FROM fetches f WHERE f.crawl_run_id = r.id), "
            "(SELECT count(*) FROM fetches f WHERE f.crawl_run_id = r.id "
            "AND (f.status IS NULL OR f.status >= 400)), "
            "(SELECT count(*) FROM article_versions v WHERE v.crawl_run_id = r.id) "
            "FROM crawl_runs r"
        )
    )
    return {
        "articles": {
            (s or "", lang, st): (int(n), int(cv), int(ad)) for s, lang, st, n, cv, ad in groups
        },
        "failures": {(reason, s or ""): (int(n),) for reason, s, n in failures},
        "runs": {run: (int(f), int(x), int(v)) for run, f, x, v in runs if f or x or v},
    }


def summarised(conn: Connection) -> dict[str, dict[tuple[Any, ...], tuple[int, ...]]]:
    """The same counts as the summary tables hold them, slots added up, zero rows left out."""
    groups = conn.execute(
        text(
            "SELECT site, language, status, sum(articles), sum(versions), sum(advice_items) "
            "FROM summary_articles GROUP BY site, language, status"
        )
    )
    failures = conn.execute(
        text("SELECT reason, site, sum(fetches) FROM summary_failures GROUP BY reason, site")
    )
    runs = conn.execute(
        text("SELECT crawl_run_id, fetches, failed_fetches, new_versions FROM summary_runs")
    )
    return {
        "articles": {
            (s, lang, st): (int(n), int(cv), int(ad))
            for s, lang, st, n, cv, ad in groups
            if n or cv or ad
        },
        "failures": {(reason, s): (int(n),) for reason, s, n in failures if n},
        "runs": {run: (int(f), int(x), int(v)) for run, f, x, v in runs if f or x or v},
    }


def assert_summaries_exact(archive) -> dict[str, dict[tuple[Any, ...], tuple[int, ...]]]:
    with archive.connect() as conn:
        expected = counted(conn)
        assert summarised(conn) == expected
    return expected


def test_a_crawl_and_its_recrawls_are_counted_exactly(engine):  # noqa: F811
    pages = {f"http://health.example/a{i}.html": prose(i) for i in range(5)}
    first = crawl(engine, pages)
    first.add_fetch(fetch("http://health.example/missing.html", status=404, body=None))
    first.add_fetch(dataclasses.replace(fetch("http://other.example/x", body=None), status=None))
    first.add_fetch(
        dataclasses.replace(fetch("http://other.example/y", body=None), status=None, error="dns")
    )
    first.flush()
    counts = assert_summaries_exact(engine)
    assert counts["articles"][("http://health.example", "en", "live")] == (5, 5, 10)
    assert counts["runs"][first.run_id] == (8, 3, 5)

    second = writer(engine)
    changed = "http://health.example/a1.html"
    second.add_fetch(fetch(changed))
    second.add_article(record(article(changed, prose(99), advice=4)))
    second.add_fetch(fetch("http://health.example/a2.html", status=404, body=None))
    second.flush()
    counts = assert_summaries_exact(engine)
    assert counts["articles"][("http://health.example", "en", "live")] == (4, 5, 10)
    assert counts["articles"][("http://health.example", "en", "removed")] == (1, 1, 2)

    third = writer(engine)
    third.add_unchanged("http://health.example/a2.html")
    third.flush()
    counts = assert_summaries_exact(engine)
    assert ("http://health.example", "en", "removed") not in counts["articles"]


def test_re_extraction_moves_language_and_advice(engine):  # noqa: F811
    pages = {f"http://health.example/r{i}.html": prose(i + 20) for i in range(3)}
    crawl(engine, pages)
    with Session(engine) as session, session.begin():
        for page in list(stored_pages(session)):
            parsed = article(page.url, prose(page.version_id), advice=page.version_id % 4)
            parsed = dataclasses.replace(
                parsed,
                inLanguage="zh" if page.version_id % 2 else None,
                advice=(*parsed.advice, AdviceItem(1, 9, "one more", "9.")),
            )
            replace_extracted(session, page, parsed, page.content_hash, "2")
    counts = assert_summaries_exact(engine)
    assert {language for _, language, _ in counts["articles"]} >= {"zh", "?"}


def test_changed_and_deleted_rows_are_recounted(engine):  # noqa: F811
    writer_ = crawl(engine, {f"http://health.example/d{i}.html": prose(i + 40) for i in range(3)})
    writer_.add_fetch(fetch("http://health.example/gone.html", status=410, body=None))
    writer_.flush()
    with Session(engine) as session, session.begin():
        first, second = session.scalars(select(m.ArticleVersion.id).limit(2)).all()
        session.execute(
            update(m.AdviceItem)
            .where(m.AdviceItem.version_id == first, m.AdviceItem.position == 0)
            .values(version_id=second, position=99)
        )
        session.execute(update(m.Fetch).where(m.Fetch.status == 200).values(status=503))
    assert assert_summaries_exact(engine)["failures"][("http_503", "http://health.example")]
    with Session(engine) as session, session.begin():
        session.execute(delete(m.AdviceItem).where(m.AdviceItem.version_id == first))
        session.execute(delete(m.Fetch).where(m.Fetch.status == 410))
        session.execute(update(m.Fetch).values(status=200))
    counts = assert_summaries_exact(engine)
    assert counts["failures"] == {}


def test_a_generated_archive_is_counted_exactly_and_stats_reads_it(archive_url):
    generated = create_archive_engine(archive_url)
    generate_archive(generated, 120, seed=5)
    counts = assert_summaries_exact(generated)
    generated.dispose()
    result = CliRunner().invoke(main, ["stats", "--db", archive_url, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    sites: dict[str, dict[str, Any]] = {}
    languages: dict[str, dict[str, Any]] = {}
    for (site, language, status), (articles, versions, advice) in counts["articles"].items():
        row = sites.setdefault(
            site, {"site": site, "articles": 0, "removed": 0, "versions": 0, "advice_items": 0}
        )
        row["articles" if status == "live" else "removed"] += articles
        row["versions"] += versions
        row["advice_items"] += advice
        if status == "live":
            lang = languages.setdefault(
                language, {"language": language, "articles": 0, "advice_items": 0}
            )
            lang["articles"] += articles
            lang["advice_items"] += advice
    assert report["sites"] == [sites[key] for key in sorted(sites)]
    assert report["languages"] == sorted(
        languages.values(), key=lambda r: (-r["articles"], r["language"])
    )
    assert report["totals"]["articles"] == 120
    assert sorted(
        (row["reason"], row["site"], row["fetches"]) for row in report["failed_fetches"]
    ) == sorted((reason, site, n) for (reason, site), (n,) in counts["failures"].items())
    assert {
        run["id"]: (run["fetches"], run["failed_fetches"], run["new_versions"])
        for run in report["runs"]
    } == counts["runs"]


def test_two_writers_on_postgresql_never_wait_for_each_other(postgres_url):
    """Each connection counts into its own slot: concurrent writes to the same site and reason
    take no lock on a shared counter row (the second would time out waiting for the first)."""
    archive = create_archive_engine(postgres_url)
    runs = [writer(archive).run_id for _ in range(2)]
    first, second = archive.connect(), archive.connect()
    try:
        for n, (conn, run_id) in enumerate(zip((first, second), runs, strict=True)):
            conn.execute(text("SET lock_timeout = '2s'"))
            conn.execute(
                text(
                    "INSERT INTO fetches (key, crawl_run_id, url, final_url, status, fetched_at) "
                    "VALUES (:key, :run, :url, :url, 404, now())"
                ),
                {"key": f"k{n}", "run": run_id, "url": f"http://health.example/m{n}.html"},
            )
            conn.execute(
                text(
                    "INSERT INTO articles (id, canonical_url, first_seen, last_seen, "
                    "current_version, content_hash, status, has_canonical_link) "
                    "VALUES (:id, :url, now(), now(), 1, :hash, 'live', false)"
                ),
                {"id": 100 + n, "url": f"http://health.example/p{n}.html", "hash": f"h{n}"},
            )
            conn.execute(
                text(
                    "INSERT INTO article_versions (article_id, version, content_hash, "
                    "crawl_run_id, created_at, parser_version, url, headline, body, language, "
                    "authors, breadcrumbs, medically_reviewed_by) VALUES (:id, 1, :hash, :run, "
                    "now(), '1', :url, 'T', 'B', 'en', '[]', '[]', '[]')"
                ),
                {"id": 100 + n, "hash": f"h{n}", "run": run_id, "url": "http://health.example/"},
            )
        first.commit()
        second.commit()
    finally:
        first.close()
        second.close()
    counts = assert_summaries_exact(archive)
    assert counts["failures"] == {("http_404", "http://health.example"): (2,)}
    assert counts["articles"] == {("http://health.example", "en", "live"): (2, 2, 0)}
    with archive.connect() as conn:
        slots = conn.scalar(text("SELECT count(DISTINCT slot) FROM summary_articles"))
    assert slots == 2
    archive.dispose()


def test_ended_writers_rows_fold_into_slot_zero_when_a_run_finishes(postgres_url):
    """Each connection that wrote leaves rows of its own; when a run finishes, those of
    connections that have ended are folded into slot 0, the counts unchanged, a live
    writer's rows left where they are."""
    archive = create_archive_engine(postgres_url)
    for n in range(3):
        crawl(archive, {f"http://health.example/f{n}.html": prose(n)})
        archive.dispose()
    live = archive.connect()
    live_slot = live.scalar(text("SELECT pg_backend_pid()"))
    live.execute(
        text(
            "INSERT INTO fetches (key, crawl_run_id, url, final_url, status, fetched_at) "
            "VALUES ('live', :run, :url, :url, 404, now())"
        ),
        {"run": writer(archive).run_id, "url": "http://health.example/gone.html"},
    )
    live.commit()
    with archive.connect() as conn:
        for _ in range(100):
            ended = conn.scalar(
                text(
                    "SELECT count(*) FROM summary_articles WHERE slot <> :live "
                    "AND slot IN (SELECT pid FROM pg_stat_activity)"
                ),
                {"live": live_slot},
            )
            if not ended:
                break
            time.sleep(0.05)
        before = conn.scalar(text("SELECT count(*) FROM summary_articles"))
    assert before == 3

    finish_run(archive, writer(archive).run_id, "finished", {})
    expected = assert_summaries_exact(archive)
    assert expected["articles"] == {("http://health.example", "en", "live"): (3, 3, 6)}
    with archive.connect() as conn:
        article_slots = set(conn.scalars(text("SELECT slot FROM summary_articles")))
        failure_slots = set(conn.scalars(text("SELECT slot FROM summary_failures")))
    assert article_slots == {0}
    assert failure_slots == {live_slot}
    live.close()
    archive.dispose()


SMALL_TABLES = {"alembic_version", "crawl_runs", "r", "clusters"}
"""Tables a read command may scan whole: a row per run or per cluster, or the schema's."""
BARE_SCAN = re.compile(r"^SCAN (\S+)$")


@pytest.mark.parametrize("command", [["peek"], ["runs", "--json"], ["stats", "--json"]])
def test_read_commands_scan_no_growing_table(command, tmp_path, monkeypatch):
    """On SQLite every query of these commands reads an index, a summary table or a small
    table, never the whole of a table that grows with the articles."""
    path = tmp_path / "archive.db"
    generated = create_archive_engine(str(path))
    generate_archive(generated, 30, seed=2)
    generated.dispose()
    traced: list[str] = []
    original = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = original(*args, **kwargs)
        connection.set_trace_callback(traced.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect)
    result = CliRunner().invoke(main, [*command, "--db", str(path)])
    monkeypatch.undo()
    assert result.exit_code == 0, result.output
    selects = [q for q in traced if q.lstrip().upper().startswith("SELECT")]
    assert len(selects) >= 2
    with closing(sqlite3.connect(path)) as conn:
        for statement in selects:
            for row in conn.execute("EXPLAIN QUERY PLAN " + statement):
                scanned = BARE_SCAN.match(row[3])
                assert not scanned or scanned[1] in SMALL_TABLES | {
                    "summary_articles",
                    "summary_failures",
                }, (row[3], statement)
