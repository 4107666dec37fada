"""counts for the read commands, kept by the database as rows are written

``stats`` grouped every article with its current version and its advice items (seconds on a
million articles), ``runs`` and ``stats`` counted each run's fetches and versions, and ``peek``
read the whole ``articles`` table to count live and removed articles. Three summary tables now
hold those counts, and triggers keep them exact in the very transaction that writes the rows,
whichever code writes them (the archive writer, re-extraction, the generator, a WARC import):

- ``summary_articles``: articles per site, current version's language and status, with the
  sum of their current version numbers and their current versions' advice items;
- ``summary_failures``: failed fetches (an error, or an HTTP status of 400 or more) per reason
  and site;
- ``summary_runs``: each crawl run's fetches, failed fetches and new versions.

The first two are split by ``slot``, the writing connection (``pg_backend_pid()`` on
PostgreSQL, always 0 on SQLite, which has one writer at a time): two crawl workers writing the
same site on PostgreSQL then never wait on, or deadlock over, the same counter row. Readers add
the slots up. A run's row is only written by the process of that run.

An article counts once its current version exists, whichever of the two rows is written first;
each trigger takes back what a row counted before it changed and adds what it counts after, so
the tables always equal the grouped counts over the rows themselves (a test checks it). An
empty site (no ``scheme://host`` in the URL) is stored as ''.

``ix_articles_not_live``, a partial index of the articles that are not live, lets ``peek``
count live and removed articles without reading every article.

Revision ID: 0008_summaries
Revises: 0007_search_lists
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_summaries"
down_revision = "0007_search_lists"
branch_labels = None
depends_on = None

SLOT = {"sqlite": "0", "postgresql": "pg_backend_pid()"}
NOT_LIVE = "status <> 'live'"


def site(dialect: str, column: str) -> str:
    """``scheme://host`` of a URL column, as the read commands computed it, '' for none."""
    if dialect == "postgresql":
        return f"coalesce(substring({column} from '^[^:]+://[^/?#]+'), '')"
    rest = f"substr({column}, instr({column}, '://') + 3)"
    return (
        f"substr({column}, 1, instr({column}, '://') + 2 + "
        f"CASE instr({rest}, '/') WHEN 0 THEN length({rest}) ELSE instr({rest}, '/') - 1 END)"
    )


def _add_articles(select: str) -> str:
    return (
        "INSERT INTO summary_articles "
        "(slot, site, language, status, articles, versions, advice_items) "
        f"{select} ON CONFLICT (slot, site, language, status) DO UPDATE SET "
        "articles = summary_articles.articles + excluded.articles, "
        "versions = summary_articles.versions + excluded.versions, "
        "advice_items = summary_articles.advice_items + excluded.advice_items"
    )


def article_term(dialect: str, row: str, sign: str) -> str:
    """Count (``+``) or take back (``-``) an article row, if its current version exists."""
    return _add_articles(
        f"SELECT {SLOT[dialect]}, {site(dialect, f'{row}.canonical_url')}, "
        f"coalesce(v.language, '?'), {row}.status, {sign}1, {sign}{row}.current_version, "
        f"{sign}(SELECT count(*) FROM advice_items i WHERE i.version_id = v.id) "
        f"FROM article_versions v WHERE v.article_id = {row}.id "
        f"AND v.version = {row}.current_version"
    )


def version_term(dialect: str, row: str, sign: str) -> str:
    """Count or take back the article whose current version is this version row."""
    return _add_articles(
        f"SELECT {SLOT[dialect]}, {site(dialect, 'a.canonical_url')}, "
        f"coalesce({row}.language, '?'), a.status, {sign}1, {sign}a.current_version, "
        f"{sign}(SELECT count(*) FROM advice_items i WHERE i.version_id = {row}.id) "
        f"FROM articles a WHERE a.id = {row}.article_id AND a.current_version = {row}.version"
    )


def advice_term(dialect: str, row: str, sign: str) -> str:
    """An advice item of a current version counts for its article's group."""
    return _add_articles(
        f"SELECT {SLOT[dialect]}, {site(dialect, 'a.canonical_url')}, "
        f"coalesce(v.language, '?'), a.status, 0, 0, {sign}1 "
        "FROM article_versions v JOIN articles a "
        "ON a.id = v.article_id AND a.current_version = v.version "
        f"WHERE v.id = {row}.version_id"
    )


