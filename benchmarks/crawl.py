"""Full crawl (parse, pipelines, archive) vs a bare Scrapy spider on the same demo site.

Both run as separate processes against one demo server on 127.0.0.1 with the same settings
(robots.txt, AutoThrottle with the local-site profile), rounds interleaved so machine noise hits
both alike, at each site size given. Pages are the responses each crawler actually got
(Scrapy's ``downloader/response_count``). Reported per crawler: whole-process wall time (start-up
included), the crawl's own time (Scrapy's ``elapsed_time_seconds``), pages/s by each, CPU
milliseconds per page (the process and the children it waited for), peak RSS of the process
(its ``VmHWM``, see :func:`timed`) and of its whole process tree (its RSS plus its
descendants', such as the crawl's parse worker, sampled every 0.2 s); then the ratios
ours/bare. ``inline`` is the full crawl with ``PARSE_WORKERS=0``: every page parsed in the
crawl's own process, as before the parse worker. The bare spider uses Scrapy's own scheduler
(pending requests in memory). Given several sizes, a last table has each crawler's peak RSS at
every size and its growth per 1,000 pages (the slope from the smallest site to the largest):
flat memory is about 0.

With ``--rss-every N`` each crawler's RSS over its crawl (``VmRSS``, sampled every second against
the requests the demo server has answered it so far) is also printed every N pages, first round:
the end's peak alone cannot tell a trend from a last stretch.

With ``--scale-out N`` (needs Redis and PostgreSQL), a site of N articles is also crawled by one
and by two ``healtharchive crawl --redis`` workers sharing a queue and one PostgreSQL archive:
pages/s of each, whether the archives hold the same articles, and any URL fetched twice.

    python benchmarks/crawl.py --articles 216,5000 --rounds 2 --scale-out 5000
    python benchmarks/crawl.py --articles 1000,5000,10000 --rounds 1
    python benchmarks/crawl.py --articles 20000 --rounds 1 --rss-every 2000
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from sqlalchemy import create_engine, text

from crawler.crawl import build_settings
from crawler.demo.server import DemoServer
from crawler.demo.site import build_site

PAGES_LINE = re.compile(r"pages fetched\s+(\d+)")


class BareSpider(Spider):
    """Fetch and follow every in-site link; no parsing, no items: the floor for Scrapy."""

    name = "bare"

    def __init__(self, start_url: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.start_urls = [start_url]
        self.extractor = LinkExtractor()

    def parse(self, response):  # type: ignore[no-untyped-def]
        if not hasattr(response, "text"):
            return
        host = response.url.split("/")[2]
        for link in self.extractor.extract_links(response):
            if link.url.split("/")[2] == host:
                yield Request(link.url, callback=self.parse)


def run_bare(start_url: str) -> None:
    """Same settings as the crawl, minus the project's own middlewares, pipelines and scheduler
    (Scrapy's own keeps pending requests in memory)."""
    settings = build_settings("sqlite://", local=True)
    settings.set("ITEM_PIPELINES", {})
    settings.set("DOWNLOADER_MIDDLEWARES", {})
    settings.set("SCHEDULER", "scrapy.core.scheduler.Scheduler")
    settings.set("LOG_LEVEL", "ERROR")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, start_url=start_url)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    print(
        json.dumps(
            {
                "pages": stats.get("downloader/response_count", 0),
                "elapsed": stats.get("elapsed_time_seconds", 0.0),
            }
        )
    )


@dataclass
class Run:
    wall: float
    elapsed: float
    pages: int
    cpu: float
    peak_mb: float
    tree_mb: float
    curve: list[tuple[int, float]] = field(default_factory=list)


@dataclass
class Timed:
    wall: float
    cpu: float
    peak_mb: float
    tree_mb: float
    stdout: str
    curve: list[tuple[int, float]]
    """(requests answered so far, RSS in MB) every second, when a request count was given."""


PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def tree_rss_mb(root: int) -> float:
    """RSS of ``root`` and all its descendants now, in MB (Linux ``/proc``)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    total = 0.0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * PAGE_MB
        except (OSError, IndexError, ValueError):
            continue
    return total


def status_mb(pid: int, name: str) -> float:
    """One size of a running process from its ``/proc`` status, in MB; 0 once it has exited."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(name + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def peak_rss_mb(pid: int) -> float:
    """Peak RSS of a running process so far, in MB (Linux ``VmHWM``)."""
    return status_mb(pid, "VmHWM")


