"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 05:40:20.036897
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('compression', sa.String(length=10), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blobs'))
    )
    op.create_table('clusters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('canonical_article_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clusters'))
    )
    op.create_table('crawl_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('spider', sa.String(length=100), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('resumed_from', sa.Integer(), nullable=True),
    sa.Column('start_urls', sa.JSON(), nullable=False),
    sa.Column('stats', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['resumed_from'], ['crawl_runs.id'], name=op.f('fk_crawl_runs_resumed_from_crawl_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crawl_runs'))
    )
    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('canonical_url', sa.String(length=2048), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=True),
    sa.Column('has_canonical_link', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_articles_cluster_id_clusters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('canonical_url', name=op.f('uq_articles_canonical_url'))
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_articles_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_content_hash'), ['content_hash'], unique=False)

    op.create_table('fetches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('crawl_run_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('final_url', sa.String(length=2048), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=100), nullable=True),
    sa.Column('content_type', sa.String(length=200), nullable=True),
    sa.Column('etag', sa.String(length=200), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['blob_sha256'], ['blobs.sha256'], name=op.f('fk_fetches_blob_sha256_blobs')),
    sa.ForeignKeyConstraint(['crawl_run_id'], ['crawl_runs.id'], name=op.f('fk_fetches_crawl_run_id_crawl_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fetches')),
    sa.UniqueConstraint('key', name=op.f('uq_fetches_key'))
    )
    with op.batch_alter_table('fetches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fetches_blob_sha256'), ['blob_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_fetches_crawl_run_id'), ['crawl_run_id'], unique=False)
        batch_op.create_index('ix_fetches_url_fetched_at', ['url', 'fetched_at'], unique=False)

    op.create_table('article_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('fetch_id', sa.Integer(), nullable=True),
    sa.Column('crawl_run_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('parser_version', sa.String(length=20), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('headline', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=20), nullable=True),
    sa.Column('encoding', sa.String(length=40), nullable=True),
    sa.Column('date_published', sa.String(length=40), nullable=True),
    sa.Column('date_modified', sa.String(length=40), nullable=True),
    sa.Column('authors', sa.JSON(), nullable=False),
    sa.Column('breadcrumbs', sa.JSON(), nullable=False),
    sa.Column('category', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('medically_reviewed_by', sa.JSON(), nullable=False),
    sa.Column('last_reviewed', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_versions_article_id_articles')),
    sa.ForeignKeyConstraint(['crawl_run_id'], ['crawl_runs.id'], name=op.f('fk_article_versions_crawl_run_id_crawl_runs')),
    sa.ForeignKeyConstraint(['fetch_id'], ['fetches.id'], name=op.f('fk_article_versions_fetch_id_fetches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_versions')),
    sa.UniqueConstraint('article_id', 'version', name=op.f('uq_article_versions_article_id'))
    )
    with op.batch_alter_table('article_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_versions_article_id'), ['article_id'], unique=False)

    op.create_table('lsh_bands',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('band', sa.Integer(), nullable=False),
    sa.Column('bucket', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_lsh_bands_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'band', name=op.f('pk_lsh_bands'))
    )
    with op.batch_alter_table('lsh_bands', schema=None) as batch_op:
        batch_op.create_index('ix_lsh_bands_band_bucket', ['band', 'bucket'], unique=False)

    op.create_table('signatures',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('minhash', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_signatures_article_id_articles')),
    sa.PrimaryKeyConstraint('article_id', name=op.f('pk_signatures'))
    )
    op.create_table('tombstones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('crawl_run_id', sa.Integer(), nullable=False),
    sa.Column('fetch_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_tombstones_article_id_articles')),
    sa.ForeignKeyConstraint(['crawl_run_id'], ['crawl_runs.id'], name=op.f('fk_tombstones_crawl_run_id_crawl_runs')),
    sa.ForeignKeyConstraint(['fetch_id'], ['fetches.id'], name=op.f('fk_tombstones_fetch_id_fetches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tombstones')),
    sa.UniqueConstraint('article_id', 'crawl_run_id', name=op.f('uq_tombstones_article_id'))
    )
    with op.batch_alter_table('tombstones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tombstones_article_id'), ['article_id'], unique=False)

    op.create_table('url_aliases',
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_url_aliases_article_id_articles')),
    sa.PrimaryKeyConstraint('url', name=op.f('pk_url_aliases'))
    )
    with op.batch_alter_table('url_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_url_aliases_article_id'), ['article_id'], unique=False)

    op.create_table('advice_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('list_index', sa.Integer(), nullable=False),
    sa.Column('printed_number', sa.Integer(), nullable=False),
    sa.Column('marker', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('parser_version', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['article_versions.id'], name=op.f('fk_advice_items_version_id_article_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advice_items')),
    sa.UniqueConstraint('version_id', 'position', name=op.f('uq_advice_items_version_id'))
    )
    op.create_table('links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('parser_version', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['article_versions.id'], name=op.f('fk_links_version_id_article_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_links')),
    sa.UniqueConstraint('version_id', 'kind', 'position', name=op.f('uq_links_version_id'))
    )
    # clusters and articles point at each other: the clusters -> articles key comes last
    # (batch mode, so SQLite rebuilds the table with it instead of an unsupported ALTER).
    with op.batch_alter_table('clusters') as batch_op:
        batch_op.create_foreign_key(
            op.f('fk_clusters_canonical_article_id_articles'),
            'articles', ['canonical_article_id'], ['id'],
        )


def downgrade() -> None:
    with op.batch_alter_table('clusters') as batch_op:
        batch_op.drop_constraint(op.f('fk_clusters_canonical_article_id_articles'), type_='foreignkey')
    op.drop_table('links')
    op.drop_table('advice_items')
    with op.batch_alter_table('url_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_url_aliases_article_id'))

    op.drop_table('url_aliases')
    with op.batch_alter_table('tombstones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tombstones_article_id'))

    op.drop_table('tombstones')
    op.drop_table('signatures')
    with op.batch_alter_table('lsh_bands', schema=None) as batch_op:
        batch_op.drop_index('ix_lsh_bands_band_bucket')

    op.drop_table('lsh_bands')
    with op.batch_alter_table('article_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_versions_article_id'))

    op.drop_table('article_versions')
    with op.batch_alter_table('fetches', schema=None) as batch_op:
        batch_op.drop_index('ix_fetches_url_fetched_at')
        batch_op.drop_index(batch_op.f('ix_fetches_crawl_run_id'))
        batch_op.drop_index(batch_op.f('ix_fetches_blob_sha256'))

    op.drop_table('fetches')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_content_hash'))
        batch_op.drop_index(batch_op.f('ix_articles_cluster_id'))

    op.drop_table('articles')
    op.drop_table('crawl_runs')
    op.drop_table('clusters')
    op.drop_table('blobs')
