"""Rebuild an archive from WARC files: captures become fetches, then are parsed like a crawl.

Any WARC is read (this project's exports, wget's, Browsertrix's…): every http(s) ``response``
record is a capture, its body decoded from chunked transfer and gzip/deflate/brotli content
encoding; a ``revisit`` takes the body of the record with its payload digest; the ``request``
record concurrent with a response supplies the method and request headers; this project's
failed-fetches ``metadata`` record brings back the fetches that got no response.

The captures are then replayed through a real Scrapy crawl with the project's pipelines
(parse → validate → normalize → dedup → archive): a downloader middleware answers each request
from its capture and nothing touches the network. Captures are replayed one at a time in the
order they were made, one crawl run per crawl run recorded in the WARC (one in all for foreign
WARCs), so versions, duplicates and tombstones come out as the original crawls made them.
Captures whose fetch is already archived (same record id) are skipped, so importing a file
twice adds nothing.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import Settings
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.conditional import NOT_MODIFIED_FLAG
from crawler.crawl import CrawlSummary, build_settings, summarize
from crawler.errors import CrawlError
from crawler.items import FetchItem
from crawler.spiders.health import HealthSpider
from storage import models as m
from storage.db import create_archive_engine
from storage.tables import chunks

try:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.bufferedreaders import BufferedReader
    from warcio.timeutils import iso_date_to_datetime
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise CrawlError("WARC import needs warcio: pip install 'healtharchive[warc]'") from exc

from storage.warc import FAILURES_URI, REQUESTED_HEADER, RUN_HEADER

CAPTURE_META = "warc_capture"
DECODED_HEADERS = ("content-encoding", "transfer-encoding")


@dataclass(frozen=True)
class Capture:
    """One fetch as a WARC recorded it."""

    key: str
    url: str
    final_url: str
    fetched_at: datetime
    status: int | None
    body: bytes | None = None
    error: str | None = None
    protocol: str | None = None
    reason: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    request_method: str | None = None
    request_headers: tuple[tuple[str, str], ...] | None = None
    run: str | None = None


@dataclass
class ImportSummary:
    captures: int = 0
    already_archived: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    """Records not imported, by reason (``not_http``, ``revisit_without_original``…)."""
    runs: list[CrawlSummary] = field(default_factory=list)


@dataclass
class _Scan:
    runs: list[str | None] = field(default_factory=list)
    revisited: set[str] = field(default_factory=set)
    requests: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)


class WarcCaptures:
    """The captures in a series of WARC files, read in two passes without holding them all.

    The first pass reads headers only: which crawl runs there are, which payload digests are
    revisited (only those bodies are kept in memory), and the request records.
    """

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        for path in self.paths:
            if not path.is_file():
                raise CrawlError(f"no such WARC file: {path}")
        self.scan = self._scan()
        self.skipped: dict[str, int] = {}
        self.bodies: dict[str, bytes] = {}

    def _records(self) -> Iterator[Any]:
        for path in self.paths:
            with path.open("rb") as handle:
                try:
                    yield from ArchiveIterator(handle, arc2warc=True)
                except Exception as exc:  # warcio raises bare Exceptions for bad input
                    raise CrawlError(f"{path}: not a readable WARC file ({exc})") from exc

    def _scan(self) -> _Scan:
        scan = _Scan()
        for record in self._records():
            headers = record.rec_headers
            kind = record.rec_type
            if kind == "request" and record.http_headers is not None:
                request = (
                    record.http_headers.protocol.split(" ")[0],
                    tuple(record.http_headers.headers),
                )
                for link in (headers.get_header("WARC-Concurrent-To"), _record_id(record)):
                    if link:
                        scan.requests[link] = request
            elif _is_failures(record):
                for failure in _failures(record):
                    _add_run(scan.runs, failure.run)
                    scan.keys.append(failure.key)
            elif kind in ("response", "revisit"):
                _add_run(scan.runs, headers.get_header(RUN_HEADER))
                if kind == "revisit":
                    scan.revisited.add(headers.get_header("WARC-Payload-Digest") or "")
                scan.keys.append(record_key(_record_id(record)))
        return scan

    def captures(self, run: str | None) -> Iterator[Capture]:
        """The captures of one crawl run, in the order the WARC holds them.

        Bodies that some revisit refers to are kept from every run's records, so a revisit
        finds its original whichever run (or file) that was written in.
        """
        for record in self._records():
            if _is_failures(record):
                yield from (f for f in _failures(record) if f.run == run)
                continue
            if record.rec_type not in ("response", "revisit"):
                continue
            ours = record.rec_headers.get_header(RUN_HEADER) == run
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            if not uri.startswith(("http://", "https://")) or record.http_headers is None:
                if ours:
                    self._skip("not_http")
                continue
            if not ours:
                self._keep_body(record)
                continue
            capture = self._capture(record, uri, run)
            if capture is not None:
                yield capture

    def _keep_body(self, record: Any) -> bytes | None:
        digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
        if record.rec_type != "response" or digest not in self.scan.revisited:
            return None
        if digest not in self.bodies:
            self.bodies[digest] = record.content_stream().read()
        return self.bodies[digest]

    def _capture(self, record: Any, uri: str, run: str | None) -> Capture | None:
        digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
        http = record.http_headers
        if record.rec_type == "revisit":
            if digest not in self.bodies:
                self._skip("revisit_without_original")
                return None
            body = self.bodies[digest]
            headers = _decoded_headers(http.headers, decoded=True)
        else:
            body = self._keep_body(record) or record.content_stream().read()
            headers = _decoded_headers(http.headers, decoded=_is_decoded(http))
        try:
            status = int(http.get_statuscode())
        except (TypeError, ValueError):
            self._skip("bad_status_line")
            return None
        reason = http.statusline.partition(" ")[2] or None
        record_id = _record_id(record)
        method, request_headers = self.scan.requests.get(record_id, (None, None))
        if method is None:
            concurrent = record.rec_headers.get_header("WARC-Concurrent-To")
            method, request_headers = self.scan.requests.get(concurrent or "", (None, None))
        return Capture(
            key=record_key(record_id),
            url=record.rec_headers.get_header(REQUESTED_HEADER) or uri,
            final_url=uri,
            fetched_at=_warc_datetime(record.rec_headers.get_header("WARC-Date")),
            status=status,
            body=body,
            protocol=http.protocol or "HTTP/1.1",
            reason=reason,
            headers=headers,
            request_method=method,
            request_headers=request_headers,
            run=run,
        )

    def _skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def record_key(record_id: str) -> str:
    """A fetch key from a WARC record id: the uuid's hex, else a hash of the id."""
    value = record_id.strip("<>").removeprefix("urn:uuid:")
    try:
        return uuid.UUID(value).hex
    except ValueError:
        return hashlib.sha256(record_id.encode("utf-8")).hexdigest()[:32]


