"""The health-site spider: glue between responses, the pure parser and the items.

It starts from the given URLs and each site's ``sitemap.xml``, follows every in-site link
(listings, pagination, previous/next and related articles), and once that runs dry revisits the
archived articles nothing linked to (``revisit_urls``): by then the sitemap's ``<lastmod>`` dates
have spared the unchanged ones. A page the site answers 304 (see :mod:`crawler.conditional`) is
recorded as unchanged and its stored copy's links are followed; it is not parsed again.

It records a :class:`FetchItem` for every response or failure with
:func:`crawler.signals.record_fetch` rather than yielding it, and yields an
:class:`ArticleItem` for every article: items are what feed exports write. Extraction logic
lives in :mod:`crawler.parsers`, never here.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.etree import XMLSyntaxError
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.conditional import LASTMOD_META, NOT_MODIFIED_FLAG, VALIDATORS_META
from crawler.items import ArticleItem, FetchItem
from crawler.middlewares import ARCHIVED_FLAG, RedirectLoop
from crawler.parsers import NotHtml, ParseError, parse_article
from crawler.parsers.content import ContentProfile
from crawler.profiles import load_profiles, profile_for
from crawler.signals import record_fetch
from crawler.urls import strip_tracking

FETCH_ERRORS = "healtharchive/fetch_error"
PARSE_OUTCOMES = "healtharchive/parse"
GZIP_MAGIC = b"\x1f\x8b"
SCOPE_CACHE_SIZE = 10_000
"""Distinct ``scheme://host:port`` prefixes whose scope is remembered; the rest are re-parsed."""
HANDLED_STATUSES = [304, 400, 401, 403, 404, 410, 429, 500, 502, 503, 504]
FAILURE_REASONS = {
    "TimeoutError": "timeout",
    "DownloadTimeoutError": "timeout",
    "DownloadCancelledError": "too_large",
    "TCPTimedOutError": "timeout",
    "ConnectionRefusedError": "connection_refused",
    "ConnectError": "connection_error",
    "ConnectionLost": "connection_lost",
    "DNSLookupError": "dns_error",
    "CancelledError": "too_large",
    "RedirectLoop": "redirect_loop",
    "ResponseDataLossError": "dataloss",
}


