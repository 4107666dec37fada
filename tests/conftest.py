"""Shared fixtures: real SQLite files, a real PostgreSQL database, real Redis.

Service-backed tests skip with the reason when the service is absent, except under CI
(``HEALTHARCHIVE_REQUIRE_SERVICES=1``), where a missing service is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PG_URL = os.environ.get(
    "HEALTHARCHIVE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("HEALTHARCHIVE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUIRE_SERVICES = os.environ.get("HEALTHARCHIVE_REQUIRE_SERVICES") == "1"


def service_missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (HEALTHARCHIVE_REQUIRE_SERVICES=1: services are required)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"reference data folder {SHARED} is absent")
    return SHARED


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    try:
        import psycopg
    except ImportError:
        service_missing("psycopg is not installed")
    from sqlalchemy.engine import make_url

    admin = make_url(PG_URL)
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"healtharchive_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0][:160]
        service_missing(f"PostgreSQL not reachable at {PG_URL}: {reason}")
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def archive_url(request: pytest.FixtureRequest) -> str:
    """Run a test once per backend: the same suite must pass on both."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def module_archive_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Like ``archive_url``, shared by a module's tests (for expensive set-ups such as crawls)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('archive') / 'archive.db'}"
        return
    with postgres_database() as url:
        yield url


@pytest.fixture
def redis_url() -> Iterator[str]:
    try:
        import redis
    except ImportError:
        service_missing("the redis package is not installed")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        service_missing(f"Redis not reachable at {REDIS_URL}: {exc}")
    yield REDIS_URL
    client.close()


@pytest.fixture(scope="session")
def pywb_bin() -> Path:
    """The folder holding pywb's ``wayback`` and ``wb-manager``.

    pywb pins dependencies that clash with this project's, so it lives in a virtualenv of its
    own: ``$HEALTHARCHIVE_PYWB`` (that bin folder), else ``.venv-pywb/bin``, else ``PATH``.
    """
    root = Path(__file__).resolve().parents[1]
    for folder in (os.environ.get("HEALTHARCHIVE_PYWB"), root / ".venv-pywb" / "bin"):
        if folder and (Path(folder) / "wayback").is_file():
            return Path(folder)
    found = shutil.which("wayback")
    if found is None:
        service_missing(
            "pywb is not installed (python3 -m venv .venv-pywb && .venv-pywb/bin/pip install pywb)"
        )
    return Path(str(found)).parent
