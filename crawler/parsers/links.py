"""The links a page leads to, read from the tree the other parsers read.

The crawl follows every ``<a href>`` and ``<area href>``. Reading them from the parsed
:class:`~crawler.parsers.document.Document` rather than with a link extractor of its own spares
a second HTML parse of every page. The rules are those of Scrapy's default ``LinkExtractor``, so
switching changes no crawl: the document's first ``<base href>`` is honoured, each href is
stripped of HTML whitespace, resolved and made a safe URL in the page's encoding, only
``http``/``https``/``file``/``ftp`` URLs are kept, URLs whose path ends in a non-page extension
(images, archives, media, office files, scripts) are dropped, and each URL is kept once, in
document order.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urljoin, urlparse

import lxml.etree
from w3lib.url import safe_url_string

from crawler.parsers.document import Document, load_document

LINK_TAGS = frozenset({"a", "area"})
FOLLOWED_SCHEMES = frozenset({"http", "https", "file", "ftp"})
HTML5_WHITESPACE = " \t\n\r\x0c"
IGNORED_EXTENSIONS = tuple(
    "." + extension
    for group in (
        ("7z", "7zip", "bz2", "rar", "tar", "tar.gz", "xz", "zip"),
        ("mng", "pct", "bmp", "gif", "jpg", "jpeg", "png", "pst", "psp", "tif", "tiff", "ai"),
        ("drw", "dxf", "eps", "ps", "svg", "cdr", "ico", "webp"),
        ("mp3", "wma", "ogg", "wav", "ra", "aac", "mid", "au", "aiff"),
        ("3gp", "asf", "asx", "avi", "mov", "mp4", "mpg", "qt", "rm", "swf", "wmv", "m4a"),
        ("m4v", "flv", "webm"),
        ("xls", "xlsm", "xlsx", "xltm", "xltx", "potm", "potx", "ppt", "pptm", "pptx", "pps"),
        ("doc", "docb", "docm", "docx", "dotm", "dotx", "odt", "ods", "odg", "odp"),
        ("css", "pdf", "exe", "bin", "rss", "dmg", "iso", "apk", "jar", "sh", "rb", "js"),
        ("hta", "bat", "cpl", "msi", "msp", "py"),
    )
    for extension in group
)
"""Paths ending so lead to no page: Scrapy's ``IGNORED_EXTENSIONS``, which the crawl used."""

_HREFS = lxml.etree.XPath("//a[@href] | //area[@href]")
_BASE_HREF = lxml.etree.XPath("(//base[@href])[1]/@href")


def page_links(doc: Document) -> tuple[str, ...]:
    """The absolute URLs of the page's ``a``/``area`` links, each once, in document order."""
    base = base_url(doc)
    encoding = doc.encoding
    seen: set[str] = set()
    links: list[str] = []
    for element in _HREFS(doc.tree):
        url = _resolve(base, doc.url, element.get("href"), encoding)
        if url is None or url in seen:
            continue
        seen.add(url)
        if url.split("://", 1)[0] not in FOLLOWED_SCHEMES:
            continue
        if urlparse(url).path.lower().endswith(IGNORED_EXTENSIONS):
            continue
        links.append(url)
    return tuple(links)


def parse_links(html: bytes, url: str, headers: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The links of a page that is not parsed as an article (a listing, a stored copy).

    Raises :class:`~crawler.parsers.errors.NotHtml` for undecodable bodies, like every parser.
    """
    return page_links(load_document(html, url, headers))


def base_url(doc: Document) -> str:
    """The URL the page's relative links resolve against: its first ``<base href>``, if usable.

    An empty href, one that does not resolve, and a ``data:`` or ``javascript:`` one leave the
    page's own URL in place, as in a browser.
    """
    declared = _BASE_HREF(doc.tree)
    if not declared:
        return doc.url
    href = str(declared[0]).strip(HTML5_WHITESPACE)
    if not href:
        return doc.url
    try:
        url = safe_url_string(urljoin(doc.url, href), encoding=doc.encoding)
    except ValueError:
        return doc.url
    return doc.url if url.startswith(("data:", "javascript:")) else url


def _resolve(base: str, page_url: str, href: str, encoding: str) -> str | None:
    try:
        url = safe_url_string(urljoin(base, href.strip(HTML5_WHITESPACE)), encoding=encoding)
        return urljoin(page_url, url)
    except ValueError:
        return None
