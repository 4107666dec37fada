"""End to end: the crawled demo archive (both editions) out as WARC and WACZ, replayed by a real
pywb, and back in through ``import`` into an empty archive with the same rows."""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from crawler.parsers import parse_article
from pipelines.normalize import normalize_article
from storage import models as m
from storage.blobs import decompress
from storage.db import create_archive_engine

from .test_crawl_demo import crawl, run_cli

pytestmark = pytest.mark.integration
warcio = pytest.importorskip("warcio", reason="the warc extra (warcio) is not installed")
from warcio.archiveiterator import ArchiveIterator  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo site crawled twice, the second time as its second edition; then exported."""
    folder = tmp_path_factory.mktemp("warc")
    db = f"sqlite:///{folder / 'archive.db'}"
    second = build_site(edition=2)
    with DemoServer(build_site(), slow_delay=0.2) as server:
        crawl(server, db)
        server.set_site(second)
        crawl(server, db)
        base = server.url
    for name in ("crawl.warc.gz", "crawl.wacz"):
        result = run_cli("export", str(folder / name), "--db", db)
        assert result.returncode == 0, result.stderr[-2000:]
    engine = create_archive_engine(db)
    yield {"folder": folder, "db": db, "engine": engine, "base": base, "truth": second.truth}
    engine.dispose()


def warc_records(path: Path) -> list[tuple[object, bytes]]:
    with path.open("rb") as handle:
        return [(r, r.content_stream().read()) for r in ArchiveIterator(handle)]


def test_warc_holds_every_successful_fetch_once(demo):
    records = warc_records(demo["folder"] / "crawl.warc.gz")
    with Session(demo["engine"]) as s:
        successful = s.scalar(
            select(func.count()).select_from(m.Fetch).where(m.Fetch.status.is_not(None))
        )
        blobs = {b.sha256: decompress(b) for b in s.scalars(select(m.Blob))}
        in_order = s.scalars(
            select(m.Fetch.blob_sha256)
            .where(m.Fetch.status.is_not(None))
            .order_by(m.Fetch.fetched_at, m.Fetch.id)
        ).all()
    repeated = len(in_order) - len({sha for sha in in_order if sha}) - in_order.count(None)
    kinds = [r.rec_type for r, _ in records]
    assert kinds.count("response") + kinds.count("revisit") == successful
    assert kinds.count("revisit") == repeated > 0, "a body already written is a revisit"
    seen: dict[str, tuple[str, str]] = {}
    for record, body in records:
        headers = record.rec_headers
        digest = headers.get_header("WARC-Payload-Digest")
        if record.rec_type == "response":
            sha = hashlib.sha256(body).hexdigest()
            assert blobs[sha] == body
            assert digest == "sha256:" + _b32(sha)
            seen.setdefault(digest, (headers.get_header("WARC-Record-ID"), headers["WARC-Date"]))
        elif record.rec_type == "revisit":
            assert digest in seen, "a revisit refers to an earlier record"
            record_id, date = seen[digest]
            assert headers.get_header("WARC-Refers-To") == record_id
            assert headers.get_header("WARC-Refers-To-Date") == date


def test_wacz_validates_and_lists_every_live_article_once(demo):
    path = demo["folder"] / "crawl.wacz"
    result = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0 and "is valid" in result.stdout, result.stdout[-2000:]
    with zipfile.ZipFile(path) as wacz:
        lines = wacz.read("pages/pages.jsonl").decode("utf-8").splitlines()
    header, pages = json.loads(lines[0]), [json.loads(line) for line in lines[1:]]
    assert header["format"] == "json-pages-1.0"
    with Session(demo["engine"]) as s:
        live = dict(
            s.execute(
                select(m.Article.canonical_url, m.ArticleVersion.headline)
                .join(m.ArticleVersion, m.ArticleVersion.article_id == m.Article.id)
                .where(
                    m.Article.status == "live",
                    m.ArticleVersion.version == m.Article.current_version,
                )
            ).all()
        )
    assert sorted(p["url"] for p in pages) == sorted(live)
    assert all(p["title"] == live[p["url"]] and p["text"] and p["ts"] for p in pages)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_pywb_replays_an_exported_article(demo, tmp_path, pywb_bin):
    bin_dir = pywb_bin
    manager = bin_dir / "wb-manager"
    for args in (["init", "health"], ["add", "health", str(demo["folder"] / "crawl.warc.gz")]):
        subprocess.run([manager, *args], cwd=tmp_path, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [bin_dir / "wayback", "-p", str(port), "-b", "127.0.0.1", "-t", "2"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    article = next(
        a for a in demo["truth"]["articles"] if a["path"] not in demo["truth"]["removed"]
    )
    url = f"http://127.0.0.1:{port}/health/mp_/{demo['base']}{article['path']}"
    try:
        body = _get_when_up(url, server)
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert article["title"] in body.decode(article["encoding"], errors="replace")


def _get_when_up(url: str, server: subprocess.Popen[bytes]) -> bytes:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.status == 200
                return bytes(response.read())
        except (ConnectionError, urllib.error.URLError):
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def extracted(db: str) -> dict[str, set[tuple]]:
    engine = create_archive_engine(db)
    version = (m.Article.canonical_url, m.ArticleVersion.version)
    by_version = (m.ArticleVersion, m.ArticleVersion.article_id == m.Article.id)
    with Session(engine) as s:
        rows = {
            "articles": select(
                m.Article.canonical_url,
                m.Article.current_version,
                m.Article.status,
                m.Article.content_hash,
                m.Article.has_canonical_link,
            ),
            "versions": select(
                *version,
                m.ArticleVersion.url,
                m.ArticleVersion.headline,
                m.ArticleVersion.body,
                m.ArticleVersion.content_hash,
                m.ArticleVersion.language,
                m.ArticleVersion.authors,
            ).join(*by_version),
            "advice": select(
                *version,
                m.AdviceItem.position,
                m.AdviceItem.printed_number,
                m.AdviceItem.text,
                m.AdviceItem.explanation,
            )
            .join(m.ArticleVersion, m.ArticleVersion.id == m.AdviceItem.version_id)
            .join(m.Article, m.Article.id == m.ArticleVersion.article_id),
            "links": select(*version, m.Link.kind, m.Link.position, m.Link.url, m.Link.text)
            .join(m.ArticleVersion, m.ArticleVersion.id == m.Link.version_id)
            .join(m.Article, m.Article.id == m.ArticleVersion.article_id),
            "tombstones": select(m.Article.canonical_url, m.Tombstone.reason).join(
                m.Tombstone, m.Tombstone.article_id == m.Article.id
            ),
            "fetches": select(
                m.Fetch.url, m.Fetch.final_url, m.Fetch.status, m.Fetch.error, m.Fetch.blob_sha256
            ),
        }
        result = {
            name: {tuple(map(_hashable, row)) for row in s.execute(query)}
            for name, query in rows.items()
        }
    engine.dispose()
    return result


def test_import_rebuilds_the_archive_from_the_warc_alone(demo, tmp_path):
    rebuilt = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    result = run_cli("import", str(demo["folder"] / "crawl.warc.gz"), "--db", rebuilt)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "in 2 crawl runs" in result.stdout
    original, copy = extracted(demo["db"]), extracted(rebuilt)
    for name in original:
        assert copy[name] == original[name], name
    again = run_cli("import", str(demo["folder"] / "crawl.warc.gz"), "--db", rebuilt)
    assert again.returncode == 0 and "imported 0 captures" in again.stdout, again.stdout
    assert extracted(rebuilt) == original


def test_import_reads_another_tools_warc(tmp_path):
    """wget/Browsertrix style: WARC/1.0, gzip content and chunked transfer, no request records."""
    site = build_site()
    articles = [a for a in site.truth["articles"] if not a.get("slow")][:3]
    warc = tmp_path / "other.warc.gz"
    with DemoServer(site) as server, warc.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="1.0")
        base = server.url
        for article in articles:
            url = server.url + article["path"]
            with urllib.request.urlopen(url, timeout=10) as response:
                html, content_type = response.read(), response.headers["Content-Type"]
            payload = _chunked(gzip.compress(html))
            headers = StatusAndHeaders(
                "200 OK",
                [
                    ("Content-Type", content_type),
                    ("Content-Encoding", "gzip"),
                    ("Transfer-Encoding", "chunked"),
                ],
                protocol="HTTP/1.1",
            )
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=BytesIO(payload),
                    length=len(payload),
                    http_headers=headers,
                )
            )
            article["html"] = html
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    result = run_cli("import", str(warc), "--db", db)
    assert result.returncode == 0, result.stderr[-2000:]
    engine = create_archive_engine(db)
    with Session(engine) as s:
        stored = dict(s.execute(select(m.ArticleVersion.url, m.ArticleVersion.headline)).all())
        bodies = {decompress(b) for b in s.scalars(select(m.Blob))}
    engine.dispose()
    for article in articles:
        url = base + article["path"]
        expected = normalize_article(parse_article(article["html"], url, None))
        assert stored[expected.url] == expected.headline
        assert article["html"] in bodies


def test_import_refuses_a_file_that_is_not_a_warc(tmp_path):
    bogus = tmp_path / "notes.warc.gz"
    bogus.write_bytes(b"just some text\n")
    result = run_cli("import", str(bogus), "--db", f"sqlite:///{tmp_path / 'a.db'}")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error:") and len(result.stderr.splitlines()) == 1


def _chunked(data: bytes, size: int = 1000) -> bytes:
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def _b32(sha256_hex: str) -> str:
    import base64

    return base64.b32encode(bytes.fromhex(sha256_hex)).decode("ascii")


def _hashable(value: object) -> object:
    return json.dumps(value) if isinstance(value, (list, dict)) else value
