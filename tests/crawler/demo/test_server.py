from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from crawler.demo.page import DemoSite
from crawler.demo.server import DemoServer

SLOW_DELAY = 0.3


@pytest.fixture()
def server(site: DemoSite):
    with DemoServer(site, slow_delay=SLOW_DELAY) as running:
        yield running


def _get(server: DemoServer, path: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextmanager
def _raw(server: DemoServer, path: str, method: str = "GET") -> Iterator[http.client.HTTPResponse]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request(method, path)
        yield connection.getresponse()
    finally:
        connection.close()


def test_serves_pages_with_absolute_urls_for_this_host(server: DemoServer, site: DemoSite) -> None:
    status, _, body = _get(server, "/robots.txt")
    assert status == 200
    assert f"Sitemap: {server.url}/sitemap.xml".encode() in body
    status, headers, body = _get(server, "/sitemap.xml")
    assert status == 200
    assert headers["Content-Type"] == "application/xml"
    assert f"<loc>{server.url}/health/".encode() in body
    path = next(a["path"] for a in site.truth["articles"] if a["template"] == "en-ol")
    status, headers, body = _get(server, path)
    assert status == 200
    assert f'<link rel="canonical" href="{server.url}{path}">'.encode() in body
    assert int(headers["Content-Length"]) == len(body)


def test_gbk_pages_keep_their_bytes_and_headers(server: DemoServer, site: DemoSite) -> None:
    article = next(a for a in site.truth["articles"] if a["encoding"] == "gbk")
    status, headers, body = _get(server, article["path"])
    assert status == 200
    assert headers["Content-Type"] == site.pages[article["path"]].header("Content-Type")
    assert article["title"] in body.decode("gbk")


@pytest.mark.parametrize(
    ("path", "status"),
    [("/no/such/page.html", 404), ("/health/missing.html", 404), ("/health/error.html", 500)],
)
def test_error_statuses(server: DemoServer, path: str, status: int) -> None:
    got, headers, body = _get(server, path)
    assert got == status
    assert headers["Content-Type"].startswith("text/html")
    assert b"<html" in body


def test_redirect_loop(server: DemoServer) -> None:
    for path, target in (("/loop/a", "/loop/b"), ("/loop/b", "/loop/a")):
        with _raw(server, path) as response:
            assert (response.status, response.getheader("Location")) == (302, target)


def test_truncated_page_loses_data(server: DemoServer) -> None:
    with _raw(server, "/health/truncated.html") as response:
        assert response.status == 200
        with pytest.raises(http.client.IncompleteRead):
            response.read()


def test_binary_page_is_labelled_html(server: DemoServer) -> None:
    status, headers, body = _get(server, "/health/binary.html")
    assert status == 200
    assert headers["Content-Type"] == "text/html"
    assert b"\x00" in body


def test_slow_page_waits_for_the_configured_delay(server: DemoServer) -> None:
    started = time.monotonic()
    status, _, _ = _get(server, "/health/slow.html")
    assert status == 200
    assert time.monotonic() - started >= SLOW_DELAY


def test_tracking_parameters_serve_the_same_page(server: DemoServer, site: DemoSite) -> None:
    tracked = next(path for path in site.truth["exact_duplicates"] if "?" in path)
    original = site.truth["exact_duplicates"][tracked]
    assert _get(server, tracked)[2] == _get(server, original)[2]


def test_records_requested_paths_in_order(server: DemoServer) -> None:
    paths = ["/", "/robots.txt", "/nope?x=1", "/category/nutrition/page/2/"]
    for path in paths:
        _get(server, path)
    assert server.requested_paths == paths


def test_head_request_has_no_body(server: DemoServer) -> None:
    with _raw(server, "/", method="HEAD") as response:
        assert response.status == 200
        assert int(response.getheader("Content-Length")) > 0
        assert response.read() == b""


def test_site_can_be_swapped_while_running(
    server: DemoServer, site: DemoSite, site2: DemoSite
) -> None:
    removed = site2.truth["removed"][0]
    added = site2.truth["added"][0]
    assert _get(server, removed)[0] == 200
    assert _get(server, added)[0] == 404
    server.set_site(site2)
    assert _get(server, removed)[0] == 404
    assert _get(server, added)[0] == 200


def test_stop_releases_the_port(site: DemoSite) -> None:
    demo = DemoServer(site).start()
    port = demo.port
    demo.stop()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    with pytest.raises(OSError):
        connection.request("GET", "/")
    connection.close()
