"""Which fetches an export covers: by site, crawl run and time range.

One definition shared by the exports that read fetches, so ``--site``, ``--run``, ``--since``
and ``--until`` mean the same everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Select, or_, select

from storage import models as m


@dataclass(frozen=True)
class FetchSelection:
    site: str | None = None
    """A host (either scheme; with its port if it has one) or a URL prefix."""
    run: int | None = None
    since: datetime | None = None
    """Inclusive lower bound on the fetch time."""
    until: datetime | None = None
    """Exclusive upper bound on the fetch time."""

    def fetches(self) -> Select[m.Fetch]:
        """Fetches in the order they were made (time, then arrival)."""
        query = select(m.Fetch).order_by(m.Fetch.fetched_at, m.Fetch.id)
        if self.site:
            query = query.where(
                or_(*(m.Fetch.url.like(p, escape="\\") for p in site_patterns(self.site)))
            )
        if self.run is not None:
            query = query.where(m.Fetch.crawl_run_id == self.run)
        if self.since is not None:
            query = query.where(m.Fetch.fetched_at >= _aware(self.since))
        if self.until is not None:
            query = query.where(m.Fetch.fetched_at < _aware(self.until))
        return query


def site_patterns(site: str) -> list[str]:
    """LIKE patterns for ``--site``, as the table exports read it: a host or a URL prefix."""
    site = site.strip()
    if not site.partition("://")[2 if "://" in site else 0].strip("/"):
        raise ValueError(f"not a site: {site!r}")
    escaped = re.sub(r"([\\%_])", r"\\\1", site.rstrip("/"))
    if "://" in site:
        return [escaped + "/%"]
    return [f"http://{escaped}/%", f"https://{escaped}/%"]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
