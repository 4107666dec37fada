"""The health-site spider: glue between responses, the pure parser and the items.

It starts from the given URLs (or a site profile's, ``-a profile=site.toml``; see
:mod:`crawler.profiles`) and each site's ``sitemap.xml``, follows every in-site link
(listings, pagination, previous/next and related articles), narrowed by the profile's URL
patterns when it has any, and once that runs dry revisits the archived articles nothing linked
to (``revisit_urls``, any iterable, read only then): by then the sitemap's ``<lastmod>`` dates
have spared the unchanged ones.
A page the site answers 304 (see :mod:`crawler.conditional`) is recorded as unchanged and its
stored copy's links are followed; it is not parsed again. It records a :class:`FetchItem` for
every response or failure with :func:`crawler.signals.record_fetch` rather than yielding it, and
yields an :class:`ArticleItem` for every article: items are what feed exports write.
Extraction logic lives in :mod:`crawler.parsers`, never here.

Settings: ``SITE_PROFILES``, ``LINKS_PER_PAGE_MAX`` (links followed from one page),
``PARSE_WORKERS`` (pages parsed in that many worker processes, see :mod:`crawler.parse_worker`;
0 parses them here), and ``DOWNLOAD_MAXSIZE`` for gzipped sitemaps.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.etree import XMLSyntaxError
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.conditional import (
    LASTMOD_META,
    NOT_MODIFIED_FLAG,
    VALIDATORS_META,
    NotChangedSinceLastmod,
)
from crawler.items import ArticleItem, FetchItem
from crawler.middlewares import ARCHIVED_FLAG
from crawler.parse_worker import ParseWorker
from crawler.parsers import (
    Article,
    NotAnArticle,
    NotHtml,
    ParsedPage,
    ParseError,
    parse_links,
    parse_page,
)
from crawler.parsers.content import ContentProfile
from crawler.profiles import SiteProfile, UrlRules, load_profiles, load_site_profile, profile_for
from crawler.refusals import Refused, record_refusal
from crawler.signals import record_fetch
from crawler.urls import strip_tracking

FETCH_ERRORS = "healtharchive/fetch_error"
PARSE_OUTCOMES = "healtharchive/parse"
LINKS_DROPPED = "healtharchive/links_dropped"
GZIP_MAGIC = b"\x1f\x8b"
DUPLICATES_FILTERED = "dupefilter/filtered"
RECENT_LINKS_MAX = 4096
"""Links this spider requested lately, not requested again: a site's menus, footers and
sidebars repeat on every page, and each repeat would only be built into a request, fingerprinted
and dropped by the duplicate filter (counted under its stats key all the same). Bounded, so
memory stays flat in crawl size; the duplicate filter still catches every older repeat."""
SITEMAP_PRIORITY = 10
"""robots.txt and sitemaps are fetched before the pages waiting in the queue: a sitemap's
``<lastmod>`` dates spare a re-crawl the unchanged pages only if it is read before links have
reached them (see :mod:`crawler.conditional`), however the queue orders the pages."""
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
    "IgnoreRequest": "ignored",
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
        revisit_urls: str | Iterable[str] | None = None,
        sitemap: str | bool = True,
        profile: str | SiteProfile | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.site = load_site_profile(profile) if isinstance(profile, str) else profile
        site_urls = self.site.start_urls if self.site else []
        self.start_urls = list(dict.fromkeys([*site_urls, *split_urls(start_urls)]))
        if not self.start_urls and not _contracts_only(type(self)):
            raise ValueError(
                "give at least one start URL: -a start_urls=https://site/ or -a profile=site.toml"
            )
        self.revisit_urls: Iterable[str] = (
            split_urls(revisit_urls) if isinstance(revisit_urls, str) else revisit_urls or ()
        )
        self.use_sitemap = str(sitemap).lower() not in ("0", "false", "no")
        self.sitemaps = self.site.sitemaps if self.site else []
        self.allowed_domains = (
            self.site.domains()
            if self.site
            else sorted({urlsplit(u).hostname or "" for u in self.start_urls})
        )
        self.url_rules = self.site.url_rules() if self.site else UrlRules()
        self.profiles: dict[str, ContentProfile] = {}
        self.recent_links: OrderedDict[str, None] = OrderedDict()
        self.links_per_page_max = 0
        self.parse_worker: ParseWorker | None = None

    @property
    def page_callback(self) -> Callable[[Response], Any]:
        """Where pages go: parsed here, or in the worker process when there is one."""
        return self.parse_page if self.parse_worker is None else self.parse_page_in_worker

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> HealthSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.profiles = load_profiles(crawler.settings.getdict("SITE_PROFILES"))
        spider.links_per_page_max = crawler.settings.getint("LINKS_PER_PAGE_MAX")
        crawler.signals.connect(spider.revisit_when_idle, signal=signals.spider_idle)
        workers = crawler.settings.getint("PARSE_WORKERS")
        if workers > 0:
            spider.parse_worker = ParseWorker(workers)
            crawler.signals.connect(spider.parse_worker.start, signal=signals.spider_opened)
            crawler.signals.connect(spider.parse_worker.close, signal=signals.spider_closed)
        if spider.site:
            spider.profiles.update(spider.site.content_profiles())
            crawler.settings.update(spider.site.politeness.settings(), priority="spider")
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_urls:
            yield Request(url, callback=self.page_callback, errback=self.on_error)
        if self.use_sitemap and self.sitemaps:
            for url in self.sitemaps:
                yield Request(
                    url,
                    callback=self.parse_sitemap,
                    errback=self.on_error,
                    priority=SITEMAP_PRIORITY,
                )
        elif self.use_sitemap:
            for robots in sorted({urljoin(u, "/robots.txt") for u in self.start_urls}):
                yield Request(
                    robots,
                    callback=self.parse_robots,
                    errback=self.on_error,
                    priority=SITEMAP_PRIORITY,
                    meta={"dont_obey_robotstxt": True},
                )

    def revisit_when_idle(self) -> None:
        """Schedule the archived URLs last; those already crawled are dropped as duplicates.

        ``revisit_urls`` may be read lazily (from the archive, a page at a time): it is iterated
        once, each URL going to the scheduler's queue as it comes.
        """
        urls, self.revisit_urls = self.revisit_urls, ()
        assert self.crawler.engine is not None
        scheduled = 0
        for url in urls:
            self.crawler.engine.crawl(
                Request(url, callback=self.page_callback, errback=self.on_error)
            )
            scheduled += 1
        if scheduled:
            raise DontCloseSpider

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """The sitemaps robots.txt lists, else the conventional ``/sitemap.xml``.

        @demo_page /robots.txt
        @returns requests 1 1
        @returns items 0 0
        """
        listed = []
        if response.status == 200:
            listed = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        for url in listed or [urljoin(response.url, "/sitemap.xml")]:
            yield Request(
                url, callback=self.parse_sitemap, errback=self.on_error, priority=SITEMAP_PRIORITY
            )

    def record_fetch(self, fetch: FetchItem) -> None:
        record_fetch(self.crawler, fetch)

    def fetch_item(self, response: Response) -> FetchItem:
        """The fetch record of ``response``; a spider replaying stored responses overrides it."""
        return fetch_item(response)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Every in-scope page a sitemap (or sitemap index) lists.

        @demo_page /sitemap.xml
        @records_fetch
        @returns requests 200
        @returns items 0 0
        """
        self.record_fetch(self.fetch_item(response))
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
        index = sitemap.type == "sitemapindex"
        callback = self.parse_sitemap if index else self.page_callback
        for entry in sitemap:
            if not index and not self.follows(entry["loc"]):
                continue
            meta = {LASTMOD_META: entry["lastmod"]} if entry.get("lastmod") else None
            request = self.follow(response, entry["loc"], callback, meta)
            if request is not None:
                yield request.replace(priority=SITEMAP_PRIORITY) if index else request

    def parse_page(self, response: Response) -> Iterator[ArticleItem | Request]:
        """An article page: its fetch on record, one article item, its in-site links followed.

        @demo_page /health/a-001.html
        @records_fetch
        @returns items 1 1
        @returns requests 3
        @article headline articleBody advice inLanguage next
        """
        handled = self._without_parse(response)
        if handled is not None:
            yield from handled
            return
        try:
            page = parse_page(*self._parse_arguments(response))
        except ParseError as exc:
            yield from self._not_parsed(response, exc)
            return
        yield from self._parsed(response, page)

    async def parse_page_in_worker(
        self, response: Response
    ) -> AsyncIterator[ArticleItem | Request]:
        """:meth:`parse_page` with the parse done in a worker process (``PARSE_WORKERS``)."""
        assert self.parse_worker is not None
        handled = self._without_parse(response)
        if handled is not None:
            for output in handled:
                yield output
            return
        try:
            page = await self.parse_worker.parse(*self._parse_arguments(response))
        except ParseError as exc:
            outputs = self._not_parsed(response, exc)
        else:
            outputs = self._parsed(response, page)
        for output in outputs:
            yield output

    def _without_parse(self, response: Response) -> Iterator[ArticleItem | Request] | None:
        """What a page needs when it is not parsed as an article (a sitemap, a 304, an error
        status, a URL the profile says is no article); ``None`` when it must be parsed."""
        if is_sitemap(response):
            return self.parse_sitemap(response)
        if NOT_MODIFIED_FLAG in response.flags:
            if ARCHIVED_FLAG not in response.flags:
                self.record_fetch(self.fetch_item(response))
            self.crawler.stats.inc_value(f"{PARSE_OUTCOMES}/not_modified")
            return self.follow_links(response)
        if response.status != 200:
            fetch = self.fetch_item(response)
            fetch.error = f"http_{response.status}"
            self.crawler.stats.inc_value(f"{FETCH_ERRORS}/{fetch.error}")
            self.record_fetch(fetch)
            return iter(())
        if not self.url_rules.is_article(response.url):
            if ARCHIVED_FLAG not in response.flags:
                self.record_fetch(self.fetch_item(response))
            self.crawler.stats.inc_value(f"{PARSE_OUTCOMES}/not_article_url")
            return self.follow_links(response)
        return None

    def _parse_arguments(
        self, response: Response
    ) -> tuple[bytes, str, dict[str, str], ContentProfile | None]:
        return (
            response.body,
            response.url,
            text_headers(response),
            profile_for(response.url, self.profiles),
        )

    def _not_parsed(
        self, response: Response, exc: ParseError
    ) -> Iterator[ArticleItem | Request]:
        fetch = self.fetch_item(response)
        self.crawler.stats.inc_value(f"{PARSE_OUTCOMES}/{exc.reason}")
        if not isinstance(exc, NotAnArticle):
            fetch.error = exc.reason
        if ARCHIVED_FLAG not in response.flags:
            self.record_fetch(fetch)
        if isinstance(exc, NotHtml):
            self.logger.info("not an HTML page: %s", exc)
            return
        yield from self.follow_links(response)

    def _parsed(self, response: Response, page: ParsedPage) -> Iterator[ArticleItem | Request]:
        fetch = self.fetch_item(response)
        article = page.article
        if article.decision.reason == "empty_body" and not article.decision.is_article:
            fetch.error = "empty_body"
        if ARCHIVED_FLAG not in response.flags:
            self.record_fetch(fetch)
        yield from self._archive_if_article(fetch, article)
        yield from self.follow_links(response, page.links)

    def follow_links(
        self, response: Response, links: tuple[str, ...] | None = None
    ) -> Iterator[Request]:
        """At most ``LINKS_PER_PAGE_MAX`` links of a page, so no page can flood the crawl.

        ``links`` are the page's outlinks when the parser already read them with the article;
        otherwise (listings, stored copies) the page is parsed for its links alone. Off-site and
        non-http links are requested too: the scope middleware refuses them and puts each
        distinct one on record. A profile's URL patterns narrow what is followed.
        """
        if not isinstance(response, TextResponse):
            return
        if links is None:
            try:
                links = parse_links(response.body, response.url, text_headers(response))
            except NotHtml:
                return
        cap = self.links_per_page_max
        if cap and len(links) > cap:
            self.crawler.stats.inc_value(LINKS_DROPPED, len(links) - cap)
            self.logger.warning(
                "%s: %d links, following the first %d", response.url, len(links), cap
            )
            record_refusal(self.crawler, response.url, response.url, "link_cap")
            links = links[:cap]
        recent = self.recent_links
        repeated = 0
        for url in links:
            if not self.follows(url):
                continue
            target = strip_tracking(url)
            if target in recent:
                recent.move_to_end(target)
                repeated += 1
                continue
            request = self.follow(response, target, self.page_callback)
            if request is not None:
                recent[target] = None
                if len(recent) > RECENT_LINKS_MAX:
                    recent.popitem(last=False)
                yield request
        if repeated:
            self.crawler.stats.inc_value(DUPLICATES_FILTERED, repeated)

    def follow(
        self,
        response: Response,
        url: str,
        callback: Callable[[Response], Any],
        meta: dict[str, Any] | None = None,
    ) -> Request | None:
        """A request for ``url``, or ``None`` (counted as ``bad_link``) if it is no valid URL.

        An absolute URL (every link the parser returns) becomes a request directly: resolving it
        against the page, as ``response.follow`` does, would decode the whole body for nothing.
        """
        try:
            target = strip_tracking(url)
            if urlsplit(target).scheme:
                return Request(target, callback, errback=self.on_error, meta=meta)
            return response.follow(target, callback, errback=self.on_error, meta=meta)
        except ValueError:
            self.crawler.stats.inc_value(f"{PARSE_OUTCOMES}/bad_link")
            return None

    def _archive_if_article(self, fetch: FetchItem, article: Article) -> Iterator[ArticleItem]:
        """Archive the page as an article only when the parser judged it one; count why not."""
        decision = article.decision
        stats = self.crawler.stats
        if decision.is_article:
            stats.inc_value(f"{PARSE_OUTCOMES}/article")
            yield ArticleItem(fetch_key=fetch.key, article=article)
        elif decision.reason == "empty_body":
            stats.inc_value(f"{PARSE_OUTCOMES}/empty_body")
        else:
            stats.inc_value(f"{PARSE_OUTCOMES}/not_article")
            stats.inc_value(f"{PARSE_OUTCOMES}/not_article/{decision.reason}")

    def follows(self, url: str) -> bool:
        """The profile's article and listing patterns, when it has any."""
        return self.url_rules.follows(url)

    def on_error(self, failure: Failure) -> None:
        """Put a failed request on record; refusals are already there (:mod:`crawler.refusals`)."""
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(Refused, NotChangedSinceLastmod):
            return
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


