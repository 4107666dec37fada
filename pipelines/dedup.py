"""Drop repeats within a crawl and fingerprint content for near-duplicate clustering.

Scrapy's request fingerprint already stops the same URL being fetched twice; this stage catches
the same *article* reached by different URLs (print and mirror paths, a ``rel=canonical``
pointing elsewhere) and byte-identical content. Near-duplicates are not dropped: they are
distinct articles, grouped into clusters by the archive using the MinHash signature computed
here.

Settings:

* ``NEAR_DUP_THRESHOLD`` (default 0.7): estimated Jaccard similarity for a near-duplicate.
* ``NEAR_DUP_NUM_PERM`` (default 128) and ``NEAR_DUP_BANDS`` (default 32): MinHash/LSH shape.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import ArticleItem
from pipelines.validate import STATS_PREFIX
from storage.fingerprints import NearDupConfig, minhash, signature_bytes


def near_dup_config(settings) -> NearDupConfig:  # type: ignore[no-untyped-def]
    return NearDupConfig(
        threshold=settings.getfloat("NEAR_DUP_THRESHOLD", 0.7),
        num_perm=settings.getint("NEAR_DUP_NUM_PERM", 128),
        bands=settings.getint("NEAR_DUP_BANDS", 32),
    )


class DedupPipeline:
    def __init__(self, crawler: Crawler, config: NearDupConfig) -> None:
        self.stats = crawler.stats
        self.config = config
        self.seen_urls: set[str] = set()
        self.seen_hashes: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler, near_dup_config(crawler.settings))

    def process_item(self, item: ArticleItem) -> ArticleItem:
        article = item.article
        if article.canonicalUrl in self.seen_urls:
            self._drop("duplicate_url", f"{article.url} is {article.canonicalUrl}")
        first = self.seen_hashes.get(item.content_hash)
        if first is not None:
            self._drop("duplicate_content", f"{article.url} has the content of {first}")
        self.seen_urls.add(article.canonicalUrl)
        self.seen_hashes[item.content_hash] = article.canonicalUrl
        item.signature = signature_bytes(minhash(article.articleBody, self.config))
        return item

    def _drop(self, reason: str, message: str) -> None:
        self.stats.inc_value(f"{STATS_PREFIX}/{reason}")
        raise DropItem(f"{reason}: {message}")
