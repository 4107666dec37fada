"""Turn each archived article into a flat record for Scrapy's feed exports.

The last pipeline: an item reaches it only after validation, deduplication and the archive, so
``scrapy crawl health -o articles.jsonl`` writes one record per archived article and nothing
for pages dropped on the way. Raw fetches never reach a feed: they travel by a signal.

Settings:

* ``FEEDS`` (Scrapy's; ``-o`` fills it): with no feed configured this pipeline is switched off
  (``NotConfigured``), so a crawl without ``-o`` pays nothing for it.
"""

from __future__ import annotations

from dataclasses import asdict

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.items import ArticleItem, FeedArticle
from crawler.parsers.records import Link


class FeedPipeline:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FeedPipeline:
        if not crawler.settings.getdict("FEEDS"):
            raise NotConfigured  # silently: a crawl without -o is the usual case
        return cls()

    def process_item(self, item: ArticleItem) -> FeedArticle:
        return feed_article(item)


def feed_article(item: ArticleItem) -> FeedArticle:
    article = item.article
    return FeedArticle(
        url=article.url,
        canonicalUrl=article.canonicalUrl,
        headline=article.headline,
        articleBody=article.articleBody,
        inLanguage=article.inLanguage,
        datePublished=article.datePublished,
        dateModified=article.dateModified,
        authors=list(article.authors),
        breadcrumbs=list(article.breadcrumbs),
        category=article.category,
        description=article.description,
        medicallyReviewedBy=list(article.medicallyReviewedBy),
        lastReviewed=article.lastReviewed,
        advice=[asdict(advice) for advice in article.advice],
        previous=_url(article.previous),
        next=_url(article.next),
        related=[link.url for link in article.related],
        contentHash=item.content_hash,
    )


def _url(link: Link | None) -> str | None:
    return link.url if link else None
