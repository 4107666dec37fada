"""Drop repeats within a crawl and fingerprint content for near-duplicate clustering.

Scrapy's request fingerprint already stops the same URL being fetched twice; this stage catches
the same *article* reached by different URLs (print and mirror paths, a ``rel=canonical``
pointing elsewhere) and byte-identical content. Near-duplicates are not dropped: they are
distinct articles, grouped into clusters by the archive using the MinHash signature computed
here.

What the crawl has archived so far (canonical URLs, content hashes) is kept in
:class:`SeenArticles`, on disk rather than in sets: sets grew by about 350 bytes per article
for the whole crawl, and a crawl's memory must not grow with its size.

Settings:

* ``NEAR_DUP_THRESHOLD`` (default 0.7): estimated Jaccard similarity for a near-duplicate.
* ``NEAR_DUP_NUM_PERM`` (default 128) and ``NEAR_DUP_BANDS`` (default 32): MinHash/LSH shape.
"""

from __future__ import annotations

import sqlite3

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.spiders import Spider

from crawler.items import ArticleItem
from pipelines.validate import STATS_PREFIX
from storage.fingerprints import NearDupConfig, minhash, signature_bytes

SEEN_SCHEMA = (
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    "CREATE TABLE urls (url TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TABLE contents (hash TEXT PRIMARY KEY, url TEXT NOT NULL) WITHOUT ROWID",
)
"""No journal and no syncs: the records die with the crawl, so there is nothing to recover."""


def near_dup_config(settings) -> NearDupConfig:  # type: ignore[no-untyped-def]
    return NearDupConfig(
        threshold=settings.getfloat("NEAR_DUP_THRESHOLD", 0.7),
        num_perm=settings.getint("NEAR_DUP_NUM_PERM", 128),
        bands=settings.getint("NEAR_DUP_BANDS", 32),
    )


class SeenArticles:
    """The canonical URLs and content hashes this crawl has passed on, exactly, on disk.

    SQLite's private temporary database (the empty file name): a file unlinked as soon as it
    is opened, so even a crawl killed with ``kill -9`` leaves nothing behind, read through a
    page cache of fixed size (SQLite's default, about 2 MB), so memory stays the same however
    many articles the crawl holds. Exact, unlike a Bloom filter: no article is ever taken for
    a repeat it is not.
    """

    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None)
        for statement in SEEN_SCHEMA:
            self.db.execute(statement)

    def has_url(self, url: str) -> bool:
        return self.db.execute("SELECT 1 FROM urls WHERE url = ?", (url,)).fetchone() is not None

    def url_with_content(self, content_hash: str) -> str | None:
        """The first canonical URL seen with this content, if any."""
        row = self.db.execute("SELECT url FROM contents WHERE hash = ?", (content_hash,)).fetchone()
        return row[0] if row else None

    def add(self, url: str, content_hash: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO urls VALUES (?)", (url,))
        self.db.execute("INSERT OR IGNORE INTO contents VALUES (?, ?)", (content_hash, url))

    def close(self) -> None:
        self.db.close()


class DedupPipeline:
    def __init__(self, crawler: Crawler, config: NearDupConfig) -> None:
        self.stats = crawler.stats
        self.config = config
        self.seen: SeenArticles | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler, near_dup_config(crawler.settings))

    def open_spider(self, spider: Spider | None = None) -> None:
        self.seen = SeenArticles()

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.seen is not None:
            self.seen.close()
            self.seen = None

    def process_item(self, item: ArticleItem) -> ArticleItem:
        assert self.seen is not None, "the pipeline is used before open_spider"
        article = item.article
        if self.seen.has_url(article.canonicalUrl):
            self._drop("duplicate_url", f"{article.url} is {article.canonicalUrl}")
        first = self.seen.url_with_content(item.content_hash)
        if first is not None:
            self._drop("duplicate_content", f"{article.url} has the content of {first}")
        self.seen.add(article.canonicalUrl, item.content_hash)
        item.signature = signature_bytes(minhash(article.articleBody, self.config))
        return item

    def _drop(self, reason: str, message: str) -> None:
        self.stats.inc_value(f"{STATS_PREFIX}/{reason}")
        raise DropItem(f"{reason}: {message}")
