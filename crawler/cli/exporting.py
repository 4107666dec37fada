"""``export``: any archive table to CSV, JSONL or Parquet, a file or stdout; the fetches as
WARC or WACZ (by the file name: ``.warc.gz``, ``.wacz``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from crawler.cli.common import clear_errors, db_option

TABLE_HINTS = (
    "advice",
    "links",
    "versions",
    "fetches",
    "runs",
    "tombstones",
    "aliases",
    "clusters",
    "articles",
)
"""Table guessed from the file name (``advice.csv`` -> advice), first match wins."""
TIME_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")


@click.command()
@click.argument("path", metavar="FILE|-")
@db_option
@click.option(
    "--table",
    help="articles, advice, links, versions, fetches, runs, tombstones, aliases, clusters "
    "(default: from the file name, else articles).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "parquet"]),
    help="Default: from the file suffix, else csv.",
)
@click.option("--columns", help="Comma-separated columns to keep, in this order.")
@click.option("--site", help="Only this site: a host name or a URL prefix.")
@click.option("--lang", help="Only this language code, e.g. en or zh.")
@click.option("--since", type=click.DateTime(TIME_FORMATS), help="First seen at or after (UTC).")
@click.option("--until", type=click.DateTime(TIME_FORMATS), help="First seen before (UTC).")
@click.option("--raw", is_flag=True, help="CSV without the BOM and formula-cell neutralising.")
@click.option("--run", type=int, help="WARC/WACZ: only this crawl run's fetches.")
@click.option(
    "--max-size",
    type=click.IntRange(min=1),
    help="WARC/WACZ: a new WARC file past this many bytes (crawl-00000.warc.gz, ...).",
)
def export(
    path: str,
    db: str,
    table: str | None,
    fmt: str | None,
    columns: str | None,
    site: str | None,
    lang: str | None,
    since: datetime | None,
    until: datetime | None,
    raw: bool,
    run: int | None,
    max_size: int | None,
) -> None:
    """Export an archive table to CSV, JSONL or Parquet, with a manifest beside the file.

    Articles, advice items and links are those of each article's current version. PATH '-'
    writes to stdout (no manifest). CSV is Excel-safe unless --raw.

    Example: healtharchive export articles.parquet --lang zh --since 2025-01-01

    A .warc.gz or .wacz file gets the fetches themselves (--site, --since/--until on the fetch
    time, --run, --max-size). Example: healtharchive export crawl.wacz --run 2
    """
    from crawler.cli.warc import export_web_archive, is_web_archive

    if path != "-" and is_web_archive(Path(path)):
        export_web_archive(
            Path(path), db, site=site, run=run, since=since, until=until, max_size=max_size
        )
        return
    from storage.export import Filters, export_table, table_for
    from storage.reader import open_reader

    target = None if path == "-" else Path(path)
    with clear_errors():
        name = table_for(table) if table else _guess_table(target)
        fmt = fmt or _guess_format(target)
        wanted = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
        filters = Filters(site=site, language=lang, since=since, until=until)
        from crawler.progress import Progress

        progress = Progress("export", unit="rows", interval=5.0)
        with open_reader(db) as reader, progress:
            result = export_table(
                reader,
                name,
                target,
                fmt,
                columns=wanted,
                filters=filters,
                raw=raw,
                progress=progress.advance,
            )
    click.echo(
        f"wrote {result.rows} {name} rows to {result.path or 'stdout'}",
        err=target is None,
    )


def _guess_table(target: Path | None) -> str:
    stem = target.stem.lower() if target else ""
    return next((name for name in TABLE_HINTS if name in stem), "articles")


def _guess_format(target: Path | None) -> str:
    suffix = target.suffix.lstrip(".").lower() if target else ""
    if suffix in ("csv", "jsonl", "parquet"):
        return suffix
    if suffix in ("json", "ndjson"):
        return "jsonl"
    if suffix in ("", "txt") or target is None:
        return "csv"
    raise ValueError(f"unknown export format {suffix!r}: use .csv, .jsonl or .parquet or --format")
