"""``healtharchive``: one command with a subcommand per job.

Subcommands are thin: they parse options, call library code, and turn library errors into one
line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.orm import Session

from crawler.crawl import CrawlError, CrawlSummary, build_settings, is_local, preflight, run_crawl
from crawler.parsers import PARSER_VERSION
from storage import queries
from storage.db import create_archive_engine, database_url, open_readonly, upgrade
from storage.diff import diff_versions
from storage.errors import ArchiveError
from storage.export import export_rows
from storage.runs import finish_run

F = TypeVar("F", bound=Callable[..., Any])
EXPORTS = {
    "articles": (queries.iter_articles, queries.ARTICLE_COLUMNS),
    "advice": (queries.iter_advice, queries.ADVICE_COLUMNS),
    "links": (queries.iter_links, queries.LINK_COLUMNS),
}


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db",
        default="archive.db",
        show_default=True,
        envvar="HEALTHARCHIVE_DB",
        help="SQLite file or SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db.",
    )(func)


@contextmanager
def clear_errors() -> Iterator[None]:
    """Library errors become one line and exit status 1; no traceback for expected failures."""
    try:
        yield
    except (ArchiveError, CrawlError, ValueError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


@contextmanager
def readonly_session(db: str) -> Iterator[Session]:
    engine = open_readonly(db)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


@click.group()
@click.version_option(package_name="healtharchive")
def main() -> None:
    """Crawl health-article sites into an SQL archive, then query and export it."""


@main.command()
@click.argument("start_urls", nargs=-1, required=True)
@db_option
@click.option("--max-pages", type=int, default=0, help="Stop after this many responses.")
@click.option("--no-sitemap", is_flag=True, help="Do not read /sitemap.xml.")
@click.option("--no-revisit", is_flag=True, help="Do not re-fetch articles already in the archive.")
@click.option(
    "--resume", is_flag=True, help="Continue the last interrupted crawl of these start URLs."
)
@click.option("--redis", "redis_url", help="Share the queue with other workers via Redis.")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Write Scrapy's log here.")
@click.option("--log-level", default="WARNING", show_default=True)
@click.option("-s", "--set", "overrides", multiple=True, help="Scrapy setting NAME=VALUE.")
def crawl(
    start_urls: tuple[str, ...],
    db: str,
    max_pages: int,
    no_sitemap: bool,
    no_revisit: bool,
    resume: bool,
    redis_url: str | None,
    log_file: str | None,
    log_level: str,
    overrides: tuple[str, ...],
) -> None:
    """Crawl one or more sites into the archive.

    Example: healtharchive crawl https://health.example.com/ --db archive.db
    """
    with clear_errors():
        summary = _crawl(
            list(start_urls),
            db,
            settings={"LOG_LEVEL": log_level}
            | ({"CLOSESPIDER_PAGECOUNT": max_pages} if max_pages else {})
            | ({"LOG_FILE": log_file} if log_file else {})
            | _parse_overrides(overrides),
            sitemap=not no_sitemap,
            revisit=not no_revisit,
            resume=resume,
            redis_url=redis_url,
        )
        print_summary(summary)
        check_summary(summary)


@main.command("run-demo")
@db_option
@click.option(
    "--port",
    type=int,
    default=8800,
    show_default=True,
    help="Port for the demo site; keep it the same between runs, it is part of every URL.",
)
@click.option("--log-file", default="crawl.log", show_default=True)
def run_demo(db: str, port: int, log_file: str) -> None:
    """The quick start: serve the bundled demo site, crawl it into the archive, show a peek.

    Example: healtharchive run-demo --db archive.db
    """
    from crawler.demo.server import DemoServer
    from crawler.demo.site import build_site

    with clear_errors():
        create_archive_engine(db).dispose()
        server = DemoServer(build_site(), port=port)
        try:
            server.start()
        except OSError as exc:
            raise CrawlError(
                f"cannot serve the demo site on port {port} ({exc.strerror}); pass --port"
            ) from exc
        with server:
            click.echo(f"demo site serving at {server.url}/ ; crawling into {database_url(db)}")
            summary = _crawl(
                [server.url + "/"],
                db,
                settings={"LOG_FILE": log_file, "LOG_LEVEL": "INFO"},
                sitemap=True,
                revisit=True,
            )
        print_summary(summary)
        click.echo(f"crawl log: {log_file}")
        click.echo("")
        with readonly_session(db) as session:
            print_peek(session)
        check_summary(summary)


@main.command("demo-site")
@click.option("--port", type=int, default=8800, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--edition", type=click.IntRange(1, 2), default=1, show_default=True)
@click.option("--truth", type=click.Path(dir_okay=False), help="Write the ground truth JSON here.")
def demo_site(port: int, host: str, edition: int, truth: str | None) -> None:
    """Serve the bundled demo health site until Ctrl-C.

    Example: healtharchive demo-site --port 8800 --truth truth.json
    """
    from crawler.demo.server import DemoServer
    from crawler.demo.site import build_site
    from crawler.demo.truth import write_truth

    with clear_errors():
        site = build_site(edition=edition)
        if truth:
            write_truth(site, truth)
            click.echo(f"ground truth written to {truth}")
        server = DemoServer(site, host=host, port=port)
        click.echo(f"serving the demo site (edition {edition}) at http://{host}:{port}/")
        server.serve_forever()


@main.command()
@db_option
@click.option("--limit", type=int, default=5, show_default=True)
def peek(db: str, limit: int) -> None:
    """Show archive totals, recent crawl runs and the latest articles.

    Example: healtharchive peek --db archive.db
    """
    with clear_errors(), readonly_session(db) as session:
        print_peek(session, limit)


@main.command()
@click.argument("words", nargs=-1, required=True)
@db_option
@click.option("--limit", type=int, default=20, show_default=True)
def search(words: tuple[str, ...], db: str, limit: int) -> None:
    """Find articles whose title or text contains all the words.

    Example: healtharchive search muscle cramp
    """
    with clear_errors(), readonly_session(db) as session:
        for row in queries.search(session, " ".join(words), limit):
            click.echo(f"{row['url']}\t{row['headline']}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@db_option
@click.option(
    "--table",
    type=click.Choice(sorted(EXPORTS)),
    default=None,
    help="What to export (default: from the file name, else articles).",
)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default=None)
def export(path: str, db: str, table: str | None, fmt: str | None) -> None:
    """Export articles, advice items or links to CSV or JSONL.

    Example: healtharchive export articles.csv ; healtharchive export advice.csv --table advice
    """
    target = Path(path)
    table = table or next((name for name in EXPORTS if name in target.stem.lower()), "articles")
    rows, columns = EXPORTS[table]
    with clear_errors(), readonly_session(db) as session:
        count = export_rows(rows(session), columns, target, fmt)
    click.echo(f"wrote {count} {table} rows to {target}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--url", default=None, help="The page's URL (default: a file:// URL).")
@click.option("--jsonl", is_flag=True, help="One compact JSON record per line.")
def extract(paths: tuple[str, ...], url: str | None, jsonl: bool) -> None:
    """Parse saved .html or .html.gz files and print one JSON record per file.

    Example: healtharchive extract page.html --url https://example.com/a.html --jsonl
    """
    from crawler.extract import extract_file

    failed = 0
    for path in paths:
        record = extract_file(Path(path), url)
        failed += "error" in record
        click.echo(json.dumps(record, ensure_ascii=False, indent=None if jsonl else 2))
    if failed == len(paths):
        sys.exit(1)


@main.command()
@click.argument("url")
@db_option
@click.option("--old", "old_version", type=int, help="Version to compare from (default: previous).")
@click.option("--new", "new_version", type=int, help="Version to compare to (default: current).")
def diff(url: str, db: str, old_version: int | None, new_version: int | None) -> None:
    """Show what changed between two versions of an article.

    Example: healtharchive diff https://health.example.com/a.html
    """
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


@main.command()
@db_option
@click.option("--all", "everything", is_flag=True, help="Also versions already up to date.")
def reparse(db: str, everything: bool) -> None:
    """Rebuild extracted rows from the archived raw pages with the current parser (offline).

    Example: healtharchive reparse --db archive.db
    """
    from crawler.profiles import load_profiles
    from crawler.reparse import reparse as run_reparse
    from pipelines.dedup import near_dup_config

    with clear_errors():
        engine = create_archive_engine(db)
        settings = build_settings(database_url(db))
        result = run_reparse(
            engine,
            only_stale=not everything,
            near_dup=near_dup_config(settings),
            profiles=load_profiles(settings.getdict("SITE_PROFILES")),
        )
        engine.dispose()
    click.echo(
        f"reparsed {result.reparsed} versions with parser {PARSER_VERSION}: "
        f"{result.changed} changed, {result.failed} no longer parse; "
        f"{result.new_articles} new articles from pages rejected before"
    )


@main.command()
@db_option
def clusters(db: str) -> None:
    """List near-duplicate clusters; the canonical member is marked with *.

    Example: healtharchive clusters --db archive.db
    """
    with clear_errors(), readonly_session(db) as session:
        for cluster_id, members in queries.clusters(session).items():
            click.echo(f"cluster {cluster_id}")
            for url, canonical in members:
                click.echo(f"  {'*' if canonical else ' '} {url}")


@main.command("save-fixture")
@click.argument("url")
@click.argument("name")
@db_option
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False),
    default="tests/crawler/parsers/fixtures/article",
    show_default=True,
)
def save_fixture(url: str, name: str, db: str, folder: str) -> None:
    """Save an archived page as a parser test case: page.html plus today's output to review.

    Example: healtharchive save-fixture https://site/a.html site-a-numbered-headings
    """
    from crawler.extract import fixture_expectation

    target = Path(folder) / name
    with clear_errors():
        if target.exists():
            raise ValueError(f"{target} exists; pick another name")
        with readonly_session(db) as session:
            page = queries.latest_page(session, url)
        if page is None:
            raise ValueError(f"no archived 200 response for {url}")
        body, content_type, final_url = page
        expected = fixture_expectation(body, final_url, content_type)
        target.mkdir(parents=True)
        (target / "page.html").write_bytes(body)
        (target / "expected.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    click.echo(f"saved {target}: check expected.json by hand before committing it")


@main.group()
def db() -> None:
    """Manage the archive's schema."""


