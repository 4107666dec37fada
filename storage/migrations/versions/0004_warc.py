"""fetches keep what a faithful WARC record needs

The HTTP protocol and reason phrase, the response headers in order, the request method and
headers. Nullable: fetches archived before this revision are exported with what is known.

Revision ID: 0004_warc
Revises: 0005_search
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_warc"
down_revision = "0005_search"
branch_labels = None
depends_on = None

COLUMNS = (
    ("protocol", sa.String(20)),
    ("reason", sa.String(100)),
    ("headers", sa.JSON()),
    ("request_method", sa.String(10)),
    ("request_headers", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("fetches") as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place (SQLite >= 3.35): rebuilding the table would drop
    # ``fetches`` while article versions still point at it.
    with op.batch_alter_table("fetches", recreate="never") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
