"""``run_query`` reads and can do nothing else, on SQLite and on PostgreSQL."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import models as m
from storage.db import create_archive_engine
from storage.errors import ArchiveError
from storage.generate import generate_archive
from storage.readonly_sql import ReadOnlyError, run_query

from .test_archive import crawl, engine

__all__ = ["engine"]

REFUSED_ON_BOTH = [
    "DELETE FROM articles",
    "UPDATE articles SET status = 'removed'",
    "INSERT INTO crawl_runs (spider, started_at, status) VALUES ('x', '2020-01-01', 'x')",
    "DROP TABLE advice_items",
    "CREATE TABLE evil (x int)",
    "ATTACH DATABASE 'other.db' AS other",
    "SELECT load_extension('mod_spatialite')",
    "PRAGMA writable_schema = 1",
    "SELECT 1; DELETE FROM articles",
]
REFUSED_ON_SQLITE = [
    "PRAGMA query_only = 0",
    "VACUUM INTO 'copy.db'",
    "BEGIN IMMEDIATE",
    "REINDEX",
]
REFUSED_ON_POSTGRES = [
    "WITH gone AS (DELETE FROM articles RETURNING id) SELECT count(*) FROM gone",
    "EXPLAIN ANALYZE DELETE FROM articles",
    "SET default_transaction_read_only = off",
    "COPY articles TO PROGRAM 'true'",
    "SELECT nextval(pg_get_serial_sequence('articles', 'id'))",
    "COMMIT; DELETE FROM articles",
]


@pytest.fixture
def archive(engine):
    crawl(
        engine, {"http://x/a": "Sleep well at night. " * 5, "http://x/zh": "长期失眠怎么办？" * 5}
    )
    return engine


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def counts(engine) -> tuple[int, ...]:
    with Session(engine) as s:
        return tuple(
            s.scalar(select(func.count()).select_from(t)) or 0
            for t in (m.Article, m.ArticleVersion, m.AdviceItem, m.CrawlRun, m.ArticleSearch)
        )


def test_a_query_returns_columns_and_rows(archive):
    sql = "SELECT canonical_url, language FROM current_articles ORDER BY canonical_url"
    with run_query(url_of(archive), sql) as result:
        assert result.columns == ["canonical_url", "language"]
        assert list(result.rows) == [("http://x/a", "en"), ("http://x/zh", "en")]


def test_statements_that_would_change_anything_are_refused(archive):
    before = counts(archive)
    extra = REFUSED_ON_SQLITE if archive.dialect.name == "sqlite" else REFUSED_ON_POSTGRES
    for sql in REFUSED_ON_BOTH + extra:
        with pytest.raises(ArchiveError) as raised, run_query(url_of(archive), sql) as result:
            list(result.rows)
        message = str(raised.value)
        assert "\n" not in message and message.startswith(("refused: ", "query failed: ")), sql
    assert counts(archive) == before


def test_writes_are_refused_as_read_only(archive):
    for sql in ("DELETE FROM articles", "UPDATE articles SET status = 'x'"):
        with (
            pytest.raises(ReadOnlyError, match="query only reads"),
            run_query(url_of(archive), sql),
        ):
            pass


def test_the_full_text_index_is_readable(archive):
    if archive.dialect.name == "sqlite":
        sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH '\"失眠\"'"
    else:
        sql = "SELECT article_id FROM article_search WHERE document @@ '失眠'::tsquery"
    with run_query(url_of(archive), sql) as result:
        assert len(list(result.rows)) == 1


def test_a_missing_archive_or_bad_url_is_one_clear_error(tmp_path):
    with (
        pytest.raises(ArchiveError, match="no archive at"),
        run_query(str(tmp_path / "none.db"), "SELECT 1"),
    ):
        pass
    with (
        pytest.raises(ArchiveError, match="not a supported database URL"),
        run_query("mysql://x/y", "SELECT 1"),
    ):
        pass


def test_reading_only_the_first_rows_ends_quietly(archive):
    """As when the output pipe closes: the rest of the rows are dropped after the archive."""
    with run_query(url_of(archive), "SELECT * FROM articles") as result:
        rows = result.rows
        assert next(rows)
    del rows
    gc.collect()


@pytest.mark.parametrize("folder", ["with#hash", "with?question"])
def test_an_archive_whose_path_reads_like_a_uri_opens(tmp_path, folder):
    """The read path opens SQLite through a ``file:`` URI: the path must be escaped for it.

    Both sides get the plain path: in a ``sqlite:///`` URL a "?" would start the options."""
    path = tmp_path / folder / "archive.db"
    path.parent.mkdir()
    writer = create_archive_engine(str(path))
    generate_archive(writer, 5, seed=3)
    writer.dispose()
    with run_query(str(path), "SELECT count(*) FROM articles") as result:
        assert list(result.rows) == [(5,)]
    assert sorted(p.name for p in path.parent.iterdir())[0] == "archive.db"
