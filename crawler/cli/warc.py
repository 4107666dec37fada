"""``import`` and the web-archive side of ``export``: WARC and WACZ in and out.

Needs the ``warc`` extra; without it the commands say so in one line.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from crawler.cli.common import clear_errors, db_option, readonly_session

WEB_ARCHIVE_SUFFIXES = (".warc.gz", ".wacz")


def is_web_archive(path: Path) -> bool:
    return path.name.lower().endswith(WEB_ARCHIVE_SUFFIXES)


def export_web_archive(
    target: Path,
    db: str,
    *,
    site: str | None,
    run: int | None,
    since: datetime | None,
    until: datetime | None,
    max_size: int | None,
) -> None:
    """Write ``target`` as WARC or WACZ from the archive's stored fetches, and say what it holds."""
    with clear_errors():
        from importlib.metadata import version

        from crawler.parsers import PARSER_VERSION
        from storage.selection import FetchSelection
        from storage.warc import WarcSource, export_warc

        source = WarcSource(f"healtharchive/{version('healtharchive')}", PARSER_VERSION)
        selection = FetchSelection(site=site, run=run, since=since, until=until)
        with readonly_session(db) as session:
            if target.name.lower().endswith(".wacz"):
                from storage.wacz import export_wacz

                packed = export_wacz(session, target, source, selection, max_size)
                result, pages = packed.warc, f", {packed.pages} pages"
            else:
                result, pages = export_warc(session, target, source, selection, max_size), ""
    if not result.files:
        click.echo("error: no fetches match the selection; nothing written", err=True)
        raise SystemExit(1)
    where = target if target.name.lower().endswith(".wacz") else result.files[0]
    more = f" (+{len(result.files) - 1} more files)" if len(result.files) > 1 else ""
    click.echo(
        f"wrote {result.responses} responses, {result.revisits} revisits, "
        f"{result.requests} requests, {result.failures} failed fetches listed{pages} "
        f"to {where}{more}"
    )
    if result.reconstructed:
        click.echo(
            f"{result.reconstructed} records were archived before raw headers were kept: "
            "their status line and headers are reconstructed (marked in the record)"
        )


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@db_option
def import_warc(paths: tuple[Path, ...], db: str) -> None:
    """Read WARC files (any tool's) into the archive and parse them like a crawl.

    Example: healtharchive import crawl.warc.gz --db rebuilt.db
    """
    with clear_errors():
        from crawler.warc_import import import_warc as run_import
        from storage.db import database_url

        summary = run_import(list(paths), database_url(db))
    click.echo(
        f"imported {summary.captures} captures in {len(summary.runs)} crawl runs"
        + (f"; {summary.already_archived} already archived" if summary.already_archived else "")
    )
    for run in summary.runs:
        click.echo(
            f"  run #{run.run_id}: {run.articles} articles ({run.new_articles} new, "
            f"{run.new_versions - run.new_articles} changed, {run.unchanged} unchanged), "
            f"{run.tombstones} removed, {run.duplicates_dropped} duplicates dropped"
        )
    for reason, count in sorted(summary.skipped.items()):
        click.echo(f"  skipped {count} records: {reason}")
    if any(run.unsaved for run in summary.runs):
        click.echo("error: some records could not be stored; see the log", err=True)
        raise SystemExit(1)