@db.command("upgrade")
@db_option
def db_upgrade(db: str) -> None:
    """Apply pending schema migrations.

    Example: healtharchive db upgrade --db postgresql+psycopg://postgres@127.0.0.1/archive
    """
    with clear_errors():
        engine = create_archive_engine(db, upgrade=False)
        upgrade(engine)
        engine.dispose()
    click.echo(f"{database_url(db)} is up to date")


def _crawl(
    urls: list[str],
    db: str,
    *,
    settings: dict[str, Any],
    sitemap: bool,
    revisit: bool,
    resume: bool = False,
    redis_url: str | None = None,
) -> CrawlSummary:
    url = database_url(db)
    engine = create_archive_engine(url)
    preflight(urls)
    revisit_urls: list[str] = []
    with readonly_session(url) as session:
        if revisit:
            revisit_urls = queries.live_urls_on_hosts(session, urls)
        interrupted = queries.resumable_run(session, urls) if resume else None
    if resume and interrupted is None:
        click.echo("nothing to resume: no interrupted crawl of these start URLs; starting anew")
    if interrupted is not None:
        finish_run(engine, interrupted.id, "interrupted", interrupted.stats or {})
        settings = settings | {"ARCHIVE_RESUMED_FROM": interrupted.id}
        click.echo(f"resuming crawl run #{interrupted.id}")
    engine.dispose()
    scrapy_settings = build_settings(
        url, overrides=settings, local=is_local(urls), redis_url=redis_url
    )
    return run_crawl(urls, scrapy_settings, revisit_urls, sitemap=sitemap)