def run_version_term(row: str, sign: str) -> str:
    return (
        "INSERT INTO summary_runs (crawl_run_id, fetches, failed_fetches, new_versions) "
        f"SELECT {row}.crawl_run_id, 0, 0, {sign}1 WHERE {row}.crawl_run_id IS NOT NULL "
        "ON CONFLICT (crawl_run_id) DO UPDATE SET "
        "new_versions = summary_runs.new_versions + excluded.new_versions"
    )


def fetch_terms(dialect: str, row: str, sign: str) -> list[str]:
    """A fetch counts for its run, and for its reason and site when it failed."""
    failed = f"({row}.status IS NULL OR {row}.status >= 400)"
    return [
        "INSERT INTO summary_runs (crawl_run_id, fetches, failed_fetches, new_versions) "
        f"SELECT {row}.crawl_run_id, {sign}1, {sign}(CASE WHEN {failed} THEN 1 ELSE 0 END), 0 "
        "WHERE true ON CONFLICT (crawl_run_id) DO UPDATE SET "
        "fetches = summary_runs.fetches + excluded.fetches, "
        "failed_fetches = summary_runs.failed_fetches + excluded.failed_fetches",
        "INSERT INTO summary_failures (slot, reason, site, fetches) "
        f"SELECT {SLOT[dialect]}, CASE WHEN {row}.error IS NOT NULL THEN {row}.error "
        f"ELSE 'http_' || CAST({row}.status AS TEXT) END, {site(dialect, f'{row}.url')}, "
        f"{sign}1 WHERE {row}.error IS NOT NULL OR {row}.status >= 400 "
        "ON CONFLICT (slot, reason, site) DO UPDATE SET "
        "fetches = summary_failures.fetches + excluded.fetches",
    ]


ARTICLE_CHANGED = (
    "OLD.status IS DISTINCT FROM NEW.status OR OLD.current_version IS DISTINCT FROM "
    "NEW.current_version OR OLD.canonical_url IS DISTINCT FROM NEW.canonical_url"
)
VERSION_CHANGED = (
    "OLD.language IS DISTINCT FROM NEW.language OR OLD.article_id IS DISTINCT FROM "
    "NEW.article_id OR OLD.version IS DISTINCT FROM NEW.version "
    "OR OLD.crawl_run_id IS DISTINCT FROM NEW.crawl_run_id"
)
ADVICE_CHANGED = "OLD.version_id IS DISTINCT FROM NEW.version_id"
FETCH_CHANGED = (
    "OLD.status IS DISTINCT FROM NEW.status OR OLD.error IS DISTINCT FROM NEW.error "
    "OR OLD.url IS DISTINCT FROM NEW.url OR OLD.crawl_run_id IS DISTINCT FROM NEW.crawl_run_id"
)


def triggers(dialect: str) -> dict[tuple[str, str], list[str]]:
    """(table, event) -> the statements its trigger runs, event ``INSERT``/``UPDATE``/``DELETE``."""
    return {
        ("articles", "INSERT"): [article_term(dialect, "NEW", "")],
        ("articles", "UPDATE"): [
            article_term(dialect, "OLD", "-"),
            article_term(dialect, "NEW", ""),
        ],
        ("articles", "DELETE"): [article_term(dialect, "OLD", "-")],
        ("article_versions", "INSERT"): [
            version_term(dialect, "NEW", ""),
            run_version_term("NEW", ""),
        ],
        ("article_versions", "UPDATE"): [
            version_term(dialect, "OLD", "-"),
            run_version_term("OLD", "-"),
            version_term(dialect, "NEW", ""),
            run_version_term("NEW", ""),
        ],
        ("article_versions", "DELETE"): [
            version_term(dialect, "OLD", "-"),
            run_version_term("OLD", "-"),
        ],
        ("advice_items", "INSERT"): [advice_term(dialect, "NEW", "")],
        ("advice_items", "UPDATE"): [
            advice_term(dialect, "OLD", "-"),
            advice_term(dialect, "NEW", ""),
        ],
        ("advice_items", "DELETE"): [advice_term(dialect, "OLD", "-")],
        ("fetches", "INSERT"): fetch_terms(dialect, "NEW", ""),
        ("fetches", "UPDATE"): [*fetch_terms(dialect, "OLD", "-"), *fetch_terms(dialect, "NEW", "")],
        ("fetches", "DELETE"): fetch_terms(dialect, "OLD", "-"),
    }


