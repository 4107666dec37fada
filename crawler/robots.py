"""robots.txt for every request, including those that arrive while it is still downloading.

Scrapy's ``RobotsTxtMiddleware`` lets every request that waits for a site's robots.txt await the
same Deferred through ``Deferred.asFuture``, which hands the parser to the first waiter and
``None`` ("no robots.txt, allow all") to the others. A burst of requests before robots.txt has
arrived (a resumed crawl answering pages from the archive, say) then fetches disallowed pages.
Here each waiter gets its own Deferred, fed from the shared one without consuming its result.
"""

from __future__ import annotations

from collections.abc import Callable

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

ROBOTS_PRIORITY = 100
"""Scrapy's own place for its robots.txt middleware, which this one replaces."""


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(pending, Deferred):
            waiter: Deferred[RobotParser | None] = Deferred()
            pending.addBoth(_relay(waiter))
            return await maybe_deferred_to_future(waiter)
        return await super().robot_parser(request)


def _relay(waiter: Deferred) -> Callable[[object], object]:
    def relay(result: object) -> object:
        waiter.callback(result)
        return result

    return relay
