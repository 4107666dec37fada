"""Lookups the crawl makes against the archive while it runs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import models as m
from storage import queries


def test_archived_page_is_the_runs_newest_stored_fetch(demo):
    with Session(demo) as s:
        fetch = s.scalars(
            select(m.Fetch)
            .where(m.Fetch.status == 200, m.Fetch.blob_sha256.is_not(None))
            .order_by(m.Fetch.id.desc())
        ).first()
        assert fetch is not None
        page = queries.archived_page(s, [fetch.crawl_run_id], fetch.url)
        assert page == (fetch.final_url, fetch.content_type or "", fetch.blob_sha256)
        assert queries.blob_body(s, page[2])


def test_archived_page_ignores_other_runs_and_unknown_urls(demo):
    with Session(demo) as s:
        row = s.execute(
            select(m.Fetch.url, m.Fetch.crawl_run_id).where(m.Fetch.status == 200)
        ).first()
        assert row is not None
        url, run_id = row
        assert queries.archived_page(s, [-1], url) is None
        assert queries.archived_page(s, queries.run_chain(s, run_id), url + "#never") is None
