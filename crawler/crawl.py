"""Run the health spider in this process and report what it did.

Library code for the CLI: building settings, a pre-flight check that the site answers at all,
running Scrapy, and turning the crawler's stats into a summary. Scrapy's reactor cannot be
restarted, so one process runs one crawl.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from crawler.errors import CrawlError
from crawler.profiles import SiteProfile
from crawler.refusals import REFUSED
from crawler.settings import LOCAL_SITE_SETTINGS, REDIS_SETTINGS
from crawler.spiders.health import FETCH_ERRORS, PARSE_OUTCOMES, HealthSpider
from pipelines.archive import REFUSED_START
from storage import queries
from storage.db import open_readonly

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
ERROR_OUTCOMES = ("not_html", "empty_body", "parse_error")
ARCHIVE_FAILURES = ("unsaved", "rejected")
"""Records the archive could not store: failures too, so that ``errors 0`` means none."""


@dataclass
class CrawlSummary:
    run_id: int | None
    archive: str
    pages_fetched: int
    articles: int
    new_articles: int
    new_versions: int
    unchanged: int
    tombstones: int
    duplicates_dropped: int
    dropped: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    unsaved: int = 0
    finish_reason: str = ""


def build_settings(
    archive_url: str,
    *,
    overrides: Mapping[str, Any] | None = None,
    local: bool = False,
    redis_url: str | None = None,
) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("ARCHIVE_URL", archive_url, priority="cmdline")
    if local:
        settings.update(LOCAL_SITE_SETTINGS, priority="cmdline")
    if redis_url:
        settings.update(REDIS_SETTINGS, priority="cmdline")
        settings.set("REDIS_URL", redis_url, priority="cmdline")
    settings.update(dict(overrides or {}), priority="cmdline")
    return settings


REVISIT_PAGE = 1000
"""Archived URLs read per query when the spider schedules its revisits."""


@dataclass(frozen=True)
class ArchivedUrls:
    """The live articles of the start URLs' sites archived up to article ``upto`` (the newest
    when the crawl starts: articles the crawl itself adds are not revisited).

    Read from the archive a page at a time as the spider schedules them, once the crawl runs
    dry: a re-crawl never holds the whole archive's URLs in memory (they were a list of every
    URL, held from the start of the crawl to its end).
    """

    archive_url: str
    start_urls: tuple[str, ...]
    upto: int
    page: int = REVISIT_PAGE

    def __iter__(self) -> Iterator[str]:
        engine = open_readonly(self.archive_url)
        try:
            after = 0
            while rows := self._page(engine, after):
                yield from (url for _, url in rows)
                after = rows[-1][0]
        finally:
            engine.dispose()

    def _page(self, engine: Engine, after: int) -> list[tuple[int, str]]:
        with Session(engine) as session:
            return queries.live_urls_on_hosts(
                session, self.start_urls, after=after, upto=self.upto, limit=self.page
            )


def is_local(urls: Sequence[str]) -> bool:
    return all(urlsplit(u).hostname in LOCAL_HOSTS for u in urls)


def preflight(urls: Sequence[str]) -> None:
    """Fail fast, in one line, when a start URL's host cannot be reached at all.

    Behind a proxy the host may be unreachable directly yet fine for Scrapy, so hosts reached
    through one are not checked.
    """
    proxies = getproxies()
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CrawlError(f"not an http(s) URL: {url}")
        if parts.scheme in proxies and not proxy_bypass(parts.hostname):
            continue
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            with socket.create_connection((parts.hostname, port), timeout=10):
                pass
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            raise CrawlError(f"cannot reach {parts.hostname}:{port} ({reason})") from exc


def run_crawl(
    start_urls: Sequence[str],
    settings: Settings,
    revisit_urls: Iterable[str] = (),
    sitemap: bool = True,
    profile: SiteProfile | None = None,
) -> CrawlSummary:
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(HealthSpider)
    process.crawl(
        crawler,
        start_urls=list(start_urls),
        revisit_urls=revisit_urls,
        sitemap=sitemap,
        profile=profile,
    )
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if stats.get(REFUSED_START):
        raise CrawlError(str(stats[REFUSED_START]))
    return summarize(stats)


def summarize(stats: Mapping[str, Any]) -> CrawlSummary:
    def prefixed(prefix: str) -> dict[str, int]:
        return {
            key[len(prefix) + 1 :]: int(value)
            for key, value in stats.items()
            if key.startswith(prefix + "/")
        }

    dropped = prefixed("healtharchive/dropped")
    errors = prefixed(FETCH_ERRORS)
    outcomes = prefixed(PARSE_OUTCOMES)
    errors.update({k: v for k, v in outcomes.items() if k in ERROR_OUTCOMES})
    archive = prefixed("healtharchive/archive")
    for name in ARCHIVE_FAILURES:
        if archive.get(name):
            errors[f"archive_{name}"] = archive[name]
    return CrawlSummary(
        run_id=stats.get("healtharchive/run_id"),
        archive=str(stats.get("healtharchive/archive_url", "")),
        pages_fetched=int(stats.get("downloader/response_count", 0)),
        articles=int(archive.get("new_versions", 0)) + int(archive.get("unchanged", 0)),
        new_articles=int(archive.get("new_articles", 0)),
        new_versions=int(archive.get("new_versions", 0)),
        unchanged=int(archive.get("unchanged", 0)),
        tombstones=int(archive.get("tombstones", 0)),
        duplicates_dropped=sum(v for k, v in dropped.items() if k.startswith("duplicate")),
        dropped=dropped,
        errors=errors,
        refused=prefixed(REFUSED),
        unsaved=int(archive.get("unsaved", 0)),
        finish_reason=str(stats.get("finish_reason", "")),
    )