def _parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="-s")
        out[name] = value
    return out


def print_summary(summary: CrawlSummary) -> None:
    click.echo(f"crawl run #{summary.run_id} ({summary.finish_reason or 'unknown'})")
    click.echo(f"  pages fetched        {summary.pages_fetched}")
    click.echo(
        f"  articles archived    {summary.articles} "
        f"({summary.new_articles} new, {summary.new_versions - summary.new_articles} changed, "
        f"{summary.unchanged} unchanged)"
    )
    if summary.tombstones:
        click.echo(f"  removed (tombstones) {summary.tombstones}")
    click.echo(f"  duplicates dropped   {summary.duplicates_dropped}")
    for reason, count in sorted(summary.dropped.items()):
        click.echo(f"    dropped/{reason}: {count}")
    click.echo(f"  errors               {sum(summary.errors.values())}")
    for reason, count in sorted(summary.errors.items()):
        click.echo(f"    {reason}: {count}")
    click.echo(f"  archive              {summary.archive}")


def print_peek(session: Session, limit: int = 5) -> None:
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


def fit(text: str, width: int) -> str:
    """Cut or pad to ``width`` terminal columns; CJK characters take two."""
    out, used = [], 0
    for char in text:
        size = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used + size > width:
            break
        out.append(char)
        used += size
    return "".join(out) + " " * (width - used)


def check_summary(summary: CrawlSummary) -> None:
    if summary.finish_reason == "shutdown":
        raise CrawlError("crawl interrupted: run the same command with --resume to continue")
    if summary.unsaved:
        raise CrawlError(f"{summary.unsaved} records could not be written to the archive")
    if summary.pages_fetched == 0 and summary.errors:
        raise CrawlError("no page could be fetched; see the errors above")
