"""Per-site extraction profiles, from the ``SITE_PROFILES`` setting.

The generic extractor needs no per-site rules; a profile is the escape hatch for a site it gets
wrong. ``SITE_PROFILES`` maps a host name to selectors (CSS, or XPath when starting with ``/``)::

    SITE_PROFILES = {"health.example.com": {"body": ["div.article-text"], "remove": [".promo"]}}

A profile applies to the host and its subdomains and takes precedence over the generic walk.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from crawler.parsers.content import ContentProfile


def load_profiles(value: Mapping[str, Mapping[str, Any]] | None) -> dict[str, ContentProfile]:
    profiles = {}
    for host, spec in (value or {}).items():
        unknown = set(spec) - {"body", "remove"}
        if unknown:
            raise ValueError(f"SITE_PROFILES[{host!r}]: unknown keys {sorted(unknown)}")
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
