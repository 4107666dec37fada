"""``export``: articles, advice items or links to a file."""

from __future__ import annotations

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
def export(path: str, db: str, table: str | None, fmt: str | None) -> None:
    """Export articles, advice items or links to CSV or JSONL.

    Example: healtharchive export articles.csv ; healtharchive export advice.csv --table advice
    """
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
