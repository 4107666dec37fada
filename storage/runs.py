"""Crawl runs: one row per spider invocation, closed with its status and stats."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from storage import models as m
from storage.tables import now


def start_run(
    engine: Engine, spider: str, start_urls: Sequence[str], resumed_from: int | None = None
) -> int:
    with Session(engine) as session, session.begin():
        run = m.CrawlRun(
            spider=spider,
            started_at=now(),
            status="running",
            start_urls=list(start_urls),
            stats={},
            resumed_from=resumed_from,
        )
        session.add(run)
        session.flush()
        return run.id


def finish_run(engine: Engine, run_id: int, status: str, stats: dict[str, object]) -> None:
    with Session(engine) as session, session.begin():
        session.execute(
            update(m.CrawlRun)
            .where(m.CrawlRun.id == run_id)
            .values(status=status, finished_at=now(), stats=stats)
        )


def record_overlap(engine: Engine, spider: str, start_urls: Sequence[str], lock: str) -> int:
    """A run that did not start because another crawl of the same site held the lock."""
    run_id = start_run(engine, spider, start_urls)
    finish_run(engine, run_id, "overlap", {"lock": lock, "exit_status": 1})
    return run_id


def record_exit(engine: Engine, run_id: int, exit_status: int, status: str | None = None) -> None:
    """The process's exit status, and the run's status when the process judged it failed."""
    with Session(engine) as session, session.begin():
        run = session.get(m.CrawlRun, run_id)
        if run is None:
            return
        run.stats = {**(run.stats or {}), "exit_status": exit_status}
        if status:
            run.status = status
