"""A PostgreSQL backend killed while a batch is being written: the batch stays pending, the next
flush writes it whole, nothing is lost and nothing is stored twice.

The write is caught in flight for certain: another session holds a lock on ``fetches``, so the
writer's INSERT waits inside its transaction; that backend is then terminated, as a crashed or
restarted server would do it.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storage import models as m
from storage.archive import ArchiveWriter
from storage.db import create_archive_engine
from storage.records import FetchRecord
from storage.runs import start_run

pytestmark = pytest.mark.postgres

BATCH = 50
WAIT_S = 30.0


def fetch(n: int) -> FetchRecord:
    url = f"http://site.example/a-{n}.html"
    body = f"<html><body><p>page {n}</p></body></html>".encode()
    return FetchRecord(
        key=f"k{n}", url=url, final_url=url, status=200, fetched_at=datetime.now(timezone.utc),
        body=body, content_type="text/html",
    )  # fmt: skip


def waiting_insert_pid(engine) -> int | None:
    """The backend whose INSERT into ``fetches`` waits on a lock, if there is one yet."""
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO fetches%'"
            )
        ).scalar()


def test_backend_killed_mid_write_keeps_the_batch_and_loses_nothing(postgres_url):
    engine = create_archive_engine(postgres_url)
    writer = ArchiveWriter(engine, start_run(engine, "health", ["http://site.example/"]), "2")
    for n in range(BATCH):
        writer.add_fetch(fetch(n))

    errors: list[BaseException] = []

    def flush() -> None:
        try:
            writer.flush()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    with engine.connect() as blocker:
        blocker.execute(text("LOCK TABLE fetches IN ACCESS EXCLUSIVE MODE"))
        flushing = threading.Thread(target=flush)
        flushing.start()
        deadline = time.monotonic() + WAIT_S
        pid = waiting_insert_pid(engine)
        while pid is None and time.monotonic() < deadline:
            time.sleep(0.05)
            pid = waiting_insert_pid(engine)
        assert pid is not None, "the writer's INSERT never reached the server"
        with engine.connect() as admin:
            assert admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        blocker.rollback()
    flushing.join(WAIT_S)
    assert not flushing.is_alive()

    assert len(errors) == 1 and isinstance(errors[0], DBAPIError), errors
    assert writer.pending == BATCH, "the interrupted batch is kept for the next flush"
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(m.Fetch)) == 0
    writer.flush()
    assert writer.pending == 0
    with Session(engine) as s:
        keys = list(s.scalars(select(m.Fetch.key)))
        blobs = s.scalar(select(func.count()).select_from(m.Blob))
    engine.dispose()
    assert sorted(keys) == sorted(f"k{n}" for n in range(BATCH))
    assert blobs == BATCH
