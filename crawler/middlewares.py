"""Downloader middlewares: redirect-loop detection and archive-backed resume.

Scrapy's redirect middleware follows A -> B -> A until the duplicate filter silently drops the
repeat, so a loop would leave no trace. Placed just before it (``REDIRECT_LOOP_PRIORITY``), this
middleware sees each 3xx first and fails the request with :class:`RedirectLoop`, which the
spider's errback archives and counts as ``redirect_loop``.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.http.response.html import HtmlResponse
from sqlalchemy.orm import Session
from w3lib.url import safe_url_string

from storage import queries
from storage.db import open_readonly

REDIRECT_LOOP_PRIORITY = 610
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class RedirectLoop(IgnoreRequest):
    """The redirect target was already visited in this request's redirect chain."""


class RedirectLoopMiddleware:
    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in REDIRECT_STATUSES or b"Location" not in response.headers:
            return response
        location = (response.headers.get(b"Location") or b"").decode("latin-1")
        target = safe_url_string(response.urljoin(location))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise RedirectLoop(f"redirect loop: {' -> '.join([*chain, target])}")
        return response


ARCHIVED_FLAG = "archived"


class ArchivedPagesMiddleware:
    """Resume an interrupted crawl without fetching again what it already archived.

    Enabled by ``ARCHIVE_RESUMED_FROM`` (a crawl run id, set by ``crawl --resume``). Pages the
    interrupted run (and the runs it resumed) committed are answered from their stored raw body,
    flagged ``archived``, so the spider still discovers their links; everything that was not
    committed, including a batch lost with the process, is fetched from the site again.
    """

    def __init__(self, crawler: Crawler) -> None:
        run_id = crawler.settings.getint("ARCHIVE_RESUMED_FROM", 0)
        if not run_id:
            raise NotConfigured
        self.stats = crawler.stats
        self.engine = open_readonly(crawler.settings.get("ARCHIVE_URL"))
        with Session(self.engine) as session:
            self.run_ids = queries.run_chain(session, run_id)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivedPagesMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> Response | None:
        with Session(self.engine) as session:
            page = queries.archived_page(session, self.run_ids, request.url)
            if page is None:
                return None
            final_url, content_type, sha256 = page
            body = queries.blob_body(session, sha256)
        self.stats.inc_value("healtharchive/resume/from_archive")
        headers = {"Content-Type": content_type} if content_type else {}
        return HtmlResponse(
            final_url, body=body, headers=headers, request=request, flags=[ARCHIVED_FLAG]
        )
