"""Which fetches an export covers: by site, crawl run and time range.

One definition shared by the exports that read fetches, so ``--site``, ``--run``, ``--since``
and ``--until`` mean the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from sqlalchemy import Select, or_, select

from storage import models as m


@dataclass(frozen=True)
class FetchSelection:
    site: str | None = None
    """A host name (``example.org``) or a URL whose host is taken; subdomains included."""
    run: int | None = None
    since: datetime | None = None
    """Inclusive lower bound on the fetch time."""
    until: datetime | None = None
    """Exclusive upper bound on the fetch time."""

    def fetches(self) -> Select[m.Fetch]:
        """Fetches in the order they were made (time, then arrival)."""
        query = select(m.Fetch).order_by(m.Fetch.fetched_at, m.Fetch.id)
        if self.site:
            host = site_host(self.site)
            query = query.where(
                or_(
                    *(
                        m.Fetch.url.like(f"{scheme}://{prefix}{host}{end}%")
                        for scheme in ("http", "https")
                        for prefix in ("", "%.")
                        for end in ("/", ":")
                    )
                )
            )
        if self.run is not None:
            query = query.where(m.Fetch.crawl_run_id == self.run)
        if self.since is not None:
            query = query.where(m.Fetch.fetched_at >= _aware(self.since))
        if self.until is not None:
            query = query.where(m.Fetch.fetched_at < _aware(self.until))
        return query


def site_host(site: str) -> str:
    host = urlsplit(site).hostname if "://" in site else site.split("/")[0].split(":")[0]
    if not host:
        raise ValueError(f"not a site: {site!r}")
    return host.lower()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
