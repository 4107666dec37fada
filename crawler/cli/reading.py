"""Read-only subcommands: ``peek``, ``search``, ``show``, ``diff`` and ``clusters``.

They open the archive read-only, so analysts never block a running crawl.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from crawler.cli.common import clear_errors, db_option, fit, readonly_session

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from storage.models import Link


@click.command()
@db_option
@click.option("--limit", type=int, default=5, show_default=True)
def peek(db: str, limit: int) -> None:
    """Show archive totals, recent crawl runs and the latest articles.

    Example: healtharchive peek --db archive.db
    """
    with clear_errors(), readonly_session(db) as session:
        print_peek(session, limit)


@click.command()
@click.argument("words", nargs=-1, required=True)
@db_option
@click.option("--limit", type=int, default=20, show_default=True)
def search(words: tuple[str, ...], db: str, limit: int) -> None:
    """Find articles whose title or text contains all the words.

    Example: healtharchive search muscle cramp
    """
    from storage import queries

    with clear_errors(), readonly_session(db) as session:
        for row in queries.search(session, " ".join(words), limit):
            click.echo(f"{row['url']}\t{row['headline']}")


@click.command()
@click.argument("url")
@db_option
def show(url: str, db: str) -> None:
    """Show an archived article's neighbours: previous, next, related, and its whole series.

    The series is the chain of previous/next links walked through the archive, in order, so a
    multi-part article or a column is read back as the site ordered it.

    Example: healtharchive show https://health.example.com/a.html
    """
    from storage import queries

    with clear_errors(), readonly_session(db) as session:
        article = queries.article_by_url(session, url)
        if article is None:
            raise ValueError(f"no archived article at {url}")
        version = queries.current_version(session, article)
        if version is None:
            raise ValueError(f"{url} has no current version")
        lines = [version.headline, f"{article.canonical_url} (version {version.version})"]
        links = queries.links_of(session, version.id)
        for kind, label in (("prev", "previous"), ("next", "next")):
            found = [link for link in links if link.kind == kind]
            lines.append(f"{label}: " + (_described(session, found[0]) if found else "-"))
        related = [link for link in links if link.kind == "related"]
        lines.append(f"related ({len(related)}):")
        lines.extend(f"  {_described(session, link)}" for link in related)
        chain = queries.sibling_chain(session, article)
        lines.append(f"series ({len(chain)} archived, in order):")
        for number, member in enumerate(chain, 1):
            current = queries.current_version(session, member)
            mark = "*" if member.id == article.id else " "
            headline = current.headline if current else ""
            lines.append(f"{mark} {number:>3}. {fit(headline, 50)} {member.canonical_url}")
    click.echo("\n".join(lines))


def _described(session: Session, link: Link) -> str:
    from storage import queries

    archived = queries.article_by_url(session, link.url) is not None
    text = link.text or link.title or "(no title)"
    return f"{text}  {link.url}" + ("" if archived else "  [not archived]")


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


def print_peek(session: Session, limit: int = 5) -> None:
    from storage import queries

    counts = queries.archive_counts(session)
    click.echo(
        "archive: {articles} articles ({removed} removed), {versions} versions, "
        "{advice_items} advice items, {links} links, {fetches} fetches, {blobs} blobs, "
        "{clusters} near-duplicate clusters, {crawl_runs} crawl runs".format(**counts)
    )
    for run in queries.crawl_runs(session, limit=3):
        stats = run.stats or {}
        click.echo(
            f"  run #{run.id} {run.spider} {run.started_at:%Y-%m-%d %H:%M} {run.status}: "
            f"{stats.get('downloader/response_count', 0)} pages, "
            f"{stats.get('healtharchive/archive/new_versions', 0)} new versions"
        )
    for row in queries.latest_articles(session, limit):
        click.echo(
            f"  [{row['language'] or '?'}] {fit(row['headline'], 60)} "
            f"{row['advice_count']:>2} advice  {row['url']}"
        )
