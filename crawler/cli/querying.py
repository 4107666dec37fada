"""``query``: one SQL statement against the archive, read-only by construction.

The guarantees are ``storage.readonly_sql``'s; this module only prints the rows, as an aligned
table, CSV or JSON.
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from itertools import islice
from typing import Any

import click

from crawler.cli.common import clear_errors, db_option, fit

TABLE_SAMPLE_ROWS = 1000
"""Rows read ahead to size the table's columns; later rows are cut to those widths."""
TABLE_MAX_WIDTH = 60


@click.command()
@click.argument("sql")
@db_option
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
def query(sql: str, db: str, output: str) -> None:
    """Run one read-only SQL statement and print its rows.

    Statements that would write, ATTACH another database or load an extension are refused.
    Tables to start from: current_articles (one row per article), advice_items, links,
    crawl_runs.

    Example: healtharchive query "SELECT site, count(*) FROM current_articles GROUP BY site"
    """
    from storage.readonly_sql import run_query

    with clear_errors(), run_query(db, sql) as result:
        if output == "csv":
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(result.columns)
            writer.writerows([_text(v) for v in row] for row in result.rows)
        elif output == "json":
            _print_json(result.columns, result.rows)
        else:
            _print_table(result.columns, result.rows)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return _text(value)


def _print_json(columns: list[str], rows: Iterator[tuple[Any, ...]]) -> None:
    out = sys.stdout
    out.write("[")
    for count, row in enumerate(rows):
        record = {c: _json_value(v) for c, v in zip(columns, row, strict=True)}
        out.write(("," if count else "") + "\n  " + json.dumps(record, ensure_ascii=False))
    out.write("\n]\n")


def _print_table(columns: list[str], rows: Iterator[tuple[Any, ...]]) -> None:
    sample = [[_text(v).replace("\n", " ") for v in row] for row in islice(rows, TABLE_SAMPLE_ROWS)]
    widths = [
        min(TABLE_MAX_WIDTH, max([_width(name)] + [_width(r[i]) for r in sample]))
        for i, name in enumerate(columns)
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(fit(c, w) for c, w in zip(cells, widths, strict=True)).rstrip()

    click.echo(line(columns))
    click.echo("  ".join("-" * w for w in widths))
    for cells in sample:
        click.echo(line(cells))
    for row in rows:
        click.echo(line([_text(v).replace("\n", " ") for v in row]))


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
