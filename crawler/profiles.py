"""Site profiles: everything one site needs, in one TOML file, and per-host extraction overrides.

A profile file is read the same way by ``scrapy crawl health -a profile=site.toml`` and
``healtharchive crawl --profile site.toml``::

    name = "health-example"                       # the lock and log name; default: file stem
    start_urls = ["https://health.example.com/"]
    sitemaps = ["https://health.example.com/sitemap.xml"]  # default: from robots.txt
    allowed_domains = ["health.example.com"]      # default: the start URLs' hosts
    article_urls = ["/articles/"]                  # regexes; default: any page may be one
    listing_urls = ["/topics/", "/page/\\d+"]      # with article_urls: the only links followed

    [selectors]                                    # CSS, or XPath when starting with / or (
    body = ["div.article-text"]
    remove = [".promo"]

    [politeness]                                   # Scrapy settings, lower-case names
    download_delay = 2.0
    concurrent_requests_per_domain = 2

Unknown keys, wrong types and broken patterns or selectors are refused naming the field.

The ``SITE_PROFILES`` setting still maps a host to selectors (``{"host": {"body": [...],
"remove": [...]}}``); a profile file's selectors apply to its allowed domains. Either way a
profile applies to the host and its subdomains and takes precedence over the generic walk.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import msgspec
from cssselect import GenericTranslator, SelectorError
from lxml import etree

from crawler.parsers.content import ContentProfile

NonNegative = Annotated[float, msgspec.Meta(ge=0)]
Positive = Annotated[int, msgspec.Meta(ge=1)]


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and the field."""


class Selectors(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    body: list[str] = []
    remove: list[str] = []


class Politeness(msgspec.Struct, forbid_unknown_fields=True, frozen=True, omit_defaults=True):
    download_delay: NonNegative | None = None
    concurrent_requests_per_domain: Positive | None = None
    autothrottle_enabled: bool | None = None
    autothrottle_start_delay: NonNegative | None = None
    autothrottle_max_delay: NonNegative | None = None
    autothrottle_target_concurrency: Annotated[float, msgspec.Meta(gt=0)] | None = None
    download_timeout: Annotated[float, msgspec.Meta(gt=0)] | None = None
    retry_times: Annotated[int, msgspec.Meta(ge=0)] | None = None
    robotstxt_obey: bool | None = None
    user_agent: str | None = None

    def settings(self) -> dict[str, Any]:
        """As Scrapy settings: only the values the profile sets."""
        return {name.upper(): value for name, value in msgspec.structs.asdict(self).items()
                if value is not None}  # fmt: skip


class SiteProfile(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    start_urls: list[str]
    name: str = ""
    sitemaps: list[str] = []
    allowed_domains: list[str] = []
    article_urls: list[str] = []
    listing_urls: list[str] = []
    selectors: Selectors = Selectors()
    politeness: Politeness = Politeness()

    def domains(self) -> list[str]:
        return self.allowed_domains or sorted(
            {(urlsplit(u).hostname or "").lower() for u in self.start_urls}
        )

    def content_profiles(self) -> dict[str, ContentProfile]:
        if not self.selectors.body:
            return {}
        profile = ContentProfile(
            body_selector=tuple(self.selectors.body),
            remove_selectors=tuple(self.selectors.remove),
        )
        return {domain.lower(): profile for domain in self.domains()}

    def url_rules(self) -> UrlRules:
        return UrlRules(
            articles=tuple(re.compile(p) for p in self.article_urls),
            listings=tuple(re.compile(p) for p in self.listing_urls),
        )


@dataclass(frozen=True)
class UrlRules:
    """Which pages to parse as articles and which links to follow; empty means all."""

    articles: tuple[re.Pattern[str], ...] = ()
    listings: tuple[re.Pattern[str], ...] = ()

    def is_article(self, url: str) -> bool:
        return not self.articles or any(p.search(url) for p in self.articles)

    def follows(self, url: str) -> bool:
        if not self.articles:
            return True
        return any(p.search(url) for p in self.articles + self.listings)


def load_site_profile(path: str | Path) -> SiteProfile:
    """Read and check one profile file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProfileError(f"cannot read profile {path}: {exc.strerror}") from exc
    try:
        profile = msgspec.toml.decode(data, type=SiteProfile)
    except msgspec.ValidationError as exc:
        raise ProfileError(f"profile {path}: {_field_first(str(exc))}") from exc
    except msgspec.DecodeError as exc:
        raise ProfileError(f"profile {path}: not TOML ({exc})") from exc
    problem = _problem(profile)
    if problem:
        raise ProfileError(f"profile {path}: {problem}")
    if not profile.name:
        profile = msgspec.structs.replace(profile, name=path.stem)
    return profile


def _field_first(message: str) -> str:
    """msgspec says "Expected `int`, got `str` - at `$.politeness.download_delay`"."""
    text, sep, where = message.rpartition(" - at ")
    if not sep:
        return message
    return f"{where.strip('`').removeprefix('$.')}: {text}"


def _problem(profile: SiteProfile) -> str | None:
    if not profile.start_urls:
        return "start_urls: give at least one start URL"
    for field in ("start_urls", "sitemaps"):
        for index, url in enumerate(getattr(profile, field)):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return f"{field}[{index}]: not an http(s) URL: {url!r}"
    for field in ("article_urls", "listing_urls"):
        for index, pattern in enumerate(getattr(profile, field)):
            try:
                re.compile(pattern)
            except re.error as exc:
                return f"{field}[{index}]: not a regular expression ({exc}): {pattern!r}"
    for field in ("body", "remove"):
        for index, selector in enumerate(getattr(profile.selectors, field)):
            reason = selector_problem(selector)
            if reason:
                return f"selectors.{field}[{index}]: {reason}: {selector!r}"
    return None


def selector_problem(selector: str) -> str | None:
    """Why a CSS or XPath selector cannot be used, or ``None``."""
    try:
        if selector.startswith(("/", "(", "./")):
            etree.XPath(selector)
        else:
            GenericTranslator().css_to_xpath(selector)
    except (etree.XPathSyntaxError, SelectorError) as exc:
        return f"not a valid selector ({exc})"
    return None


def load_profiles(value: Mapping[str, Mapping[str, Any]] | None) -> dict[str, ContentProfile]:
    """The ``SITE_PROFILES`` setting: host -> extraction selectors."""
    profiles = {}
    for host, spec in (value or {}).items():
        unknown = set(spec) - {"body", "remove"}
        if unknown:
            raise ValueError(f"SITE_PROFILES[{host!r}]: unknown keys {sorted(unknown)}")
        for field in ("body", "remove"):
            for selector in spec.get(field, ()):
                reason = selector_problem(selector)
                if reason:
                    raise ValueError(f"SITE_PROFILES[{host!r}].{field}: {reason}: {selector!r}")
        profiles[host.lower()] = ContentProfile(
            body_selector=tuple(spec.get("body", ())),
            remove_selectors=tuple(spec.get("remove", ())),
        )
    return profiles


def profile_for(url: str, profiles: Mapping[str, ContentProfile]) -> ContentProfile | None:
    host = (urlsplit(url).hostname or "").lower()
    while host:
        if host in profiles:
            return profiles[host]
        host = host.partition(".")[2]
    return None
