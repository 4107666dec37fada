"""``export``: articles, advice items or links to a file; the fetches as WARC or WACZ."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from crawler.cli.common import clear_errors, db_option, readonly_session

TABLES = ("articles", "advice", "links")


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@db_option
@click.option(
    "--table",
    type=click.Choice(sorted(TABLES)),
    default=None,
    help="What to export (default: from the file name, else articles).",
)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default=None)
@click.option("--site", default=None, help="WARC/WACZ: only fetches of this host (and subdomains).")
@click.option("--run", "run", type=int, default=None, help="WARC/WACZ: only this crawl run.")
@click.option(
    "--since", type=click.DateTime(), default=None, help="WARC/WACZ: fetched at or after."
)
@click.option("--until", type=click.DateTime(), default=None, help="WARC/WACZ: fetched before.")
@click.option(
    "--max-size",
    type=click.IntRange(min=1),
    default=None,
    help="WARC/WACZ: start a new WARC file past this many bytes (crawl-00000.warc.gz, ...).",
)
def export(
    path: str,
    db: str,
    table: str | None,
    fmt: str | None,
    site: str | None,
    run: int | None,
    since: datetime | None,
    until: datetime | None,
    max_size: int | None,
) -> None:
    """Export articles, advice items or links to CSV or JSONL; fetches to WARC or WACZ.

    The format follows the file name: .csv, .jsonl, .warc.gz or .wacz.

    Example: healtharchive export articles.csv ; healtharchive export crawl.wacz --run 2
    """
    from crawler.cli.warc import export_web_archive, is_web_archive

    if is_web_archive(Path(path)):
        export_web_archive(
            Path(path), db, site=site, run=run, since=since, until=until, max_size=max_size
        )
        return
    from storage import queries
    from storage.export import export_rows

    exports = {
        "articles": (queries.iter_articles, queries.ARTICLE_COLUMNS),
        "advice": (queries.iter_advice, queries.ADVICE_COLUMNS),
        "links": (queries.iter_links, queries.LINK_COLUMNS),
    }
    target = Path(path)
    table = table or next((name for name in TABLES if name in target.stem.lower()), "articles")
    rows, columns = exports[table]
    with clear_errors(), readonly_session(db) as session:
        count = export_rows(rows(session), columns, target, fmt)
    click.echo(f"wrote {count} {table} rows to {target}")
