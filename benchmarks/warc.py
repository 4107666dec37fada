"""WARC export benchmark: ``export crawl.warc.gz`` against copying the raw blobs to files.

A generated archive (SQLite) holds fetches of the demo site's real pages over several crawl
runs: every page fetched once per run, with a share of pages changed between runs (their bodies
distinct) and the rest unchanged (their bodies shared, so the export writes them as revisits).
Each fetch carries the status line, headers and request a crawl stores.

Measured, each side reading the same rows through the same query and decompressing the same
zstd blobs:

* **inner**: ``storage.warc.export_warc`` (warcinfo, response/request/revisit records, gzip per
  record, digests) against the peer, writing each distinct raw body to its own file (the
  cheapest faithful copy of the stored pages, with no container and no compression);
* **whole process**: ``python -m crawler export x.warc.gz`` against this script's ``--copy``
  mode, start-up included.

Reported: fetches/s, payload MB/s (decoded bodies), output size, and time ratios. Example::

    python benchmarks/warc.py                # 20,000 fetches in 4 runs
    python benchmarks/warc.py --quick        # 2,000 fetches, a few seconds
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import models as m
from storage.blobs import decompress
from storage.db import open_readonly
from storage.selection import FetchSelection

SEED = 20261207
ORIGIN = "https://health.example"
REQUEST_HEADERS = (
    ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("Accept-Language", "en"),
    ("User-Agent", "healtharchive/0.1"),
    ("Accept-Encoding", "gzip, deflate, br, zstd"),
)


def generate(db: str, fetches: int, runs: int, changed: float) -> None:
    """``fetches`` fetches over ``runs`` crawl runs of the demo site's pages."""
    from crawler.demo.page import render_body
    from crawler.demo.site import build_site
    from crawler.parsers import PARSER_VERSION
    from storage.archive import ArchiveWriter
    from storage.db import create_archive_engine
    from storage.records import FetchRecord
    from storage.runs import start_run

    site = build_site()
    pages = [
        (path, page)
        for path, page in sorted(site.pages.items())
        if page.status == 200 and path.startswith("/health/")
    ]
    rng = random.Random(SEED)
    per_run = fetches // runs
    engine = create_archive_engine(db)
    moment = datetime(2026, 1, 1, tzinfo=timezone.utc)
    edition = {n: 0 for n in range(per_run)}
    for run in range(runs):
        writer = ArchiveWriter(engine, start_run(engine, "health", [ORIGIN + "/"]), PARSER_VERSION)
        for n in range(per_run):
            if run and rng.random() < changed:
                edition[n] += 1
            path, page = pages[n % len(pages)]
            url = f"{ORIGIN}{path}?copy={n // len(pages)}"
            body = render_body(page, ORIGIN) + f"<!-- {n}.{edition[n]} -->".encode()
            moment += timedelta(milliseconds=50)
            writer.add_fetch(
                FetchRecord(
                    key=uuid.uuid4().hex,
                    url=url,
                    final_url=url,
                    status=200,
                    fetched_at=moment,
                    body=body,
                    content_type=page.header("Content-Type"),
                    protocol="HTTP/1.1",
                    reason="OK",
                    headers=(*page.headers, ("Content-Length", str(len(body)))),
                    request_method="GET",
                    request_headers=REQUEST_HEADERS,
                )
            )
            if writer.pending >= 500:
                writer.flush()
        writer.flush()
    engine.dispose()


def copy_blobs(db: str, out: Path) -> tuple[int, int]:
    """The peer: every distinct raw body of the selected fetches to a file named by its sha256.

    Its ``--copy`` process imports only what copying needs, as ``export`` imports only what
    exporting needs.
    """
    out.mkdir(parents=True, exist_ok=True)
    engine = open_readonly(db)
    written: set[str] = set()
    count = size = 0
    query = (
        FetchSelection()
        .fetches()
        .add_columns(m.Blob.data, m.Blob.compression)
        .outerjoin(m.Blob, m.Blob.sha256 == m.Fetch.blob_sha256)
    )
    with Session(engine) as session:
        for fetch, data, compression in session.execute(query).yield_per(200):
            count += 1
            sha = fetch.blob_sha256
            if sha is None or sha in written or data is None:
                continue
            body = decompress(m.Blob(sha256=sha, compression=compression, data=data))
            (out / f"{sha}.html").write_bytes(body)
            written.add(sha)
            size += len(body)
    engine.dispose()
    return count, size


def export(db: str, target: Path):  # type: ignore[no-untyped-def]
    from crawler.parsers import PARSER_VERSION
    from storage.warc import WarcSource, export_warc

    engine = open_readonly(db)
    with Session(engine) as session:
        result = export_warc(session, target, WarcSource("healtharchive/bench", PARSER_VERSION))
    engine.dispose()
    return result


