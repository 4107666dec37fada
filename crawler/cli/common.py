"""What every subcommand shares: the ``--db`` option, one-line errors, a read-only session.

Imports here stay light (click and the error types); the storage layer is imported inside the
functions that need it.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from crawler.errors import CrawlError
from storage.errors import ArchiveError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

F = TypeVar("F", bound=Callable[..., Any])


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
    except BrokenPipeError:
        raise
    except (ArchiveError, CrawlError, ValueError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


@contextmanager
def readonly_session(db: str) -> Iterator[Session]:
    from sqlalchemy.orm import Session

    from storage.db import open_readonly

    engine = open_readonly(db)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


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
