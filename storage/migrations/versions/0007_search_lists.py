"""ranked lists for the most common search words

``search_common`` names the words found in so many articles that ranking them on every query is
slow; ``search_top`` keeps each one's best articles with their score for that word alone (see
``storage.search_lists``). Built here from the existing search rows, then kept by the writers.

Revision ID: 0007_search_lists
Revises: 0006_parser_version
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.search_lists import build_lists

revision = "0007_search_lists"
down_revision = "0006_parser_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_common",
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("floor", sa.Float(), nullable=False),
        sa.Column("idf", sa.Float(), nullable=False),
        sa.Column("avgdl", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("token", name="pk_search_common"),
    )
    op.create_table(
        "search_top",
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_search_top_article_id_articles"
        ),
        sa.PrimaryKeyConstraint("token", "article_id", name="pk_search_top"),
    )
    op.create_index("ix_search_top_article_id", "search_top", ["article_id"])
    build_lists(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_search_top_article_id", table_name="search_top")
    op.drop_table("search_top")
    op.drop_table("search_common")
