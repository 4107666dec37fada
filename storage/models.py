"""The archive's schema: SQLAlchemy 2.0 typed models shared by SQLite and PostgreSQL.

Unique constraints are the last line of deduplication: whatever the pipelines let through, a
re-crawl can never store the same fetch, blob, article, version, advice item or link twice.
Changing this file means adding an Alembic revision under ``storage/migrations/versions``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

URL_LENGTH = 2048
URL = String(URL_LENGTH)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the backend.

    SQLite has no timezone type: it would store an aware value's wall time and drop the offset,
    and hand back naive datetimes. Values are converted to UTC before they are stored and marked
    UTC when read, so ``first_seen`` and ``date_published`` compare and print alike.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


Timestamp = UtcDateTime()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CrawlRun(Base):
    """One invocation of a spider; its stats survive the process for later audits."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    spider: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(Timestamp)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)
    status: Mapped[str] = mapped_column(String(20), default="running")
    """``running`` until closed; then ``finished``, or Scrapy's close reason (``shutdown``…)."""
    resumed_from: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    start_urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    stats: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class Blob(Base):
    """A raw response body, compressed, stored once per distinct content."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    compression: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Fetch(Base):
    """Every response (or download failure) the crawler met, in order of arrival."""

    __tablename__ = "fetches"
    __table_args__ = (
        Index("ix_fetches_url_fetched_at", "url", "fetched_at"),
        Index("ix_fetches_crawl_run_id_status", "crawl_run_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    """Random id the spider assigns, so a retried batch can never insert a fetch twice."""
    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    url: Mapped[str] = mapped_column(URL)
    final_url: Mapped[str] = mapped_column(URL)
    status: Mapped[int | None] = mapped_column(Integer)
    """HTTP status; ``None`` when no response arrived (timeout, refused, data loss)."""
    error: Mapped[str | None] = mapped_column(String(100))
    content_type: Mapped[str | None] = mapped_column(String(200))
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    fetched_at: Mapped[datetime] = mapped_column(Timestamp)
    blob_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    protocol: Mapped[str | None] = mapped_column(String(20))
    """``HTTP/1.1``…; with ``reason``, ``headers`` and the request columns, what a faithful WARC
    record needs. ``None`` on fetches archived before they were kept."""
    reason: Mapped[str | None] = mapped_column(String(100))
    """The status line's reason phrase."""
    headers: Mapped[list[list[str]] | None] = mapped_column(JSON)
    """Response headers in order, ``[name, value]`` pairs, repeated names kept."""
    request_method: Mapped[str | None] = mapped_column(String(10))
    request_headers: Mapped[list[list[str]] | None] = mapped_column(JSON)


class Cluster(Base):
    """A near-duplicate group; ``canonical_article_id`` is the member analysts should cite."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", use_alter=True)
    )


class Article(Base):
    """An article identified by its canonical URL, across all crawls and versions."""

    __tablename__ = "articles"
    __table_args__ = (
        # Only the few articles that are not live: ``peek`` counts them, and a query for live
        # articles is never steered onto it.
        Index(
            "ix_articles_not_live",
            "status",
            sqlite_where=text("status <> 'live'"),
            postgresql_where=text("status <> 'live'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_url: Mapped[str] = mapped_column(URL, unique=True)
    first_seen: Mapped[datetime] = mapped_column(Timestamp)
    last_seen: Mapped[datetime] = mapped_column(Timestamp, index=True)
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    """Hash of the current version's extracted content; compared on every re-crawl."""
    status: Mapped[str] = mapped_column(String(10), default="live")
    """``live`` or ``removed`` (a tombstone exists; the versions are kept)."""
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id"), index=True)
    has_canonical_link: Mapped[bool] = mapped_column(default=False)
    """The page declared this URL with ``rel=canonical``; preferred as cluster canonical."""

    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article", order_by="ArticleVersion.version"
    )


