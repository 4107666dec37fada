"""Write the archive's fetches as WARC/1.1 (ISO 28500), the web-archiving field's own format.

Every fetch that got a response becomes a ``response`` record holding the status line, the
headers and the stored raw body, dated by the fetch time; a ``request`` record follows it when
the request was stored. A body already written earlier in the export (blobs are addressed by
their sha256) becomes a ``revisit`` record of the identical-payload-digest profile instead, so
the same bytes are stored once. Fetches without a response (timeouts, refusals) are not
responses: they are listed, with their reasons, in a ``metadata`` record at the end of each file.

Payload digests are the blobs' own sha256 (base32, as WARC writes digests), so a reader can
check a record against the archive without decompressing anything. The stored body is the
decoded one, so the framing headers are rewritten to describe it: ``Content-Length`` is the
stored length, ``Transfer-Encoding`` and ``Content-Encoding`` are dropped. Fetches archived
before headers were kept are written from what is known (status, content type, ETag,
Last-Modified) and carry a ``HealthArchive-Reconstructed`` header saying so.

Needs the ``warc`` extra (warcio).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import models as m
from storage.blobs import decompress
from storage.errors import ArchiveError
from storage.selection import FetchSelection

try:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.timeutils import datetime_to_iso_date
    from warcio.warcwriter import WARCWriter
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ArchiveError("WARC export needs warcio: pip install 'healtharchive[warc]'") from exc

RUN_HEADER = "HealthArchive-Crawl-Run"
REQUESTED_HEADER = "HealthArchive-Requested-URI"
RECONSTRUCTED_HEADER = "HealthArchive-Reconstructed"
FAILURES_URI = "urn:healtharchive:failed-fetches"
FRAMING_HEADERS = {"content-length", "transfer-encoding", "content-encoding"}
YIELD_PER = 200


@dataclass(frozen=True)
class WarcSource:
    """What the warcinfo record says produced the file."""

    software: str
    parser_version: str


@dataclass(frozen=True)
class _Written:
    record_id: str
    uri: str
    date: str
    digest: str


@dataclass
class WarcResult:
    files: list[Path] = field(default_factory=list)
    responses: int = 0
    revisits: int = 0
    requests: int = 0
    failures: int = 0
    reconstructed: int = 0
    bytes_written: int = 0
    payload_bytes: int = 0
    captures: dict[str, datetime] = field(default_factory=dict)
    """Final URL -> time of its latest successful (200) capture in the export."""


def warc_date(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return str(datetime_to_iso_date(moment, use_micros=True))


def sha256_digest(sha256_hex: str) -> str:
    """A blob's sha256 as a WARC digest: ``sha256:`` and the base32 of the raw bytes."""
    return "sha256:" + base64.b32encode(bytes.fromhex(sha256_hex)).decode("ascii")


def warc_paths(target: Path, max_size: int | None) -> Iterator[Path]:
    """``crawl.warc.gz`` alone, or ``crawl-00000.warc.gz``, ``crawl-00001.warc.gz``… rotating."""
    if not max_size:
        yield target
        return
    name = target.name
    stem, suffix = (
        (name[: -len(".warc.gz")], ".warc.gz")
        if name.endswith(".warc.gz")
        else (
            target.stem,
            target.suffix,
        )
    )
    number = 0
    while True:
        yield target.with_name(f"{stem}-{number:05d}{suffix}")
        number += 1


class _RotatingWriter:
    """One WARC file at a time; a new one (with its own warcinfo) once ``max_size`` is passed."""

    def __init__(
        self, target: Path, max_size: int | None, warcinfo: dict[str, Any], result: WarcResult
    ) -> None:
        self.paths = warc_paths(target, max_size)
        self.max_size = max_size
        self.warcinfo = warcinfo
        self.result = result
        self.handle: IO[bytes] | None = None
        self.writer: Any = None
        self.failures: list[dict[str, Any]] = []

    def write(self, record: Any) -> None:
        if self.writer is None:
            self._open()
        self.writer.write_record(record)

    def rotate_if_full(self) -> None:
        """Called between fetches, so a response and its request stay in one file."""
        if self.max_size and self.handle is not None and self.handle.tell() >= self.max_size:
            self.close()

    def create(self, *args: Any, **kwargs: Any) -> Any:
        if self.writer is None:
            self._open()
        return self.writer.create_warc_record(*args, **kwargs)

    def revisit(self, *args: Any, **kwargs: Any) -> Any:
        if self.writer is None:
            self._open()
        return self.writer.create_revisit_record(*args, **kwargs)

    def _open(self) -> None:
        path = next(self.paths)
        self.handle = path.open("wb")
        self.writer = WARCWriter(self.handle, gzip=True, warc_version="1.1")
        self.writer.write_record(self.writer.create_warcinfo_record(path.name, self.warcinfo))
        self.result.files.append(path)

    def close(self) -> None:
        if self.writer is None and self.failures:
            self._open()
        if self.writer is None or self.handle is None:
            return
        if self.failures:
            body = "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in self.failures)
            payload = body.encode("utf-8")
            self.writer.write_record(
                self.writer.create_warc_record(
                    FAILURES_URI,
                    "metadata",
                    payload=BytesIO(payload),
                    length=len(payload),
                    warc_content_type="application/x-ndjson",
                )
            )
            self.failures = []
        self.result.bytes_written += self.handle.tell()
        self.handle.close()
        self.handle, self.writer = None, None


