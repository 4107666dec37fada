"""indexes for the analyst commands

``runs`` counts each run's new versions and failed fetches, ``peek`` lists the latest articles:
without these indexes each is a full scan, seconds on a 200,000-article archive.

Revision ID: 0004_toolkit
Revises: 0004_warc
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0004_toolkit"
down_revision = "0004_warc"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_article_versions_crawl_run_id", "article_versions", ["crawl_run_id"]),
    ("ix_articles_last_seen", "articles", ["last_seen"]),
    ("ix_fetches_crawl_run_id_status", "fetches", ["crawl_run_id", "status"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