class ArticleVersion(Base):
    """What the parser extracted from one distinct content of an article."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    fetch_id: Mapped[int | None] = mapped_column(ForeignKey("fetches.id"))
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    parser_version: Mapped[str] = mapped_column(String(20), index=True)
    url: Mapped[str] = mapped_column(URL)
    headline: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(20))
    encoding: Mapped[str | None] = mapped_column(String(40))
    date_published: Mapped[str | None] = mapped_column(String(40))
    date_modified: Mapped[str | None] = mapped_column(String(40))
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    breadcrumbs: Mapped[list[str]] = mapped_column(JSON, default=list)
    category: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    medically_reviewed_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_reviewed: Mapped[str | None] = mapped_column(String(40))

    article: Mapped[Article] = relationship(back_populates="versions")


class ArticleSearch(Base):
    """An article's current version as search tokens (``storage.search_text``), one row each.

    The full-text indexes are built over these tokens, never over raw text, so SQLite and
    PostgreSQL search the very same words. Written with every new current version; the indexes
    themselves (an FTS5 table, a ``tsvector`` column) are made by revision 0005 and kept in step
    by the database.
    """

    __tablename__ = "article_search"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("article_versions.id"))
    title_tokens: Mapped[str] = mapped_column(Text)
    body_tokens: Mapped[str] = mapped_column(Text)


class SearchCommon(Base):
    """A word in so many articles that its top hits are kept in ``search_top`` (see
    ``storage.search_lists``): every article with the word missing from its list has an impact
    of at most ``floor``."""

    __tablename__ = "search_common"

    token: Mapped[str] = mapped_column(Text, primary_key=True)
    floor: Mapped[float] = mapped_column(Float)
    idf: Mapped[float] = mapped_column(Float)
    avgdl: Mapped[float] = mapped_column(Float)


class SearchTop(Base):
    """One of a common word's best articles, with its score for that word alone."""

    __tablename__ = "search_top"

    token: Mapped[str] = mapped_column(Text, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True, index=True)
    impact: Mapped[float] = mapped_column(Float)


class AdviceItem(Base):
    __tablename__ = "advice_items"
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("article_versions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    list_index: Mapped[int] = mapped_column(Integer)
    printed_number: Mapped[int] = mapped_column(Integer)
    marker: Mapped[str] = mapped_column(String(40), default="")
    text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")
    parser_version: Mapped[str] = mapped_column(String(20))


class Link(Base):
    __tablename__ = "links"
    __table_args__ = (UniqueConstraint("version_id", "kind", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("article_versions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    """``prev``, ``next`` or ``related``."""
    position: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(URL)
    text: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    parser_version: Mapped[str] = mapped_column(String(20))


class SummaryArticles(Base):
    """Articles per site, current version's language and status, kept by triggers (revision
    ``0008_summaries``) so that ``stats`` reads a few rows instead of every article.

    ``slot`` is the writing connection (its PostgreSQL backend id; 0 on SQLite), so concurrent
    writers never update the same row; a group's count is the sum over its slots. ``versions``
    sums the current version numbers and ``advice_items`` counts the current versions' items.
    """

    __tablename__ = "summary_articles"

    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(Text, primary_key=True)
    """``scheme://host`` of the canonical URL, '' when it has none."""
    language: Mapped[str] = mapped_column(Text, primary_key=True)
    status: Mapped[str] = mapped_column(Text, primary_key=True)
    articles: Mapped[int] = mapped_column(BigInteger)
    versions: Mapped[int] = mapped_column(BigInteger)
    advice_items: Mapped[int] = mapped_column(BigInteger)


class SummaryFailures(Base):
    """Failed fetches (an error, or a status of 400 or more) per reason and site, kept by
    triggers like :class:`SummaryArticles` and split by writing connection the same way."""

    __tablename__ = "summary_failures"

    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    reason: Mapped[str] = mapped_column(Text, primary_key=True)
    """The fetch's error, else ``http_<status>``."""
    site: Mapped[str] = mapped_column(Text, primary_key=True)
    fetches: Mapped[int] = mapped_column(BigInteger)


class SummaryRuns(Base):
    """A crawl run's fetches, failed fetches and new versions, kept by triggers; only the
    run's own process writes them, so one row per run."""

    __tablename__ = "summary_runs"

    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), primary_key=True)
    fetches: Mapped[int] = mapped_column(BigInteger)
    failed_fetches: Mapped[int] = mapped_column(BigInteger)
    new_versions: Mapped[int] = mapped_column(BigInteger)


class UrlAlias(Base):
    """Another URL that served an archived article (tracking params, print or mirror path)."""

    __tablename__ = "url_aliases"

    url: Mapped[str] = mapped_column(URL, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    reason: Mapped[str] = mapped_column(String(30))


class Tombstone(Base):
    """An article that disappeared (404/410, or a soft-404 redirect to a home page)."""

    __tablename__ = "tombstones"
    __table_args__ = (UniqueConstraint("article_id", "crawl_run_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"))
    fetch_id: Mapped[int | None] = mapped_column(ForeignKey("fetches.id"))
    reason: Mapped[str] = mapped_column(String(30))
    recorded_at: Mapped[datetime] = mapped_column(Timestamp)


class Signature(Base):
    """MinHash signature of an article's current text, for near-duplicate verification."""

    __tablename__ = "signatures"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    minhash: Mapped[bytes] = mapped_column(LargeBinary)


class LshBand(Base):
    """One LSH band bucket of an article's signature: an indexed lookup, sub-linear in size."""

    __tablename__ = "lsh_bands"
    __table_args__ = (Index("ix_lsh_bands_band_bucket", "band", "bucket"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger)
