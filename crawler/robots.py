"""robots.txt checked before every download, however many requests wait for it at once.

Scrapy's own ``RobotsTxtMiddleware`` keeps one Deferred per host for the requests that arrive
while robots.txt is being fetched. Under the asyncio reactor each waiter turns that Deferred into
a future, and the first conversion consumes its result: every later waiter receives ``None`` and
is let through. A resumed crawl, whose first pages come from the archive in an instant, queues
dozens of links in that window, so disallowed pages were fetched. Here every waiter gets its own
Deferred, resolved with the host's rules once they are known, and the rules are cached per host.

Placed before the archive-backed resume (``ROBOTS_PRIORITY``) so that pages answered from the
archive, sitemap entries, revisits and requests from a shared Redis queue pass the same check.

The fetched file is read as RFC 9309 says:

- 2xx: the rules are parsed and obeyed;
- 4xx (but 429), or redirects that never end in a file: no rules, everything is allowed;
- 429, 5xx, or no answer at all (DNS, connection, timeout): the host counts as disallowed for
  the rest of the crawl, reason ``robots_unreachable``.

A refused request is recorded with the reason ``robots`` or ``robots_unreachable`` (see
:mod:`crawler.refusals`).

Settings: ``ROBOTSTXT_OBEY`` (off disables the check), ``ROBOTSTXT_PARSER``,
``ROBOTSTXT_USER_AGENT`` (default: the request's User-Agent, else ``USER_AGENT``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.defer import Deferred

from crawler.refusals import refuse

ROBOTS_PRIORITY = 40
ROBOTS_DOWNLOAD_PRIORITY = 1000
"""Scheduling priority of a robots.txt request: ahead of the pages waiting for it."""
UNREACHABLE_STATUSES = {429}
ROBOTS_TXT = "robots_txt"
"""Meta flag of the robots.txt requests this middleware sends."""

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HostRules:
    """What one host's robots.txt allows: a parser, no rules, or nothing at all."""

    parser: RobotParser | None = None
    unreachable: str | None = None
    """Why robots.txt could not be read; set, the whole host is refused."""

    def refusal(self, url: str, useragent: str | bytes) -> str | None:
        if self.unreachable is not None:
            return "robots_unreachable"
        if self.parser is not None and not self.parser.allowed(url, useragent):
            return "robots"
        return None


class RobotsMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        self.crawler = crawler
        self.default_useragent: str = crawler.settings["USER_AGENT"]
        self.robots_useragent: str | None = crawler.settings["ROBOTSTXT_USER_AGENT"]
        self.parser_class = load_object(crawler.settings["ROBOTSTXT_PARSER"])
        build_from_crawler(self.parser_class, crawler, b"")
        self.rules: dict[str, HostRules] = {}
        self.waiting: dict[str, list[Deferred[HostRules]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt"):
            return
        parts = urlparse_cached(request)
        if parts.scheme not in ("http", "https"):
            return
        rules = await self.rules_for(parts.scheme, parts.netloc)
        reason = rules.refusal(request.url, self.useragent(request))
        if reason is None:
            return
        refuse(self.crawler, request, reason, rules.unreachable or "disallowed by robots.txt")

    def useragent(self, request: Request) -> str | bytes:
        if self.robots_useragent:
            return self.robots_useragent
        return request.headers.get(b"User-Agent") or self.default_useragent

    async def rules_for(self, scheme: str, netloc: str) -> HostRules:
        """The host's rules; the first caller fetches them, the others wait for their own copy."""
        known = self.rules.get(netloc)
        if known is not None:
            return known
        waiters = self.waiting.get(netloc)
        if waiters is not None:
            waiter: Deferred[HostRules] = Deferred()
            waiters.append(waiter)
            return await maybe_deferred_to_future(waiter)
        self.waiting[netloc] = []
        try:
            rules = await self.fetch(f"{scheme}://{netloc}/robots.txt")
        except BaseException as exc:
            for waiter in self.waiting.pop(netloc):
                waiter.errback(exc)
            raise
        self.rules[netloc] = rules
        for waiter in self.waiting.pop(netloc):
            waiter.callback(rules)
        return rules

    async def fetch(self, url: str) -> HostRules:
        request = Request(
            url,
            priority=ROBOTS_DOWNLOAD_PRIORITY,
            meta={"dont_obey_robotstxt": True, ROBOTS_TXT: True},
            callback=NO_CALLBACK,
        )
        assert self.crawler.engine is not None and self.crawler.stats is not None
        stats = self.crawler.stats
        stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:
            reason = f"robots.txt unreachable ({type(exc).__name__})"
            logger.warning("%s: %s; the host is refused", url, reason)
            return HostRules(unreachable=reason)
        stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        return await self.read(response, request)

    async def read(self, response: Response, request: Request) -> HostRules:
        status = response.status
        if status >= 500 or status in UNREACHABLE_STATUSES:
            reason = f"robots.txt answered {status}"
            logger.warning("%s: %s; the host is refused", response.url, reason)
            return HostRules(unreachable=reason)
        if not 200 <= status < 300:
            return HostRules()
        parser = build_from_crawler(self.parser_class, self.crawler, response.body)
        await self.crawler.signals.send_catch_log_async(
            signal=signals.robots_parsed, robotparser=parser, request=request
        )
        return HostRules(parser=parser)
