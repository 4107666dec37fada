"""The crawl's own Scrapy signal: a fetch to put on record.

Fetch records (every response, failure and refusal) do not travel as items: items are what
Scrapy's feed exports write (``-o articles.jsonl``), and those should hold articles only. A
fetch is sent with :func:`record_fetch` instead, synchronously, so the archive pipeline has it
before the article item parsed from the same response reaches it. Anything holding the crawler
can record one: the spider, its errbacks, and downloader middlewares that refuse a request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.items import FetchItem

fetch_recorded = object()
"""Sent with the keyword argument ``fetch`` (a :class:`~crawler.items.FetchItem`)."""


url_unchanged = object()
"""Sent with ``url``: a page known unchanged without a request (its sitemap ``<lastmod>``)."""


def record_fetch(crawler: Crawler, fetch: FetchItem) -> None:
    crawler.signals.send_catch_log(fetch_recorded, fetch=fetch)


def record_unchanged(crawler: Crawler, url: str) -> None:
    crawler.signals.send_catch_log(url_unchanged, url=url)
