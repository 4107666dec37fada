"""Pages parsed in a worker process beside the crawl, so parsing and downloading overlap.

The parse is most of a crawl's CPU time per page, and it holds the GIL: in a thread it only
takes turns with the reactor (measured slower than parsing inline). In a process of its own it
runs on another core while the reactor downloads, follows links and writes the archive. The
spider sends each page's body, URL, headers and content profile and awaits the
:class:`~crawler.parsers.ParsedPage` (or the :class:`~crawler.parsers.ParseError`) back.

The worker is started with ``spawn`` (a fork would copy the reactor's threads and sockets) and
must never outlive the crawl: it asks the kernel to kill it when its parent dies
(``PR_SET_PDEATHSIG`` on Linux) and, everywhere, watches its parent's pid. A worker that dies
is replaced; the page it was parsing is parsed in the crawl's own process, so no page is lost.

Setting: ``PARSE_WORKERS`` (0 parses in the crawl's process).
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from crawler.parsers import ParsedPage, parse_page
from crawler.parsers.content import ContentProfile

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
PARENT_CHECK_SECONDS = 1.0
BACKLOG_PER_PROCESS = 4
"""Pages that may wait for each worker; past that a page is parsed in the crawl's own process.
Downloads can outrun a worker (one that gets no core on a busy machine): the pages waiting for it
then piled up to Scrapy's limit of 5 MB of responses in the scraper, about 200 demo pages and
40 MB of memory at the end of a 10,000-article crawl."""
RESTARTS_MAX = 3
"""Workers replaced before giving up on them: past this, pages are parsed in the crawl's own
process (a worker that cannot even start, say, would otherwise be re-created for every page)."""


class ParseWorker:
    """A pool of ``processes`` parser processes.

    Until a worker is up (a spawned process imports the parser: about half a second), pages are
    parsed in the crawl's own process, so a small crawl never waits for it.
    """

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.restarts = 0
        self.waiting = 0
        self._pool: ProcessPoolExecutor | None = None
        self._up: Future[bool] | None = None

    def start(self) -> None:
        """Start the workers now (the crawl calls this when it opens), not at the first page."""
        if self._pool is None and self.restarts <= RESTARTS_MAX:
            self._pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_started,
                initargs=(os.getpid(),),
            )
            self._up = self._pool.submit(_up)

    @property
    def up(self) -> bool:
        """Whether a worker is ready to take pages."""
        return self._up is not None and self._up.done() and not self._up.exception()

    def wait_started(self, timeout: float) -> bool:
        """Block until a worker is up (or ``timeout`` seconds); whether one is."""
        self.start()
        try:
            return self._up is not None and self._up.result(timeout)
        except Exception:
            return False

    async def parse(
        self,
        body: bytes,
        url: str,
        headers: dict[str, str],
        profile: ContentProfile | None,
    ) -> ParsedPage:
        """The page parsed in a worker; in this process while none is up, if it died, or if
        enough pages already wait for the workers (``BACKLOG_PER_PROCESS``)."""
        self.start()
        if self._pool is None or self._up is None or not self._up.done():
            return parse_page(body, url, headers, profile)
        if self.waiting >= BACKLOG_PER_PROCESS * self.processes:
            return parse_page(body, url, headers, profile)
        self.waiting += 1
        try:
            future = self._pool.submit(parse_page, body, url, headers, profile)
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self._replace()
            return parse_page(body, url, headers, profile)
        finally:
            self.waiting -= 1

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = self._up = None

    def _replace(self) -> None:
        self.restarts += 1
        if self.restarts > RESTARTS_MAX:
            logger.error("parse workers keep dying; parsing in the crawl's process from now on")
        else:
            logger.warning("a parse worker died; starting another (%d so far)", self.restarts)
        pool, self._pool, self._up = self._pool, None, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _up() -> bool:
    """Run in a worker: unpickling it has imported the parser, so the worker is ready."""
    return True


def _worker_started(parent: int) -> None:
    """Tie the worker's life to the crawl's; Ctrl-C is the crawl's to handle, not the worker's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    """Where the kernel cannot be asked to, notice the parent's death within a second."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)
