"""Items the spider yields: a fetch for every response, an article for every parsed article.

They are separate so that validation and deduplication can drop an article (with a counted
reason) while the raw fetch is still archived: the archive keeps every response.
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
