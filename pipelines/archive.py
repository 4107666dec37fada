"""Write fetches and articles into the SQL archive in batches.

Fetch records arrive by the :data:`crawler.signals.fetch_recorded` signal, articles as items,
URLs known unchanged without a fetch by :data:`crawler.signals.url_unchanged`.
A batch is committed when it is full, on a timer, and when the spider closes, so a crash loses
at most the uncommitted batch. A failed commit (a locked SQLite file, a PostgreSQL restart)
keeps the batch pending and is retried; records are never silently discarded.

Settings:

* ``ARCHIVE_URL`` (default ``sqlite:///archive.db``): any SQLAlchemy URL or a file path.
* ``ARCHIVE_BATCH_SIZE`` (default 200) and ``ARCHIVE_COMMIT_INTERVAL`` (seconds, default 5).
* ``ARCHIVE_FLUSH_RETRIES`` (default 3): attempts at close before giving up loudly.
* ``ARCHIVE_ENABLED`` (default True): ``False`` raises ``NotConfigured``.
* ``CRAWL_LOCK`` (default True): the run holds its site's crawl lock (:mod:`storage.locks`;
  named after the site profile, else the start URLs' hosts) from the moment the spider opens
  until it closes, however the crawl was started (``healtharchive crawl``, ``scrapy crawl``, a
  scrapyd job). A second crawl of the same site on the same archive is refused before its first
  request: its run is recorded as ``overlap``, one error line is logged, and the spider closes
  with the reason ``overlap``. Runs a dead holder left ``running`` are marked ``killed``.
  Workers sharing a Redis queue crawl one site together, so ``REDIS_SETTINGS`` turns it off.
* ``ARCHIVE_RUN_LOCK`` (set by ``healtharchive crawl --lock``, which takes the lock before
  anything else): the lock this process already holds; the pipeline then takes none itself.
  Either way the lock is noted on the run's ``crawl_runs`` row so the next holder can tell the
  run was killed.
"""

from __future__ import annotations

import logging
import time
from contextlib import ExitStack

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.spiders import Spider
from sqlalchemy import Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from twisted.internet import task

from crawler.items import ArticleItem, FetchItem
from crawler.parsers import PARSER_VERSION
from crawler.signals import fetch_recorded, url_unchanged
from pipelines.dedup import near_dup_config
from storage.archive import ArchiveWriter
from storage.db import create_archive_engine
from storage.locks import LockHeld, crawl_lock, is_private, site_lock_name
from storage.records import ArticleRecord, FetchRecord
from storage.runs import finish_run, mark_killed, record_overlap, start_run

logger = logging.getLogger(__name__)

STATS = "healtharchive/archive"
INCOMPLETE = "incomplete"
"""Status of a run that could not store every record: ``crawl --resume`` completes it."""
OVERLAP = "overlap"
"""Close reason (and run status) of a crawl refused because its site's lock was held."""
REFUSED_START = "healtharchive/refused_start"
"""Stats key holding the one-line reason a crawl did not start."""