def _record_id(record: Any) -> str:
    return str(record.rec_headers.get_header("WARC-Record-ID") or "")


def _is_failures(record: Any) -> bool:
    return bool(
        record.rec_type == "metadata"
        and record.rec_headers.get_header("WARC-Target-URI") == FAILURES_URI
    )


def _add_run(runs: list[str | None], run: str | None) -> None:
    if run not in runs:
        runs.append(run)


def _failures(record: Any) -> Iterator[Capture]:
    for line in record.content_stream().read().decode("utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        run = entry.get("crawl_run")
        yield Capture(
            key=record_key(f"{_record_id(record)}#{entry['url']}#{entry['fetched_at']}"),
            url=entry["url"],
            final_url=entry.get("final_url") or entry["url"],
            fetched_at=_warc_datetime(entry["fetched_at"]),
            status=None,
            error=entry.get("reason") or "unknown",
            run=None if run is None else str(run),
        )


def _is_decoded(http: Any) -> bool:
    encoding = (http.get_header("content-encoding") or "").lower()
    return bool(encoding) and encoding in BufferedReader.get_supported_decompressors()


def _decoded_headers(
    headers: Sequence[tuple[str, str]], decoded: bool
) -> tuple[tuple[str, str], ...]:
    """Headers fitting the decoded body: its transfer and (when decoded) content encoding go."""
    dropped = DECODED_HEADERS if decoded else DECODED_HEADERS[1:]
    return tuple((name, value) for name, value in headers if name.lower() not in dropped)


def _warc_datetime(value: str | None) -> datetime:
    if not value:
        return datetime.now(timezone.utc)
    moment: datetime = iso_date_to_datetime(value)
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def capture_fetch(capture: Capture) -> FetchItem:
    headers = {name.lower(): value for name, value in capture.headers}
    return FetchItem(
        key=capture.key,
        url=capture.url,
        final_url=capture.final_url,
        status=capture.status,
        fetched_at=capture.fetched_at,
        body=capture.body,
        error=capture.error,
        content_type=headers.get("content-type"),
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        protocol=capture.protocol,
        reason=capture.reason,
        headers=capture.headers if capture.status is not None else None,
        request_method=capture.request_method,
        request_headers=capture.request_headers,
    )


class CaptureResponseMiddleware:
    """Answers a request from the capture it carries; a request without one never leaves."""

    def process_request(self, request: Request) -> Response:
        capture: Capture | None = request.meta.get(CAPTURE_META)
        if capture is None or capture.body is None:
            raise IgnoreRequest(f"not in the WARC: {request.url}")
        headers = Headers()
        for name, value in capture.headers:
            headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=capture.final_url, body=capture.body)
        return cls(
            url=capture.final_url,
            status=capture.status or 200,
            headers=headers,
            body=capture.body,
            request=request,
            protocol=capture.protocol,
            flags=[NOT_MODIFIED_FLAG] if capture.status == HTTPStatus.NOT_MODIFIED else [],
        )


