"""What the archive accepts: plain records, so storage never depends on Scrapy items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crawler.parsers.records import Article


@dataclass(frozen=True)
class FetchRecord:
    key: str
    url: str
    final_url: str
    status: int | None
    fetched_at: datetime
    body: bytes | None = None
    error: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    protocol: str | None = None
    reason: str | None = None
    headers: tuple[tuple[str, str], ...] | None = None
    """Response headers in order as received, repeated names kept."""
    request_method: str | None = None
    request_headers: tuple[tuple[str, str], ...] | None = None
    blob_sha256: str | None = None
    """For a 304 (no body): the stored body it confirmed, from the fetch it revalidated."""


@dataclass(frozen=True)
class ArticleRecord:
    article: Article
    content_hash: str
    fetch_key: str | None = None
    signature: bytes | None = None
    declared_canonical: bool = False
    """The page's own ``rel=canonical`` named ``article.canonicalUrl``."""
