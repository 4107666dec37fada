"""Run an analyst's SQL against the archive with no way to change it, whatever the SQL says.

Read-only by construction, in layers, so no single check has to be perfect:

SQLite
    the file is opened read-only (``mode=ro`` URI), ``PRAGMA query_only`` is on, extension
    loading stays disabled, and an authorizer allows only reading: ``SELECT``, reads, functions
    (except ``load_extension``) and pragmas that do not set anything. ``ATTACH``, writes and
    schema changes are refused before they run. The driver runs one statement per call.
PostgreSQL
    one statement (sent as a prepared statement, which cannot hold two) in a ``READ ONLY``
    transaction that is rolled back, and the statement must be a query (``SELECT``, ``WITH``,
    ``VALUES``, ``TABLE``, ``SHOW`` or ``EXPLAIN``), so ``COPY ... TO PROGRAM`` or ``SET`` never
    run. Give analysts a role with only ``SELECT`` grants too: privileges are the server's job.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.db import database_url
from storage.errors import ArchiveError

READ_PRAGMAS_WITH_ARGUMENT = frozenset(
    {
        "table_info",
        "table_xinfo",
        "table_list",
        "index_list",
        "index_info",
        "index_xinfo",
        "foreign_key_list",
        "foreign_key_check",
        "integrity_check",
        "quick_check",
    }
)
"""Pragmas whose argument names a table or a limit: they read, never set."""
DENIED_FUNCTIONS = frozenset({"load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"})
ALLOWED_ACTIONS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
ACTION_NAMES = {
    sqlite3.SQLITE_CREATE_INDEX: "CREATE INDEX",
    sqlite3.SQLITE_CREATE_TABLE: "CREATE TABLE",
    sqlite3.SQLITE_CREATE_TEMP_INDEX: "CREATE TEMP INDEX",
    sqlite3.SQLITE_CREATE_TEMP_TABLE: "CREATE TEMP TABLE",
    sqlite3.SQLITE_CREATE_TEMP_TRIGGER: "CREATE TEMP TRIGGER",
    sqlite3.SQLITE_CREATE_TEMP_VIEW: "CREATE TEMP VIEW",
    sqlite3.SQLITE_CREATE_TRIGGER: "CREATE TRIGGER",
    sqlite3.SQLITE_CREATE_VIEW: "CREATE VIEW",
    sqlite3.SQLITE_DELETE: "DELETE",
    sqlite3.SQLITE_DROP_INDEX: "DROP INDEX",
    sqlite3.SQLITE_DROP_TABLE: "DROP TABLE",
    sqlite3.SQLITE_DROP_TEMP_INDEX: "DROP TEMP INDEX",
    sqlite3.SQLITE_DROP_TEMP_TABLE: "DROP TEMP TABLE",
    sqlite3.SQLITE_DROP_TEMP_TRIGGER: "DROP TEMP TRIGGER",
    sqlite3.SQLITE_DROP_TEMP_VIEW: "DROP TEMP VIEW",
    sqlite3.SQLITE_DROP_TRIGGER: "DROP TRIGGER",
    sqlite3.SQLITE_DROP_VIEW: "DROP VIEW",
    sqlite3.SQLITE_INSERT: "INSERT",
    sqlite3.SQLITE_PRAGMA: "PRAGMA",
    sqlite3.SQLITE_READ: "READ",
    sqlite3.SQLITE_SELECT: "SELECT",
    sqlite3.SQLITE_TRANSACTION: "TRANSACTION",
    sqlite3.SQLITE_UPDATE: "UPDATE",
    sqlite3.SQLITE_ATTACH: "ATTACH",
    sqlite3.SQLITE_DETACH: "DETACH",
    sqlite3.SQLITE_ALTER_TABLE: "ALTER TABLE",
    sqlite3.SQLITE_REINDEX: "REINDEX",
    sqlite3.SQLITE_ANALYZE: "ANALYZE",
    sqlite3.SQLITE_CREATE_VTABLE: "CREATE VTABLE",
    sqlite3.SQLITE_DROP_VTABLE: "DROP VTABLE",
    sqlite3.SQLITE_FUNCTION: "FUNCTION",
    sqlite3.SQLITE_SAVEPOINT: "SAVEPOINT",
    sqlite3.SQLITE_RECURSIVE: "RECURSIVE",
}
"""Authorizer action codes, for the refusal message (VACUUM INTO shows as ATTACH)."""
POSTGRES_QUERY = re.compile(r"\s*(\(\s*)*(select|with|values|table|show|explain)\b", re.I)
COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)


class ReadOnlyError(ArchiveError):
    """The statement would change the archive (or reach outside it) and was refused."""


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: Iterator[tuple[Any, ...]]


@contextmanager
def run_query(url: str, sql: str) -> Iterator[QueryResult]:
    """Run one read-only statement; rows stream while the context is open."""
    url = database_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ArchiveError(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        with _sqlite_query(Path(parsed.database or ""), sql) as result:
            yield result
    elif backend == "postgresql":
        conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        with _postgres_query(conninfo, sql) as result:
            yield result
    else:
        raise ArchiveError(f"query supports SQLite and PostgreSQL archives, not {backend!r}")


@contextmanager
def _sqlite_query(path: Path, sql: str) -> Iterator[QueryResult]:
    if not path.is_file():
        raise ArchiveError(f"no archive at {path}: run a crawl first")
    refused: list[str] = []
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        conn.execute("PRAGMA query_only = ON")
        _connect_virtual_tables(conn)
        conn.set_authorizer(_authorizer(refused))
        try:
            cursor = conn.execute(sql)
        except sqlite3.Error as exc:
            if refused:
                raise ReadOnlyError(f"refused: {refused[0]}; query only reads") from exc
            raise ArchiveError(f"query failed: {exc}") from exc
        columns = [d[0] for d in cursor.description or ()]
        yield QueryResult(columns, _sqlite_rows(cursor))
    finally:
        conn.close()


def _connect_virtual_tables(conn: sqlite3.Connection) -> None:
    """Open the FTS tables before the authorizer is on: while connecting, FTS5 prepares a
    statement on ``sqlite_master`` that the authorizer would take for a write."""
    virtual = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
    ).fetchall()
    for (name,) in virtual:
        conn.execute(f'SELECT 1 FROM "{name.replace(chr(34), chr(34) * 2)}" WHERE 0').fetchall()


def _sqlite_rows(cursor: sqlite3.Cursor) -> Iterator[tuple[Any, ...]]:
    try:
        yield from cursor
    except sqlite3.Error as exc:
        raise ArchiveError(f"query failed: {exc}") from exc


def _authorizer(refused: list[str]):  # type: ignore[no-untyped-def]
    def check(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
            refused.append(f"function {arg2}()")
            return sqlite3.SQLITE_DENY
        if action in ALLOWED_ACTIONS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and (
            arg2 is None or (arg1 or "").lower() in READ_PRAGMAS_WITH_ARGUMENT
        ):
            return sqlite3.SQLITE_OK
        what = ACTION_NAMES.get(action, str(action))
        target = f"{arg1} = {arg2}" if action == sqlite3.SQLITE_PRAGMA else (arg1 or "")
        refused.append(f"{what} {target}".strip())
        return sqlite3.SQLITE_DENY

    return check


@contextmanager
def _postgres_query(conninfo: str, sql: str) -> Iterator[QueryResult]:
    try:
        import psycopg
    except ImportError as exc:
        raise ArchiveError("PostgreSQL needs: pip install 'healtharchive[postgres]'") from exc
    statement = COMMENTS.sub(" ", sql)
    if not POSTGRES_QUERY.match(statement):
        first = (statement.split() or ["(empty)"])[0]
        raise ReadOnlyError(f"refused: {first.upper()} statement; query only reads")
    try:
        conn = psycopg.connect(conninfo, connect_timeout=10)
    except psycopg.Error as exc:
        raise ArchiveError(f"cannot open archive: {_first_line(exc)}") from exc
    try:
        conn.read_only = True
        cursor = conn.cursor()
        try:
            cursor.execute(sql, prepare=True)
        except psycopg.errors.ReadOnlySqlTransaction as exc:
            raise ReadOnlyError(f"refused: {_first_line(exc)}; query only reads") from exc
        except psycopg.Error as exc:
            raise ArchiveError(f"query failed: {_first_line(exc)}") from exc
        columns = [d.name for d in cursor.description or ()]
        yield QueryResult(columns, iter(cursor))
    finally:
        conn.rollback()
        conn.close()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
