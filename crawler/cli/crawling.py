"""Subcommands that crawl: ``crawl``, ``run-demo`` (the quick start) and ``demo-site``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from crawler.cli.common import clear_errors, db_option, readonly_session
from crawler.errors import CrawlError

if TYPE_CHECKING:
    from crawler.crawl import CrawlSummary
    from crawler.profiles import SiteProfile


@click.command()
@click.argument("start_urls", nargs=-1)
@db_option
@click.option(
    "--profile",
    type=click.Path(dir_okay=False),
    help="Site profile (TOML): start URLs, sitemaps, URL patterns, selectors, politeness.",
)
@click.option("--max-pages", type=int, default=0, help="Stop after this many responses.")
@click.option("--no-sitemap", is_flag=True, help="Do not read /sitemap.xml.")
@click.option("--no-revisit", is_flag=True, help="Do not re-fetch articles already in the archive.")
@click.option(
    "--full",
    is_flag=True,
    help="Download every page again: no conditional requests, no sitemap lastmod skips.",
)
@click.option(
    "--resume", is_flag=True, help="Continue the last interrupted crawl of these start URLs."
)
@click.option(
    "--lock",
    is_flag=True,
    help="Refuse to start (exit 1, run recorded as 'overlap') while another crawl of the same "
    "site or profile runs on this archive.",
)
@click.option("--redis", "redis_url", help="Share the queue with other workers via Redis.")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Write Scrapy's log here.")
@click.option("--log-level", default="WARNING", show_default=True)
@click.option("-s", "--set", "overrides", multiple=True, help="Scrapy setting NAME=VALUE.")
def crawl(
    start_urls: tuple[str, ...],
    db: str,
    profile: str | None,
    max_pages: int,
    no_sitemap: bool,
    no_revisit: bool,
    full: bool,
    resume: bool,
    lock: bool,
    redis_url: str | None,
    log_file: str | None,
    log_level: str,
    overrides: tuple[str, ...],
) -> None:
    """Crawl one or more sites into the archive.

    Example: healtharchive crawl https://health.example.com/ --db archive.db

    Example: healtharchive crawl --profile sites/health-example.toml --lock --resume
    """
    if lock and redis_url:
        raise click.UsageError("--lock and --redis exclude each other: workers share a crawl")
    with clear_errors():
        from crawler.profiles import load_site_profile

        site = load_site_profile(profile) if profile else None
        urls = list(dict.fromkeys([*(site.start_urls if site else []), *start_urls]))
        if not urls:
            raise click.UsageError("give at least one start URL, or --profile site.toml")
        summary = _crawl(
            urls,
            db,
            settings={"LOG_LEVEL": log_level, "PROGRESS_OUTPUT": "stderr"}
            | ({"CLOSESPIDER_PAGECOUNT": max_pages} if max_pages else {})
            | ({"LOG_FILE": log_file} if log_file else {})
            | ({"RECRAWL_FULL": True} if full else {})
            | _parse_overrides(overrides),
            sitemap=not no_sitemap,
            revisit=not no_revisit,
            resume=resume,
            redis_url=redis_url,
            site=site,
            lock=(site.name if site else lock_name(urls)) if lock else None,
        )
        print_summary(summary)
        record_outcome(db, summary)


@click.command("run-demo")
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
    from crawler.cli.reading import print_peek
    from crawler.demo.server import DemoServer
    from crawler.demo.site import build_site
    from storage.db import create_archive_engine, database_url
    from storage.reader import open_reader

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
        with open_reader(db) as reader:
            print_peek(reader)
        record_outcome(db, summary)


@click.command("demo-site")
@click.option("--port", type=int, default=8800, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--edition", type=click.IntRange(1, 2), default=1, show_default=True)
@click.option(
    "--articles",
    type=click.IntRange(216),
    default=216,
    show_default=True,
    help="Size of the site, for load tests; the same number always gives the same site.",
)
@click.option("--truth", type=click.Path(dir_okay=False), help="Write the ground truth JSON here.")
@click.option(
    "--hostile", is_flag=True, help="Also serve the hostile corner (crawl it from /hostile/)."
)
def demo_site(
    port: int, host: str, edition: int, articles: int, truth: str | None, hostile: bool
) -> None:
    """Serve the bundled demo health site until Ctrl-C.

    Example: healtharchive demo-site --port 8800 --truth truth.json
    """
    from crawler.demo.server import DemoServer
    from crawler.demo.site import build_site
    from crawler.demo.truth import write_truth

    with clear_errors():
        site = build_site(edition=edition, articles=articles, hostile=hostile)
        if truth:
            write_truth(site, truth)
            click.echo(f"ground truth written to {truth}")
        server = DemoServer(site, host=host, port=port)
        click.echo(f"serving the demo site (edition {edition}) at {server.url}/")
        if hostile:
            click.echo(f"hostile corner at {server.url}/hostile/")
        server.serve_forever()


def _crawl(
    urls: list[str],
    db: str,
    *,
    settings: dict[str, Any],
    sitemap: bool,
    revisit: bool,
    resume: bool = False,
    redis_url: str | None = None,
    site: SiteProfile | None = None,
    lock: str | None = None,
) -> CrawlSummary:
    from storage.db import create_archive_engine, database_url
    from storage.locks import LockHeld, crawl_lock
    from storage.runs import mark_killed, record_overlap

    url = database_url(db)
    if lock is None:
        return _crawl_unlocked(urls, url, settings, sitemap, revisit, resume, redis_url, site)
    engine = create_archive_engine(url)
    try:
        with crawl_lock(engine, lock):
            for run_id in mark_killed(engine, lock):
                click.echo(f"crawl run #{run_id} ended without finishing: marked 'killed'")
            settings = settings | {"ARCHIVE_RUN_LOCK": lock}
            return _crawl_unlocked(urls, url, settings, sitemap, revisit, resume, redis_url, site)
    except LockHeld as exc:
        run_id = record_overlap(engine, "health", urls, lock)
        raise CrawlError(f"{exc}; not started (run #{run_id} recorded as 'overlap')") from exc
    finally:
        engine.dispose()


def _crawl_unlocked(
    urls: list[str],
    url: str,
    settings: dict[str, Any],
    sitemap: bool,
    revisit: bool,
    resume: bool,
    redis_url: str | None,
    site: SiteProfile | None,
) -> CrawlSummary:
    from crawler.crawl import ArchivedUrls, build_settings, is_local, preflight, run_crawl
    from storage import queries
    from storage.db import create_archive_engine
    from storage.runs import finish_run

    engine = create_archive_engine(url)
    preflight(urls)
    revisit_urls: ArchivedUrls | tuple[()] = ()
    with readonly_session(url) as session:
        if revisit:
            revisit_urls = ArchivedUrls(url, tuple(urls), queries.last_article_id(session))
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
    return run_crawl(urls, scrapy_settings, revisit_urls, sitemap=sitemap, profile=site)


def lock_name(urls: list[str]) -> str:
    from storage.locks import site_lock_name

    return site_lock_name(urls)


def record_outcome(db: str, summary: CrawlSummary) -> None:
    """Judge the run (exit status 1 on failure) and put the verdict in ``crawl_runs``."""
    from storage.db import create_archive_engine
    from storage.runs import record_exit

    try:
        check_summary(summary)
    except CrawlError:
        if summary.run_id is not None:
            engine = create_archive_engine(db)
            failed = None if summary.finish_reason == "shutdown" else "failed"
            record_exit(engine, summary.run_id, 1, failed)
            engine.dispose()
        raise
    if summary.run_id is not None:
        engine = create_archive_engine(db)
        record_exit(engine, summary.run_id, 0)
        engine.dispose()


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
    click.echo(f"  refused              {sum(summary.refused.values())}")
    for reason, count in sorted(summary.refused.items()):
        click.echo(f"    {reason}: {count}")
    click.echo(f"  archive              {summary.archive}")


def check_summary(summary: CrawlSummary) -> None:
    if summary.finish_reason == "shutdown":
        raise CrawlError("crawl interrupted: run the same command with --resume to continue")
    if summary.unsaved:
        raise CrawlError(
            f"{summary.unsaved} records could not be written to the archive: "
            "free the space or fix the database, then run the same command with --resume"
        )
    if summary.pages_fetched == 0 and summary.errors:
        raise CrawlError("no page could be fetched; see the errors above")
