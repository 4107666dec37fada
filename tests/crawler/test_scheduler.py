"""The scheduler keeps pending requests on disk: same requests back, memory flat, no leftovers."""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc

from scrapy import Request
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.scheduler import SPOOL_PREFIX, DiskQueueScheduler, remove_abandoned
from crawler.spiders.health import HealthSpider

URLS = [f"http://site/health/a-{number:05d}.html" for number in range(3000)]


def open_scheduler(**settings: object) -> tuple[DiskQueueScheduler, HealthSpider]:
    crawler = get_crawler(HealthSpider, settings_dict=settings)
    crawler.stats.open_spider()
    spider = crawler._create_spider(start_urls="http://site/")
    crawler.spider = spider
    crawler.engine = crawler._create_engine()
    scheduler = build_from_crawler(DiskQueueScheduler, crawler)
    scheduler.open(spider)
    return scheduler, spider


def enqueue_all(scheduler: DiskQueueScheduler, spider: HealthSpider) -> None:
    for url in URLS:
        assert scheduler.enqueue_request(
            Request(url, spider.page_callback, errback=spider.on_error, meta={"m": url[-10:]})
        )


def drain(scheduler: DiskQueueScheduler) -> list[Request]:
    requests = []
    while (request := scheduler.next_request()) is not None:
        requests.append(request)
    return requests


def test_pending_requests_wait_on_disk_and_come_back_whole():
    scheduler, spider = open_scheduler()
    spool = scheduler.spool
    assert spool is not None and spool.name.startswith(SPOOL_PREFIX)
    enqueue_all(scheduler, spider)
    assert len(scheduler) == len(URLS) and len(scheduler.mqs) == 0
    assert any(path.is_file() for path in spool.rglob("*"))
    requests = drain(scheduler)
    assert sorted(r.url for r in requests) == URLS
    assert all(
        r.callback == spider.page_callback and r.errback == spider.on_error for r in requests
    )
    assert all(r.meta["m"] == r.url[-10:] for r in requests)
    stats = scheduler.stats.get_stats()
    assert stats["scheduler/enqueued/disk"] == len(URLS) and "scheduler/unserializable" not in stats
    scheduler.close("finished")
    assert not spool.exists()


def test_memory_does_not_grow_with_pending_requests():
    """A memory queue holds about 1.5 KB per pending request; the disk queue a constant."""
    growth = {}
    for on_disk in (True, False):
        scheduler, spider = open_scheduler(SCHEDULER_QUEUE_ON_DISK=on_disk)
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        enqueue_all(scheduler, spider)
        growth[on_disk] = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        assert len(drain(scheduler)) == len(URLS)
        scheduler.close("finished")
    assert growth[False] > len(URLS) * 1000
    assert growth[True] < growth[False] / 10


def test_jobdir_keeps_its_queue_and_memory_queue_when_asked(tmp_path):
    scheduler, _ = open_scheduler(JOBDIR=str(tmp_path))
    assert scheduler.spool is None and scheduler.dqdir == str(tmp_path / "requests.queue")
    scheduler.close("shutdown")
    assert (tmp_path / "requests.queue" / "active.json").exists()
    in_memory, _ = open_scheduler(SCHEDULER_QUEUE_ON_DISK=False)
    assert in_memory.spool is None and in_memory.dqs is None
    in_memory.close("finished")


def test_queues_of_crawls_no_longer_running_are_removed(tmp_path):
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    dead = tmp_path / f"{SPOOL_PREFIX}{ended.stdout.strip()}-abc"
    alive = tmp_path / f"{SPOOL_PREFIX}{os.getpid()}-def"
    other = tmp_path / "unrelated-123-x"
    for folder in (dead, alive, other):
        (folder / "p0").mkdir(parents=True)
    assert remove_abandoned(tmp_path) == [dead]
    assert not dead.exists() and alive.exists() and other.exists()