WHEN = {
    "articles": ARTICLE_CHANGED,
    "article_versions": VERSION_CHANGED,
    "advice_items": ADVICE_CHANGED,
    "fetches": FETCH_CHANGED,
}
"""Updates that change nothing counted (a re-crawl touching ``last_seen``, a cluster id) run no
trigger."""


def _name(table: str, event: str) -> str:
    return f"summary_{table}_{event.lower()}"


def sqlite_up() -> list[str]:
    statements = []
    for (table, event), body in triggers("sqlite").items():
        when = f" WHEN {WHEN[table]}" if event == "UPDATE" else ""
        # SQLite spells IS DISTINCT FROM as IS NOT.
        when = when.replace("IS DISTINCT FROM", "IS NOT")
        statements.append(
            f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} FOR EACH ROW"
            f"{when} BEGIN {'; '.join(body)}; END"
        )
    return statements


def postgres_up() -> list[str]:
    statements = []
    for (table, event), body in triggers("postgresql").items():
        name = _name(table, event)
        statements.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{'; '.join(body)}; RETURN NULL; END $$"
        )
        when = f" WHEN ({WHEN[table]})" if event == "UPDATE" else ""
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} "
            f"EXECUTE FUNCTION {name}()"
        )
    return statements


def backfill(dialect: str) -> list[str]:
    """The counts of the rows already there, under slot 0."""
    return [
        "INSERT INTO summary_articles "
        "(slot, site, language, status, articles, versions, advice_items) "
        f"SELECT 0, {site(dialect, 'a.canonical_url')}, coalesce(v.language, '?'), a.status, "
        "count(*), sum(a.current_version), sum(coalesce(n.advice, 0)) "
        "FROM article_versions v JOIN articles a "
        "ON v.article_id = a.id AND v.version = a.current_version "
        "LEFT JOIN (SELECT version_id, count(*) AS advice FROM advice_items GROUP BY version_id) n "
        "ON n.version_id = v.id GROUP BY 2, 3, 4",
        "INSERT INTO summary_failures (slot, reason, site, fetches) "
        "SELECT 0, CASE WHEN error IS NOT NULL THEN error "
        f"ELSE 'http_' || CAST(status AS TEXT) END, {site(dialect, 'url')}, count(*) "
        "FROM fetches WHERE error IS NOT NULL OR status >= 400 GROUP BY 2, 3",
        "INSERT INTO summary_runs (crawl_run_id, fetches, failed_fetches, new_versions) "
        "SELECT r.id, "
        "(SELECT count(*) FROM fetches f WHERE f.crawl_run_id = r.id), "
        "(SELECT count(*) FROM fetches f WHERE f.crawl_run_id = r.id "
        "AND (f.status IS NULL OR f.status >= 400)), "
        "(SELECT count(*) FROM article_versions v WHERE v.crawl_run_id = r.id) "
        "FROM crawl_runs r",
    ]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_index(
        "ix_articles_not_live",
        "articles",
        ["status"],
        sqlite_where=sa.text(NOT_LIVE),
        postgresql_where=sa.text(NOT_LIVE),
    )
    op.create_table(
        "summary_articles",
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("site", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("articles", sa.BigInteger(), nullable=False),
        sa.Column("versions", sa.BigInteger(), nullable=False),
        sa.Column("advice_items", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("slot", "site", "language", "status", name="pk_summary_articles"),
    )
    op.create_table(
        "summary_failures",
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("site", sa.Text(), nullable=False),
        sa.Column("fetches", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("slot", "reason", "site", name="pk_summary_failures"),
    )
    op.create_table(
        "summary_runs",
        sa.Column("crawl_run_id", sa.Integer(), nullable=False),
        sa.Column("fetches", sa.BigInteger(), nullable=False),
        sa.Column("failed_fetches", sa.BigInteger(), nullable=False),
        sa.Column("new_versions", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"], ["crawl_runs.id"], name="fk_summary_runs_crawl_run_id_crawl_runs"
        ),
        sa.PrimaryKeyConstraint("crawl_run_id", name="pk_summary_runs"),
    )
    for statement in backfill(dialect):
        op.execute(statement)
    for statement in {"sqlite": sqlite_up, "postgresql": postgres_up}[dialect]():
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, event in triggers(dialect):
        name = _name(table, event)
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("summary_runs")
    op.drop_table("summary_failures")
    op.drop_table("summary_articles")
    op.drop_index("ix_articles_not_live", table_name="articles")
