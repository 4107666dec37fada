"""one search for both backends: folded tokens, FTS5 / tsvector over them, current_articles view

Replaces revision 0002's indexes (SQLite trigrams, PostgreSQL ``to_tsvector`` of raw text),
which disagreed with each other, by one rule: ``article_search`` holds the tokens of each
article's current version, folded in Python (``storage.search_text``), and each backend indexes
those tokens word by word.

SQLite: ``articles_fts`` is an FTS5 table over ``article_search``'s tokens with rowid =
``articles.id``; triggers on ``article_search`` keep it in step. It declares
``content="articles"`` so that datasette finds it as the full-text index of ``articles``; its
columns are read from ``article_search`` (select ``rowid`` and ``rank`` from it, not columns).
Ranking is bm25 with title matches weighing ten times body matches.

PostgreSQL: a stored ``tsvector`` column over the tokens (title weight A, body B) with a GIN
index. The ``simple`` configuration only splits on the spaces between the tokens.

Both: a ``current_articles`` view, one row per article with its current version.

Revision ID: 0005_search
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.search_text import index_text

revision = "0005_search"
down_revision = "0002"
branch_labels = None
depends_on = None

BACKFILL_BATCH = 1000

SQLITE_DROP_0002 = [
    "DROP TRIGGER IF EXISTS article_search_update",
    "DROP TRIGGER IF EXISTS article_search_delete",
    "DROP TRIGGER IF EXISTS article_search_insert",
    "DROP TABLE IF EXISTS article_search",
]
SQLITE_UP = [
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title_tokens, body_tokens, "
    'content="articles", content_rowid="id", tokenize="unicode61 remove_diacritics 0")',
    "INSERT INTO articles_fts(articles_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0)')",
    "CREATE TRIGGER article_search_ai AFTER INSERT ON article_search BEGIN "
    "INSERT INTO articles_fts(rowid, title_tokens, body_tokens) "
    "VALUES (new.article_id, new.title_tokens, new.body_tokens); END",
    "CREATE TRIGGER article_search_ad AFTER DELETE ON article_search BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title_tokens, body_tokens) "
    "VALUES ('delete', old.article_id, old.title_tokens, old.body_tokens); END",
    "CREATE TRIGGER article_search_au AFTER UPDATE ON article_search BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title_tokens, body_tokens) "
    "VALUES ('delete', old.article_id, old.title_tokens, old.body_tokens); "
    "INSERT INTO articles_fts(rowid, title_tokens, body_tokens) "
    "VALUES (new.article_id, new.title_tokens, new.body_tokens); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS article_search_au",
    "DROP TRIGGER IF EXISTS article_search_ad",
    "DROP TRIGGER IF EXISTS article_search_ai",
    "DROP TABLE IF EXISTS articles_fts",
]
POSTGRES_UP = [
    "ALTER TABLE article_search ADD COLUMN document tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title_tokens), 'A') || "
    "setweight(to_tsvector('simple', body_tokens), 'B')) STORED",
    "CREATE INDEX ix_article_search_document ON article_search USING gin (document)",
]

SITE = {
    "sqlite": "substr(a.canonical_url, instr(a.canonical_url, '://') + 3, "
    "instr(substr(a.canonical_url, instr(a.canonical_url, '://') + 3) || '/', '/') - 1)",
    "postgresql": "split_part(a.canonical_url, '/', 3)",
}
CURRENT_ARTICLES = """
CREATE VIEW current_articles AS
SELECT a.id, a.canonical_url, {site} AS site, v.id AS version_id, v.url, v.headline,
       v.language, v.category,
       v.date_published, v.date_modified, v.authors, v.description, a.status,
       v.version, v.parser_version, a.first_seen, a.last_seen, a.cluster_id,
       (SELECT count(*) FROM advice_items i WHERE i.version_id = v.id) AS advice_count,
       v.body
FROM articles a
JOIN article_versions v ON v.article_id = a.id AND v.version = a.current_version
"""
CURRENT_TEXTS = sa.text(
    "SELECT a.id, v.id, v.headline, v.body FROM articles a "
    "JOIN article_versions v ON v.article_id = a.id AND v.version = a.current_version "
    "WHERE a.id > :after ORDER BY a.id LIMIT :size"
)
INSERT_TOKENS = sa.text(
    "INSERT INTO article_search (article_id, version_id, title_tokens, body_tokens) "
    "VALUES (:article_id, :version_id, :title_tokens, :body_tokens)"
)
SQLITE_0002 = [
    "CREATE VIRTUAL TABLE article_search USING fts5(headline, body, "
    "content='article_versions', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER article_search_insert AFTER INSERT ON article_versions BEGIN "
    "INSERT INTO article_search(rowid, headline, body) VALUES (new.id, new.headline, new.body); "
    "END",
    "CREATE TRIGGER article_search_delete AFTER DELETE ON article_versions BEGIN "
    "INSERT INTO article_search(article_search, rowid, headline, body) "
    "VALUES ('delete', old.id, old.headline, old.body); END",
    "CREATE TRIGGER article_search_update AFTER UPDATE OF headline, body ON article_versions "
    "BEGIN INSERT INTO article_search(article_search, rowid, headline, body) "
    "VALUES ('delete', old.id, old.headline, old.body); "
    "INSERT INTO article_search(rowid, headline, body) VALUES (new.id, new.headline, new.body); "
    "END",
    "INSERT INTO article_search(article_search) VALUES ('rebuild')",
]
"""Revision 0002's trigram index, restored on downgrade."""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _execute(SQLITE_DROP_0002)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_article_versions_search")
    op.create_table(
        "article_search",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("title_tokens", sa.Text(), nullable=False),
        sa.Column("body_tokens", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_article_search_article_id_articles"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["article_versions.id"],
            name="fk_article_search_version_id_article_versions",
        ),
        sa.PrimaryKeyConstraint("article_id", name="pk_article_search"),
    )
    _execute({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}.get(dialect, []))
    if dialect in SITE:
        op.execute(CURRENT_ARTICLES.format(site=SITE[dialect]))
    _backfill()


def _backfill() -> None:
    """Index every article's current version, a batch at a time."""
    bind = op.get_bind()
    after = 0
    while batch := bind.execute(CURRENT_TEXTS, {"after": after, "size": BACKFILL_BATCH}).all():
        bind.execute(
            INSERT_TOKENS,
            [
                {
                    "article_id": article_id,
                    "version_id": version_id,
                    "title_tokens": index_text(headline),
                    "body_tokens": index_text(body),
                }
                for article_id, version_id, headline, body in batch
            ],
        )
        after = batch[-1][0]


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP VIEW IF EXISTS current_articles")
    if dialect == "sqlite":
        _execute(SQLITE_DOWN)
    op.drop_table("article_search")
    if dialect == "sqlite":
        _execute(SQLITE_0002)
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX ix_article_versions_search ON article_versions USING gin "
            "(to_tsvector('simple', headline || ' ' || body))"
        )


def _execute(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)
