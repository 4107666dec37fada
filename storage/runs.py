"""Crawl runs: one row per spider invocation, closed with its status and stats."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from storage import models as m
from storage.summaries import compact_summaries
from storage.tables import now


def start_run(
    engine: Engine,
    spider: str,
    start_urls: Sequence[str],
    resumed_from: int | None = None,
    lock: str | None = None,
) -> int:
    """A new run, ``running``; ``lock`` names the crawl lock it holds, if any."""
    with Session(engine) as session, session.begin():
        run = m.CrawlRun(
            spider=spider,
            started_at=now(),
            status="running",
            start_urls=list(start_urls),
            stats={"lock": lock} if lock else {},
            resumed_from=resumed_from,
        )
        session.add(run)
        session.flush()
        return run.id


def finish_run(engine: Engine, run_id: int, status: str, stats: dict[str, object]) -> None:
    """Close the run; the summary rows of writers that have ended are folded on the way."""
    with Session(engine) as session, session.begin():
        session.execute(
            update(m.CrawlRun)
            .where(m.CrawlRun.id == run_id)
            .values(status=status, finished_at=now(), stats=stats)
        )
        compact_summaries(session.connection())


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


def mark_killed(engine: Engine, lock: str) -> list[int]:
    """Runs still ``running`` under ``lock`` while the caller holds it: their process is gone.

    Called with the lock held, so none of them can be alive. They become ``killed`` and stay
    resumable with ``--resume``.
    """
    with Session(engine) as session, session.begin():
        running = session.scalars(select(m.CrawlRun).where(m.CrawlRun.status == "running"))
        dead = [run for run in running if (run.stats or {}).get("lock") == lock]
        for run in dead:
            run.status = "killed"
        return [run.id for run in dead]
