"""Re-crawling a changed site records versions, tombstones and new articles exactly.

Runs on SQLite and on PostgreSQL: the archive must behave the same on both.
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from crawler.parsers import parse_article
from crawler.reparse import reparse
from storage import models as m
from storage import queries
from storage.db import create_archive_engine
from storage.diff import diff_versions

from .test_crawl_demo import crawl

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def recrawled(module_archive_url):
    archive_url = module_archive_url
    first, second = build_site(), build_site(edition=2)
    with DemoServer(first, slow_delay=0.2) as server:
        crawl(server, archive_url)
        server.set_site(second)
        crawl(server, archive_url)
        base = server.url
    engine = create_archive_engine(archive_url)
    yield first, second, base, engine
    engine.dispose()


def test_second_edition_is_recorded_exactly(recrawled):
    first, second, base, engine = recrawled
    truth = second.truth
    with Session(engine) as s:
        runs = [r.id for r in s.scalars(select(m.CrawlRun).order_by(m.CrawlRun.id))]
        assert len(runs) == 2
        versioned = {
            url.removeprefix(base)
            for url in s.scalars(
                select(m.Article.canonical_url).where(m.Article.current_version > 1)
            )
        }
        assert versioned == set(truth["edited"])
        removed = s.execute(
            select(m.Article.canonical_url, m.Article.status, m.Tombstone.reason).join(
                m.Tombstone, m.Tombstone.article_id == m.Article.id
            )
        ).all()
        assert [(u.removeprefix(base), st, r) for u, st, r in removed] == [
            (truth["removed"][0], "removed", "http_404")
        ]
        added = {
            url.removeprefix(base)
            for url in s.scalars(
                select(m.Article.canonical_url)
                .join(m.ArticleVersion, m.ArticleVersion.article_id == m.Article.id)
                .where(m.ArticleVersion.crawl_run_id == runs[1], m.ArticleVersion.version == 1)
            )
        }
        assert added == set(truth["added"])
        assert s.scalar(select(func.count()).select_from(m.ArticleVersion)) == (
            len(first.truth["articles"]) + len(truth["edited"]) + len(truth["added"])
        )


def test_unchanged_pages_reuse_their_blob(recrawled):
    first, second, base, engine = recrawled
    unchanged = [p for p, page in first.pages.items() if second.pages.get(p) == page]
    with Session(engine) as s:
        rows = s.execute(
            select(m.Fetch.url, func.count(func.distinct(m.Fetch.blob_sha256)))
            .where(m.Fetch.status == 200)
            .group_by(m.Fetch.url)
        ).all()
    blobs_per_url = {url.removeprefix(base): n for url, n in rows}
    assert all(blobs_per_url.get(p, 1) == 1 for p in unchanged)
    assert sum(1 for p in unchanged if p in blobs_per_url) > 200


def test_diff_shows_the_edited_sentence_and_advice_item(recrawled):
    _, second, base, engine = recrawled
    for path in second.truth["edited"]:
        with Session(engine) as s:
            article = queries.article_by_url(s, base + path)
            old, new = queries.versions_of(s, article.id)
            lines = diff_versions(
                old, new, queries.advice_of(s, old.id), queries.advice_of(s, new.id)
            )
        assert "paragraphs:" in lines and "advice items:" in lines, (path, lines)
        changed = [line for line in lines if line.startswith(("-", "+"))]
        assert any(line.startswith("- ") for line in changed[2:])
        assert any(line.startswith("+ ") for line in changed[2:])


def extracted_rows(engine) -> list[tuple]:
    with Session(engine) as s:
        versions = s.execute(
            select(
                m.ArticleVersion.id,
                m.ArticleVersion.headline,
                m.ArticleVersion.body,
                m.ArticleVersion.content_hash,
                m.ArticleVersion.language,
                m.ArticleVersion.parser_version,
            ).order_by(m.ArticleVersion.id)
        ).all()
        advice = s.execute(
            select(
                m.AdviceItem.version_id,
                m.AdviceItem.position,
                m.AdviceItem.printed_number,
                m.AdviceItem.text,
                m.AdviceItem.parser_version,
            ).order_by(m.AdviceItem.version_id, m.AdviceItem.position)
        ).all()
        links = s.execute(
            select(m.Link.version_id, m.Link.kind, m.Link.position, m.Link.url).order_by(
                m.Link.version_id, m.Link.kind, m.Link.position
            )
        ).all()
    return [tuple(r) for r in versions + advice + links]


def test_reparse_reproduces_the_crawl_and_tracks_parser_version(recrawled):
    """Runs last in the module: it rewrites the extracted rows, then restores them."""
    _, _, _, engine = recrawled
    before = extracted_rows(engine)
    result = reparse(engine, only_stale=False)
    assert result.failed == 0 and result.changed == 0 and result.reparsed > 200
    assert extracted_rows(engine) == before

    def shouting_parser(html, url, headers, profile):
        article = parse_article(html, url, headers, profile)
        return dataclasses.replace(article, headline=article.headline.upper())

    changed = reparse(engine, parser=shouting_parser, parser_version="test-2")
    assert changed.reparsed == result.reparsed
    with Session(engine) as s:
        assert set(s.scalars(select(m.ArticleVersion.parser_version))) == {"test-2"}
        assert set(s.scalars(select(m.AdviceItem.parser_version))) <= {"test-2"}
        headline = s.scalar(select(m.ArticleVersion.headline).limit(1))
        assert headline == headline.upper()
    assert reparse(engine, parser=shouting_parser, parser_version="test-2").reparsed == 0
    restored = reparse(engine)
    assert restored.reparsed == result.reparsed
    assert extracted_rows(engine) == before
