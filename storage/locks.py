"""One crawl of a site at a time: a named lock per archive that dies with its holder.

Scheduled crawls (cron) can overlap when one runs long. The lock is one the operating system or
the database server releases when the holding process ends, however it ends, so a crashed or
killed crawl never leaves a stale lock behind and no clean-up step is needed:

* PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on a connection held for the
  whole crawl; the server drops it when the connection closes.
* SQLite: an exclusive ``flock`` on a small file beside the archive; the kernel drops it when the
  process exits. The file itself stays (removing lock files races with the next holder).
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine, text

from storage.errors import ArchiveError


class LockHeld(ArchiveError):
    """Another process holds the lock."""


def site_lock_name(start_urls: Sequence[str], profile: str | None = None) -> str:
    """The lock a crawl holds: its site profile's name, else "the same site" as another crawl
    with the same start hosts."""
    if profile:
        return profile
    return "hosts:" + ",".join(sorted({(urlsplit(u).hostname or "").lower() for u in start_urls}))


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory locks."""
    digest = hashlib.sha256(f"healtharchive-crawl:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def crawl_lock(engine: Engine, name: str) -> Iterator[None]:
    """Hold the lock ``name`` for this archive, or raise :class:`LockHeld` at once."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, name):
            yield
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or is_private(engine):
        raise ArchiveError(f"crawl locks need PostgreSQL or a SQLite file, not {engine.url}")
    with _file_lock(Path(database), name):
        yield


def is_private(engine: Engine) -> bool:
    """An in-memory SQLite archive: no other process can open it, so no crawl can overlap."""
    database = engine.url.database
    return engine.dialect.name == "sqlite" and (not database or database == ":memory:")


@contextmanager
def _advisory_lock(engine: Engine, name: str) -> Iterator[None]:
    key = lock_key(name)
    with engine.connect() as conn:
        if not conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
            conn.rollback()
            raise LockHeld(f"another crawl of {name!r} is running on this archive")
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            conn.commit()


@contextmanager
def _file_lock(database: Path, name: str) -> Iterator[None]:
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    path = database.with_name(f"{database.name}.crawl-{digest}.lock")
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise LockHeld(f"another crawl of {name!r} is running on this archive") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
