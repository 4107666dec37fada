"""Scope over real HTTP: internal addresses, other sites and other schemes are refused on record
and never requested; a second server on another loopback address proves it."""

from __future__ import annotations

import ipaddress
import subprocess
import sys

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.demo.page import DemoSite, Page
from crawler.demo.server import DemoServer
from crawler.scope import in_domains, is_internal
from storage import models as m
from storage.db import create_archive_engine

HTML = (("Content-Type", "text/html; charset=utf-8"),)
PROSE = "<p>" + "Walking every day strengthens the heart and lifts the mood. " * 10 + "</p>"


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "127.0.0.1", "127.9.9.9",
        "169.254.169.254", "::1", "fc00::1", "fd00:ec2::254", "fe80::1", "0.0.0.0", "100.64.0.1",
        "::ffff:127.0.0.1", "::ffff:169.254.169.254", "224.0.0.1",
    ],
)  # fmt: skip
def test_internal_addresses(address):
    assert is_internal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "172.32.0.1"])
def test_public_addresses(address):
    assert not is_internal(ipaddress.ip_address(address))


def test_domains_include_subdomains_only():
    assert in_domains("www.nhs.uk", ["nhs.uk"])
    assert in_domains("nhs.uk", ["nhs.uk"])
    assert not in_domains("evilnhs.uk", ["nhs.uk"])


def page(body: str) -> Page:
    html = f"<html><head><title>T</title></head><body>{body}</body></html>"
    return Page(200, HTML, html.encode())


def redirect(to: str) -> Page:
    return Page(302, (("Location", to),), b"")


@pytest.mark.integration
def test_internal_offsite_and_other_scheme_urls_are_refused_on_record(tmp_path):
    internal = DemoServer(DemoSite(pages={"/secret": page(PROSE)}, truth={}), host="127.0.0.2")
    with internal:
        port = internal.port
        inside = f"http://127.0.0.2:{port}"
        pages = {
            "/robots.txt": Page(200, (("Content-Type", "text/plain"),), b"User-agent: *\n"),
            "/": page(
                '<a href="/ok.html">ok</a> <a href="/to-internal">r1</a> <a href="/away">r2</a>'
                ' <a href="http://169.254.169.254/latest/meta-data/">metadata</a>'
                f' <a href="{inside}/secret">internal</a> <a href="ftp://127.0.0.1/file.txt">ftp</a>'
            ),
            "/ok.html": page(f"<h1>Walking</h1>{PROSE}"),
            "/to-internal": redirect(f"{inside}/admin"),
            "/away": redirect(f"http://localhost:{port}/secret"),
        }
        with DemoServer(DemoSite(pages=pages, truth={})) as server:
            db = f"sqlite:///{tmp_path / 'archive.db'}"
            result = subprocess.run(
                [sys.executable, "-m", "crawler", "crawl", server.url + "/", "--db", db,
                 "--no-sitemap", "--no-revisit"],
                capture_output=True, text=True, timeout=120, check=False,
            )  # fmt: skip
            base = server.url
        assert internal.requested_paths == []
    assert result.returncode == 0, result.stderr[-2000:]
    engine = create_archive_engine(db)
    with Session(engine) as s:
        refused = set(
            s.execute(
                select(m.Fetch.url, m.Fetch.final_url, m.Fetch.error).where(
                    m.Fetch.status.is_(None)
                )
            ).all()
        )
    engine.dispose()
    assert refused == {
        ("http://169.254.169.254/latest/meta-data/", "http://169.254.169.254/latest/meta-data/",
         "private_address"),
        (f"{inside}/secret", f"{inside}/secret", "private_address"),
        (f"{base}/to-internal", f"{inside}/admin", "private_address"),
        (f"{base}/away", f"http://localhost:{port}/secret", "offsite"),
        ("ftp://127.0.0.1/file.txt", "ftp://127.0.0.1/file.txt", "scheme"),
    }  # fmt: skip
    assert "refused              5" in result.stdout
    assert "private_address: 3" in result.stdout
    assert "errors               0" in result.stdout


@pytest.mark.integration
def test_pages_beyond_the_host_cap_are_refused_on_record_and_never_requested(tmp_path):
    links = " ".join(f'<a href="/p{n}.html">p{n}</a>' for n in range(10))
    pages = {
        "/robots.txt": Page(200, (("Content-Type", "text/plain"),), b"User-agent: *\n"),
        "/": page(links),
        **{f"/p{n}.html": page(f"<h1>Page {n}</h1>{PROSE}") for n in range(10)},
    }
    with DemoServer(DemoSite(pages=pages, truth={})) as server:
        db = f"sqlite:///{tmp_path / 'archive.db'}"
        result = subprocess.run(
            [sys.executable, "-m", "crawler", "crawl", server.url + "/", "--db", db,
             "--no-sitemap", "--no-revisit", "-s", "HOST_MAX_PAGES=4"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        requested = [path for path in server.requested_paths if path != "/robots.txt"]
        base = server.url
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(requested) == 4, requested
    engine = create_archive_engine(db)
    with Session(engine) as s:
        capped = list(
            s.scalars(select(m.Fetch.url).where(m.Fetch.error == "host_page_cap"))
        )
    engine.dispose()
    assert len(capped) == len(pages) - 1 - len(requested)
    assert not {url.removeprefix(base) for url in capped} & set(requested)
    assert f"host_page_cap: {len(capped)}" in result.stdout
