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