def export_warc(
    session: Session,
    target: Path,
    source: WarcSource,
    selection: FetchSelection | None = None,
    max_size: int | None = None,
) -> WarcResult:
    """Write the selected fetches to ``target`` (or a rotating series) and say what was written."""
    selection = selection or FetchSelection()
    result = WarcResult()
    writer = _RotatingWriter(target, max_size, _warcinfo(session, source, selection), result)
    written: dict[str, _Written] = {}
    query = (
        selection.fetches()
        .add_columns(m.Blob.data, m.Blob.compression)
        .outerjoin(m.Blob, m.Blob.sha256 == m.Fetch.blob_sha256)
    )
    try:
        for fetch, data, compression in session.execute(query).yield_per(YIELD_PER):
            if fetch.status is None:
                writer.failures.append(_failure(fetch))
                result.failures += 1
                continue
            _write_fetch(writer, fetch, data, compression, written, result)
            writer.rotate_if_full()
    finally:
        writer.close()
    return result


def _write_fetch(
    writer: _RotatingWriter,
    fetch: m.Fetch,
    data: bytes | None,
    compression: str | None,
    written: dict[str, _Written],
    result: WarcResult,
) -> None:
    sha = fetch.blob_sha256
    earlier = written.get(sha) if sha else None
    date = warc_date(fetch.fetched_at)
    extra = {RUN_HEADER: str(fetch.crawl_run_id), "WARC-Date": date}
    if fetch.url != fetch.final_url:
        extra[REQUESTED_HEADER] = fetch.url
    if fetch.protocol is None:
        extra[RECONSTRUCTED_HEADER] = "status-line headers; no request stored"
        result.reconstructed += 1
    if earlier is not None:
        http_headers = _http_headers(fetch, None)
        record = writer.revisit(
            fetch.final_url,
            earlier.digest,
            earlier.uri,
            earlier.date,
            http_headers=http_headers,
            warc_headers_dict={**extra, "WARC-Refers-To": earlier.record_id},
        )
        result.revisits += 1
    else:
        body = b""
        if sha is not None and data is not None and compression is not None:
            body = decompress(m.Blob(sha256=sha, compression=compression, data=data))
        digest = sha256_digest(sha) if sha else None
        if digest:
            extra["WARC-Payload-Digest"] = digest
        record = writer.create(
            fetch.final_url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=_http_headers(fetch, len(body)),
            warc_headers_dict=extra,
        )
        result.responses += 1
        result.payload_bytes += len(body)
        if sha and digest:
            written[sha] = _Written(
                record.rec_headers.get_header("WARC-Record-ID"), fetch.final_url, date, digest
            )
    writer.write(record)
    if fetch.status == 200:
        result.captures[fetch.final_url] = fetch.fetched_at
    if fetch.request_method:
        writer.write(_request_record(writer, fetch, record, date))
        result.requests += 1


def _request_record(writer: _RotatingWriter, fetch: m.Fetch, response: Any, date: str) -> Any:
    parts = urlsplit(fetch.final_url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [(name, value) for name, value in fetch.request_headers or []]
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    http_headers = StatusAndHeaders(
        f"{fetch.request_method} {target} {fetch.protocol or 'HTTP/1.1'}",
        headers,
        is_http_request=True,
    )
    return writer.create(
        fetch.final_url,
        "request",
        http_headers=http_headers,
        warc_headers_dict={
            "WARC-Date": date,
            "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
        },
    )


def _http_headers(fetch: m.Fetch, body_length: int | None) -> Any:
    """The response's status line and headers; framing headers fitted to the stored body."""
    status = fetch.status or 0
    reason = fetch.reason if fetch.reason is not None else _phrase(status)
    if fetch.headers is not None:
        pairs = [(name, value) for name, value in fetch.headers]
    else:
        known = (
            ("Content-Type", fetch.content_type),
            ("ETag", fetch.etag),
            ("Last-Modified", fetch.last_modified),
        )
        pairs = [(name, value) for name, value in known if value]
    pairs = [(name, value) for name, value in pairs if name.lower() not in FRAMING_HEADERS]
    if body_length is not None:
        pairs.append(("Content-Length", str(body_length)))
    return StatusAndHeaders(
        f"{status} {reason}".rstrip(), pairs, protocol=fetch.protocol or "HTTP/1.1"
    )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _failure(fetch: m.Fetch) -> dict[str, Any]:
    return {
        "url": fetch.url,
        "final_url": fetch.final_url,
        "reason": fetch.error or "unknown",
        "fetched_at": warc_date(fetch.fetched_at),
        "crawl_run": fetch.crawl_run_id,
    }


def _warcinfo(session: Session, source: WarcSource, selection: FetchSelection) -> dict[str, Any]:
    runs_query = select(m.CrawlRun).order_by(m.CrawlRun.id)
    if selection.run is not None:
        runs_query = runs_query.where(m.CrawlRun.id == selection.run)
    runs = [
        {
            "id": run.id,
            "spider": run.spider,
            "started_at": warc_date(run.started_at),
            "status": run.status,
            "start_urls": run.start_urls,
        }
        for run in session.scalars(runs_query)
    ]
    filters = {
        "site": selection.site,
        "run": selection.run,
        "since": selection.since.isoformat() if selection.since else None,
        "until": selection.until.isoformat() if selection.until else None,
    }
    return {
        "software": source.software,
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "parser-version": source.parser_version,
        "crawl-runs": json.dumps(runs, ensure_ascii=False),
        "selection": json.dumps({k: v for k, v in filters.items() if v is not None}),
        "description": (
            "Bodies are stored decoded: Content-Length is the stored length and "
            "Content-Encoding/Transfer-Encoding are dropped. Records marked "
            f"{RECONSTRUCTED_HEADER} were archived before raw headers were kept. Fetches "
            f"without a response are listed in the {FAILURES_URI} metadata record."
        ),
    }