def timed(command: list[str], requests: Callable[[], int] | None = None) -> Timed:
    """Wall and CPU seconds, peak RSS in MB of the process and of its tree.

    The process's peak is its own high-water mark (``VmHWM``), read every 0.05 s until it exits,
    not ``wait4``'s ``ru_maxrss``: Linux starts a child's ``ru_maxrss`` from its parent's at the
    fork, and this process holds the demo site (about 236 MB at 10,000 articles, more than either
    crawler), so that figure was this process's size, not the crawler's. Given ``requests`` (the
    demo server's count of requests answered), RSS is also recorded against it every second.
    """
    start = time.perf_counter()
    served = requests() if requests else 0
    curve: list[tuple[int, float]] = []
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        peak, peak_tree = [0.0], [0.0]
        done = threading.Event()

        def sample() -> None:
            ticks = 0
            while not done.wait(0.05):
                peak[0] = max(peak[0], peak_rss_mb(child.pid))
                ticks += 1
                if ticks % 4 == 0:
                    peak_tree[0] = max(peak_tree[0], tree_rss_mb(child.pid))
                if requests and ticks % 20 == 0:
                    curve.append((requests() - served, status_mb(child.pid, "VmRSS")))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        done.set()
        sampler.join()
        elapsed = time.perf_counter() - start
        out.seek(0)
        stdout = out.read()
    if os.waitstatus_to_exitcode(status):
        raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), command, stdout)
    cpu = usage.ru_utime + usage.ru_stime
    return Timed(elapsed, cpu, peak[0], peak_tree[0], stdout, curve)


def run_ours(
    url: str, db: Path, workers: int | None = None, requests: Callable[[], int] | None = None
) -> Run:
    command = [sys.executable, "-m", "crawler", "crawl", url, "--db", str(db)]
    if workers is not None:
        command += ["-s", f"PARSE_WORKERS={workers}"]
    run = timed(command, requests)
    match = PAGES_LINE.search(run.stdout)
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        stats = json.loads(conn.execute(text("SELECT stats FROM crawl_runs")).scalar_one())
    engine.dispose()
    pages = int(match[1]) if match else 0
    elapsed = float(stats["elapsed_time_seconds"])
    return Run(run.wall, elapsed, pages, run.cpu, run.peak_mb, run.tree_mb, run.curve)


def run_bare_child(url: str, requests: Callable[[], int] | None = None) -> Run:
    run = timed([sys.executable, __file__, "--bare-url", url], requests)
    report = json.loads(run.stdout.strip().splitlines()[-1])
    pages, elapsed = int(report["pages"]), float(report["elapsed"])
    return Run(run.wall, elapsed, pages, run.cpu, run.peak_mb, run.tree_mb, run.curve)


@dataclass
class Size:
    """One crawler's medians at one site size, for the memory summary across sizes."""

    pages: float
    cpu_ms: float
    peak_mb: float
    tree_mb: float


def compare(articles: int, rounds: int, rss_every: int = 0) -> dict[str, Size]:
    site = build_site(articles=articles)
    runs: dict[str, list[Run]] = {"ours": [], "inline": [], "bare": []}
    with DemoServer(site, slow_delay=0.0) as server, tempfile.TemporaryDirectory() as tmp:
        url = server.url + "/"
        served = (lambda: len(server.requested_paths)) if rss_every else None
        for number in range(rounds):
            runs["ours"].append(run_ours(url, Path(tmp) / f"round{number}.db", None, served))
            runs["inline"].append(run_ours(url, Path(tmp) / f"inline{number}.db", 0, served))
            runs["bare"].append(run_bare_child(url, served))
    print(
        f"\ndemo site: {len(site.truth['articles'])} articles, {len(site.pages)} URLs; "
        f"{rounds} interleaved rounds, medians"
    )
    print(
        f"{'crawler':<8} {'pages':>6} {'wall s':>7} {'crawl s':>8} {'pages/s':>8} "
        f"{'pages/s(crawl)':>15} {'CPU ms/page':>12} {'peak MB':>8} {'tree MB':>8}"
    )
    medians = {}
    sizes = {}
    for name, done in runs.items():
        pages = statistics.median(r.pages for r in done)
        wall = statistics.median(r.wall for r in done)
        crawl = statistics.median(r.elapsed for r in done)
        cpu = statistics.median(r.cpu / max(r.pages, 1) for r in done) * 1000
        peak = max(r.peak_mb for r in done)
        tree = max(r.tree_mb for r in done)
        medians[name] = (pages / wall, pages / crawl, cpu, peak, tree)
        sizes[name] = Size(pages, cpu, peak, tree)
        print(
            f"{name:<8} {pages:>6.0f} {wall:>7.2f} {crawl:>8.2f} {pages / wall:>8.1f} "
            f"{pages / crawl:>15.1f} {cpu:>12.2f} {peak:>8.0f} {tree:>8.0f}"
        )
    bare = medians["bare"]
    for name in ("ours", "inline"):
        ours = medians[name]
        print(
            f"ratio {name}/bare: speed {ours[0] / bare[0]:.2f}x whole process, "
            f"{ours[1] / bare[1]:.2f}x crawl only; CPU per page {ours[2] / bare[2]:.2f}x; "
            f"peak RSS {ours[3] / bare[3]:.2f}x process, {ours[4] / bare[4]:.2f}x process tree"
        )
    if rss_every:
        rss_curves({name: done[0].curve for name, done in runs.items()}, rss_every)
    return sizes


