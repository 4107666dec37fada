"""What the archive knows about a URL's last good fetch: the validators of a conditional request.

A re-crawl asks the site "changed since?" with the ``ETag`` and ``Last-Modified`` the archive
recorded, and on a 304 points the new fetch at the body already stored. Lookups are one indexed
query per URL (``ix_fetches_url_fetched_at``) rather than a table loaded into memory, so memory
stays flat however large the archive grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from sqlalchemy import Connection, Engine, bindparam, select

from storage import models as m
from storage.blobs import decompress_data

REUSABLE_STATUSES = (200, 304)
"""A 304 fetch points at its predecessor's blob, so it is as good a base as a 200."""


@dataclass(frozen=True)
class Validators:
    etag: str | None
    last_modified: str | None
    blob_sha256: str
    content_type: str | None
    fetched_at: datetime

    def changed_since(self) -> datetime:
        """When the stored copy was current: the site's own Last-Modified, else the fetch time.

        The site's clock is preferred because sitemap ``<lastmod>`` dates come from the same
        clock; the fetch time is the fallback for sites that send no Last-Modified.
        """
        if self.last_modified:
            try:
                return _aware(parsedate_to_datetime(self.last_modified))
            except (TypeError, ValueError):
                pass
        return _aware(self.fetched_at)


class ValidatorLookup:
    """One read connection, one indexed query per URL, no transaction held between lookups.

    Holding a transaction open would pin an old snapshot on SQLite and PostgreSQL alike, hiding
    what the crawl itself committed meanwhile.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None
        self._query = (
            select(
                m.Fetch.etag,
                m.Fetch.last_modified,
                m.Fetch.blob_sha256,
                m.Fetch.content_type,
                m.Fetch.fetched_at,
            )
            .where(
                m.Fetch.url == bindparam("url"),
                m.Fetch.status.in_(REUSABLE_STATUSES),
                m.Fetch.blob_sha256.is_not(None),
            )
            .order_by(m.Fetch.fetched_at.desc())
            .limit(1)
        )

    def empty(self) -> bool:
        """No stored body to revalidate at all (a first crawl): lookups can be skipped."""
        connection = self._connect()
        try:
            query = select(m.Fetch.id).where(m.Fetch.blob_sha256.is_not(None)).limit(1)
            return connection.execute(query).first() is None
        finally:
            connection.rollback()

    def latest(self, url: str) -> Validators | None:
        """The newest fetch of ``url`` with a stored body and something to validate it by."""
        connection = self._connect()
        try:
            row = connection.execute(self._query, {"url": url}).first()
        finally:
            connection.rollback()
        if row is None or not (row.etag or row.last_modified):
            return None
        return Validators(
            row.etag, row.last_modified, row.blob_sha256, row.content_type, row.fetched_at
        )

    def body(self, sha256: str) -> bytes:
        """The stored body a 304 confirmed, so links on an unchanged page are still followed."""
        connection = self._connect()
        try:
            row = connection.execute(
                select(m.Blob.compression, m.Blob.data).where(m.Blob.sha256 == sha256)
            ).first()
        finally:
            connection.rollback()
        if row is None:
            raise LookupError(f"blob {sha256} is missing from the archive")
        return decompress_data(row.compression, row.data)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self) -> Connection:
        if self._connection is None:
            self._connection = self.engine.connect()
        return self._connection


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
