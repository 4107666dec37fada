"""Reading archived pages back for re-extraction, and replacing a version's extracted rows.

``reparse`` (in the crawler package, which owns the parser) uses these; the raw fetches are
never changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session

from storage import models as m
from storage.archive import version_row, write_children
from storage.blobs import decompress
from storage.records import ParsedArticle
from storage.search_index import index_versions

Q = TypeVar("Q", bound=Select)


@dataclass(frozen=True)
class StoredPage:
    """An archived version with the raw response it was extracted from."""

    version_id: int
    article_id: int
    is_current: bool
    parser_version: str
    content_hash: str
    url: str
    content_type: str | None
    body: bytes


def stored_pages(session: Session, only_stale_for: str | None = None) -> Iterator[StoredPage]:
    """Every version that has its raw body archived, oldest first."""
    query = select(
        m.ArticleVersion.id,
        m.ArticleVersion.article_id,
        m.ArticleVersion.version == m.Article.current_version,
        m.ArticleVersion.parser_version,
        m.ArticleVersion.content_hash,
        m.Fetch.final_url,
        m.Fetch.content_type,
        m.Blob,
    ).order_by(m.ArticleVersion.id)
    for vid, aid, current, pversion, chash, url, ctype, blob in session.execute(
        _stored(query, only_stale_for)
    ):
        yield StoredPage(vid, aid, bool(current), pversion, chash, url, ctype, decompress(blob))


def count_stored_pages(session: Session, only_stale_for: str | None = None) -> int:
    """How many versions :func:`stored_pages` yields (for progress)."""
    query = select(func.count(m.ArticleVersion.id))
    return int(session.scalar(_stored(query, only_stale_for)) or 0)


def _stored(query: Q, only_stale_for: str | None) -> Q:
    """Versions whose fetch has its raw body archived."""
    query = (
        query.join(m.Article, m.Article.id == m.ArticleVersion.article_id)
        .join(m.Fetch, m.Fetch.id == m.ArticleVersion.fetch_id)
        .join(m.Blob, m.Blob.sha256 == m.Fetch.blob_sha256)
    )
    if only_stale_for is not None:
        query = query.where(m.ArticleVersion.parser_version != only_stale_for)
    return query


def replace_extracted(
    session: Session,
    page: StoredPage,
    article: ParsedArticle,
    content_hash: str,
    parser_version: str,
) -> None:
    """Overwrite one version's extracted rows in place; the raw fetch is never touched."""
    for child in (m.AdviceItem, m.Link):
        session.execute(delete(child).where(child.version_id == page.version_id))
    row = version_row(article, parser_version)
    row.pop("url")
    session.execute(
        update(m.ArticleVersion)
        .where(m.ArticleVersion.id == page.version_id)
        .values(content_hash=content_hash, **row)
    )
    write_children(session, [(page.version_id, article)], parser_version)
    if page.is_current:
        index_versions(
            session, [(page.article_id, page.version_id, article.headline, article.articleBody)]
        )
        session.execute(
            update(m.Article)
            .where(m.Article.id == page.article_id)
            .values(content_hash=content_hash)
        )


@dataclass(frozen=True)
class UnparsedPage:
    """A successful HTML fetch no article version came from (the parser rejected it then)."""

    key: str
    url: str
    content_type: str | None
    body: bytes


def unparsed_pages(session: Session) -> Iterator[UnparsedPage]:
    """The latest such fetch per final URL, for re-parsing after a parser fix."""
    used = select(m.ArticleVersion.fetch_id).where(m.ArticleVersion.fetch_id.is_not(None))
    latest = (
        select(func.max(m.Fetch.id))
        .where(
            m.Fetch.status == 200,
            m.Fetch.blob_sha256.is_not(None),
            m.Fetch.id.not_in(used),
            m.Fetch.content_type.ilike("%html%"),
        )
        .group_by(m.Fetch.final_url)
    )
    query = (
        select(m.Fetch.key, m.Fetch.final_url, m.Fetch.content_type, m.Blob)
        .join(m.Blob, m.Blob.sha256 == m.Fetch.blob_sha256)
        .where(m.Fetch.id.in_(latest))
        .order_by(m.Fetch.id)
    )
    for key, url, content_type, blob in session.execute(query):
        yield UnparsedPage(key, url, content_type, decompress(blob))
