"""Run an analyst's SQL against the archive with no way to change it, whatever the SQL says.

Read-only by construction, in layers, so no single check has to be perfect:

SQLite
    the file is opened read-only (``mode=ro`` URI), ``PRAGMA query_only`` is on, extension
    loading stays disabled, and an authorizer allows only reading: ``SELECT``, reads, functions
    (except ``load_extension``) and pragmas that do not set anything. ``ATTACH``, writes and
    schema changes are refused before they run. The driver runs one statement per call.
PostgreSQL
    one statement (sent as a prepared statement, which cannot hold two) in a ``READ ONLY``
    transaction on a session whose default is read-only, and the statement must be a query
    (``SELECT``, ``WITH``, ``VALUES``, ``TABLE``, ``SHOW`` or ``EXPLAIN``), so ``COPY ... TO
    PROGRAM`` or ``SET`` never run. Give analysts a role with only ``SELECT`` grants too:
    privileges are the server's job.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from storage.errors import ArchiveError
from storage.reader import open_reader

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
def run_query(db: str, sql: str) -> Iterator[QueryResult]:
    """Run one read-only statement; rows stream while the context is open."""
    with open_reader(db) as reader:
        if reader.dialect == "sqlite":
            yield _sqlite_query(reader.connection, sql)
        else:
            yield _postgres_query(reader.connection, sql)


def _sqlite_query(conn: sqlite3.Connection, sql: str) -> QueryResult:
    refused: list[str] = []
    conn.execute("PRAGMA query_only = ON")
    _connect_virtual_tables(conn)
    conn.set_authorizer(_authorizer(refused))
    try:
        cursor = conn.execute(sql)
    except sqlite3.Error as exc:
        if refused:
            raise ReadOnlyError(f"refused: {refused[0]}; query only reads") from exc
        raise ArchiveError(f"query failed: {exc}") from exc
    return QueryResult([d[0] for d in cursor.description or ()], _sqlite_rows(cursor))


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
        for row in cursor:  # noqa: UP028 (yield from would close the cursor of a closed database)
            yield row
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


def _postgres_query(conn: Any, sql: str) -> QueryResult:
    import psycopg

    statement = COMMENTS.sub(" ", sql)
    if not POSTGRES_QUERY.match(statement):
        first = (statement.split() or ["(empty)"])[0]
        raise ReadOnlyError(f"refused: {first.upper()} statement; query only reads")
    conn.rollback()
    conn.read_only = True
    cursor = conn.cursor()
    try:
        cursor.execute(sql, prepare=True)
    except psycopg.errors.ReadOnlySqlTransaction as exc:
        raise ReadOnlyError(f"refused: {_first_line(exc)}; query only reads") from exc
    except psycopg.Error as exc:
        raise ArchiveError(f"query failed: {_first_line(exc)}") from exc
    return QueryResult([d.name for d in cursor.description or ()], iter(cursor))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
