"""Incremental re-crawls: ask the site whether a page changed before downloading it again.

For every GET request whose URL the archive already holds a good fetch of, this downloader
middleware adds ``If-None-Match`` / ``If-Modified-Since`` from that fetch. A 304 answer is
turned into a response carrying the stored body, flagged :data:`NOT_MODIFIED_FLAG` with status
304: the spider records it as an unchanged fetch pointing at the stored blob (nothing is stored
again) and still follows the page's links, so pages reached only through unchanged pages are
not lost. A request from a sitemap whose ``<lastmod>`` is no newer than the stored copy is not
sent at all; it fails with :class:`NotChangedSinceLastmod`, counted as
``healtharchive/skipped/sitemap_lastmod``, and is reported with
:func:`crawler.signals.record_unchanged` so the archive still moves the article's ``last_seen``.

Settings:

* ``RECRAWL_CONDITIONAL`` (default True): send conditional requests at all.
* ``RECRAWL_SITEMAP_LASTMOD`` (default True): skip sitemap entries not modified since the
  stored copy.
* ``RECRAWL_FULL`` (default False; ``crawl --full``): fetch everything unconditionally.
* ``ARCHIVE_URL``: the archive the validators come from.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.responsetypes import responsetypes
from sqlalchemy.exc import DBAPIError

from crawler.signals import record_unchanged
from storage.db import open_readonly
from storage.errors import ArchiveError
from storage.validators import ValidatorLookup, Validators

logger = logging.getLogger(__name__)

CONDITIONAL_PRIORITY = 570
"""Before HTTP compression (590) and redirects (600): 304s arrive here already decoded."""
NOT_MODIFIED_FLAG = "not_modified"
VALIDATORS_META = "healtharchive_validators"
"""``(url, Validators)``: what a request asked with; a redirect's copy is for another URL."""
LASTMOD_META = "sitemap_lastmod"
"""The sitemap's ``<lastmod>`` text for the request's URL, set by the spider."""


class NotChangedSinceLastmod(IgnoreRequest):
    """The sitemap dates the page no later than the copy already archived."""

    skip_reason = "sitemap_lastmod"


class ConditionalRequestMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if settings.getbool("RECRAWL_FULL") or not settings.getbool("RECRAWL_CONDITIONAL", True):
            raise NotConfigured("full re-crawl: every page is fetched unconditionally")
        if not settings.getbool("ARCHIVE_ENABLED", True):
            raise NotConfigured("no archive to take validators from")
        self.use_lastmod = settings.getbool("RECRAWL_SITEMAP_LASTMOD", True)
        self.archive_url = settings.get("ARCHIVE_URL")
        self.crawler = crawler
        self.stats = crawler.stats
        self.lookup: ValidatorLookup | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        return cls(crawler)

    def spider_opened(self) -> None:
        """Open once the archive pipeline has created the schema (it opens before this signal).

        An archive with no stored body (a first crawl) has nothing to revalidate: no lookups.
        """
        try:
            engine = open_readonly(self.archive_url)
        except ArchiveError:
            return
        lookup = ValidatorLookup(engine)
        if lookup.empty():
            lookup.close()
            engine.dispose()
            return
        self.lookup = lookup

    def spider_closed(self) -> None:
        if self.lookup is not None:
            self.lookup.close()
            self.lookup.engine.dispose()
            self.lookup = None

    def process_request(self, request: Request) -> None:
        if self.lookup is None or request.method != "GET":
            return
        asked = request.meta.get(VALIDATORS_META)
        if asked is not None:
            if asked[0] == request.url:
                return
            request.headers.pop(b"If-None-Match", None)
            request.headers.pop(b"If-Modified-Since", None)
            del request.meta[VALIDATORS_META]
        try:
            validators = self.lookup.latest(request.url)
        except DBAPIError as exc:
            self.stats.inc_value("healtharchive/recrawl/lookup_failed")
            logger.warning("no validators for %s, fetching it in full: %s", request.url, exc.orig)
            return
        if validators is None:
            return
        lastmod = parse_lastmod(request.meta.get(LASTMOD_META))
        if self.use_lastmod and lastmod is not None and lastmod <= validators.changed_since():
            self.stats.inc_value(f"healtharchive/skipped/{NotChangedSinceLastmod.skip_reason}")
            record_unchanged(self.crawler, request.url)
            raise NotChangedSinceLastmod(f"sitemap lastmod {lastmod:%Y-%m-%d}: {request.url}")
        request.meta[VALIDATORS_META] = (request.url, validators)
        if validators.etag:
            request.headers[b"If-None-Match"] = validators.etag
        if validators.last_modified:
            request.headers[b"If-Modified-Since"] = validators.last_modified

    def process_response(self, request: Request, response: Response) -> Response:
        asked: tuple[str, Validators] | None = request.meta.get(VALIDATORS_META)
        if response.status != 304 or asked is None or self.lookup is None:
            return response
        validators = asked[1]
        body = self.lookup.body(validators.blob_sha256)
        headers = response.headers.copy()
        if validators.content_type and b"Content-Type" not in headers:
            headers[b"Content-Type"] = validators.content_type
        cls = responsetypes.from_args(headers=headers, url=response.url, body=body)
        self.stats.inc_value("healtharchive/not_modified")
        return cls(
            url=response.url,
            status=304,
            headers=headers,
            body=body,
            request=request,
            flags=[*response.flags, NOT_MODIFIED_FLAG],
        )


def parse_lastmod(value: str | None) -> datetime | None:
    """A W3C datetime; a bare date counts as its day's end (changed at any time that day)."""
    if not value:
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if len(text) == 10:
        moment += timedelta(days=1)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
