"""Pending requests on disk, so that a crawl's memory does not grow with the site's size.

A sitemap lists every page of a site and the spider schedules them all as it reads it. In
Scrapy's memory queue each pending request costs about 1.5 KB of Python objects (the request,
its headers and meta, its cached fingerprint and parsed URL) until it is downloaded: some 15 MB
for a 10,000-page site, held at the start of the crawl, when the sitemap has been read. This is
Scrapy's scheduler with its disk queues always on: in ``JOBDIR`` when one is set (the pending
requests then survive a stop, as with Scrapy), else in a private temporary directory, removed
when the crawl closes. A crawl killed before it could remove its directory leaves it behind; the
next crawl on the machine removes it (its name carries the dead crawl's process id).

A request that cannot be pickled (a callback that is no spider method) is kept in memory and
counted under Scrapy's ``scheduler/unserializable``.

Settings:

* ``SCHEDULER_QUEUE_ON_DISK`` (default True): ``False`` keeps pending requests in memory, as
  Scrapy does without ``JOBDIR``.
* Scrapy's ``SCHEDULER_DISK_QUEUE`` and ``SCHEDULER_START_DISK_QUEUE`` choose the queue files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from scrapy.core.scheduler import Scheduler
from scrapy.dupefilters import BaseDupeFilter
from scrapy.spiders import Spider
from twisted.internet.defer import Deferred

SPOOL_PREFIX = "healtharchive-queue-"
"""Name of a crawl's private queue directory: the prefix, the crawl's process id, a dash."""


class DiskQueueScheduler(Scheduler):
    def __init__(self, dupefilter: BaseDupeFilter, jobdir: str | None = None, **kwargs: Any):
        super().__init__(dupefilter, jobdir, **kwargs)
        crawler = kwargs.get("crawler")
        self.spool_wanted = crawler is not None and crawler.settings.getbool(
            "SCHEDULER_QUEUE_ON_DISK", True
        )
        self.spool: Path | None = None

    def open(self, spider: Spider) -> Deferred[None] | None:
        """Without ``JOBDIR``, queue in a fresh private directory (Scrapy would use memory)."""
        if self.dqdir is None and self.spool_wanted:
            root = Path(tempfile.gettempdir())
            remove_abandoned(root)
            self.spool = Path(tempfile.mkdtemp(prefix=f"{SPOOL_PREFIX}{os.getpid()}-", dir=root))
            self.dqdir = str(self.spool)
        return super().open(spider)

    def close(self, reason: str) -> Deferred[None] | None:
        closed = super().close(reason)
        if self.spool is not None:
            shutil.rmtree(self.spool, ignore_errors=True)
            self.spool = None
        return closed


def remove_abandoned(root: Path) -> list[Path]:
    """Remove the queue directories of crawls no longer running; return them."""
    removed = []
    for path in root.glob(f"{SPOOL_PREFIX}*-*"):
        pid = path.name[len(SPOOL_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not is_running(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
