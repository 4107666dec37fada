"""Crawl progress while it runs, from the crawler's own stats.

On a terminal: one bar (pages fetched, pages/s, articles new/changed/unchanged, duplicates,
refusals, errors, queue size) with Scrapy's log lines printed above it. Otherwise (cron,
scrapyd, output to a file): the same figures as one plain line every ``PROGRESS_INTERVAL``
seconds and at the end. See :mod:`crawler.progress`.

Settings:

* ``PROGRESS_ENABLED`` (default True): ``False`` raises ``NotConfigured``.
* ``PROGRESS_INTERVAL`` (seconds, default 30): between plain lines.
* ``PROGRESS_OUTPUT`` (default ``"log"``): where plain lines go: ``"log"`` (Scrapy's log, at
  INFO, as under scrapyd) or ``"stderr"`` (``healtharchive crawl``, whose log is quieter).
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.crawl import summarize
from crawler.progress import Progress

logger = logging.getLogger(__name__)

TICK = 0.5


class CrawlProgress:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("PROGRESS_ENABLED", True):
            raise NotConfigured("PROGRESS_ENABLED is off")
        self.crawler = crawler
        self.interval = settings.getfloat("PROGRESS_INTERVAL", 30.0)
        output = settings.get("PROGRESS_OUTPUT", "log")
        if output not in ("log", "stderr"):
            raise ValueError(f"PROGRESS_OUTPUT must be 'log' or 'stderr', not {output!r}")
        self.to_log = output == "log"
        self.progress: Progress | None = None
        self.above: AbstractContextManager[None] | None = None
        self.timer: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        return cls(crawler)

    def spider_opened(self) -> None:
        self.progress = Progress(
            "crawl",
            unit="pages",
            interval=self.interval,
            emit=(lambda line: logger.info("%s", line)) if self.to_log else None,
        )
        self.above = self.progress.logging_above()
        self.above.__enter__()
        self.timer = task.LoopingCall(self.tick)
        self.timer.start(TICK, now=False)

    def tick(self) -> None:
        if self.progress is None or self.crawler.stats is None:
            return
        pages, counters = crawl_counters(self.crawler.stats.get_stats())
        self.progress.update(pages, counters)

    def spider_closed(self) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        self.tick()
        if self.above is not None:
            self.above.__exit__(None, None, None)
        if self.progress is not None:
            self.progress.close()
            self.progress = None


def crawl_counters(stats: dict[str, Any]) -> tuple[int, dict[str, int]]:
    """Pages fetched, and the figures shown beside them."""
    summary = summarize(stats)
    refused = sum(summary.dropped.values()) - summary.duplicates_dropped
    refused += sum(
        int(v)
        for k, v in stats.items()
        if k.startswith("healtharchive/skipped/") or k == "robotstxt/forbidden"
    )
    queued = int(stats.get("scheduler/enqueued", 0)) - int(stats.get("scheduler/dequeued", 0))
    return summary.pages_fetched, {
        "new": summary.new_articles,
        "changed": summary.new_versions - summary.new_articles,
        "unchanged": summary.unchanged,
        "dup": summary.duplicates_dropped,
        "refused": refused,
        "errors": sum(summary.errors.values()),
        "queue": max(queued, 0),
    }
