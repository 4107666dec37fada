"""Export archive tables to CSV, JSONL or Parquet at the speed of the database driver.

Rows stream from the database cursor in batches straight into the writer: no ORM objects and,
for CSV, no Python work per cell; Parquet from SQLite takes Arrow batches filled in C (ADBC).
Everything that varies per value is done by the database in the ``SELECT`` itself: timestamps
as ISO 8601 UTC text, JSON lists joined, booleans as 0/1, and the spreadsheet safety of CSV
(OWASP "CSV injection"): a text cell starting with ``= + - @``, tab or CR gets a leading ``'``
so a hostile page title cannot become a formula.
``raw=True`` turns that off, along with the UTF-8 BOM that lets Excel read Chinese correctly.

A file appears only when complete (written under a temporary name, then renamed), with a
``<file>.manifest.json`` beside it that says how to reproduce it: table, columns, filters, row
count, SHA-256, archive schema revision, parser versions and time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import operator
import os
import queue
import re
import sys
import tempfile
import threading
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from itertools import accumulate, repeat
from pathlib import Path
from typing import IO, Any

from storage.errors import ArchiveError
from storage.reader import PARAM_RE, Reader

FORMATS = ("csv", "jsonl", "parquet")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BATCH_ROWS = 5000
PARQUET_BATCH_ROWS = 10_000
WRITE_AHEAD = 2

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Column:
    """An exported column: its SQL (``{iso}``/``{joined}``/``{json}`` resolved per dialect)."""

    name: str
    sql: str
    kind: str = "text"
    """``text``, ``int``, ``bool`` (0/1), ``time`` (ISO 8601 UTC) or ``list`` (joined by "; ")."""
    few_values: bool = False
    """A code or name repeated across rows (language, status): Parquet dictionary-encodes it."""


@dataclass(frozen=True)
class Source:
    """One exportable table: its rows, columns and which columns the filters apply to."""

    from_sql: str
    columns: tuple[Column, ...]
    order_by: str
    site: str | None = None
    language: str | None = None
    time: str | None = None


TO_ARTICLE = "JOIN articles a ON v.article_id = a.id AND v.version = a.current_version"
CURRENT = f"article_versions v {TO_ARTICLE}"
ARTICLE_REF = (Column("canonical_url", "a.canonical_url"), Column("headline", "v.headline"))
SOURCES: dict[str, Source] = {
    "articles": Source(
        f"{CURRENT} LEFT JOIN clusters c ON c.id = a.cluster_id",
        (
            *ARTICLE_REF[:1],
            Column("url", "v.url"),
            ARTICLE_REF[1],
            Column("language", "v.language", few_values=True),
            Column("category", "v.category", few_values=True),
            Column("date_published", "v.date_published"),
            Column("date_modified", "v.date_modified"),
            Column("authors", "v.authors", "list"),
            Column("description", "v.description"),
            Column("status", "a.status", few_values=True),
            Column("version", "v.version", "int"),
            Column("parser_version", "v.parser_version", few_values=True),
            Column("first_seen", "a.first_seen", "time"),
            Column("last_seen", "a.last_seen", "time"),
            Column("cluster_id", "a.cluster_id", "int"),
            Column(
                "is_cluster_canonical",
                "CASE WHEN a.cluster_id IS NULL THEN NULL "
                "WHEN c.canonical_article_id = a.id THEN 1 ELSE 0 END",
                "bool",
            ),
            Column(
                "advice_count",
                "(SELECT count(*) FROM advice_items i WHERE i.version_id = v.id)",
                "int",
            ),
            Column("body", "v.body"),
        ),
        "a.id",
        site="a.canonical_url",
        language="v.language",
        time="a.first_seen",
    ),
    "advice": Source(
        f"advice_items i JOIN article_versions v ON i.version_id = v.id {TO_ARTICLE}",
        (
            *ARTICLE_REF,
            Column("language", "v.language", few_values=True),
            Column("list_index", "i.list_index", "int"),
            Column("position", "i.position", "int"),
            Column("printed_number", "i.printed_number", "int"),
            Column("marker", "i.marker", few_values=True),
            Column("text", "i.text"),
            Column("explanation", "i.explanation"),
        ),
        "a.id, i.position",
        site="a.canonical_url",
        language="v.language",
        time="a.first_seen",
    ),
    "links": Source(
        f"links l JOIN article_versions v ON l.version_id = v.id {TO_ARTICLE}",
        (
            *ARTICLE_REF,
            Column("kind", "l.kind", few_values=True),
            Column("position", "l.position", "int"),
            Column("url", "l.url"),
            Column("text", "l.text"),
            Column("title", "l.title"),
        ),
        "a.id, l.kind, l.position",
        site="a.canonical_url",
        language="v.language",
        time="a.first_seen",
    ),
    "versions": Source(
        "article_versions v JOIN articles a ON a.id = v.article_id",
        (
            Column("canonical_url", "a.canonical_url"),
            Column("version", "v.version", "int"),
            Column("url", "v.url"),
            Column("headline", "v.headline"),
            Column("language", "v.language", few_values=True),
            Column("category", "v.category", few_values=True),
            Column("date_published", "v.date_published"),
            Column("date_modified", "v.date_modified"),
            Column("authors", "v.authors", "list"),
            Column("breadcrumbs", "v.breadcrumbs", "list"),
            Column("created_at", "v.created_at", "time"),
            Column("crawl_run_id", "v.crawl_run_id", "int"),
            Column("parser_version", "v.parser_version", few_values=True),
            Column("content_hash", "v.content_hash"),
            Column("body", "v.body"),
        ),
        "a.id, v.version",
        site="a.canonical_url",
        language="v.language",
        time="v.created_at",
    ),
    "fetches": Source(
        "fetches f",
        (
            Column("id", "f.id", "int"),
            Column("crawl_run_id", "f.crawl_run_id", "int"),
            Column("url", "f.url"),
            Column("final_url", "f.final_url"),
            Column("status", "f.status", "int"),
            Column("error", "f.error"),
            Column("content_type", "f.content_type", few_values=True),
            Column("etag", "f.etag"),
            Column("last_modified", "f.last_modified"),
            Column("fetched_at", "f.fetched_at", "time"),
            Column("blob_sha256", "f.blob_sha256"),
        ),
        "f.id",
        site="f.url",
        time="f.fetched_at",
    ),
    "runs": Source(
        "crawl_runs r",
        (
            Column("id", "r.id", "int"),
            Column("spider", "r.spider", few_values=True),
            Column("status", "r.status", few_values=True),
            Column("started_at", "r.started_at", "time"),
            Column("finished_at", "r.finished_at", "time"),
            Column("resumed_from", "r.resumed_from", "int"),
            Column("start_urls", "r.start_urls", "list"),
            Column("stats", "r.stats", "json"),
        ),
        "r.id",
        time="r.started_at",
    ),
    "tombstones": Source(
        "tombstones t JOIN articles a ON a.id = t.article_id",
        (
            Column("canonical_url", "a.canonical_url"),
            Column("reason", "t.reason", few_values=True),
            Column("crawl_run_id", "t.crawl_run_id", "int"),
            Column("fetch_id", "t.fetch_id", "int"),
            Column("recorded_at", "t.recorded_at", "time"),
        ),
        "t.id",
        site="a.canonical_url",
        time="t.recorded_at",
    ),
    "aliases": Source(
        "url_aliases u JOIN articles a ON a.id = u.article_id",
        (
            Column("url", "u.url"),
            Column("canonical_url", "a.canonical_url"),
            Column("reason", "u.reason", few_values=True),
        ),
        "u.url",
        site="u.url",
    ),
    "clusters": Source(
        "articles a JOIN clusters c ON c.id = a.cluster_id",
        (
            Column("cluster_id", "c.id", "int"),
            Column("canonical_url", "a.canonical_url"),
            Column(
                "is_cluster_canonical",
                "CASE WHEN c.canonical_article_id = a.id THEN 1 ELSE 0 END",
                "bool",
            ),
            Column("first_seen", "a.first_seen", "time"),
        ),
        "c.id, a.id",
        site="a.canonical_url",
        time="a.first_seen",
    ),
}
"""Exportable tables by name. Articles, advice and links are the current versions only."""
ALIASES = {"crawl_runs": "runs", "article_versions": "versions", "url_aliases": "aliases"}


@dataclass(frozen=True)
class Filters:
    """Row filters shared with ``search``: site, language, first seen in [since, until)."""

    site: str | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def describe(self) -> dict[str, str]:
        return {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in asdict(self).items()
            if value is not None
        }


@dataclass(frozen=True)
class ExportResult:
    rows: int
    columns: tuple[str, ...]
    path: Path | None
    sha256: str | None = None
    manifest: Path | None = None


def table_for(name: str) -> str:
    """A table name as the user may spell it (``advice``, ``crawl_runs``...) -> its key."""
    key = ALIASES.get(name, name)
    if key not in SOURCES:
        raise ValueError(f"cannot export {name!r}: choose one of {', '.join(sorted(SOURCES))}")
    return key


def pick_columns(table: str, wanted: Sequence[str] | None) -> tuple[Column, ...]:
    columns = SOURCES[table].columns
    if not wanted:
        return columns
    by_name = {column.name: column for column in columns}
    unknown = [name for name in wanted if name not in by_name]
    if unknown:
        raise ValueError(
            f"unknown column {unknown[0]!r} for {table}: choose from {', '.join(by_name)}"
        )
    return tuple(by_name[name] for name in wanted)


def select_sql(
    reader: Reader,
    table: str,
    columns: Sequence[Column],
    filters: Filters | None = None,
    *,
    neutralise: bool = False,
    as_csv: bool = False,
    as_json: bool = False,
    as_text: bool = False,
    typed_first_row: bool = False,
) -> tuple[str, dict[str, Any]]:
    """The ``SELECT`` (with parameters) that an export of ``table`` runs.

    With ``as_text`` every value comes back as text, NULL as NULL (for :func:`_arrow_column`);
    with ``as_csv`` as text, NULL as '', ready for :func:`_csv_lines`.
    With ``as_json`` each row comes back as one JSON object, encoded by the database.
    With ``typed_first_row`` (SQLite, for :func:`_adbc_batches`) the rows follow one extra row
    holding '' in every text column and NULL in the others, and the sort keys come first as
    ``_key0``, ``_key1``...: ADBC types each column from the first rows it reads, and a text
    column with only NULLs there would become integers. The extra row sorts first because the
    first sort key of every table is never NULL; SQLite merges the two sorted parts without
    sorting again.
    """
    source = SOURCES[table]
    filters = filters or Filters()
    exprs = [_value_sql(reader, column, neutralise) for column in columns]
    if as_text or as_csv:
        exprs = [
            expr if column.kind in ("text", "list", "json") else f"CAST({expr} AS TEXT)"
            for expr, column in zip(exprs, columns, strict=True)
        ]
    if as_csv:
        exprs = [f"coalesce({expr}, '')" for expr in exprs]
    selected = ", ".join(
        f"{expr} AS {column.name}" for expr, column in zip(exprs, columns, strict=True)
    )
    if as_json:
        selected = _json_object(reader, exprs, columns)
    where, params = _where(reader, source, filters)
    order_by = source.order_by
    if typed_first_row:
        keys = order_by.split(", ")
        first = [f"NULL AS _key{n}" for n in range(len(keys))] + [
            f"{'NULL' if column.kind in ('int', 'bool') else repr('')} AS {column.name}"
            for column in columns
        ]
        selected = ", ".join([*keys, selected])
        order_by = ", ".join(str(n + 1) for n in range(len(keys)))
    query = f"SELECT {selected} FROM {source.from_sql}"
    if where:
        query += " WHERE " + " AND ".join(where)
    if typed_first_row:
        query = f"SELECT {', '.join(first)} UNION ALL {query}"
    return f"{query} ORDER BY {order_by}", params


def export_table(
    reader: Reader,
    table: str,
    target: Path | None,
    fmt: str,
    *,
    columns: Sequence[str] | None = None,
    filters: Filters | None = None,
    raw: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Export ``table`` to ``target`` (``None``: stdout) in ``fmt``; return what was written."""
    filters = filters or Filters()
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    table = table_for(table)
    picked = pick_columns(table, columns)
    names = tuple(column.name for column in picked)
    if fmt == "parquet":
        if target is None:
            raise ValueError("Parquet cannot be written to stdout: give a file name")
    else:
        query, params = select_sql(
            reader,
            table,
            picked,
            filters,
            neutralise=fmt == "csv" and not raw,
            as_csv=fmt == "csv",
            as_json=fmt == "jsonl",
        )
    if target is None:
        rows, _ = _write(
            reader, query, params, picked, fmt, sys.stdout.buffer, raw, progress, False
        )
        return ExportResult(rows=rows, columns=names, path=None)
    _check_target(target)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if fmt == "parquet":
                rows = _write_parquet(reader, table, picked, filters, handle, progress)
                digest = None
            else:
                rows, digest = _write(
                    reader, query, params, picked, fmt, handle, raw, progress, True
                )
        digest = digest or _sha256(tmp)
        tmp.chmod(0o666 & ~_umask())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    manifest = target.with_name(target.name + ".manifest.json")
    manifest.write_text(
        json.dumps(
            {
                "file": target.name,
                "table": table,
                "format": fmt,
                "rows": rows,
                "columns": list(names),
                "sha256": digest,
                "filters": filters.describe(),
                "excel_safe": fmt == "csv" and not raw,
                "archive": {"url": _hide_password(reader.url), "revision": reader.revision()},
                "parser_versions": _parser_versions(reader),
                "healtharchive_version": _package_version(),
                "created_at": datetime.now(timezone.utc).isoformat(),
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return ExportResult(rows=rows, columns=names, path=target, sha256=digest, manifest=manifest)


def _write(
    reader: Reader,
    query: str,
    params: dict[str, Any],
    columns: Sequence[Column],
    fmt: str,
    out: IO[bytes],
    raw: bool,
    progress: Progress | None,
    to_file: bool,
) -> tuple[int, str | None]:
    """Rows written as CSV or JSONL, and the SHA-256 of the bytes written."""
    if reader.dialect == "sqlite":
        # Undecoded UTF-8 straight from SQLite: nothing to decode, nothing to encode again.
        reader.connection.text_factory = bytes
    try:
        batches = _batches(reader.cursor(query, params), BATCH_ROWS, progress)
        with _Writer(out) as writer:
            if fmt == "csv":
                rows = _write_csv(batches, columns, writer, bom=to_file and not raw)
            else:
                rows = _write_jsonl(batches, writer)
        return rows, writer.digest.hexdigest()
    finally:
        if reader.dialect == "sqlite":
            reader.connection.text_factory = str


class _Writer:
    """Writes and hashes (SHA-256) in a second thread while the database reads the next batch.

    Both ``write`` and ``hashlib`` release the GIL, and so does SQLite while it steps through
    rows, so the three overlap; hashing as the bytes go out also spares reading the file again
    for the manifest. The queue holds at most :data:`WRITE_AHEAD` batches, so memory stays flat.
    A write error (disk full) is raised in the exporting thread at its next write.
    """

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.digest = hashlib.sha256()
        self.queue: queue.Queue[bytes | None] = queue.Queue(WRITE_AHEAD)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._drain, name="export-writer", daemon=True)

    def __enter__(self) -> _Writer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None and exc[0] is None:
            raise self.error

    def write(self, data: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(data)

    def _drain(self) -> None:
        while (data := self.queue.get()) is not None:
            if self.error is not None:
                continue
            try:
                self.out.write(data)
                self.digest.update(data)
            except BaseException as exc:  # handed to the exporting thread
                self.error = exc


def _batches(cursor: Any, size: int, progress: Progress | None) -> Iterator[list[tuple[Any, ...]]]:
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            return
        yield rows
        if progress:
            progress(len(rows))


def _write_csv(
    batches: Iterator[list[tuple[Any, ...]]], columns: Sequence[Column], out: _Writer, bom: bool
) -> int:
    header = io.StringIO()
    csv.writer(header).writerow([column.name for column in columns])
    out.write(("\ufeff" if bom else "").encode() + header.getvalue().encode())
    count = 0
    for rows in batches:
        if isinstance(rows[0][0], str):
            rows = [tuple(value.encode() for value in row) for row in rows]
        out.write(_csv_lines(rows))
        count += len(rows)
    return count


def _csv_lines(rows: list[tuple[bytes, ...]]) -> bytes:
    """A batch of all-text rows (UTF-8 bytes) as CSV lines, every field quoted (RFC 4180).

    Python's ``csv`` module looks at every character one by one and cost three times the
    query itself. Here each row is one C-level ``join`` (``map``, no Python code per row) and
    the batch one more; a quote inside a value shows up as extra quotes in the joined batch,
    and only then are the rows holding one quoted field by field.
    """
    separators = 2 * (len(rows[0]) - 1)
    lines = list(map(b'","'.join, rows))
    data = b'"\r\n"'.join(lines)
    if data.count(b'"') != (separators + 2) * len(lines) - 2:
        data = b'"\r\n"'.join(
            [
                line
                if line.count(b'"') == separators
                else b'","'.join([value.replace(b'"', b'""') for value in row])
                for line, row in zip(lines, rows, strict=True)
            ]
        )
    return b'"' + data + b'"\r\n'


def _write_jsonl(batches: Iterator[list[tuple[Any, ...]]], out: _Writer) -> int:
    """One JSON object per line, as the database encoded it (see :func:`_json_object`)."""
    count = 0
    for rows in batches:
        lines = [row[0] if isinstance(row[0], bytes) else row[0].encode() for row in rows]
        out.write(b"\n".join(lines) + b"\n")
        count += len(rows)
    return count


def _write_parquet(
    reader: Reader,
    table: str,
    columns: Sequence[Column],
    filters: Filters,
    out: IO[bytes],
    progress: Progress | None,
) -> int:
    """Rows of ``table`` written as Parquet, values raw (no spreadsheet neutralising).

    On SQLite the rows come as Arrow record batches straight from the database through ADBC
    (:func:`_adbc_batches`: C all the way, no Python object per value) when its SQLite driver
    is installed, as it is with the ``parquet`` extra; otherwise, and on PostgreSQL, through
    the driver's cursor (:func:`_cursor_batches`). Either way Arrow's C++ casts give the
    columns their types and the writer compresses.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ValueError(
            "Parquet export needs pyarrow: pip install 'healtharchive[parquet]'"
        ) from exc
    schema = pa.schema([(column.name, _arrow_type(pa, column.kind)) for column in columns])
    if reader.dialect == "sqlite" and _adbc_available():
        query, params = select_sql(reader, table, columns, filters, typed_first_row=True)
        batches = _adbc_batches(pa, reader, query, params, schema)
    else:
        query, params = select_sql(reader, table, columns, filters, as_text=True)
        batches = _cursor_batches(pa, reader, query, params, schema)
    count = 0
    with pq.ParquetWriter(out, schema, **_parquet_options(columns)) as writer:
        for batch in batches:
            writer.write_batch(batch)
            count += batch.num_rows
            if progress:
                progress(batch.num_rows)
    return count


def _adbc_available() -> bool:
    try:
        import adbc_driver_manager  # noqa: F401
        import adbc_driver_sqlite  # noqa: F401
    except ImportError:
        return False
    return True


def _adbc_batches(
    pa: Any, reader: Reader, query: str, params: dict[str, Any], schema: Any
) -> Iterator[Any]:
    """Record batches of a ``typed_first_row`` query, read by ADBC's SQLite driver.

    ADBC opens the archive file itself (read-only) and fills Arrow columns in C. Its first
    row, there only to type the columns, is dropped with the sort keys; each batch is checked
    (UTF-8 included) and cast to ``schema``: ISO 8601 text to UTC timestamps, 0/1 to booleans.
    """
    import adbc_driver_manager as adbc
    import adbc_driver_sqlite

    path = next(row[2] for row in reader.rows("PRAGMA database_list") if row[1] == "main")
    names = list(params)
    # ADBC binds parameters by position: :name becomes ?N, N its place in ``names``.
    query = PARAM_RE.sub(lambda match: f"?{names.index(match[1]) + 1}", query)
    try:
        database = adbc_driver_sqlite.connect(Path(path).as_uri() + "?mode=ro")
        connection = adbc.AdbcConnection(database)
        statement = adbc.AdbcStatement(connection)
    except adbc.Error as exc:
        raise ArchiveError(f"cannot read archive {reader.url!r}: {exc}") from exc
    try:
        statement.set_options(
            **{adbc_driver_sqlite.StatementOptions.BATCH_ROWS.value: str(PARQUET_BATCH_ROWS)}
        )
        statement.set_sql_query(query)
        if names:
            values = [
                _arrow_column(pa, [str(params[name]).encode()], pa.string()) for name in names
            ]
            statement.bind(pa.record_batch(values, names=names))
        try:
            stream, _ = statement.execute_query()
        except adbc.Error as exc:
            raise ArchiveError(f"cannot read archive {reader.url!r}: {exc}") from exc
        first = True
        for batch in pa.RecordBatchReader.from_stream(stream):
            if first:
                batch, first = batch.slice(1), False
            batch.validate(full=True)
            arrays = [batch.column(field.name) for field in schema]
            yield pa.record_batch(
                [
                    array if array.type == field.type else array.cast(field.type)
                    for array, field in zip(arrays, schema, strict=True)
                ],
                schema=schema,
            )
    finally:
        statement.close()
        connection.close()
        database.close()


def _cursor_batches(
    pa: Any, reader: Reader, query: str, params: dict[str, Any], schema: Any
) -> Iterator[Any]:
    """Record batches of an ``as_text`` query, built column by column from the cursor's rows."""
    if reader.dialect == "sqlite":
        # Undecoded UTF-8 from SQLite: Arrow needs bytes, decoding to str would be wasted.
        reader.connection.text_factory = bytes
    try:
        for rows in _batches(reader.cursor(query, params), PARQUET_BATCH_ROWS, None):
            if reader.dialect != "sqlite":  # psycopg gives text as str
                rows = [tuple(map(_utf8, row)) for row in rows]
            arrays = [
                _arrow_column(pa, values, field.type)
                for values, field in zip(zip(*rows, strict=True), schema, strict=True)
            ]
            yield pa.record_batch(arrays, schema=schema)
    finally:
        if reader.dialect == "sqlite":
            reader.connection.text_factory = str


def _arrow_type(pa: Any, kind: str) -> Any:
    if kind == "int":
        return pa.int64()
    if kind == "bool":
        return pa.bool_()
    if kind == "time":
        return pa.timestamp("us", tz="UTC")
    return pa.string()


def _utf8(value: str | None) -> bytes | None:
    return None if value is None else value.encode()


def _arrow_column(pa: Any, values: Sequence[bytes | None], target: Any) -> Any:
    """One column of a batch, UTF-8 or NULL (``None``), as an Arrow array of type ``target``.

    The array is assembled from its three buffers, each made by one C-level pass: which values
    are present, the end offset of each value (``length_hint`` is 0 for ``None``) and all the
    bytes joined. That costs less than ``pyarrow.array`` per value, and ``pyarrow.array``
    imports pandas on its first call when pandas is installed: 0.35 s of CPU per export.
    Arrow's casts then check the UTF-8 and parse numbers and ISO 8601 times in C++.
    """
    present = bytes(map(operator.is_not, values, repeat(None)))
    validity = None
    if 0 in present:
        flags = pa.Array.from_buffers(pa.uint8(), len(present), [None, pa.py_buffer(present)])
        validity = flags.cast(pa.bool_()).buffers()[1]
    offsets = array("q", accumulate(map(operator.length_hint, values), initial=0))
    data = b"".join(filter(None, values))  # type: ignore[arg-type]
    binary = pa.Array.from_buffers(
        pa.large_binary(), len(values), [validity, pa.py_buffer(offsets), pa.py_buffer(data)]
    )
    text = binary.cast(pa.string())
    return text if target == pa.string() else text.cast(target)


def _parquet_options(columns: Sequence[Column]) -> dict[str, Any]:
    """Writer options: a fast codec, and dictionaries only where they pay.

    Snappy, not zstd: on the 200,000-article benchmark zstd (level 1) made the file 22% smaller
    (90 MB against 116 MB) for a fifth more CPU over the whole export (2.4 s against 2.0 s);
    snappy is Parquet's usual codec and every reader has it. Dictionary encoding is kept for
    columns with few distinct values (:attr:`Column.few_values`, numbers); on free text (bodies,
    URLs) it only hashes every value before giving up.
    """
    return {
        "compression": "snappy",
        "use_dictionary": [
            column.name for column in columns if column.few_values or column.kind in ("int", "bool")
        ],
    }


def _value_sql(reader: Reader, column: Column, neutralise: bool) -> str:
    if column.kind == "time":
        return reader.iso(column.sql)
    if column.kind in ("int", "bool"):
        return column.sql
    expr = column.sql
    if column.kind == "list":
        expr = reader.joined(column.sql)
    elif column.kind == "json" and reader.dialect == "postgresql":
        expr = f"CAST({column.sql} AS TEXT)"
    if not neutralise:
        return expr
    if reader.dialect == "sqlite":
        # The first code point as a number: cheaper than cutting a one-character string.
        first = f"unicode({expr})"
        prefixes = ", ".join(str(ord(prefix)) for prefix in FORMULA_PREFIXES)
    else:
        first = f"substr({expr}, 1, 1)"
        prefixes = ", ".join(f"'{prefix}'" for prefix in FORMULA_PREFIXES)
    return f"CASE WHEN {first} IN ({prefixes}) THEN '''' || {expr} ELSE {expr} END"


def _json_object(reader: Reader, exprs: list[str], columns: Sequence[Column]) -> str:
    """SQL building each row as a JSON object: numbers, true/false and null keep their type."""
    pairs = []
    for expr, column in zip(exprs, columns, strict=True):
        if column.kind == "bool" and reader.dialect == "sqlite":
            expr = f"CASE {expr} WHEN 1 THEN json('true') WHEN 0 THEN json('false') END"
        elif column.kind == "bool":
            expr = f"({expr}) = 1"
        pairs.append(f"'{column.name}', {expr}")
    if reader.dialect == "sqlite":
        return f"json_object({', '.join(pairs)})"
    return f"CAST(json_build_object({', '.join(pairs)}) AS TEXT)"


def _where(reader: Reader, source: Source, filters: Filters) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    for name, wanted in (
        ("site", filters.site),
        ("language", filters.language),
        ("since", filters.since),
        ("until", filters.until),
    ):
        if wanted is None:
            continue
        column = source.time if name in ("since", "until") else getattr(source, name)
        if column is None:
            raise ValueError(f"--{name} does not apply to this table")
        if name == "site":
            where.append(_site_condition(column, wanted, params))
        elif name == "language":
            where.append(f"{column} = :language")
            params["language"] = wanted
        elif isinstance(wanted, datetime):
            where.append(f"{column} {'>=' if name == 'since' else '<'} :{name}")
            params[name] = _time_param(reader, wanted)
    return where, params


def _site_condition(column: str, site: Any, params: dict[str, Any]) -> str:
    """``--site`` takes a host (either scheme) or a URL prefix."""
    site = str(site).strip()
    escaped = re.sub(r"([\\%_])", r"\\\1", site.rstrip("/"))
    if "://" in site:
        params["site0"] = escaped + "/%"
        return f"{column} LIKE :site0 ESCAPE '\\'"
    params["site0"] = f"http://{escaped}/%"
    params["site1"] = f"https://{escaped}/%"
    return f"({column} LIKE :site0 ESCAPE '\\' OR {column} LIKE :site1 ESCAPE '\\')"


def _time_param(reader: Reader, value: datetime) -> Any:
    """A bound timestamp comparable with the stored ones (SQLite stores naive UTC text)."""
    utc = value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if reader.dialect == "sqlite":
        return utc.strftime("%Y-%m-%d %H:%M:%S.%f")
    return utc


def _check_target(target: Path) -> None:
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ValueError(f"cannot write {target}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ValueError(f"cannot write {target}: permission denied")
    if target.is_dir():
        raise ValueError(f"cannot write {target}: it is a directory")


def _umask() -> int:
    """The process umask (only readable by setting it), so the file gets normal permissions."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _parser_versions(reader: Reader) -> list[str]:
    return sorted(
        row[0] for row in reader.rows("SELECT DISTINCT parser_version FROM article_versions")
    )


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("healtharchive")
    except PackageNotFoundError:
        return "unknown"


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
