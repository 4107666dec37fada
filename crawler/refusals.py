"""Requests the crawler decided not to download: counted, put on record, then dropped.

A middleware that refuses a request calls :func:`refuse`, which records a ``fetches`` row with
no status and the reason code as its error, counts ``healtharchive/refused/<reason>`` and raises
:class:`Refused`. Recording here rather than in the spider's errback keeps every refusal on
record, whichever queue the request came from and whether or not it carries an errback.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import NoReturn

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from crawler.items import FetchItem
from crawler.signals import record_fetch

REFUSED = "healtharchive/refused"


class Refused(IgnoreRequest):
    """A request refused before download; ``reason`` is the code stored in ``fetches.error``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def record_refusal(crawler: Crawler, url: str, final_url: str, reason: str) -> None:
    """Count a refusal and record it as a fetch with no status and ``reason`` as its error."""
    assert crawler.stats is not None
    crawler.stats.inc_value(f"{REFUSED}/{reason}")
    fetch = FetchItem(
        key=uuid.uuid4().hex,
        url=url,
        final_url=final_url,
        status=None,
        error=reason,
        fetched_at=datetime.now(timezone.utc),
    )
    record_fetch(crawler, fetch)


def refuse(crawler: Crawler, request: Request, reason: str, detail: str) -> NoReturn:
    """Record the refusal of ``request`` (under the URL that started its redirects) and drop it."""
    first = (request.meta.get("redirect_urls") or [request.url])[0]
    record_refusal(crawler, first, request.url, reason)
    raise Refused(reason, f"refused ({reason}: {detail}): {request.url}")