def rss_curves(curves: dict[str, list[tuple[int, float]]], every: int) -> None:
    """Each crawler's RSS (MB) at every ``every`` pages of its crawl, and at its last sample."""
    last = max((c[-1][0] for c in curves.values() if c), default=0)
    marks = list(range(every, last + 1, every))
    print("\nRSS over the crawl, first round (MB at pages done; last: the last sample)")
    print(f"{'crawler':<8} " + " ".join(f"{m:>7}" for m in marks) + f" {'last':>7}")
    for name, curve in curves.items():
        cells = []
        for mark in marks:
            reached = [rss for pages, rss in curve if pages >= mark]
            cells.append(f"{reached[0]:>7.1f}" if reached else f"{'':>7}")
        end = f"{curve[-1][1]:>7.1f}" if curve else f"{'':>7}"
        print(f"{name:<8} " + " ".join(cells) + f" {end}")


def memory_summary(by_size: dict[int, dict[str, Size]]) -> None:
    """Peak RSS of each crawler at each size, and how much it grows per 1,000 pages crawled.

    The growth is the slope from the smallest to the largest site: flat memory is about 0.
    """
    print("\npeak RSS by site size (MB; process, and process tree in brackets)")
    names = list(next(iter(by_size.values())))
    print(f"{'crawler':<8} " + " ".join(f"{f'{n} art.':>16}" for n in by_size) + "  MB/1,000 pages")
    for name in names:
        cells = [by_size[n][name] for n in by_size]
        first, last = cells[0], cells[-1]
        pages = max(last.pages - first.pages, 1) / 1000
        process = (last.peak_mb - first.peak_mb) / pages
        tree = (last.tree_mb - first.tree_mb) / pages
        print(
            f"{name:<8} "
            + " ".join(f"{f'{c.peak_mb:.0f} ({c.tree_mb:.0f})':>16}" for c in cells)
            + f"  {process:+.2f} ({tree:+.2f})"
        )


def scale_out(articles: int, pg_url: str, redis_url: str) -> None:
    import psycopg
    import redis

    site = build_site(articles=articles)
    admin = pg_url.replace("postgresql+psycopg://", "postgresql://")
    results = {}
    with DemoServer(site, slow_delay=0.0) as server:
        for workers in (1, 2):
            name = f"healtharchive_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            archive = pg_url.rsplit("/", 1)[0] + "/" + name
            prefix = f"healtharchive-bench-{name}"
            command = [
                sys.executable, "-m", "crawler", "crawl", server.url + "/", "--db", archive,
                "--redis", redis_url, "-s", f"SCHEDULER_QUEUE_KEY={prefix}:requests",
                "-s", f"SCHEDULER_DUPEFILTER_KEY={prefix}:dupefilter",
            ]  # fmt: skip
            before = len(server.requested_paths)
            start = time.perf_counter()
            children = [
                subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True)
                for _ in range(workers)
            ]  # fmt: skip
            outputs = [child.communicate()[0] for child in children]
            wall = time.perf_counter() - start
            paths = server.requested_paths[before:]
            pages = sum(int(m[1]) for out in outputs if (m := PAGES_LINE.search(out)))
            engine = create_engine(archive)
            with engine.connect() as conn:
                urls = set(conn.scalars(text("SELECT canonical_url FROM articles")))
            engine.dispose()
            client = redis.Redis.from_url(redis_url)
            client.delete(f"{prefix}:requests", f"{prefix}:dupefilter")
            client.close()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            retried = {b["path"] for b in site.truth["broken"]} | {"/robots.txt"}
            twice = [p for p, n in Counter(paths).items() if n > 1 and p not in retried]
            results[workers] = (pages, wall, urls, twice)
    print(
        f"\nscale-out on {len(site.truth['articles'])} articles: workers sharing the Redis "
        "queue and one PostgreSQL archive"
    )
    print(f"{'workers':<8} {'pages':>6} {'wall s':>7} {'pages/s':>8} {'articles':>9} {'twice':>6}")
    for workers, (pages, wall, urls, twice) in results.items():
        print(
            f"{workers:<8} {pages:>6} {wall:>7.2f} {pages / wall:>8.1f} {len(urls):>9} "
            f"{len(twice):>6}"
        )
    one, two = results[1], results[2]
    print(
        f"2 workers / 1 worker: speed {(two[0] / two[1]) / (one[0] / one[1]):.2f}x; "
        f"same articles archived: {one[2] == two[2]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="216,5000", help="comma-separated site sizes")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--scale-out", type=int, default=0, metavar="ARTICLES")
    parser.add_argument(
        "--rss-every", type=int, default=0, metavar="PAGES",
        help="also print each crawler's RSS every PAGES pages of its crawl (first round)",
    )  # fmt: skip
    parser.add_argument(
        "--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="PostgreSQL server for --scale-out (a throwaway database is created per run)",
    )  # fmt: skip
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--bare-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_url:
        run_bare(args.bare_url)
        return
    by_size = {
        articles: compare(articles, args.rounds, args.rss_every)
        for articles in [int(size) for size in args.articles.split(",") if size]
    }
    if len(by_size) > 1:
        memory_summary(by_size)
    if args.scale_out:
        scale_out(args.scale_out, args.pg, args.redis)


if __name__ == "__main__":
    main()
