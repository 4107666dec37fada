"""index article versions by parser version

Every export manifest lists the parser versions in the archive (``SELECT DISTINCT
parser_version``): without an index that reads every stored version, bodies included, which on
a 200,000-article archive is about as many pages as the export itself reads.

Revision ID: 0006_parser_version
Revises: 0004_toolkit
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0006_parser_version"
down_revision = "0004_toolkit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_article_versions_parser_version", "article_versions", ["parser_version"])


def downgrade() -> None:
    op.drop_index("ix_article_versions_parser_version", table_name="article_versions")