def split_urls(value: str | Iterable[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [u.strip() for u in value.split(",") if u.strip()]
    return list(value)


class HealthSpider(Spider):
    name = "health"
    handle_httpstatus_list = HANDLED_STATUSES

    def __init__(
        self,
        start_urls: str | list[str] | None = None,
        revisit_urls: str | list[str] | None = None,
        sitemap: str | bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.start_urls = split_urls(start_urls)
        if not self.start_urls:
            raise ValueError("give at least one start URL: -a start_urls=https://site/")
        self.revisit_urls = split_urls(revisit_urls)
        self.use_sitemap = str(sitemap).lower() not in ("0", "false", "no")
        self.allowed_domains = sorted({urlsplit(u).hostname or "" for u in self.start_urls})
        self.link_extractor = LinkExtractor(unique=True)
        self.profiles: dict[str, ContentProfile] = {}
        self._scope: dict[str, bool] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> HealthSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.profiles = load_profiles(crawler.settings.getdict("SITE_PROFILES"))
        crawler.signals.connect(spider.revisit_when_idle, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_urls:
            yield Request(url, callback=self.parse_page, errback=self.on_error)
        if self.use_sitemap:
            for robots in sorted({urljoin(u, "/robots.txt") for u in self.start_urls}):
                yield Request(
                    robots,
                    callback=self.parse_robots,
                    errback=self.on_error,
                    meta={"dont_obey_robotstxt": True},
                )

    def revisit_when_idle(self) -> None:
        """Schedule the archived URLs last; those already crawled are dropped as duplicates."""
        urls, self.revisit_urls = self.revisit_urls, []
        if not urls:
            return
        assert self.crawler.engine is not None
        for url in urls:
            self.crawler.engine.crawl(Request(url, callback=self.parse_page, errback=self.on_error))
        raise DontCloseSpider

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """The sitemaps robots.txt lists, else the conventional ``/sitemap.xml``."""
        listed = []
        if response.status == 200:
            listed = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        for url in listed or [urljoin(response.url, "/sitemap.xml")]:
            yield Request(url, callback=self.parse_sitemap, errback=self.on_error)

    def record_fetch(self, fetch: FetchItem) -> None:
        record_fetch(self.crawler, fetch)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        self.record_fetch(fetch_item(response))
        if response.status != 200 and NOT_MODIFIED_FLAG not in response.flags:
            return
        body = response.body
        if body[:2] == GZIP_MAGIC:
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except OSError:
                self.crawler.stats.inc_value(f"{PARSE_OUTCOMES}/bad_sitemap")
                return
        try:
            sitemap = Sitemap(body)
        except (XMLSyntaxError, StopIteration):
            self.crawler.stats.inc_value(f"{PARSE_OUTCOMES}/bad_sitemap")
            return
        callback = self.parse_sitemap if sitemap.type == "sitemapindex" else self.parse_page
        for entry in sitemap:
            url = strip_tracking(entry["loc"])
            if self.in_scope(url):
                meta = {LASTMOD_META: entry["lastmod"]} if entry.get("lastmod") else None
                yield response.follow(url, callback, errback=self.on_error, meta=meta)

    def parse_page(self, response: Response) -> Iterator[ArticleItem | Request]:
        if is_sitemap(response):
            yield from self.parse_sitemap(response)
            return
        fetch = fetch_item(response)
        if ARCHIVED_FLAG not in response.flags:
            self.record_fetch(fetch)
        if NOT_MODIFIED_FLAG in response.flags:
            self.crawler.stats.inc_value(f"{PARSE_OUTCOMES}/not_modified")
            yield from self.follow_links(response)
            return
        if response.status != 200:
            self.crawler.stats.inc_value(f"{FETCH_ERRORS}/http_{response.status}")
            return
        try:
            article = parse_article(
                response.body,
                response.url,
                text_headers(response),
                profile_for(response.url, self.profiles),
            )
        except NotHtml as exc:
            self.crawler.stats.inc_value(f"{PARSE_OUTCOMES}/{exc.reason}")
            self.logger.info("not an HTML page: %s", exc)
            return
        except ParseError as exc:
            self.crawler.stats.inc_value(f"{PARSE_OUTCOMES}/{exc.reason}")
        else:
            self.crawler.stats.inc_value(f"{PARSE_OUTCOMES}/article")
            yield ArticleItem(fetch_key=fetch.key, article=article)
        yield from self.follow_links(response)

    def follow_links(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        for link in self.link_extractor.extract_links(response):
            if self.in_scope(link.url):
                yield Request(strip_tracking(link.url), self.parse_page, errback=self.on_error)

    def in_scope(self, url: str) -> bool:
        """Same hosts as the start URLs (the link extractor's domain filter ignores ports).

        Decided once per ``scheme://netloc`` prefix: parsing every link of every page cost more
        than the crawl's own link following.
        """
        end = url.find("/", url.find("//") + 2) if "//" in url else -1
        prefix = url[:end] if end > 0 else url
        known = self._scope.get(prefix)
        if known is None:
            host = urlsplit(url).hostname or ""
            known = any(host == d or host.endswith("." + d) for d in self.allowed_domains)
            if len(self._scope) < SCOPE_CACHE_SIZE:
                self._scope[prefix] = known
        return known

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(RedirectLoop):
            reason = "redirect_loop"
        elif failure.check(IgnoreRequest):
            reason = getattr(failure.value, "skip_reason", "ignored")
            self.crawler.stats.inc_value(f"healtharchive/skipped/{reason}")
            return
        else:
            reason = failure_reason(failure)
        self.crawler.stats.inc_value(f"{FETCH_ERRORS}/{reason}")
        self.logger.warning("fetch failed (%s): %s", reason, request.url)
        self.record_fetch(
            FetchItem(
                key=uuid.uuid4().hex,
                url=(request.meta.get("redirect_urls") or [request.url])[0],
                final_url=request.url,
                status=None,
                error=reason,
                fetched_at=datetime.now(timezone.utc),
            )
        )


def failure_reason(failure: Failure) -> str:
    """A short stats-key name for a download failure."""
    error = failure.value
    name = type(error).__name__
    if name == "ResponseFailed" and any(
        "DataLoss" in type(reason.value).__name__ for reason in getattr(error, "reasons", [])
    ):
        return "dataloss"
    if name == "HttpError":
        return f"http_{error.response.status}"
    return FAILURE_REASONS.get(name, name.lower())


def is_sitemap(response: Response) -> bool:
    """A sitemap reached through an ordinary link (a footer "Sitemap" link, say)."""
    if response.status != 200 and NOT_MODIFIED_FLAG not in response.flags:
        return False
    content_type = (response.headers.get(b"Content-Type") or b"").lower()
    head = response.body[:512].lstrip()
    return (b"xml" in content_type or head.startswith(b"<?xml") or head[:2] == GZIP_MAGIC) and (
        head[:2] == GZIP_MAGIC or b"<urlset" in head or b"<sitemapindex" in head
    )


def fetch_item(response: Response) -> FetchItem:
    redirects = response.request.meta.get("redirect_urls") if response.request else None
    headers = response.headers
    if NOT_MODIFIED_FLAG in response.flags:
        _, known = response.meta[VALIDATORS_META]
        return FetchItem(
            key=uuid.uuid4().hex,
            url=redirects[0] if redirects else response.url,
            final_url=response.url,
            status=304,
            fetched_at=datetime.now(timezone.utc),
            content_type=known.content_type,
            etag=_header(headers, b"ETag") or known.etag,
            last_modified=_header(headers, b"Last-Modified") or known.last_modified,
            blob_sha256=known.blob_sha256,
        )
    return FetchItem(
        key=uuid.uuid4().hex,
        url=redirects[0] if redirects else response.url,
        final_url=response.url,
        status=response.status,
        fetched_at=datetime.now(timezone.utc),
        body=response.body,
        content_type=_header(headers, b"Content-Type"),
        etag=_header(headers, b"ETag"),
        last_modified=_header(headers, b"Last-Modified"),
    )


def text_headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): values[-1].decode("latin-1")
        for key, values in response.headers.items()
        if values
    }


def _header(headers: Any, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None
