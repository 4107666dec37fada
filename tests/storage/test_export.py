"""Export through the driver-only reader: spreadsheet safety, formats, filters, manifest."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
from datetime import datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from storage import export
from storage.archive import ArchiveWriter
from storage.db import create_archive_engine
from storage.export import PARQUET_BATCH_ROWS, Filters, _csv_lines, _Writer, export_table
from storage.fingerprints import NearDupConfig
from storage.reader import open_reader
from storage.runs import start_run

from .test_archive import article, record

HOSTILE = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
AWKWARD = 'Say "no",\r\nthen sleep; 失眠'
"""Quotes, a comma and a line break inside one value: CSV must round-trip it."""


@pytest.fixture
def hostile_archive(archive_url):
    """One article per hostile title, plus a Chinese one, on SQLite and PostgreSQL."""
    engine = create_archive_engine(archive_url)
    writer = ArchiveWriter(engine, start_run(engine, "test", []), "1", NearDupConfig())
    for n, title in enumerate(HOSTILE):
        writer.add_article(
            record(article(f"http://site/{n}.html", f"Body {n} differs. " * 30, title=title))
        )
    chinese = dataclasses.replace(
        article("http://zh.site/a.html", "失眠的调理方法。" * 30, title="失眠 =1+1"),
        inLanguage="zh",
    )
    writer.add_article(record(chinese))
    writer.add_article(record(article("http://site/q.html", "Quoted body. " * 30, title=AWKWARD)))
    writer.flush()
    engine.dispose()
    return archive_url


def read_csv(path, encoding="utf-8-sig"):
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_is_excel_safe_unless_raw(hostile_archive, tmp_path):
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    with open_reader(hostile_archive) as reader:
        export_table(reader, "articles", safe, "csv")
        export_table(reader, "articles", raw, "csv", raw=True)
    assert safe.read_bytes().startswith(b"\xef\xbb\xbf")
    assert not raw.read_bytes().startswith(b"\xef\xbb\xbf")
    safe_titles = [row["headline"] for row in read_csv(safe)]
    raw_titles = [row["headline"] for row in read_csv(raw, "utf-8")]
    assert safe_titles == ["'" + title for title in HOSTILE] + ["失眠 =1+1", AWKWARD]
    assert raw_titles == [*HOSTILE, "失眠 =1+1", AWKWARD]


def test_jsonl_keeps_values_verbatim_and_typed(hostile_archive, tmp_path):
    path = tmp_path / "articles.jsonl"
    with open_reader(hostile_archive) as reader:
        result = export_table(reader, "articles", path, "jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert result.rows == len(rows) == len(HOSTILE) + 2
    assert rows[0]["headline"] == HOSTILE[0]
    assert rows[0]["advice_count"] == 2 and rows[0]["version"] == 1
    assert rows[0]["first_seen"].endswith("+00:00")
    assert rows[0]["is_cluster_canonical"] is None


def test_filters_and_columns(hostile_archive, tmp_path):
    path = tmp_path / "zh.csv"
    with open_reader(hostile_archive) as reader:
        export_table(
            reader,
            "advice",
            path,
            "csv",
            columns=["canonical_url", "text"],
            filters=Filters(language="zh"),
        )
        by_site = export_table(
            reader, "articles", tmp_path / "site.csv", "csv", filters=Filters(site="zh.site")
        )
        prefix = export_table(
            reader,
            "articles",
            tmp_path / "prefix.csv",
            "csv",
            filters=Filters(site="http://site/"),
        )
    assert read_csv(path) == [
        {"canonical_url": "http://zh.site/a.html", "text": "tip 1"},
        {"canonical_url": "http://zh.site/a.html", "text": "tip 2"},
    ]
    assert (by_site.rows, prefix.rows) == (1, len(HOSTILE) + 1)


def test_manifest_describes_the_file(hostile_archive, tmp_path):
    path = tmp_path / "links.csv"
    with open_reader(hostile_archive) as reader:
        result = export_table(reader, "links", path, "csv", filters=Filters(language="en"))
    manifest = json.loads((tmp_path / "links.csv.manifest.json").read_text(encoding="utf-8"))
    assert manifest["rows"] == result.rows == (len(HOSTILE) + 1) * 3
    assert manifest["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest["filters"] == {"language": "en"}
    assert manifest["columns"][0] == "canonical_url"
    assert manifest["archive"]["revision"]
    assert manifest["parser_versions"] == ["1"]


def test_missing_directory_and_bad_names_are_clear(hostile_archive, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with open_reader(hostile_archive) as reader:
        with pytest.raises(ValueError, match=r"directory .*nowhere does not exist"):
            export_table(reader, "articles", tmp_path / "nowhere" / "a.csv", "csv")
        with pytest.raises(ValueError, match="unknown column 'nope' for articles"):
            export_table(reader, "articles", tmp_path / "a.csv", "csv", columns=["nope"])
        with pytest.raises(ValueError, match="cannot export 'blobs'"):
            export_table(reader, "blobs", tmp_path / "a.csv", "csv")
        with pytest.raises(ValueError, match="unknown export format"):
            export_table(reader, "articles", tmp_path / "a.xlsx", "xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_failed_export_leaves_no_file(hostile_archive, tmp_path, fmt):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    path = tmp_path / f"articles.{fmt}"

    def fail(_rows: int) -> None:
        raise RuntimeError("database went away")

    with open_reader(hostile_archive) as reader, pytest.raises(RuntimeError):
        export_table(reader, "articles", path, fmt, progress=fail)
    assert list(tmp_path.iterdir()) == []


CSV_BATCHES = [
    [("a", "b"), ("c", "")],
    [("plain", "row"), ('with "quotes"', "x"), ("", '"'), ("last", "one")],
    [('"', '""'), ("a,b", "line\r\nbreak")],
    [("失眠", "=1"), ("x", "y")],
]


@pytest.mark.parametrize("rows", CSV_BATCHES)
def test_csv_lines_are_what_the_csv_module_writes(rows):
    expected = io.StringIO()
    csv.writer(expected, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    encoded = [tuple(value.encode() for value in row) for row in rows]
    assert _csv_lines(encoded) == expected.getvalue().encode()


class FullDisk(io.BytesIO):
    def write(self, data):  # type: ignore[override]
        raise OSError(28, "No space left on device")


def test_a_write_error_reaches_the_exporting_thread():
    with pytest.raises(OSError, match="No space left"), _Writer(FullDisk()) as writer:
        for _ in range(10):
            writer.write(b"rows\r\n")


LARGE = "Sleep hygiene, in detail: “quotes”, commas, and\nnewlines. 失眠 " * 20_000
"""About 1.3 MB of text in one value."""


@pytest.fixture
def parquet_archive(archive_url):
    return fill_parquet_archive(archive_url)


@pytest.fixture
def sqlite_parquet_archive(sqlite_url):
    return fill_parquet_archive(sqlite_url)


def fill_parquet_archive(archive_url):
    """Values Parquet must keep exactly: NULL next to '', quotes, line breaks, non-ASCII, raw
    formula-like titles and a large body. The first articles have no description at all, so a
    small batch starts with a text column holding only NULLs."""
    engine = create_archive_engine(archive_url)
    writer = ArchiveWriter(engine, start_run(engine, "test", []), "1", NearDupConfig())
    articles = [
        article("http://site/1.html", "First body, no description. " * 30, title=HOSTILE[0]),
        article("http://site/2.html", "Second body, no description. " * 30, title=HOSTILE[1]),
        dataclasses.replace(
            article("http://site/3.html", "Third body. " * 30, title=AWKWARD),
            description="",
            category="",
            authors=('Dr. Ann "Sleep" Lee', "李医生"),
        ),
        dataclasses.replace(
            article("http://zh.site/4.html", "失眠的调理方法。" * 30, title="失眠 =1+1"),
            inLanguage="zh",
            description='Say "no",\r\nthen sleep',
            category="睡眠",
            datePublished="2026-01-02",
        ),
        article("http://site/5.html", LARGE, title="Large"),
    ]
    for art in articles:
        writer.add_article(record(art))
    writer.flush()
    engine.dispose()
    return archive_url


def jsonl_rows(reader, path, **options):
    export_table(reader, "articles", path, "jsonl", **options)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def as_json_values(rows):
    """Parquet rows with timestamps written as the JSONL export writes them."""
    return [
        {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()} for row in rows
    ]


@pytest.mark.parametrize("batch_rows", [2, PARQUET_BATCH_ROWS])
def test_parquet_equals_the_database_values_and_types(
    parquet_archive, tmp_path, monkeypatch, batch_rows
):
    monkeypatch.setattr(export, "PARQUET_BATCH_ROWS", batch_rows)
    path = tmp_path / "articles.parquet"
    seen: list[int] = []
    with open_reader(parquet_archive) as reader:
        result = export_table(reader, "articles", path, "parquet", progress=seen.append)
        expected = jsonl_rows(reader, tmp_path / "articles.jsonl")
    table = pq.read_table(path)
    assert table.schema.field("headline").type == pa.string()
    assert table.schema.field("version").type == pa.int64()
    assert table.schema.field("is_cluster_canonical").type == pa.bool_()
    assert table.schema.field("first_seen").type == pa.timestamp("us", tz="UTC")
    rows = table.to_pylist()
    assert as_json_values(rows) == expected
    assert [row["description"] for row in rows][:3] == [None, None, ""]
    assert [row["category"] for row in rows][:3] == [None, None, ""]
    assert rows[0]["headline"] == HOSTILE[0]  # raw: no spreadsheet quote
    assert rows[2]["headline"] == AWKWARD
    assert rows[2]["authors"] == 'Dr. Ann "Sleep" Lee; 李医生'
    assert rows[3]["description"] == 'Say "no",\r\nthen sleep'
    assert rows[4]["body"] == LARGE
    assert rows[0]["first_seen"].tzinfo is not None
    assert result.rows == len(rows) == sum(seen) == 5


def test_parquet_reads_back_the_same_in_duckdb(parquet_archive, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "articles.parquet"
    with open_reader(parquet_archive) as reader:
        export_table(reader, "articles", path, "parquet")
    connection = duckdb.connect()
    cursor = connection.execute(
        "SELECT canonical_url, headline, description, advice_count, is_cluster_canonical,"
        " epoch_us(first_seen) FROM read_parquet(?) ORDER BY canonical_url",
        [str(path)],
    )
    from_duckdb = cursor.fetchall()
    from_arrow = sorted(
        (
            row["canonical_url"],
            row["headline"],
            row["description"],
            row["advice_count"],
            row["is_cluster_canonical"],
            int(row["first_seen"].timestamp() * 1_000_000),
        )
        for row in pq.read_table(path).to_pylist()
    )
    assert from_duckdb == from_arrow
    assert [row[2] for row in from_duckdb].count(None) == 3


def test_parquet_through_adbc_equals_the_cursor_path(
    sqlite_parquet_archive, tmp_path, monkeypatch
):
    """On SQLite the rows come through ADBC; the cursor path (PostgreSQL, or no ADBC) agrees."""
    parquet_archive = sqlite_parquet_archive
    monkeypatch.setattr(export, "PARQUET_BATCH_ROWS", 2)
    adbc, cursor = tmp_path / "adbc.parquet", tmp_path / "cursor.parquet"
    with open_reader(parquet_archive) as reader:
        export_table(reader, "links", adbc, "parquet")
        monkeypatch.setattr(export, "_adbc_available", lambda: False)
        export_table(reader, "links", cursor, "parquet")
    assert pq.read_table(adbc).equals(pq.read_table(cursor))
    assert pq.read_table(adbc).num_rows == 5 * 3


def test_parquet_filters_columns_and_manifest(parquet_archive, tmp_path):
    path = tmp_path / "zh.parquet"
    filters = Filters(site="zh.site", language="zh", since=datetime(2000, 1, 1))
    with open_reader(parquet_archive) as reader:
        result = export_table(
            reader, "articles", path, "parquet", columns=["headline", "url"], filters=filters
        )
        nothing = export_table(
            reader, "articles", tmp_path / "none.parquet", "parquet", filters=Filters(site="x.y")
        )
    assert pq.read_table(path).to_pylist() == [
        {"headline": "失眠 =1+1", "url": "http://zh.site/4.html"}
    ]
    manifest = json.loads((tmp_path / "zh.parquet.manifest.json").read_text(encoding="utf-8"))
    assert manifest["rows"] == result.rows == 1
    assert manifest["columns"] == ["headline", "url"]
    assert manifest["format"] == "parquet" and manifest["excel_safe"] is False
    assert manifest["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest["filters"] == {
        "site": "zh.site",
        "language": "zh",
        "since": "2000-01-01T00:00:00",
    }
    assert nothing.rows == pq.read_table(tmp_path / "none.parquet").num_rows == 0
