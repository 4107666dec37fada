"""The served unit of the demo site and the site itself, shared by generator, server and tests."""

from __future__ import annotations

from dataclasses import dataclass, field

ORIGIN_PLACEHOLDER = "http://demo.invalid"
"""Stands for scheme and host in stored bodies; the server swaps in the request's own origin.

The port is only known once the server listens, yet canonical links, JSON-LD, the sitemap and
robots.txt need absolute URLs. The placeholder is itself a valid URL (``.invalid`` never
resolves), so a stored page is still well-formed when read without the server.
"""


@dataclass(frozen=True)
class Page:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    delay: float = 0.0
    declared_length: int | None = None
    """A Content-Length larger than ``body``: the server sends it, then closes early."""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(frozen=True)
class DemoSite:
    pages: dict[str, Page]
    """Keyed by path plus query string, exactly as a client requests them."""
    truth: dict
    not_found: Page = field(default_factory=lambda: Page(404, (), b""))
    """Served for every path not in :attr:`pages`."""


def render_body(page: Page, origin: str) -> bytes:
    """The bytes to send for ``page`` when the site is reached at ``origin``."""
    return page.body.replace(ORIGIN_PLACEHOLDER.encode("ascii"), origin.encode("ascii"))
