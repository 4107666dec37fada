"""Downloader middleware that names a redirect loop instead of letting it vanish.

Scrapy's redirect middleware follows A -> B -> A until the duplicate filter silently drops the
repeat, so a loop would leave no trace. Placed just before it (``REDIRECT_LOOP_PRIORITY``), this
middleware sees each 3xx first and fails the request with :class:`RedirectLoop`, which the
spider's errback archives and counts as ``redirect_loop``.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from w3lib.url import safe_url_string

REDIRECT_LOOP_PRIORITY = 610
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class RedirectLoop(IgnoreRequest):
    """The redirect target was already visited in this request's redirect chain."""


class RedirectLoopMiddleware:
    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in REDIRECT_STATUSES or b"Location" not in response.headers:
            return response
        location = response.headers[b"Location"].decode("latin-1")
        target = safe_url_string(response.urljoin(location))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise RedirectLoop(f"redirect loop: {' -> '.join([*chain, target])}")
        return response
