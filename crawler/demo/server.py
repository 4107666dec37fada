"""Serve a :class:`~crawler.demo.page.DemoSite` over real HTTP on localhost.

Standard library only (``ThreadingHTTPServer``), so the demo needs nothing beyond the project's
own dependencies. The server is quiet (no per-request log lines), records every requested
path in order so tests can check what a crawler fetched, and can swap in another site while
running to simulate a site that changed between two crawls.

It answers conditional requests as a well-behaved site does: every 200 page carries a strong
``ETag`` (a digest of its bytes), articles a ``Last-Modified`` date, and a matching
``If-None-Match`` (or, without one, an ``If-Modified-Since`` no older than the page) gets a
bodiless 304. It counts the body bytes it sends, so a test can tell what a re-crawl saved.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from email.message import Message
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from crawler.demo.page import DemoSite, Page, render_body

POLL_INTERVAL = 0.1
IDLE_TIMEOUT = 15
"""Seconds a keep-alive connection may sit idle before its thread gives up."""


class _QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], demo: DemoServer) -> None:
        super().__init__(address, _DemoHandler)
        self.demo = demo

    def handle_error(self, request, client_address) -> None:
        """Clients hanging up mid-response are normal for a crawler; anything else is a bug."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _DemoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "HealthArchiveDemo/1.0"
    timeout = IDLE_TIMEOUT
    server: _QuietHTTPServer

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Silence the default one-line-per-request log on stderr."""

    def _respond(self, send_body: bool) -> None:
        demo = self.server.demo
        page = demo._lookup(self.path)
        origin = f"http://{self.headers.get('Host') or demo.netloc}"
        body = render_body(page, origin)
        delay = demo._delay_for(page)
        if delay:
            time.sleep(delay)
        etag = entity_tag(body) if page.status == 200 and page.declared_length is None else None
        if etag and not_modified(self.headers, etag, page.header("Last-Modified")):
            self.send_response(304)
            self.send_header("ETag", etag)
            for name, value in page.headers:
                if name.lower() == "last-modified":
                    self.send_header(name, value)
            self.end_headers()
            return
        self.send_response(page.status)
        for name, value in page.headers:
            self.send_header(name, value)
        if etag:
            self.send_header("ETag", etag)
        if page.declared_length is None:
            self.send_header("Content-Length", str(len(body)))
        else:
            declared = page.declared_length + len(body) - len(page.body)
            self.send_header("Content-Length", str(declared))
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if send_body:
            self.wfile.write(body)
            demo._count_sent(len(body))


def entity_tag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def not_modified(headers: Message, etag: str, last_modified: str | None) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = headers.get("If-Modified-Since")
    if since is None or last_modified is None:
        return False
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


class DemoServer:
    """A threaded HTTP server for the demo site; use as a context manager or start/stop.

    ``port=0`` picks a free port; ``url`` and ``port`` are known as soon as they are read.
    ``slow_delay`` overrides how long slow pages wait before answering.
    """

    def __init__(
        self,
        site: DemoSite,
        host: str = "127.0.0.1",
        port: int = 0,
        slow_delay: float | None = None,
    ) -> None:
        self.host = host
        self.slow_delay = slow_delay
        self._requested_port = port
        self._site = site
        self._lock = threading.Lock()
        self._requested: list[str] = []
        self._bytes_sent = 0
        self._arrivals: list[float] = []
        self._httpd: _QuietHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._bind().server_address[1]

    @property
    def netloc(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.netloc}"

    @property
    def requested_paths(self) -> list[str]:
        """Every path plus query requested so far, in arrival order (a copy)."""
        with self._lock:
            return list(self._requested)

    @property
    def bytes_sent(self) -> int:
        """Response body bytes sent so far (headers and 304s send none)."""
        with self._lock:
            return self._bytes_sent

    def arrivals(self, path: str) -> list[float]:
        """When ``path`` was requested (``time.monotonic()``), e.g. to check retry spacing."""
        with self._lock:
            return [t for p, t in zip(self._requested, self._arrivals, strict=True) if p == path]

    def set_site(self, site: DemoSite) -> None:
        """Serve ``site`` from the next request on, e.g. the second edition for a re-crawl."""
        with self._lock:
            self._site = site

    def start(self) -> DemoServer:
        """Serve in a background thread and return at once."""
        httpd = self._bind()
        if self._thread is None:
            self._thread = threading.Thread(
                target=httpd.serve_forever,
                kwargs={"poll_interval": POLL_INTERVAL},
                name=f"demo-server-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()
        self._httpd = None

    def serve_forever(self) -> None:
        """Serve in the calling thread until Ctrl-C, then close the socket cleanly."""
        httpd = self._bind()
        try:
            httpd.serve_forever(poll_interval=POLL_INTERVAL)
        except KeyboardInterrupt:
            pass
        finally:
            httpd.server_close()
            self._httpd = None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _bind(self) -> _QuietHTTPServer:
        if self._httpd is None:
            self._httpd = _QuietHTTPServer((self.host, self._requested_port), self)
        return self._httpd

    def _lookup(self, path: str) -> Page:
        """The page for ``path``; unknown query strings are ignored, as most real servers do."""
        with self._lock:
            self._requested.append(path)
            self._arrivals.append(time.monotonic())
            pages = self._site.pages
            not_found = self._site.not_found
        page = pages.get(path)
        if page is None and "?" in path:
            page = pages.get(path.split("?", 1)[0])
        return page if page is not None else not_found

    def _count_sent(self, size: int) -> None:
        with self._lock:
            self._bytes_sent += size

    def _delay_for(self, page: Page) -> float:
        if page.delay and self.slow_delay is not None:
            return self.slow_delay
        return page.delay
