"""Which requests may be downloaded at all: scheme, domain, address and per-host budget.

Checked for every request before anything else (``SCOPE_PRIORITY``), redirects included, since
each redirect hop passes the downloader middlewares again. In order, a request is refused with:

- ``scheme``: anything but http and https (a same-host ``ftp://`` link, say);
- ``private_address``: an IP literal, or a host name resolving to an address that is not
  globally routable (private, loopback, link-local and cloud metadata, unique-local IPv6, ...),
  unless the user asked for that host: a start URL on it or ``SCOPE_PRIVATE_HOSTS``. A page then
  cannot point the crawler at internal services; the demo site on 127.0.0.1 stays crawlable;
- ``offsite``: a host outside the start URLs' domains (and their subdomains), such as a
  redirect to another site. robots.txt requests may follow a redirect off-site (RFC 9309);
- ``host_page_cap``: more than ``HOST_MAX_PAGES`` pages requested from one host (0: no cap).

Names are resolved once per host and crawl. The downloader resolves again when it connects, so
a host that changes its answer in between (DNS rebinding) is not caught by this check.

Settings: ``SCOPE_PRIVATE_HOSTS`` (host names), ``HOST_MAX_PAGES``.
"""

from __future__ import annotations

import ipaddress
import socket
from collections import Counter
from collections.abc import Iterable

from scrapy.crawler import Crawler
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.threads import deferToThread

from crawler.refusals import refuse
from crawler.robots import ROBOTS_TXT

SCOPE_PRIORITY = 30
SCHEMES = ("http", "https")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def in_domains(host: str, domains: Iterable[str]) -> bool:
    """``host`` is one of ``domains`` or a subdomain of one (ports do not matter)."""
    return any(host == d or host.endswith("." + d) for d in domains)


def ip_literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_internal(address: Address) -> bool:
    """Not a public internet address: private, loopback, link-local, reserved, ..."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def resolve(host: str) -> list[Address]:
    """Every address ``host`` resolves to; none when it does not resolve (the fetch then fails)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    found = {ip_literal(str(info[4][0]).split("%", 1)[0]) for info in infos}
    return [address for address in found if address is not None]


class ScopeMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.private_hosts = {h.lower() for h in crawler.settings.getlist("SCOPE_PRIVATE_HOSTS")}
        self.host_max_pages = crawler.settings.getint("HOST_MAX_PAGES")
        self.pages: Counter[str] = Counter()
        self.internal: dict[str, bool] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        return cls(crawler)

    def asked_for(self) -> set[str]:
        """Hosts the user named: start URL hosts and ``SCOPE_PRIVATE_HOSTS``."""
        spider = self.crawler.spider
        return set(getattr(spider, "allowed_domains", None) or ()) | self.private_hosts

    async def process_request(self, request: Request) -> None:
        parts = urlparse_cached(request)
        if parts.scheme not in SCHEMES:
            refuse(self.crawler, request, "scheme", f"{parts.scheme}: is not crawled")
        host = (parts.hostname or "").lower()
        asked = self.asked_for()
        literal = ip_literal(host)
        if host not in asked and literal is not None and is_internal(literal):
            refuse(self.crawler, request, "private_address", f"{literal} is internal")
        if not request.meta.get(ROBOTS_TXT) and not in_domains(host, asked):
            refuse(self.crawler, request, "offsite", f"{host} is outside the crawl's domains")
        if host not in asked and literal is None and await self.resolves_internal(host):
            refuse(self.crawler, request, "private_address", f"{host} resolves to an internal IP")
        self.count_page(request, host)

    async def resolves_internal(self, host: str) -> bool:
        known = self.internal.get(host)
        if known is None:
            addresses = await maybe_deferred_to_future(deferToThread(resolve, host))
            known = self.internal[host] = any(is_internal(a) for a in addresses)
        return known

    def count_page(self, request: Request, host: str) -> None:
        """Count a page once per crawl: retries, redirect hops and robots.txt are not pages."""
        meta = request.meta
        if not self.host_max_pages or meta.get(ROBOTS_TXT):
            return
        if meta.get("retry_times") or meta.get("redirect_times"):
            return
        self.pages[host] += 1
        if self.pages[host] > self.host_max_pages:
            refuse(
                self.crawler,
                request,
                "host_page_cap",
                f"more than {self.host_max_pages} pages from {host} (HOST_MAX_PAGES)",
            )
