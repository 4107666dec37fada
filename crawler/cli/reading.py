"""Read-only subcommands: ``peek``, ``diff`` and ``clusters``.

They open the archive read-only, so analysts never block a running crawl. ``peek`` goes
through the fast reader (no SQLAlchemy), so it answers at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from crawler.cli.common import clear_errors, db_option, fit, readonly_session

if TYPE_CHECKING:
    from storage.reader import Reader


@click.command()
@db_option
@click.option("--limit", type=int, default=5, show_default=True)
def peek(db: str, limit: int) -> None:
    """Show archive totals, recent crawl runs and the latest articles.

    Example: healtharchive peek --db archive.db
    """
    from storage.reader import open_reader

    with clear_errors(), open_reader(db) as reader:
        print_peek(reader, limit)


@click.command()
@click.argument("url")
@db_option
@click.option("--old", "old_version", type=int, help="Version to compare from (default: previous).")
@click.option("--new", "new_version", type=int, help="Version to compare to (default: current).")
def diff(url: str, db: str, old_version: int | None, new_version: int | None) -> None:
    """Show what changed between two versions of an article.

    Example: healtharchive diff https://health.example.com/a.html
    """
    from storage import queries
    from storage.diff import diff_versions

    with clear_errors(), readonly_session(db) as session:
        article = queries.article_by_url(session, url)
        if article is None:
            raise ValueError(f"no archived article at {url}")
        versions = {v.version: v for v in queries.versions_of(session, article.id)}
        if len(versions) == 1 and old_version is None and new_version is None:
            (only,) = versions.values()
            click.echo(
                f"{url} has only one version (version {only.version}, archived "
                f"{only.created_at:%Y-%m-%d %H:%M} UTC): nothing to compare"
            )
            return
        new = versions.get(new_version or article.current_version)
        old = versions.get(old_version or (new.version - 1 if new else 0))
        if old is None or new is None:
            raise ValueError(f"{url} has versions {sorted(versions)}; pick two with --old/--new")
        lines = diff_versions(
            old, new, queries.advice_of(session, old.id), queries.advice_of(session, new.id)
        )
    click.echo("\n".join(lines))


@click.command()
@db_option
def clusters(db: str) -> None:
    """List near-duplicate clusters; the canonical member is marked with *.

    Example: healtharchive clusters --db archive.db
    """
    from storage import queries

    with clear_errors(), readonly_session(db) as session:
        for cluster_id, members in queries.clusters(session).items():
            click.echo(f"cluster {cluster_id}")
            for url, canonical in members:
                click.echo(f"  {'*' if canonical else ' '} {url}")


def print_peek(reader: Reader, limit: int = 5) -> None:
    from storage import overview

    counts = overview.counts(reader)
    click.echo(
        "archive: {articles} articles ({removed} removed), {versions} versions (with "
        "{advice_items} advice items, {links} links), {fetches} fetches, {blobs} blobs, "
        "{clusters} near-duplicate clusters, {crawl_runs} crawl runs".format(**counts)
    )
    for run in overview.runs(reader, limit=3):
        click.echo(
            f"  run #{run['id']} {run['spider']} {run['started_at'][:16].replace('T', ' ')} "
            f"{run['status']}: {run['pages']} pages, {run['new_versions']} new versions"
        )
    for row in overview.latest_articles(reader, limit):
        click.echo(
            f"  [{row['language'] or '?'}] {fit(row['headline'], 60)} "
            f"{row['advice_count']:>2} advice  {row['url']}"
        )
