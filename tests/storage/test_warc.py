"""The WARC writer on a hand-built archive (SQLite and PostgreSQL): records, revisits,
failures, rotation, filters."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from storage.archive import ArchiveWriter
from storage.db import create_archive_engine
from storage.records import FetchRecord
from storage.runs import start_run
from storage.selection import FetchSelection, site_patterns

warcio = pytest.importorskip("warcio", reason="the warc extra (warcio) is not installed")
from warcio.archiveiterator import ArchiveIterator  # noqa: E402

from storage.warc import (  # noqa: E402
    FAILURES_URI,
    RECONSTRUCTED_HEADER,
    WarcSource,
    export_warc,
    sha256_digest,
)

SOURCE = WarcSource("healtharchive/test", "p-test")
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
PAGE = b"<html><head><title>Sleep</title></head><body>" + b"rest " * 400 + b"</body></html>"


def fetch(url: str, seconds: int, body: bytes | None = PAGE, **fields) -> FetchRecord:
    captured = {
        "protocol": "HTTP/1.1",
        "reason": "OK",
        "headers": (
            ("Content-Type", "text/html; charset=utf-8"),
            ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", "17"),
        ),
        "request_method": "GET",
        "request_headers": (("User-Agent", "healtharchive"), ("Accept", "text/html")),
    }
    return FetchRecord(
        key=uuid.uuid4().hex,
        url=url,
        final_url=fields.pop("final_url", url),
        status=fields.pop("status", 200),
        fetched_at=T0 + timedelta(seconds=seconds),
        body=body,
        **(captured | fields),
    )


@pytest.fixture
def archive(archive_url):
    engine = create_archive_engine(archive_url)
    for run_fetches in (
        [
            fetch("http://a.example/one", 0),
            fetch("http://a.example/two", 1, PAGE + b"<!-- two -->"),
            fetch("http://a.example/gone", 2, None, status=None, error="timeout"),
        ],
        [
            fetch("http://a.example/one", 100),
            fetch("http://b.example/other", 101, b"other page"),
            fetch(
                "http://a.example/old",
                102,
                b"old page",
                protocol=None,
                reason=None,
                headers=None,
                request_method=None,
                request_headers=None,
                content_type="text/plain",
                etag='"e1"',
            ),
        ],
    ):
        writer = ArchiveWriter(engine, start_run(engine, "health", []), "p-test")
        for record in run_fetches:
            writer.add_fetch(record)
        writer.flush()
    yield engine
    engine.dispose()


def read(paths: list[Path]) -> list[tuple[object, bytes]]:
    out = []
    for path in paths:
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                out.append((record, record.content_stream().read()))
    return out


def export(engine, tmp_path: Path, **kwargs):
    with Session(engine) as session:
        return export_warc(session, tmp_path / "crawl.warc.gz", SOURCE, **kwargs)


def test_records_carry_the_fetch_as_received(archive, tmp_path):
    result = export(archive, tmp_path)
    records = read(result.files)
    kinds = [r.rec_type for r, _ in records]
    assert kinds[0] == "warcinfo"
    assert kinds.count("response") == 4 and kinds.count("revisit") == 1
    assert kinds.count("request") == 4
    info = records[0][1].decode()
    assert "software: healtharchive/test" in info and "parser-version: p-test" in info
    first = records[1][0]
    assert first.rec_headers.get_header("WARC-Date") == "2026-03-01T12:00:00Z"
    assert first.http_headers.statusline == "200 OK"
    assert first.http_headers.headers == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
        ("Content-Length", str(len(PAGE))),
    ]
    assert records[1][1] == PAGE
    digest = sha256_digest(hashlib.sha256(PAGE).hexdigest())
    assert first.rec_headers.get_header("WARC-Payload-Digest") == digest
    request = records[2][0]
    assert request.rec_type == "request"
    assert request.http_headers.protocol == "GET"
    assert request.rec_headers.get_header("WARC-Concurrent-To") == first.rec_headers.get_header(
        "WARC-Record-ID"
    )


def test_a_repeated_body_is_a_revisit_of_the_first(archive, tmp_path):
    records = [r for r, _ in read(export(archive, tmp_path).files)]
    first = next(r for r in records if r.rec_type == "response")
    revisit = next(r for r in records if r.rec_type == "revisit")
    assert revisit.rec_headers.get_header("WARC-Profile").endswith("identical-payload-digest")
    for name, value in (
        ("WARC-Refers-To", first.rec_headers.get_header("WARC-Record-ID")),
        ("WARC-Refers-To-Target-URI", "http://a.example/one"),
        ("WARC-Refers-To-Date", first.rec_headers.get_header("WARC-Date")),
        ("WARC-Payload-Digest", first.rec_headers.get_header("WARC-Payload-Digest")),
    ):
        assert revisit.rec_headers.get_header(name) == value


def test_failures_are_listed_with_reasons_never_as_responses(archive, tmp_path):
    records = read(export(archive, tmp_path).files)
    assert all(
        r.rec_headers.get_header("WARC-Target-URI") != "http://a.example/gone"
        for r, _ in records
        if r.rec_type != "metadata"
    )
    (metadata,) = [(r, body) for r, body in records if r.rec_type == "metadata"]
    assert metadata[0].rec_headers.get_header("WARC-Target-URI") == FAILURES_URI
    assert b'"url": "http://a.example/gone"' in metadata[1]
    assert b'"reason": "timeout"' in metadata[1]


def test_older_fetches_are_reconstructed_and_say_so(archive, tmp_path):
    result = export(archive, tmp_path)
    assert result.reconstructed == 1
    (old,) = [
        r
        for r, _ in read(result.files)
        if r.rec_headers.get_header("WARC-Target-URI") == "http://a.example/old"
        and r.rec_type == "response"
    ]
    assert old.rec_headers.get_header(RECONSTRUCTED_HEADER)
    assert old.http_headers.statusline == "200 OK"
    assert old.http_headers.get_header("ETag") == '"e1"'
    assert old.http_headers.get_header("Content-Type") == "text/plain"


def test_rotation_starts_new_files_each_with_warcinfo(archive, tmp_path):
    whole = export(archive, tmp_path)
    rotated = export(archive, tmp_path, max_size=600)
    assert len(rotated.files) > 2
    assert [p.name for p in rotated.files[:2]] == ["crawl-00000.warc.gz", "crawl-00001.warc.gz"]
    for path in rotated.files:
        assert read([path])[0][0].rec_type == "warcinfo"
    assert (rotated.responses, rotated.revisits) == (whole.responses, whole.revisits)


@pytest.mark.parametrize(
    ("selection", "uris"),
    [
        (FetchSelection(site="b.example"), {"http://b.example/other"}),
        (FetchSelection(run=1), {"http://a.example/one", "http://a.example/two"}),
        (
            FetchSelection(since=T0 + timedelta(seconds=100), until=T0 + timedelta(seconds=102)),
            {"http://a.example/one", "http://b.example/other"},
        ),
    ],
)
def test_filters_select_fetches(archive, tmp_path, selection, uris):
    records = read(export(archive, tmp_path, selection=selection).files)
    written = {
        r.rec_headers.get_header("WARC-Target-URI")
        for r, _ in records
        if r.rec_type in ("response", "revisit")
    }
    assert written == uris
    # within a selection the first occurrence of a body is always a full response
    assert records[1][0].rec_type == "response"


def test_failures_alone_still_make_a_file(archive, tmp_path):
    result = export(archive, tmp_path, selection=FetchSelection(until=T0 + timedelta(seconds=1)))
    assert result.files and result.responses == 1
    only_failures = export(
        archive,
        tmp_path,
        selection=FetchSelection(since=T0 + timedelta(seconds=2), until=T0 + timedelta(seconds=3)),
    )
    kinds = [r.rec_type for r, _ in read(only_failures.files)]
    assert kinds == ["warcinfo", "metadata"] and only_failures.failures == 1


@pytest.mark.parametrize(
    ("site", "patterns"),
    [
        ("example.org", ["http://example.org/%", "https://example.org/%"]),
        ("https://example.org/health/", ["https://example.org/health/%"]),
        ("127.0.0.1:8800", ["http://127.0.0.1:8800/%", "https://127.0.0.1:8800/%"]),
        ("a_b.org", ["http://a\\_b.org/%", "https://a\\_b.org/%"]),
    ],
)
def test_site_is_a_host_or_a_url_prefix(site, patterns):
    assert site_patterns(site) == patterns


def test_site_refuses_nonsense():
    with pytest.raises(ValueError, match="not a site"):
        site_patterns("https://")
