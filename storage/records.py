"""What the archive accepts: plain records, so storage never depends on Scrapy items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class AdviceEntry(Protocol):
    """One numbered advice item as the archive stores it."""

    @property
    def list_index(self) -> int: ...
    @property
    def printed_number(self) -> int: ...
    @property
    def marker(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def explanation(self) -> str: ...


class LinkEntry(Protocol):
    """A previous/next or related link as the archive stores it."""

    @property
    def url(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def title(self) -> str: ...


class ParsedArticle(Protocol):
    """What the archive reads of a parsed article. The parser's ``Article`` has these fields;
    the archive names only the ones it stores, so storage never imports the crawler."""

    @property
    def url(self) -> str: ...
    @property
    def canonicalUrl(self) -> str: ...
    @property
    def headline(self) -> str: ...
    @property
    def articleBody(self) -> str: ...
    @property
    def inLanguage(self) -> str | None: ...
    @property
    def encoding(self) -> str: ...
    @property
    def advice(self) -> Sequence[AdviceEntry]: ...
    @property
    def previous(self) -> LinkEntry | None: ...
    @property
    def next(self) -> LinkEntry | None: ...
    @property
    def related(self) -> Sequence[LinkEntry]: ...
    @property
    def datePublished(self) -> str | None: ...
    @property
    def dateModified(self) -> str | None: ...
    @property
    def authors(self) -> Sequence[str]: ...
    @property
    def breadcrumbs(self) -> Sequence[str]: ...
    @property
    def description(self) -> str | None: ...
    @property
    def category(self) -> str | None: ...
    @property
    def medicallyReviewedBy(self) -> Sequence[str]: ...
    @property
    def lastReviewed(self) -> str | None: ...


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
    article: ParsedArticle
    content_hash: str
    fetch_key: str | None = None
    signature: bytes | None = None
    declared_canonical: bool = False
    """The page's own ``rel=canonical`` named ``article.canonicalUrl``."""
