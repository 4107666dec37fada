"""``stats``, ``runs`` and ``show``: what the archive holds, how it got there, one article.

All three use the fast reader (driver only, no SQLAlchemy), and all take ``--json`` for
scripts; JSON goes to stdout as one document.
"""

from __future__ import annotations

import json
from typing import Any

import click

from crawler.cli.common import clear_errors, db_option, fit

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@click.command()
@db_option
@json_option
def stats(db: str, as_json: bool) -> None:
    """Counts per site, language and crawl run, and pages failed or refused by reason.

    Example: healtharchive stats --db archive.db --json
    """
    from storage import overview
    from storage.reader import open_reader

    with clear_errors(), open_reader(db) as reader:
        report = overview.stats(reader)
    if as_json:
        _print_json(report)
        return
    totals = report["totals"]
    click.echo(
        f"{totals['articles']} articles ({totals['removed']} removed), {totals['versions']} "
        f"versions, {totals['advice_items']} advice items, {totals['fetches']} fetches, "
        f"{totals['clusters']} clusters, {totals['crawl_runs']} runs"
    )
    click.echo("\nper site:           articles  removed  versions  advice")
    for row in report["sites"]:
        click.echo(
            f"  {fit(row['site'] or '?', 40)} {row['articles']:>8} {row['removed']:>8} "
            f"{row['versions']:>9} {row['advice_items']:>7}"
        )
    click.echo("\nper language:       articles  advice")
    for row in report["languages"]:
        click.echo(f"  {fit(row['language'], 16)} {row['articles']:>8} {row['advice_items']:>7}")
    click.echo("\nper run:")
    for run in report["runs"]:
        click.echo(
            f"  #{run['id']} {run['spider']} {run['status']} {run['started_at'][:16]}: "
            f"{run['fetches']} fetches, {run['failed_fetches']} failed, "
            f"{run['new_versions']} new versions"
        )
    click.echo("\nfailed fetches by reason:")
    for row in report["failed_fetches"] or [{"reason": "(none)", "site": "", "fetches": ""}]:
        click.echo(f"  {fit(row['reason'], 20)} {fit(row['site'] or '', 40)} {row['fetches']}")
    click.echo("\npages failed or refused during crawls, by reason code:")
    for reason, count in report["reasons"].items() or [("(none)", "")]:
        click.echo(f"  {fit(reason, 40)} {count}")


@click.command()
@db_option
@json_option
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
def runs(db: str, as_json: bool, limit: int) -> None:
    """Crawl runs, newest first: state, times, pages, failures, what they resumed.

    Example: healtharchive runs --limit 5
    """
    from storage import overview
    from storage.reader import open_reader

    with clear_errors(), open_reader(db) as reader:
        found = overview.runs(reader, limit)
    if as_json:
        _print_json(found)
        return
    if not found:
        click.echo("no crawl runs yet")
    for run in found:
        resumed = f", resumed #{run['resumed_from']}" if run["resumed_from"] else ""
        finished = run["finished_at"][:19] if run["finished_at"] else "-"
        click.echo(
            f"#{run['id']} {run['spider']} {run['status']}{resumed}: "
            f"{run['started_at'][:19]} -> {finished}, {run['pages']} pages, "
            f"{run['fetches']} fetches ({run['failed_fetches']} failed), "
            f"{run['new_versions']} new versions"
        )
        if run["reasons"]:
            reasons = ", ".join(f"{k} {v}" for k, v in run["reasons"].items())
            click.echo(f"    refused or failed: {reasons}")


@click.command()
@click.argument("ref", metavar="URL|ID")
@db_option
@json_option
def show(ref: str, db: str, as_json: bool) -> None:
    """One article: metadata, advice items, siblings, versions, near-duplicates and its series.

    The series is the chain of previous/next links walked through the archive, in order, so a
    multi-part article or a column is read back as the site ordered it.

    Example: healtharchive show https://health.example.com/a.html
    """
    from storage import overview
    from storage.reader import open_reader

    with clear_errors(), open_reader(db) as reader:
        article_id = overview.find_article(reader, ref)
        if article_id is None:
            raise ValueError(f"no archived article at {ref}")
        found = overview.article(reader, article_id)
        found["series"] = overview.series(reader, article_id)
    if as_json:
        _print_json(found)
        return
    click.echo(found["headline"])
    click.echo(found["canonical_url"])
    fields = (
        ("status", found["status"]),
        ("language", found["language"]),
        ("category", found["category"]),
        ("breadcrumbs", " > ".join(found["breadcrumbs"])),
        ("authors", "; ".join(found["authors"])),
        ("published", found["date_published"]),
        ("modified", found["date_modified"]),
        ("reviewed by", "; ".join(found["medically_reviewed_by"])),
        ("first seen", found["first_seen"]),
        ("last seen", found["last_seen"]),
        ("parser", found["parser_version"]),
    )
    for label, value in fields:
        if value:
            click.echo(f"  {label + ':':<13}{value}")
    click.echo(f"advice items ({len(found['advice'])}):")
    for item in found["advice"]:
        click.echo(f"  {item['marker'] or item['printed_number']} {item['text']}")
    for kind, label in (("prev", "previous"), ("next", "next")):
        sibling = next((link for link in found["links"] if link["kind"] == kind), None)
        click.echo(f"{label}: " + (f"{sibling['text']}  {sibling['url']}" if sibling else "-"))
    click.echo("links:")
    for link in found["links"]:
        click.echo(f"  {link['kind']:<9}{link['url']}  {link['text']}")
    click.echo(f"versions ({len(found['versions'])}):")
    for version in found["versions"]:
        current = " (current)" if version["version"] == found["current_version"] else ""
        click.echo(
            f"  {version['version']} {version['created_at'][:19]} run #{version['crawl_run_id']} "
            f"parser {version['parser_version']}{current}"
        )
    if found["aliases"]:
        click.echo("also reached at:")
        for alias in found["aliases"]:
            click.echo(f"  {alias}")
    if found["cluster"]:
        click.echo(f"near-duplicate cluster {found['cluster_id']} (* canonical):")
        for member in found["cluster"]:
            click.echo(f"  {'*' if member['canonical'] else ' '} {member['url']}")
    click.echo(f"series ({len(found['series'])} archived, in order):")
    for number, member in enumerate(found["series"], 1):
        mark = "*" if member["id"] == article_id else " "
        click.echo(f"{mark} {number:>3}. {fit(member['headline'], 50)} {member['url']}")
