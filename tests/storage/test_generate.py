"""The synthetic archive: exactly N articles, deterministic, shaped like a crawled archive."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import models as m
from storage.db import create_archive_engine
from storage.errors import ArchiveError
from storage.generate import generate_archive


def test_generates_exactly_n_articles_on_both_backends(archive_url):
    engine = create_archive_engine(archive_url)
    try:
        result = generate_archive(engine, 240, seed=3)
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(m.Article)) == 240
            assert result.articles == 240
            assert session.scalar(select(func.count()).select_from(m.AdviceItem)) == (
                result.advice_items
            )
            languages = set(session.scalars(select(m.ArticleVersion.language)))
            assert languages == {"en", "zh"}
            assert None not in set(session.scalars(select(m.ArticleVersion.category)))
            failed = session.scalar(
                select(func.count()).select_from(m.Fetch).where(m.Fetch.status != 200)
            )
            assert failed and failed < result.fetches
            canonical = session.execute(
                select(m.Article.canonical_url).join(
                    m.Cluster, m.Cluster.canonical_article_id == m.Article.id
                )
            ).scalars()
            assert result.clusters > 0
            assert all(not url.endswith("-reprint.html") for url in canonical)
            run = session.scalars(select(m.CrawlRun)).one()
            assert run.started_at.tzinfo is not None
        with pytest.raises(ArchiveError, match="already holds articles"):
            generate_archive(engine, 10)
    finally:
        engine.dispose()


def test_same_seed_same_archive(tmp_path):
    texts = []
    for name in ("a.db", "b.db"):
        engine = create_archive_engine(str(tmp_path / name))
        generate_archive(engine, 50, seed=7)
        with Session(engine) as session:
            texts.append(list(session.scalars(select(m.ArticleVersion.body))))
        engine.dispose()
    assert texts[0] == texts[1]


def test_zero_articles_is_refused(tmp_path):
    engine = create_archive_engine(str(tmp_path / "a.db"))
    with pytest.raises(ArchiveError, match="at least 1"):
        generate_archive(engine, 0)
    engine.dispose()
