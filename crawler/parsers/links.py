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

import re
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import urljoin, urlparse, urlsplit

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

URL_CACHE_SIZE = 8192
"""Hrefs remembered with the URL they resolve to: a few pages' worth of repeated links."""

_SITE_ABSOLUTE_HREF = re.compile(r"(?:/(?!/)|(?:[A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#])[^\t\n\r]*\Z")
"""Hrefs whose resolution depends on the base URL's origin alone, never on its path: a path
from the root (``/a/b``) or a URL with a host (``https://host/x``, ``//host/x``)."""


def page_links(doc: Document) -> tuple[str, ...]:
    """The absolute URLs of the page's ``a``/``area`` links, each once, in document order.

    The links are found by lxml's tag iteration: an XPath selecting them tests every node."""
    base = base_url(doc)
    base_origin, page_origin = _origin(base), _origin(doc.url)
    links: dict[str, None] = {}
    for element in doc.tree.iter(*LINK_TAGS):
        href = element.get("href")
        if href is None:
            continue
        href = href.strip(HTML5_WHITESPACE)
        if base_origin and page_origin and _SITE_ABSOLUTE_HREF.match(href):
            url = _resolved(base_origin, href, doc.encoding, page_origin)
        else:
            url = _resolved(base, href, doc.encoding, doc.url)
        if url is not None and url not in links:
            links[url] = None
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
    declared = next(
        (href for base in doc.tree.iter("base") if (href := base.get("href")) is not None), None
    )
    if declared is None:
        return doc.url
    href = declared.strip(HTML5_WHITESPACE)
    if not href:
        return doc.url
    try:
        url = _safe_url(urljoin(doc.url, href), doc.encoding)
    except ValueError:
        return doc.url
    return doc.url if url.startswith(("data:", "javascript:")) else url


def _safe_url(url: str, encoding: str) -> str:
    """w3lib's safe URL, imported on first use: w3lib pulls in ``urllib.request``, and commands
    that parse pages without following their links (``extract``) never need it."""
    from w3lib.url import safe_url_string

    return safe_url_string(url, encoding=encoding)


@lru_cache(maxsize=URL_CACHE_SIZE)
def _resolved(base: str, href: str, encoding: str, page_url: str) -> str | None:
    """The URL the crawl follows for ``href``, or ``None`` if it is bogus or leads to no page.

    Cached: a site's menus, footers and sidebars repeat the same links on every page, and making
    a URL safe costs more than the rest of reading them. Callers pass origins instead of full
    URLs where only the origin decides the result, so the repeats hit across pages.
    """
    try:
        url = urljoin(page_url, _safe_url(urljoin(base, href), encoding))
    except ValueError:
        return None
    if url.split("://", 1)[0] not in FOLLOWED_SCHEMES:
        return None
    return None if urlparse(url).path.lower().endswith(IGNORED_EXTENSIONS) else url


def _origin(url: str) -> str | None:
    """``scheme://host/`` of ``url``, or ``None`` when it has no host to resolve against."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}/"
