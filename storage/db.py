"""Open an archive database by SQLAlchemy URL, tuned per backend, with its schema up to date.

SQLite is the zero-set-up default: WAL so readers (analysts) never block the crawler, foreign
keys on, and a busy timeout so a briefly locked file waits instead of failing. PostgreSQL is
reached with ``postgresql+psycopg://`` URLs through the very same models.
"""

from __future__ import annotations

import atexit
import fcntl
import functools
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from storage.errors import ArchiveError
from storage.reader import sqlite_file

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from alembic.config import Config

DEFAULT_URL = "sqlite:///archive.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000
MIGRATION_LOCK_KEY = 0x6865616C7468  # "health": one advisory lock id for this application


def database_url(value: str | None) -> str:
    """Accept a SQLAlchemy URL or a plain file path (taken as a SQLite file).

    A path becomes a ``sqlite:///`` URL with its characters escaped (``%`` as ``%25``, ``?`` as
    ``%3F``...), so that :func:`archive_url` gives back exactly that file wherever the URL is
    passed on (the crawl's settings, its pipelines and middlewares).
    """
    if not value:
        return DEFAULT_URL
    if "://" in value:
        return value
    return f"sqlite:///{quote(value, safe='/')}"


def archive_url(value: str | None) -> URL:
    """The SQLAlchemy URL of ``--db``: a plain path is that very file, whatever it holds.

    In a ``sqlite://`` URL the path is percent-decoded and ends at ``?`` (the driver's
    options), on every SQLAlchemy version: 2.0 leaves the path as written, 2.1 decodes it, so
    the URL is not left to either. Other URLs are SQLAlchemy's.
    """
    value = value or DEFAULT_URL
    if "://" not in value:
        return URL.create("sqlite", database=value)
    try:
        parsed = make_url(value)
    except ArgumentError as exc:
        raise ArchiveError(f"not a database URL: {value!r}") from exc
    if parsed.get_backend_name() != "sqlite":
        return parsed
    return parsed.set(database=sqlite_file(value.partition("://")[2]) or None)


def create_archive_engine(
    url: str, *, upgrade: bool = True, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS
) -> Engine:
    """Create the engine and make sure the schema exists.

    An empty database is migrated to the newest revision on first use; a database at an older
    revision is refused with a hint, because upgrading a shared archive should be deliberate.
    """
    parsed = archive_url(url)
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_path(parsed.database)
    try:
        engine = create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise ArchiveError(f"no driver for {parsed.drivername!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
    if upgrade:
        try:
            ensure_schema(engine)
        except ArchiveError:
            engine.dispose()
            raise
    return engine


def open_readonly(url: str) -> Engine:
    """An engine that cannot write: analysts' queries never lock out a running crawl."""
    from storage.reader import head_revision

    parsed = archive_url(url)
    url = parsed.render_as_string()
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if not path.is_file():
            raise ArchiveError(f"no archive at {path}: run a crawl first")
        # as_uri() escapes what the file: URI would misread in a path ("%", "#", "?").
        engine = create_engine(
            URL.create(
                "sqlite",
                database=path.resolve().as_uri(),
                query={"mode": "ro", "uri": "true"},
            ),
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
    else:
        try:
            engine = create_engine(
                parsed, connect_args={"options": "-c default_transaction_read_only=on"}
            )
        except (NoSuchModuleError, ModuleNotFoundError) as exc:
            raise ArchiveError(f"not a supported database URL: {url!r}") from exc
    try:
        with engine.connect() as conn:
            current = _current_revision(conn)
    except OperationalError as exc:
        raise ArchiveError(f"cannot open archive {url!r}: {_first_line(exc)}") from exc
    if current is None:
        engine.dispose()
        raise ArchiveError(f"{url} is not an archive (no schema): run a crawl first")
    head = head_revision()
    if current != head:
        engine.dispose()
        raise ArchiveError(
            f"archive schema is at revision {current}, this version needs {head}: "
            "run 'healtharchive db upgrade' first"
        )
    return engine


HAND_MADE = ("articles_fts", "ix_article_search_document", "ix_article_versions_search")
"""Search objects the migrations create by hand (FTS5 tables, GIN indexes): not in the models."""


def is_modelled(obj: object, name: str | None, type_: str, *_: object) -> bool:
    """Alembic ``include_object``: compare only what the models describe."""
    if type_ == "column" and name == "document":
        return getattr(getattr(obj, "table", None), "name", None) != "article_search"
    return not (name or "").startswith(HAND_MADE)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


@functools.cache
def migrations_dir() -> Path:
    """The migration scripts as a real directory, which Alembic needs.

    Installed normally they are one; inside a zipped egg (as scrapyd runs the project) they are
    copied out once per process into a temporary directory removed at exit.
    """
    source = files("storage") / "migrations"
    if isinstance(source, Path):
        return source
    target = Path(tempfile.mkdtemp(prefix="healtharchive-migrations-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    _copy_tree(source, target)
    return target


def _copy_tree(source: Traversable, target: Path) -> None:
    for entry in source.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                (target / entry.name).mkdir()
                _copy_tree(entry, target / entry.name)
        elif entry.name.endswith((".py", ".mako")):
            (target / entry.name).write_bytes(entry.read_bytes())


def ensure_schema(engine: Engine) -> None:
    from storage.reader import head_revision

    head = head_revision()
    current, _ = _revision(engine)
    if current == head:
        return
    with migration_lock(engine):
        current, has_tables = _revision(engine)
        if current is None and not has_tables:
            upgrade(engine)
            return
    if current == head:
        return
    raise ArchiveError(
        f"archive schema is at revision {current or 'unknown'}, this version needs {head}: "
        "run 'healtharchive db upgrade' first"
    )


def _revision(engine: Engine) -> tuple[str | None, bool]:
    try:
        with engine.connect() as conn:
            return _current_revision(conn), bool(inspect(conn).get_table_names())
    except OperationalError as exc:
        raise ArchiveError(f"cannot open archive {engine.url!r}: {_first_line(exc)}") from exc


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Serialize schema creation: several workers may open the same empty archive at once."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    digest = hashlib.sha1(str(Path(database).resolve()).encode()).hexdigest()[:16]
    with open(
        Path(tempfile.gettempdir()) / f"healtharchive-migrate-{digest}.lock", "a+b"
    ) as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _current_revision(conn: Connection) -> str | None:
    """The archive's schema revision, read without importing Alembic (it is slow to load)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.scalar(text("SELECT version_num FROM alembic_version"))


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command
    from alembic.util import CommandError

    try:
        command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise ArchiveError(f"cannot migrate archive: {_first_line(exc)}") from exc
    except CommandError as exc:
        raise ArchiveError(f"cannot migrate archive: {exc}") from exc


def _check_sqlite_path(database: str | None) -> None:
    if not database or database == ":memory:":
        return
    path = Path(database)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ArchiveError(f"cannot create archive {path}: directory {parent} does not exist")
    target = path if path.exists() else parent
    if not os.access(target, os.W_OK):
        raise ArchiveError(f"cannot write archive {path}: permission denied")


def _sqlite_pragmas(busy_timeout_ms: int):  # type: ignore[no-untyped-def]
    def on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # A batch insert fires the summary triggers, so SQLite keeps a statement journal to
        # undo it; past 64 KiB that journal went to a temporary file, ten times the writes.
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    return on_connect


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", exc)).splitlines()[0]
