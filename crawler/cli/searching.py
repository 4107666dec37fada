"""``search``: ranked full-text search over current articles, the same on SQLite and PostgreSQL.

The meaning of a query (whole words, ``word*`` prefixes, ``"quoted phrases"``, Chinese terms
anywhere in the text) is defined in ``storage.search_text``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import datetime

import click

from crawler.cli.common import clear_errors, db_option

BOLD = ("\x1b[1m", "\x1b[22m")
BRACKETS = ("[", "]")


@click.command()
@click.argument("words", nargs=-1, required=True)
@db_option
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--site", help="Only this site: a host name or a URL prefix.")
@click.option("--lang", "language", help="Only this language code, e.g. en or zh.")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]),
    help="Only articles first seen at or after this time (UTC).",
)
@click.option("--has-advice", is_flag=True, help="Only articles with an advice list.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of hits.")
def search(
    words: tuple[str, ...],
    db: str,
    limit: int,
    site: str | None,
    language: str | None,
    since: datetime | None,
    has_advice: bool,
    as_json: bool,
) -> None:
    """Find current articles containing all the words, best match first.

    A word matches whole words, accents and case aside; end it with * for a prefix
    (insom*); quote words to match them next to each other ("muscle cramp"). Chinese
    terms match wherever their characters appear in a row (失眠).

    Example: healtharchive search "muscle cramp" --lang en --limit 5
    """
    from storage.reader import open_reader
    from storage.search import SearchFilters
    from storage.search import search as run_search

    filters = SearchFilters(
        site=site,
        language=language,
        since=since,
        has_advice=has_advice,
    )
    query = " ".join(words)
    marks = BOLD if sys.stdout.isatty() and not as_json else BRACKETS
    with clear_errors(), open_reader(db) as reader:
        hits = run_search(reader, query, limit, filters, marks)
    if as_json:
        click.echo(json.dumps([asdict(hit) for hit in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo(f"no results for {query}", err=True)
        return
    for rank, hit in enumerate(hits, 1):
        click.echo(f"{rank:>2}. {hit.title}  [{hit.language or '?'}, score {hit.score:.3g}]")
        click.echo(f"    {hit.url}")
        click.echo(f"    {hit.snippet}")


@click.command("build-search-lists")
@db_option
def build_search_lists(db: str) -> None:
    """Rebuild the ranked lists that answer the most common words fast.

    Writers keep the lists correct as articles change; rebuilding brings in words that have
    become common since, and the current bm25 statistics on SQLite. Worth running after a
    large crawl.

    Example: healtharchive build-search-lists --db archive.db
    """
    from storage.db import create_archive_engine
    from storage.search_lists import build_lists

    with clear_errors():
        engine = create_archive_engine(db)
        try:
            with engine.begin() as conn:
                words = build_lists(conn)
        finally:
            engine.dispose()
    click.echo(f"ranked lists built for {words} common words and prefixes in {db}")
