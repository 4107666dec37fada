"""The demo site's hostile corner under ``/hostile/``: the worst of the web, one page per case.

Off by default (``build_site(hostile=True)``, ``healtharchive demo-site --hostile``), so the
quick start stays quick. Crawl it from ``/hostile/``. Every case names what the archive must
show for it: ``article`` (archived despite the abuse) or the reason code its ``fetches`` row
carries. The truth lists each case with the URL its row is stored under.
"""

from __future__ import annotations

import gzip

from crawler.demo.page import ORIGIN_PLACEHOLDER, Page

PREFIX = "/hostile"
HTML = (("Content-Type", "text/html; charset=utf-8"),)
STALL_SECONDS = 120.0
"""Far longer than the default ``DOWNLOAD_TIMEOUT`` (30 s): the answer never races the timeout,
even when the crawler is slowed down."""
OVERSIZED_BYTES = 17 * 1024 * 1024
"""Larger than the default ``DOWNLOAD_MAXSIZE`` (16 MiB)."""
BOMB_BYTES = 64 * 1024 * 1024
"""What the gzip bomb inflates to: four times ``DOWNLOAD_MAXSIZE`` from about 64 KB on the wire."""
DEEP_NESTING = 10_000
MANY_LINKS = 100_000
LINK_FARM = "http://linkfarm.invalid/l"
"""Where the 100,000 links point: refused as off-site, so the cap is seen without 1000 fetches."""
METADATA = "http://169.254.169.254"
"""The cloud instance-metadata service: a page must never point the crawler at it."""
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8

PUBLISHED = '<meta property="article:published_time" content="2026-01-15T08:00:00Z">'
"""A date, so the short hostile articles are judged articles like any dated page."""
PROSE = (
    "Regular sleep at the same hour each night steadies the body clock and lifts the mood. "
    "Adults who keep a fixed bedtime report fewer headaches and better concentration at work. "
    "A dark, quiet and cool bedroom helps, and so does leaving screens outside the room. "
    "Caffeine late in the day delays sleep by an hour or more, even for those who feel fine. "
)


def _article(title: str, body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{PUBLISHED}{head}</head><body><article>"
        f"<h1>{title}</h1><p>{body}</p><p>{PROSE}</p></article></body></html>"
    )


def _html(text: str, headers: tuple[tuple[str, str], ...] = HTML) -> Page:
    return Page(200, headers, text.encode("utf-8"))


def _redirect(location: str) -> Page:
    return Page(302, (("Location", location),), b"")


def hostile_pages() -> tuple[dict[str, Page], list[dict[str, str]]]:
    """The corner's pages, and its cases: ``path`` (the URL on record) and ``expect``."""
    deep = "<div>" * DEEP_NESTING + f"<p>{PROSE}</p>" + "</div>" * DEEP_NESTING
    nul = _article("Sleep and NUL bytes", PROSE).encode("utf-8")
    nul = nul.replace(b"<p>", b"<p>\x00\x00 \xff\xfe broken bytes \xc3 ", 1)
    links = "".join(f'<a href="{LINK_FARM}/{n}.html">{n}</a> ' for n in range(MANY_LINKS))
    full = _article("Truncated sleep advice", PROSE * 4).encode("utf-8")
    truncated = Page(200, HTML, full[: len(full) // 2], declared_length=len(full))
    bomb = Page(200, (*HTML, ("Content-Encoding", "gzip")), gzip.compress(bytes(BOMB_BYTES), 9))
    stall = Page(200, HTML, _article("Slow", PROSE).encode(), delay=STALL_SECONDS)
    lying = _html(
        _article("Café naïve sleep", PROSE, '<meta charset="gb2312">'),
        (("Content-Type", "text/html; charset=iso-8859-1"),),
    )
    canonical = _article("Canonical gone wrong", PROSE, '<link rel="canonical" href="http://[::1">')
    listing = f"<html><head><title>Links</title></head><body>{links}</body></html>"
    cases: list[tuple[str, Page, str]] = [
        ("/good.html", _html(_article("Sleep well", PROSE)), "article"),
        ("/deep.html", _html(_article("Deep sleep", deep)), "article"),
        ("/nul.html", Page(200, HTML, nul), "article"),
        ("/lying-charset.html", lying, "article"),
        ("/bad-canonical.html", _html(canonical), "article"),
        ("/truncated.html", truncated, "dataloss"),
        ("/oversized.html", Page(200, HTML, b"<html><body>" + b"x" * OVERSIZED_BYTES), "too_large"),
        ("/gzip-bomb.html", bomb, "decompression_limit"),
        ("/loop/a", _redirect(f"{PREFIX}/loop/b"), "redirect_loop"),
        ("/offsite", _redirect("http://elsewhere.invalid/health/"), "offsite"),
        ("/to-metadata", _redirect(f"{METADATA}/latest/meta-data/"), "private_address"),
        ("/error.html", Page(500, HTML, b"<html><body>Internal error</body></html>"), "http_500"),
        ("/busy.html", Page(503, (*HTML, ("Retry-After", "1")), b"busy"), "http_503"),
        ("/stall.html", stall, "timeout"),
        ("/empty.html", Page(200, HTML, b""), "not_html"),
        ("/binary.html", Page(200, HTML, PNG), "not_html"),
        ("/links.html", _html(listing), "link_cap"),
    ]
    pages = {PREFIX + path: page for path, page, _ in cases}
    pages[f"{PREFIX}/loop/b"] = _redirect(f"{PREFIX}/loop/a")
    schemes = [
        "ftp://ftp.demo.invalid/sleep/",
        "mailto:sleep@demo.invalid",
        "javascript:alert(1)",
        "tel:+100000000",
        "data:text/html,<p>x</p>",
    ]
    pages[f"{PREFIX}/schemes.html"] = _html(
        "<html><head><title>Schemes</title></head><body>"
        + "".join(f'<a href="{href}">{href}</a> ' for href in schemes)
        + "</body></html>"
    )
    listed = [path for path, _, _ in cases] + ["/schemes.html"]
    index = "".join(f'<li><a href="{PREFIX}{path}">{path}</a></li>' for path in listed)
    index += f'<li><a href="{METADATA}/latest/meta-data/iam/">metadata</a></li>'
    index += '<li><a href="/private/members-guide.html">members</a></li>'
    pages[f"{PREFIX}/"] = _html(
        f"<html><head><title>Hostile corner</title></head><body><ul>{index}</ul></body></html>"
    )
    truth = [{"path": PREFIX + path, "expect": expect} for path, _, expect in cases]
    truth.append({"path": schemes[0], "expect": "scheme"})
    truth.append(
        {"path": "http://169.254.169.254/latest/meta-data/iam/", "expect": "private_address"}
    )
    truth.append({"path": "/private/members-guide.html", "expect": "robots"})
    return pages, [{**case, "path": _absolute(case["path"])} for case in truth]


def _absolute(path: str) -> str:
    """Paths on the demo site carry the origin placeholder the server swaps for its own."""
    return ORIGIN_PLACEHOLDER + path if path.startswith("/") else path
