"""Search over a crawled demo archive: the same articles on SQLite and PostgreSQL, ranked,
filtered, with snippets, and kept in step as versions change."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from storage import models as m
from storage.db import create_archive_engine
from storage.generate import generate_archive
from storage.reader import open_reader
from storage.search import SearchFilters, search

pytestmark = pytest.mark.integration

SAME_ON_BOTH = [
    "insomnia",
    "INSÓMNIA",
    '"muscle cramps"',
    "cramp*",
    '"muscle cramp*"',
    "sleep water",
    "失眠",
    "眠",
    "睡眠 规律",
]


def reading(engine: Engine):
    return open_reader(engine.url.render_as_string(hide_password=False))


def urls(engine: Engine, query: str, **filters: object) -> list[str]:
    with reading(engine) as reader:
        found = search(reader, query, 1000, SearchFilters(**filters))  # type: ignore[arg-type]
    return [hit.url for hit in found]


def test_the_same_searches_find_the_same_articles_on_both_backends(sqlite_demo, postgres_demo):
    for query in SAME_ON_BOTH:
        on_sqlite = urls(sqlite_demo, query)
        assert on_sqlite, query
        assert sorted(on_sqlite) == sorted(urls(postgres_demo, query)), query


def test_words_are_whole_words_unless_starred(demo):
    cramp, cramps = set(urls(demo, "cramp")), set(urls(demo, "cramps"))
    assert cramps - cramp
    assert cramp | cramps <= set(urls(demo, "cramp*"))
    assert set(urls(demo, '"muscle cramps"')) <= cramps


def test_hits_are_ranked_with_marked_snippets(demo):
    with reading(demo) as reader:
        hits = search(reader, "insomnia", 5)
    assert len(hits) == 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        assert "[insomnia]" in hit.snippet.lower()
        assert hit.title and hit.language == "en"
    assert "insomnia" in hits[0].title.lower()


def test_chinese_terms_are_found_and_marked(demo):
    with reading(demo) as reader:
        hits = search(reader, "失眠", 3)
    assert hits and all("[失眠]" in h.snippet and h.language.startswith("zh") for h in hits)


def test_limit_and_filters(demo):
    every = urls(demo, "眠")
    assert urls(demo, "眠", language="zh") == every
    assert urls(demo, "眠", language="z") == []
    assert urls(demo, "眠", language="en") == []
    host = urlsplit(every[0]).netloc
    assert urls(demo, "眠", site=host) == every
    assert urls(demo, "眠", site=f"http://{host}/health") == every
    assert urls(demo, "眠", site=f"http://{host}/other") == []
    assert urls(demo, "眠", site="elsewhere.example") == []
    with_advice = urls(demo, "sleep", has_advice=True)
    assert 0 < len(with_advice) < len(urls(demo, "sleep"))
    assert urls(demo, "sleep", since=datetime(2100, 1, 1)) == []
    assert urls(demo, "sleep", since=datetime(2020, 1, 1)) == urls(demo, "sleep")
    with reading(demo) as reader:
        assert len(search(reader, "sleep", 3)) == 3


def test_a_query_with_nothing_to_search_for_is_refused(demo):
    with reading(demo) as reader, pytest.raises(ValueError, match="nothing to search for"):
        search(reader, "* %", 3)


def test_a_generated_archive_is_searchable_on_both_backends(archive_url):
    engine = create_archive_engine(archive_url)
    generate_archive(engine, 300, seed=5)
    with Session(engine) as session:
        current = session.execute(
            select(m.Article.id, m.ArticleVersion.id).join(
                m.ArticleVersion,
                (m.ArticleVersion.article_id == m.Article.id)
                & (m.ArticleVersion.version == m.Article.current_version),
            )
        ).all()
        indexed = session.execute(select(m.ArticleSearch.article_id, m.ArticleSearch.version_id))
        assert sorted(indexed) == sorted(current)
    with reading(engine) as reader:
        assert search(reader, "sleep", 5) and search(reader, "失眠", 5)
    engine.dispose()