def _contracts_only(spidercls: type[Spider]) -> bool:
    """``scrapy check`` replaces ``start()`` with its contracts' requests: no start URL needed."""
    return getattr(spidercls.start, "__module__", "") == "scrapy.commands.check"


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
    if isinstance(error, IgnoreRequest) and "MaxSize" in type(error.__cause__).__name__:
        return "decompression_limit"
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
    """The fetch record of a response, with what a faithful WARC record of it needs.

    Scrapy keeps neither the status line's reason phrase (the standard one for the status is
    stored) nor the header names' case (they arrive Title-Cased); header order and repeated
    headers are kept. The body is the decoded one, so a decoded response's ``Content-Encoding``
    is already gone from its headers.

    A 304 answered with the stored body (:mod:`crawler.conditional`) is recorded without it,
    pointing at the blob it confirmed.
    """
    request = response.request
    redirects = request.meta.get("redirect_urls") if request else None
    headers = response.headers
    known = response.meta[VALIDATORS_META][1] if NOT_MODIFIED_FLAG in response.flags else None
    return FetchItem(
        key=uuid.uuid4().hex,
        url=redirects[0] if redirects else response.url,
        final_url=response.url,
        status=response.status,
        fetched_at=datetime.now(timezone.utc),
        body=None if known else response.body,
        blob_sha256=known.blob_sha256 if known else None,
        content_type=_header(headers, b"Content-Type"),
        etag=_header(headers, b"ETag") or (known.etag if known else None),
        last_modified=_header(headers, b"Last-Modified")
        or (known.last_modified if known else None),
        protocol=response.protocol or "HTTP/1.1",
        reason=_reason(response.status),
        headers=header_pairs(headers),
        request_method=request.method if request else None,
        request_headers=header_pairs(request.headers) if request else None,
    )


def header_pairs(headers: Any) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    )


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def text_headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): values[-1].decode("latin-1")
        for key, values in response.headers.items()
        if values
    }


def _header(headers: Any, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None
