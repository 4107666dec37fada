"""Drop articles that cannot be archived, each with a counted reason.

Settings:

* ``VALIDATE_MIN_BODY_CHARS`` (default 80): shorter bodies are dropped as ``short_body``.
* ``VALIDATE_MAX_BODY_CHARS`` (default 2_000_000): longer ones as ``huge_body``.

URLs longer than the archive's URL columns (2,048 characters) are dropped as ``url_too_long``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import ArticleItem
from storage.models import URL_LENGTH

STATS_PREFIX = "healtharchive/dropped"
MAX_URL_CHARS = URL_LENGTH


class ValidatePipeline:
    def __init__(self, crawler: Crawler, min_chars: int, max_chars: int) -> None:
        self.stats = crawler.stats
        self.min_chars = min_chars
        self.max_chars = max_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        settings = crawler.settings
        return cls(
            crawler,
            settings.getint("VALIDATE_MIN_BODY_CHARS", 80),
            settings.getint("VALIDATE_MAX_BODY_CHARS", 2_000_000),
        )

    def process_item(self, item: ArticleItem) -> ArticleItem:
        reason = self.problem(item)
        if reason:
            self.stats.inc_value(f"{STATS_PREFIX}/{reason}")
            raise DropItem(f"{reason}: {item.article.url}")
        return item

    def problem(self, item: ArticleItem) -> str | None:
        article = item.article
        if urlsplit(article.url).scheme not in ("http", "https"):
            return "bad_url"
        if max(len(article.url), len(article.canonicalUrl)) > MAX_URL_CHARS:
            return "url_too_long"
        if not article.headline.strip():
            return "missing_title"
        body = article.articleBody.strip()
        if not body:
            return "missing_body"
        if len(body) < self.min_chars:
            return "short_body"
        if len(body) > self.max_chars:
            return "huge_body"
        return None
