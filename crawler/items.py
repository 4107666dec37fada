"""Records of a crawl: a fetch for every response, an article for every parsed article.

They are separate so that validation and deduplication can drop an article (with a counted
reason) while the raw fetch is still archived: the archive keeps every response. Fetches travel
by a signal (:mod:`crawler.signals`); the spider yields articles, which the last pipeline turns
into flat :class:`FeedArticle` records for Scrapy's feed exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crawler.parsers.records import Article


@dataclass
class FetchItem:
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


@dataclass
class ArticleItem:
    fetch_key: str
    article: Article
    content_hash: str = ""
    """Filled by the normalize pipeline."""
    signature: bytes | None = None
    """MinHash signature bytes, filled by the dedup pipeline."""


@dataclass(frozen=True)
class FeedArticle:
    """One archived article as a flat record for Scrapy's feed exports (``-o articles.jsonl``).

    Only JSON types: strings, numbers, ``None``, lists and dicts of them. Field names follow
    the parsed :class:`~crawler.parsers.records.Article` (zyte-common-items ``Article``).
    """

    url: str
    canonicalUrl: str
    headline: str
    articleBody: str
    inLanguage: str | None
    datePublished: str | None
    dateModified: str | None
    authors: list[str]
    breadcrumbs: list[str]
    category: str | None
    description: str | None
    medicallyReviewedBy: list[str]
    lastReviewed: str | None
    advice: list[dict[str, object]]
    """Numbered advice as dicts: list_index, printed_number, marker, text, explanation."""
    previous: str | None
    next: str | None
    related: list[str]
    contentHash: str
