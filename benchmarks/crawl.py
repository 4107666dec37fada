"""Full crawl (parse, pipelines, archive) vs a bare Scrapy spider on the same demo site.

Both run as separate processes against one demo server on 127.0.0.1, with the same politeness
settings, alternating runs so machine noise hits both alike. Prints wall time, pages per second
and peak memory for each, and the ratios.

    python benchmarks/crawl.py --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor

from crawler.crawl import build_settings
from crawler.demo.server import DemoServer
from crawler.demo.site import build_site


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
    settings = build_settings("sqlite://", local=True)
    settings.set("ITEM_PIPELINES", {})
    settings.set("LOG_LEVEL", "ERROR")
    process = CrawlerProcess(settings)
    process.crawl(BareSpider, start_url=start_url)
    process.start()


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and this child's own peak RSS in MB (``wait4`` reports per process)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command)
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bare-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_url:
        run_bare(args.bare_url)
        return
    site = build_site()
    pages = len(site.pages)
    results: dict[str, list[float]] = {"ours": [], "bare": []}
    memory: dict[str, float] = {"ours": 0.0, "bare": 0.0}
    with DemoServer(site, slow_delay=0.0) as server, tempfile.TemporaryDirectory() as tmp:
        url = server.url + "/"
        for run in range(args.runs):
            db = Path(tmp) / f"run{run}.db"
            ours = [sys.executable, "-m", "crawler", "crawl", url, "--db", str(db)]
            bare = [sys.executable, __file__, "--bare-url", url]
            for name, command in (("ours", ours), ("bare", bare)):
                seconds, peak = timed(command)
                results[name].append(seconds)
                memory[name] = max(memory[name], peak)
    ours_s, bare_s = statistics.median(results["ours"]), statistics.median(results["bare"])
    print(f"demo site: {pages} URLs, {args.runs} runs each, median wall time")
    print(f"{'crawler':<8} {'seconds':>8} {'pages/s':>8} {'peak MB':>8}")
    for name, seconds in (("ours", ours_s), ("bare", bare_s)):
        print(f"{name:<8} {seconds:>8.2f} {pages / seconds:>8.1f} {memory[name]:>8.0f}")
    print(f"ratio ours/bare: time {ours_s / bare_s:.2f}x, speed {bare_s / ours_s:.2f}x")


if __name__ == "__main__":
    main()