def run_quiet(command: list[str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def timed(func, *args):  # type: ignore[no-untyped-def]
    """Wall time and value; the CPU seconds are kept in ``CPU`` (this process and children)."""
    start, cpu = time.perf_counter(), _cpu()
    value = func(*args)
    CPU.append(_cpu() - cpu)
    return time.perf_counter() - start, value


CPU: list[float] = []


def _cpu() -> float:
    """User + system seconds of this process and its finished children.

    On a shared machine wall time mostly measures waiting for a core; CPU time measures the
    work, so the ratios are reported on both.
    """
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fetches", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--changed", type=float, default=0.1, help="share of pages edited per run")
    parser.add_argument("--quick", action="store_true", help="2,000 fetches")
    parser.add_argument("--copy", nargs=2, metavar=("DB", "OUT"), help="run the peer only")
    args = parser.parse_args()
    if args.copy:
        copy_blobs(args.copy[0], Path(args.copy[1]))
        return
    fetches = 2_000 if args.quick else args.fetches
    with tempfile.TemporaryDirectory(prefix="healtharchive-bench-") as work:
        folder = Path(work)
        db = f"sqlite:///{folder / 'archive.db'}"
        generating, _ = timed(generate, db, fetches, args.runs, args.changed)
        engine = open_readonly(db)
        with Session(engine) as session:
            blobs = len(session.scalars(select(m.Blob.sha256)).all())
        engine.dispose()
        rows = []
        for attempt in range(3):
            copy_time, (count, payload) = timed(copy_blobs, db, folder / f"copy{attempt}")
            warc_time, result = timed(export, db, folder / f"inner{attempt}.warc.gz")
            rows.append((copy_time, warc_time, CPU[-2], CPU[-1]))
            shutil.rmtree(folder / f"copy{attempt}")
        copy_time, warc_time = min(r[0] for r in rows), min(r[1] for r in rows)
        copy_cpu, warc_cpu = min(r[2] for r in rows), min(r[3] for r in rows)
        processes = []
        for attempt in range(3):
            copy_out = folder / f"copy-process{attempt}"
            process_copy, _ = timed(
                run_quiet, [sys.executable, __file__, "--copy", db, str(copy_out)]
            )
            process_warc, _ = timed(
                run_quiet,
                [sys.executable, "-m", "crawler", "export", str(folder / "p.warc.gz"), "--db", db],
            )
            processes.append((process_copy, process_warc, CPU[-2], CPU[-1]))
            shutil.rmtree(copy_out)
        process_copy, process_warc = min(p[0] for p in processes), min(p[1] for p in processes)
        process_copy_cpu = min(p[2] for p in processes)
        process_warc_cpu = min(p[3] for p in processes)
        warc_size = sum(p.stat().st_size for p in result.files)
        mb = payload / 1e6
        print(
            f"python {platform.python_version()}, {platform.machine()}, "
            f"{fetches:,} fetches in {args.runs} runs, {blobs:,} distinct bodies "
            f"({mb:.1f} MB decoded), generated in {generating:.1f} s"
        )
        print(
            f"records: {result.responses:,} responses, {result.revisits:,} revisits, "
            f"{result.requests:,} requests; WARC {warc_size / 1e6:.1f} MB"
        )
        print("| measure | copy raw blobs to files | WARC export | ratio WARC/copy |")
        print("|---|---|---|---|")
        print(
            f"| inner, wall, best of 3 | {copy_time:.2f} s ({count / copy_time:,.0f} fetches/s, "
            f"{mb / copy_time:.1f} MB/s) | {warc_time:.2f} s ({count / warc_time:,.0f} "
            f"fetches/s, {mb / warc_time:.1f} MB/s) | {warc_time / copy_time:.2f}x |"
        )
        print(
            f"| inner, CPU, best of 3 | {copy_cpu:.2f} s ({count / copy_cpu:,.0f} fetches/s, "
            f"{mb / copy_cpu:.1f} MB/s) | {warc_cpu:.2f} s ({count / warc_cpu:,.0f} "
            f"fetches/s, {mb / warc_cpu:.1f} MB/s) | {warc_cpu / copy_cpu:.2f}x |"
        )
        print(
            f"| whole process, wall, best of 3 | {process_copy:.2f} s | {process_warc:.2f} s | "
            f"{process_warc / process_copy:.2f}x |"
        )
        print(
            f"| whole process, CPU, best of 3 | {process_copy_cpu:.2f} s | "
            f"{process_warc_cpu:.2f} s | {process_warc_cpu / process_copy_cpu:.2f}x |"
        )


if __name__ == "__main__":
    main()
