"""Honour ``Retry-After``: a retried 429 or 503 waits as long as the server asked, within a cap.

Scrapy's retry middleware retries at once, so a server asking for two seconds got three
requests in one. Placed just before it (``RETRY_AFTER_PRIORITY``), this middleware sees the
response first and waits for the time the header gives, in seconds or as an HTTP date, before
handing it on to be retried. A wait longer than ``RETRY_AFTER_MAX`` is not made: the request is
not retried and its response is recorded as it is, so one server cannot stall the crawl.
Nothing is waited for when no retry is left. ``Crawl-delay`` in robots.txt is not read: the
AutoThrottle extension paces each host by its response times instead.

Settings: ``RETRY_AFTER_MAX`` (seconds, default 120), and Scrapy's ``RETRY_HTTP_CODES`` and
``RETRY_TIMES``, which decide whether a response will be retried.
"""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

RETRY_AFTER_PRIORITY = 560
STATS = "healtharchive/retry_after"


def retry_after_seconds(value: str, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value, or ``None`` when it is neither form."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.cap = settings.getfloat("RETRY_AFTER_MAX", 120.0)
        self.retry_enabled = settings.getbool("RETRY_ENABLED")
        self.retry_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.retry_times = settings.getint("RETRY_TIMES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Response:
        header = response.headers.get(b"Retry-After")
        if header is None or not self.will_retry(request, response):
            return response
        seconds = retry_after_seconds(header.decode("latin-1"), datetime.now(timezone.utc))
        if seconds is None:
            return response
        assert self.crawler.stats is not None
        if seconds > self.cap:
            self.crawler.stats.inc_value(f"{STATS}/too_long")
            request.meta["dont_retry"] = True
            return response
        self.crawler.stats.inc_value(f"{STATS}/waited")
        if seconds:
            from twisted.internet import reactor  # the one Scrapy installed, never a default

            await maybe_deferred_to_future(deferLater(reactor, seconds))  # type: ignore[arg-type]
        return response

    def will_retry(self, request: Request, response: Response) -> bool:
        meta = request.meta
        if not self.retry_enabled or meta.get("dont_retry"):
            return False
        if response.status not in self.retry_codes:
            return False
        return meta.get("retry_times", 0) < meta.get("max_retry_times", self.retry_times)
