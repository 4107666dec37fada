"""Joining a page's hrefs to its URL without ever raising.

``urljoin`` raises ``ValueError`` on an href such as ``http://[::1`` (an unclosed IPv6 host);
one such attribute must cost that link only, never the article.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit


def join_url(base: str, href: str) -> str | None:
    """``href`` made absolute against ``base``; ``None`` when the result is no valid URL."""
    try:
        joined = urljoin(base, href.strip())
        urlsplit(joined)
    except ValueError:
        return None
    return joined
