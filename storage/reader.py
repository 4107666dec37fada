"""A fast, read-only path into the archive for the analyst commands.

``peek``, ``stats``, ``runs``, ``show`` and ``export`` must start in well under a second, so
this module talks to the database driver directly (``sqlite3``, or ``psycopg`` for PostgreSQL)
and never imports SQLAlchemy, Alembic or the models. The schema revision is still checked: the
database's ``alembic_version`` row is compared with the head found by reading the migration
files' ``revision``/``down_revision`` lines, so an archive from another version of the code is
refused with the same hint as elsewhere.

Queries are written once with ``:name`` parameters; :meth:`Reader.sql` adapts them to the
driver's style. Dialect differences that matter to analysts (timestamps, JSON lists) go
through :meth:`Reader.iso` and :meth:`Reader.joined`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from storage.errors import ArchiveError

REVISION_RE = re.compile(
    r"^(down_revision|revision)\s*(?::[^=]*)?=\s*['\"]?([\w.-]+|None)['\"]?", re.M
)
PARAM_RE = re.compile(r"(?<![:\w]):(\w+)")
SQLITE_TIMEOUT_S = 30.0
POSTGRES_CONNECT_TIMEOUT_S = 5


@cache
def head_revision() -> str:
    """The newest migration: the one revision no other revision names as its parent.

    Read through :mod:`importlib.resources` so that it works inside a zipped egg too.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for entry in (files("storage") / "migrations" / "versions").iterdir():
        if not entry.name.endswith(".py"):
            continue
        found = dict(REVISION_RE.findall(entry.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            parents.add(found.get("down_revision", "None"))
    heads = revisions - parents
    if len(heads) != 1:
        raise ArchiveError(f"migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


class Reader:
    """One read-only connection; ``dialect`` is ``sqlite`` or ``postgresql``."""

    def __init__(self, connection: Any, dialect: str, url: str) -> None:
        self.connection = connection
        self.dialect = dialect
        self.url = url

    def sql(self, query: str) -> str:
        if self.dialect == "sqlite":
            return query
        return PARAM_RE.sub(r"%(\1)s", query.replace("%", "%%"))

    def cursor(self, query: str, params: Mapping[str, Any] | None = None) -> Any:
        """Run ``query``; a driver error (locked file, lost server) becomes one clear line."""
        cursor = self.connection.cursor()
        try:
            cursor.execute(self.sql(query), dict(params or {}))
        except Exception as exc:
            if not _is_driver_error(exc):
                raise
            raise ArchiveError(f"cannot read archive {self.url!r}: {_first_line(exc)}") from exc
        return cursor

    def rows(self, query: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return list(self.cursor(query, params).fetchall())

    def records(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        cursor = self.cursor(query, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def scalar(self, query: str, params: Mapping[str, Any] | None = None) -> Any:
        row = self.cursor(query, params).fetchone()
        return row[0] if row else None

    def iso(self, column: str) -> str:
        """SQL giving a stored timestamp as ISO 8601 text in UTC, the same on both backends."""
        if self.dialect == "sqlite":
            return f"(replace({column}, ' ', 'T') || '+00:00')"
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"

    def joined(self, column: str, separator: str = "; ") -> str:
        """SQL joining a JSON list of strings into one text value."""
        sep = separator.replace("'", "''")
        if self.dialect == "sqlite":
            return f"(SELECT group_concat(value, '{sep}') FROM json_each({column}))"
        return f"(SELECT string_agg(value, '{sep}') FROM json_array_elements_text({column}))"

    def revision(self) -> str | None:
        return self.scalar("SELECT version_num FROM alembic_version")

    def close(self) -> None:
        self.connection.close()


@contextmanager
def open_reader(db: str) -> Iterator[Reader]:
    """Open ``db`` (a SQLite path, ``sqlite:///path`` or ``postgresql[+psycopg]://``) read-only.

    Raises :class:`ArchiveError` with one line for a bad URL, a missing file, an unreachable
    server, a database that is not an archive or an archive at another schema revision.
    """
    reader = _connect(db)
    try:
        _check_revision(reader)
        yield reader
    finally:
        reader.close()


def _connect(db: str) -> Reader:
    if "://" not in db:
        return _sqlite(Path(db), db)
    scheme, _, rest = db.partition("://")
    backend = scheme.split("+", 1)[0].lower()
    if backend == "sqlite":
        return _sqlite(Path(sqlite_file(rest)), db)
    if backend in ("postgresql", "postgres"):
        return _postgres(f"postgresql://{rest}", db)
    raise ArchiveError(
        f"not a supported database URL: {db!r} (use a SQLite file path, sqlite:///path or "
        "postgresql+psycopg://user@host/db)"
    )


def sqlite_file(rest: str) -> str:
    """The file of a ``sqlite://`` URL from what follows ``://``: the path after the third
    slash up to ``?``, percent-decoded, as the writer side reads it (``storage.db.archive_url``).
    A plain ``--db`` path is never decoded: it is the file as written."""
    path = (rest[1:] if rest.startswith("/") else rest).split("?", 1)[0]
    return unquote(path)


def _sqlite(path: Path, url: str) -> Reader:
    if not path.is_file():
        raise ArchiveError(f"no archive at {path}: run a crawl first")
    try:
        # as_uri() escapes what a URI would misread in a path ("#", "?", "%").
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=SQLITE_TIMEOUT_S
        )
        connection.execute("PRAGMA query_only = ON")
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot open archive {path}: {exc}") from exc
    return Reader(connection, "sqlite", url)


def _postgres(conninfo: str, url: str) -> Reader:
    try:
        import psycopg
    except ImportError as exc:
        raise ArchiveError(
            "PostgreSQL archives need the postgres extra: pip install 'healtharchive[postgres]'"
        ) from exc
    try:
        connection = psycopg.connect(
            conninfo,
            connect_timeout=POSTGRES_CONNECT_TIMEOUT_S,
            options="-c default_transaction_read_only=on -c timezone=UTC",
        )
    except (psycopg.Error, ValueError) as exc:
        raise ArchiveError(f"cannot open archive {url!r}: {_first_line(exc)}") from exc
    return Reader(connection, "postgresql", url)


def _check_revision(reader: Reader) -> None:
    try:
        current = reader.revision()
    except ArchiveError as exc:
        if not _is_missing_table(exc):
            raise
        current = None
    if current is None:
        raise ArchiveError(f"{reader.url} is not an archive (no schema): run a crawl first")
    head = head_revision()
    if current != head:
        raise ArchiveError(
            f"archive schema is at revision {current}, this version needs {head}: "
            "run 'healtharchive db upgrade' first"
        )


def _is_driver_error(exc: Exception) -> bool:
    """A DB-API error of either driver, without importing psycopg for SQLite archives."""
    return isinstance(exc, sqlite3.Error) or type(exc).__module__.startswith("psycopg")


def _is_missing_table(exc: Exception) -> bool:
    text = str(exc).lower()
    return "no such table" in text or "does not exist" in text or "file is not a database" in text


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def placeholders(names: Sequence[Any]) -> str:
    """``:p0, :p1, ...`` for an ``IN`` list, with :func:`bind` building the parameters."""
    return ", ".join(f":p{i}" for i in range(len(names)))


def bind(values: Sequence[Any]) -> dict[str, Any]:
    return {f"p{i}": value for i, value in enumerate(values)}