class WarcImportSpider(HealthSpider):
    """The health spider's parsing, fed with captures instead of the network; no link following."""

    name = "import"

    def __init__(
        self, captures: WarcCaptures | None = None, run: str | None = None, **kwargs: Any
    ) -> None:
        archived = kwargs.pop("archived_keys", ())
        super().__init__(start_urls=["http://warc.invalid/"], sitemap=False, **kwargs)
        if captures is None:
            raise ValueError("the import spider needs the WARC captures")
        self.allowed_domains = []  # captures of any host: they never leave the process
        self.captures = captures
        self.run = run
        self.archived: set[str] = set(archived)

    async def start(self) -> AsyncIterator[Request]:
        for position, capture in enumerate(self.captures.captures(self.run)):
            if capture.key in self.archived:
                self.crawler.stats.inc_value("healtharchive/import/already_archived")
                continue
            self.crawler.stats.inc_value("healtharchive/import/captures")
            if capture.status is None:
                self.record_fetch(capture_fetch(capture))
                continue
            yield Request(
                capture.final_url,
                callback=self.parse_page,
                errback=self.on_error,
                dont_filter=True,
                priority=-position,
                meta={CAPTURE_META: capture, "handle_httpstatus_all": True},
            )

    def fetch_item(self, response: Response) -> FetchItem:
        return capture_fetch(response.meta[CAPTURE_META])

    def follow_links(
        self, response: Response, links: tuple[str, ...] | None = None
    ) -> Iterator[Request]:
        """Captures are replayed, never followed: the WARC holds what there is."""
        return iter(())

    def follow(
        self,
        response: Response,
        url: str,
        callback: Callable[[Response], Any],
        meta: dict[str, Any] | None = None,
    ) -> None:
        return None


IMPORT_SETTINGS = {
    "ROBOTSTXT_OBEY": False,
    "REDIRECT_ENABLED": False,
    "RETRY_ENABLED": False,
    "COOKIES_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 1,
    "LOG_LEVEL": "WARNING",
    "CRAWL_LOCK": False,
    "SCHEDULER_QUEUE_ON_DISK": False,
}
"""One capture at a time, in order, answered from the WARC: the crawl's parsing, not its I/O
(and no site's crawl lock: an import fetches nothing from the site). Captures are read from the
WARC as they are needed and never followed, so the queue stays short and is kept in memory."""


def import_settings(archive_url: str, overrides: dict[str, Any] | None = None) -> Settings:
    """The crawl's settings, with every project downloader middleware (scope, robots, resume,
    retry-after, redirect loops) replaced by the one answering from captures."""
    settings = build_settings(archive_url, overrides={**IMPORT_SETTINGS, **(overrides or {})})
    middlewares: dict[str, int | None] = dict.fromkeys(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares["crawler.warc_import.CaptureResponseMiddleware"] = 1
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    return settings


def import_warc(
    paths: Sequence[Path], archive_url: str, overrides: dict[str, Any] | None = None
) -> ImportSummary:
    """Import WARC files into the archive at ``archive_url``; one process imports once."""
    captures = WarcCaptures(paths)
    engine = create_archive_engine(archive_url)
    try:
        with Session(engine) as session:
            archived: set[str] = set()
            for part in chunks(captures.scan.keys):
                archived.update(session.scalars(select(m.Fetch.key).where(m.Fetch.key.in_(part))))
    finally:
        engine.dispose()
    process = CrawlerProcess(import_settings(archive_url, overrides))
    crawlers: list[Crawler] = []
    failures: list[BaseException] = []

    async def run_all() -> None:
        for run in captures.scan.runs:
            crawler = process.create_crawler(WarcImportSpider)
            crawlers.append(crawler)
            await crawler.crawl(captures=captures, run=run, archived_keys=archived)

    def done(_: object) -> None:
        from twisted.internet import reactor

        reactor.stop()  # type: ignore[attr-defined,misc]

    from twisted.internet.defer import Deferred

    deferred = Deferred.fromCoroutine(run_all())
    deferred.addErrback(lambda failure: failures.append(failure.value))
    deferred.addBoth(done)
    process.start(stop_after_crawl=False)
    if failures:
        raise CrawlError(f"WARC import failed: {failures[0]}")
    summary = ImportSummary(skipped=dict(captures.skipped))
    for crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        summary.captures += int(stats.get("healtharchive/import/captures", 0))
        summary.already_archived += int(stats.get("healtharchive/import/already_archived", 0))
        summary.runs.append(summarize(stats))
    return summary
