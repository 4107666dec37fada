"""Offline extraction: ``extract`` (saved pages -> JSON), ``save-fixture`` (archive -> test).

``extract`` imports the pure parsers only: no Scrapy, no SQLAlchemy, no near-duplicate code.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

import click

from crawler.cli.common import clear_errors, db_option, readonly_session


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--url", default=None, help="The page's URL (default: a file:// URL).")
@click.option("--jsonl", is_flag=True, help="One compact JSON record per line.")
def extract(paths: tuple[str, ...], url: str | None, jsonl: bool) -> None:
    """Parse saved .html or .html.gz files and print one JSON record per file.

    Example: healtharchive extract page.html --url https://example.com/a.html --jsonl
    """
    from crawler.extract import extract_file

    gc.freeze()
    failed = 0
    for path in paths:
        record = extract_file(Path(path), url)
        failed += "error" in record
        click.echo(json.dumps(record, ensure_ascii=False, indent=None if jsonl else 2))
    if failed == len(paths):
        sys.exit(1)


@click.command("save-fixture")
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
    from storage import queries

    with clear_errors():
        target = fixture_folder(Path(folder), name)
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


def fixture_folder(folder: Path, name: str) -> Path:
    """``folder/name``, refusing a name that would land anywhere but directly inside ``folder``."""
    target = (folder / name).resolve()
    if name in ("", ".", "..") or target.parent != folder.resolve():
        raise ValueError(f"fixture name {name!r} must be one folder name, inside {folder}")
    return folder / name
