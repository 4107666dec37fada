"""Log lines for items that name the page, not the whole item.

Scrapy's default formatter prints every dropped or scraped item in full; ours carry page bodies,
so one drop could write megabytes to the log. The reason is still there, and every drop is also
counted in the stats under ``healtharchive/dropped/<reason>``.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult

from crawler.items import ArticleItem, FeedArticle


def describe(item: Any) -> str:
    if isinstance(item, ArticleItem):
        return f"article {item.article.url}"
    if isinstance(item, FeedArticle):
        return f"article {item.url}"
    return type(item).__name__


class ItemSummaryLogFormatter(LogFormatter):
    def dropped(  # type: ignore[override]
        self, item: Any, exception: BaseException, response: Response | None, spider: Spider
    ) -> LogFormatterResult:
        return {
            "level": logging.INFO,
            "msg": "Dropped %(item)s: %(exception)s",
            "args": {"item": describe(item), "exception": exception},
        }

    def scraped(  # type: ignore[override]
        self, item: Any, response: Response | None, spider: Spider
    ) -> LogFormatterResult:
        return {
            "level": logging.DEBUG,
            "msg": "Scraped %(item)s",
            "args": {"item": describe(item)},
        }
