"""Subcommands that rewrite the archive: ``reparse`` and ``db upgrade``."""

from __future__ import annotations

import click

from crawler.cli.common import clear_errors, db_option


@click.command()
@db_option
@click.option("--all", "everything", is_flag=True, help="Also versions already up to date.")
@click.option(
    "--profile",
    "profile_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Site profile (TOML) whose selectors apply to its site, as in its crawls; repeatable.",
)
def reparse(db: str, everything: bool, profile_files: tuple[str, ...]) -> None:
    """Rebuild extracted rows from the archived raw pages with the current parser (offline).

    Example: healtharchive reparse --db archive.db --profile sites/health-example.toml
    """
    from sqlalchemy.orm import Session

    from crawler.crawl import build_settings
    from crawler.parsers import PARSER_VERSION
    from crawler.profiles import load_profiles, load_site_profile
    from crawler.progress import Progress
    from crawler.reparse import ReparseResult
    from crawler.reparse import reparse as run_reparse
    from pipelines.dedup import near_dup_config
    from storage.db import create_archive_engine, database_url
    from storage.reextract import count_stored_pages

    with clear_errors():
        settings = build_settings(database_url(db))
        profiles = load_profiles(settings.getdict("SITE_PROFILES"))
        for path in profile_files:
            profiles.update(load_site_profile(path).content_profiles())
        engine = create_archive_engine(db)
        with Session(engine) as session:
            total = count_stored_pages(session, None if everything else PARSER_VERSION)
        with Progress(
            "reparse",
            unit="versions",
            total=total,
            interval=settings.getfloat("PROGRESS_INTERVAL"),
        ) as progress:

            def show(result: ReparseResult) -> None:
                done = result.reparsed + result.failed
                progress.update(done, {"changed": result.changed, "failed": result.failed})

            result = run_reparse(
                engine,
                only_stale=not everything,
                near_dup=near_dup_config(settings),
                profiles=profiles,
                on_page=show,
            )
        engine.dispose()
    click.echo(
        f"reparsed {result.reparsed} versions with parser {PARSER_VERSION}: "
        f"{result.changed} changed, {result.failed} no longer parse; "
        f"{result.new_articles} new articles from pages rejected before"
    )


@click.group()
def db() -> None:
    """Manage the archive's schema."""


@db.command("upgrade")
@db_option
def db_upgrade(db: str) -> None:
    """Apply pending schema migrations.

    Example: healtharchive db upgrade --db postgresql+psycopg://postgres@127.0.0.1/archive
    """
    from storage.db import create_archive_engine, database_url, upgrade

    with clear_errors():
        engine = create_archive_engine(db, upgrade=False)
        upgrade(engine)
        engine.dispose()
    click.echo(f"{database_url(db)} is up to date")
