"""full-text search over article versions

SQLite: an FTS5 table (trigram tokenizer, so Chinese and word parts match too) kept in step
with ``article_versions`` by triggers. PostgreSQL: a GIN index over the ``simple`` text-search
vector of headline and body.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_UP = [
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
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS article_search_update",
    "DROP TRIGGER IF EXISTS article_search_delete",
    "DROP TRIGGER IF EXISTS article_search_insert",
    "DROP TABLE IF EXISTS article_search",
]
POSTGRES_UP = [
    "CREATE INDEX ix_article_versions_search ON article_versions USING gin "
    "(to_tsvector('simple', headline || ' ' || body))",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS ix_article_versions_search"]


def _run(statements: dict[str, list[str]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN})