class ArchivePipeline:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_ENABLED", True):
            raise NotConfigured("ARCHIVE_ENABLED is off")
        self.crawler = crawler
        self.stats = crawler.stats
        self.url = settings.get("ARCHIVE_URL") or "sqlite:///archive.db"
        self.batch_size = settings.getint("ARCHIVE_BATCH_SIZE", 200)
        self.interval = settings.getfloat("ARCHIVE_COMMIT_INTERVAL", 5.0)
        self.retries = settings.getint("ARCHIVE_FLUSH_RETRIES", 3)
        self.resumed_from = settings.getint("ARCHIVE_RESUMED_FROM", 0) or None
        self.lock = settings.get("ARCHIVE_RUN_LOCK") or None
        self.take_lock = self.lock is None and settings.getbool("CRAWL_LOCK", True)
        self.held = ExitStack()
        self.near_dup = near_dup_config(settings)
        self.writer: ArchiveWriter | None = None
        self.refused_once = False
        self.timer: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.fetch_recorded, signal=fetch_recorded)
        crawler.signals.connect(self.url_unchanged, signal=url_unchanged)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        engine = create_archive_engine(self.url)
        running = self.crawler.spider
        start_urls = list(getattr(running, "start_urls", []) or [])
        name = running.name if running else "unknown"
        self.stats.set_value(
            "healtharchive/archive_url", engine.url.render_as_string(hide_password=True)
        )
        if self.take_lock and not is_private(engine):
            self._take_lock(engine, name, start_urls)
        run_id = start_run(engine, name, start_urls, self.resumed_from, self.lock)
        self.writer = ArchiveWriter(engine, run_id, PARSER_VERSION, self.near_dup)
        self.stats.set_value("healtharchive/run_id", run_id)
        self.timer = task.LoopingCall(self._flush_quietly)
        self.timer.start(self.interval, now=False)

    def _take_lock(self, engine: Engine, spider: str, start_urls: list[str]) -> None:
        """Hold the site's lock until the spider closes, or refuse the crawl on record."""
        site = getattr(self.crawler.spider, "site", None)
        lock = site_lock_name(start_urls, site.name if site else None)
        try:
            self.held.enter_context(crawl_lock(engine, lock))
        except LockHeld as exc:
            run_id = record_overlap(engine, spider, start_urls, lock)
            engine.dispose()
            message = f"{exc}; not started (run #{run_id} recorded as '{OVERLAP}')"
            self.stats.set_value("healtharchive/run_id", run_id)
            self.stats.set_value(REFUSED_START, message)
            logger.error("%s", message)
            raise CloseSpider(OVERLAP) from exc
        for run_id in mark_killed(engine, lock):
            logger.warning("crawl run #%d ended without finishing: marked 'killed'", run_id)
        self.lock = lock

    def fetch_recorded(self, fetch: FetchItem) -> None:
        if self.writer is None:
            return
        self.writer.add_fetch(to_fetch_record(fetch))
        self._flush_if_full()

    def url_unchanged(self, url: str) -> None:
        if self.writer is None:
            return
        self.writer.add_unchanged(url)
        self._flush_if_full()

    def process_item(self, item: ArticleItem) -> ArticleItem:
        assert self.writer is not None
        self.writer.add_article(
            ArticleRecord(
                article=item.article,
                content_hash=item.content_hash,
                fetch_key=item.fetch_key,
                signature=item.signature,
                declared_canonical=item.article.canonicalDeclared,
            )
        )
        self._flush_if_full()
        return item

    def _flush_if_full(self) -> None:
        assert self.writer is not None
        if self.writer.pending >= self.batch_size:
            self._flush_quietly()

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.timer and self.timer.running:
            self.timer.stop()
        if self.writer is None:
            return
        for attempt in range(1, self.retries + 1):
            if self._flush_quietly():
                break
            time.sleep(min(2**attempt, 10))
        if self.writer.pending:
            self.stats.set_value(f"{STATS}/unsaved", self.writer.pending)
            logger.error(
                "archive write failed: %d records not stored in %s; re-run the crawl with "
                "--resume to fetch them again",
                self.writer.pending,
                self.url,
            )
        self._record_totals()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.writer is None:
            return
        status = INCOMPLETE if self.writer.pending else reason
        stats = {k: _jsonable(v) for k, v in self.stats.get_stats().items()}
        try:
            finish_run(self.writer.engine, self.writer.run_id, status, stats)
        except DBAPIError as exc:
            logger.error("could not record the crawl run's stats: %s", exc.orig)
        try:
            self.held.close()
        except DBAPIError as exc:
            logger.warning("crawl lock released with its connection: %s", _first_line(exc))
        self.writer.engine.dispose()

    def _flush_quietly(self) -> bool:
        """Flush; on a database error keep the batch for the next attempt and say why.

        A batch refused twice for its data (not for a locked or unreachable database) is
        written record by record, and the records the database still refuses are dropped and
        counted as ``healtharchive/archive/rejected``.
        """
        assert self.writer is not None
        try:
            self.writer.flush()
        except (IntegrityError, DataError) as exc:
            self.stats.inc_value(f"{STATS}/flush_failed")
            if not self.refused_once:
                self.refused_once = True
                logger.warning("archive refused a batch, retrying: %s", _first_line(exc))
                return False
            return self._flush_each()
        except DBAPIError as exc:
            self.stats.inc_value(f"{STATS}/flush_failed")
            logger.warning(
                "archive commit failed, %d records kept for retry: %s",
                self.writer.pending,
                _first_line(exc),
            )
            return False
        self.refused_once = False
        self._record_totals()
        return True

    def _flush_each(self) -> bool:
        assert self.writer is not None
        self.refused_once = False
        try:
            rejected = self.writer.flush_each()
        except DBAPIError as exc:
            logger.warning("archive commit failed, records kept for retry: %s", _first_line(exc))
            return False
        for url, why in rejected:
            self.stats.inc_value(f"{STATS}/rejected")
            logger.error("archive rejected a record of %s: %s", url, why)
        self._record_totals()
        return True

    def _record_totals(self) -> None:
        assert self.writer is not None
        for name, value in vars(self.writer.totals).items():
            self.stats.set_value(f"{STATS}/{name}", value)


def to_fetch_record(item: FetchItem) -> FetchRecord:
    """The archive's frozen record of a fetch: the crawl's item carries exactly its fields."""
    return FetchRecord(**vars(item))


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig).splitlines()[0]


def _jsonable(value: object) -> object:
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)
