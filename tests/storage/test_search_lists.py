"""Ranked lists of common words: the same hits as the full index, kept true as articles change."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from storage import search_lists
from storage.archive import ArchiveWriter
from storage.db import create_archive_engine
from storage.fingerprints import NearDupConfig
from storage.generate import generate_archive
from storage.reader import open_reader
from storage.runs import start_run
from storage.search import SearchFilters, _conditions, _listed, _several, search
from storage.search_bm25 import CLAMPED_IDF
from storage.search_text import fts5_query, query_terms

from .test_archive import article, record

pytestmark = pytest.mark.integration

COMMON_WORDS = ["sleep", "water", "失眠", "健康"]
"""The generator's most frequent English words and Chinese bigrams: common in any archive."""
COMMON_PREFIXES = ["sle*", "wat*", "sleep*"]
"""Prefixes of those words: each counts every word it starts (``sleep``, ``sleepy``...)."""
LIMITS = [1, 5, 12]


@pytest.fixture
def small_lists(monkeypatch):
    """Lists for words in 40+ articles, 12 articles each (48 for words in half of the
    articles), so a 400-article archive has them."""
    monkeypatch.setattr(search_lists, "COMMON_DF", 40)
    monkeypatch.setattr(search_lists, "LIST_SIZE", 12)
    monkeypatch.setattr(search_lists, "DEEP_LIST_SIZE", 48)


@pytest.fixture
def generated(archive_url, small_lists):
    yield from _generated(archive_url)


@pytest.fixture
def generated_sqlite(sqlite_url, small_lists):
    yield from _generated(sqlite_url)


def _generated(url: str):
    engine = create_archive_engine(url)
    generate_archive(engine, 400, seed=11)
    yield engine
    engine.dispose()


def hits(
    engine, query: str, limit: int, ranked_lists: bool, filters: SearchFilters | None = None
) -> list[tuple[str, float]]:
    with open_reader(engine.url.render_as_string(hide_password=False)) as reader:
        found = search(reader, query, limit, filters, ranked_lists=ranked_lists)
    return [(hit.url, hit.score) for hit in found]


def answered_from_list(engine, word: str, limit: int) -> bool:
    with open_reader(engine.url.render_as_string(hide_password=False)) as reader:
        return _listed(reader, query_terms(word), limit) is not None


def assert_lists_agree(engine, scores: bool = True) -> None:
    """The lists give the full index's hits in its order, for words and prefixes; and its
    scores, unless SQLite's bm25 statistics (IDF, average length) moved since the lists were
    built."""
    for query in [*COMMON_WORDS, *COMMON_PREFIXES]:
        for limit in LIMITS:
            listed, full = hits(engine, query, limit, True), hits(engine, query, limit, False)
            if not scores:
                listed, full = [(url, 0.0) for url, _ in listed], [(url, 0.0) for url, _ in full]
            assert listed == full, (query, limit)


def test_common_words_are_answered_from_their_lists_with_the_full_index_hits(generated):
    with generated.connect() as conn:
        common = set(conn.scalars(text("SELECT token FROM search_common")))
    assert {*COMMON_WORDS, *COMMON_PREFIXES} <= common
    for query in [*COMMON_WORDS, *COMMON_PREFIXES]:
        assert answered_from_list(generated, query, 5), query
        assert not answered_from_list(generated, query, 13), query
    assert_lists_agree(generated)


def test_rare_words_phrases_and_short_prefixes_use_the_full_index(generated):
    for query in ['"sleep water"', "sl*", "sleep water", "失眠症"]:
        assert not answered_from_list(generated, query, 5), query


def test_prefix_lists_follow_new_and_reparsed_articles(generated):
    """A prefix's list takes a new article with several of its words and lets it go when it
    is re-parsed without them; a rebuild gives the same hits."""
    writer = ArchiveWriter(generated, start_run(generated, "test", []), "1", NearDupConfig())
    url = "http://other.example/sleepless.html"
    writer.add_article(record(article(url, "Sleepless, sleepy, sleeping. " * 20, title="Sleep")))
    writer.flush()
    assert hits(generated, "sle*", 1, True)[0][0] == url
    assert answered_from_list(generated, "sle*", 5)
    assert_lists_agree(generated, scores=generated.dialect.name == "postgresql")
    writer.add_article(record(article(url, "Nothing about resting here. " * 8, title="Other")))
    writer.flush()
    assert url not in {found for found, _ in hits(generated, "sle*", 12, True)}
    assert_lists_agree(generated, scores=generated.dialect.name == "postgresql")
    with generated.begin() as conn:
        search_lists.build_lists(conn)
    assert_lists_agree(generated)


def test_lists_follow_new_and_reparsed_articles(generated):
    writer = ArchiveWriter(generated, start_run(generated, "test", []), "1", NearDupConfig())
    url = "http://other.example/sleep.html"
    # Nothing but the word, in the title too: the best article for it on either ranking.
    writer.add_article(record(article(url, "Sleep sleep. " * 20, title="Sleep " * 8)))
    writer.flush()
    assert hits(generated, "sleep", 1, True)[0][0] == url
    assert_lists_agree(generated, scores=generated.dialect.name == "postgresql")
    writer.add_article(record(article(url, "Nothing about resting here. " * 8, title="Other")))
    writer.flush()
    assert url not in {found for found, _ in hits(generated, "sleep", 12, True)}
    assert_lists_agree(generated, scores=generated.dialect.name == "postgresql")


def test_a_rebuild_gives_the_same_hits(generated):
    queries = [*COMMON_WORDS, *COMMON_PREFIXES]
    before = {query: hits(generated, query, 12, True) for query in queries}
    with generated.begin() as conn:
        assert search_lists.build_lists(conn) >= len(queries)
    assert {query: hits(generated, query, 12, True) for query in queries} == before


FILTERS = [
    SearchFilters(language="en"),
    SearchFilters(language="zh"),
    SearchFilters(site="health-en-1.example.com"),
    SearchFilters(has_advice=True),
]


@pytest.mark.parametrize("filters", FILTERS)
def test_filtered_common_words_and_prefixes_keep_the_full_index_hits(generated, filters):
    for query in [*COMMON_WORDS, *COMMON_PREFIXES]:
        for limit in LIMITS:
            full = hits(generated, query, limit, False, filters)
            assert hits(generated, query, limit, True, filters) == full, (query, limit)


SEVERAL = [
    "sleep sign",
    "water tablet",
    "失眠 健康",
    "sleep water",
    "sleep water sign",
    "sign sleep sleep",
]
"""Queries of several common words: two half-of-the-archive words ("sleep water"), a common
one with rarer common ones, three words, and a word twice (FTS5 then counts it twice)."""
PROVEN = {("sleep sign", 12), ("water tablet", 12), ("失眠 健康", 5), ("sleep water", 12)}
"""Some of those the lists prove on SQLite in the 400-article archive (seed 11); "sleep water"
through the deeper lists of its two words, each in half of the articles or more."""
UNPROVEN = {("失眠 健康", 12)}
"""Two words in a little under half of the articles each (no deeper lists): the 12th best
candidate does not beat the sum of floors, so the full index answers."""


def several(engine, query: str, limit: int, filters: SearchFilters | None = None):
    with open_reader(engine.url.render_as_string(hide_password=False)) as reader:
        where, params = _conditions(reader, filters or SearchFilters())
        return _several(reader, query_terms(query), limit, where, params)


def fts5_top(engine, query: str, limit: int) -> list[tuple[int, float]]:
    """FTS5's own top-k: (article id, bm25 score), best first, ties by article id."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT rowid, -rank FROM articles_fts WHERE articles_fts MATCH :match "
                "ORDER BY rank, rowid LIMIT :limit"
            ),
            {"match": fts5_query(query_terms(query)), "limit": limit},
        )
        return [(article_id, score) for article_id, score in rows]


def assert_several_agree(engine, filters: SearchFilters | None = None, scores: bool = True):
    for query in SEVERAL:
        for limit in LIMITS:
            listed, full = (hits(engine, query, limit, lists, filters) for lists in (True, False))
            if not scores:
                listed, full = [(url, 0.0) for url, _ in listed], [(url, 0.0) for url, _ in full]
            assert listed == full, (query, limit, filters)


def test_several_common_words_give_the_full_index_top_k(generated):
    proven = {
        (query, limit) for query in SEVERAL for limit in LIMITS if several(generated, query, limit)
    }
    if generated.dialect.name == "sqlite":
        assert proven >= PROVEN
        assert not proven & UNPROVEN
    else:
        # ts_rank of an AND query is not a sum of the words' ranks: no list proves it.
        assert not proven
    assert_several_agree(generated)


def test_several_common_words_score_as_fts5_to_the_bit(generated_sqlite):
    """bm25 sums are SQLite's: PostgreSQL's lists never answer several words."""
    generated = generated_sqlite
    for query, limit in sorted(PROVEN):
        assert several(generated, query, limit) == fts5_top(generated, query, limit), query


SEVERAL_FILTERS = [*FILTERS, SearchFilters(since=datetime(2025, 1, 1, 3, tzinfo=timezone.utc))]
"""Each filter, ``since`` too (the generated articles were first seen over 2025-01-01's first
hours: this keeps about half)."""


@pytest.mark.parametrize("filters", SEVERAL_FILTERS)
def test_several_common_words_with_filters_keep_the_full_index_hits(generated, filters):
    if generated.dialect.name == "sqlite":
        # The lists answer some of them: the filters are applied to the candidates.
        assert any(several(generated, query, 1, filters) for query in SEVERAL)
    assert_several_agree(generated, filters)


def test_deeper_lists_only_for_words_in_half_of_the_articles(generated_sqlite):
    """sleep and water are in over half of the 400 articles (FTS5 clamps their IDF); the
    Chinese words, in a little under half, get no deeper list, nor do prefixes."""
    with generated_sqlite.connect() as conn:
        deeper = dict(
            conn.execute(text("SELECT token, idf FROM search_common WHERE token LIKE '%+'")).all()
        )
        sizes = dict(
            conn.execute(text("SELECT token, count(*) FROM search_top GROUP BY token")).all()
        )
    assert {"sleep+", "water+"} <= set(deeper)
    assert not {"失眠+", "健康+", "sign+"} & set(deeper)
    assert not any(key.endswith("*+") for key in deeper)
    assert set(deeper.values()) == {CLAMPED_IDF}
    assert all(12 < sizes[key] <= 48 and sizes[key[:-1]] <= 12 for key in deeper)


@pytest.mark.parametrize("query", ["sleep sign", "sleep water"])
def test_several_common_words_follow_new_and_reparsed_articles(generated, query):
    writer = ArchiveWriter(generated, start_run(generated, "test", []), "1", NearDupConfig())
    url = "http://other.example/several.html"
    words = query.capitalize() + " "
    writer.add_article(record(article(url, (words + ". ") * 20, title=words * 4)))
    writer.flush()
    if generated.dialect.name == "sqlite":
        # bm25 sums the words (PostgreSQL's AND rank weighs their distances): the best article.
        assert hits(generated, query, 1, True)[0][0] == url
        assert several(generated, query, 5)
    # SQLite's lists keep their last build's statistics: same order, scores may move.
    assert_several_agree(generated, scores=generated.dialect.name == "postgresql")
    writer.add_article(record(article(url, "Nothing about resting here. " * 8, title="Other")))
    writer.flush()
    assert url not in {found for found, _ in hits(generated, query, 12, True)}
    assert_several_agree(generated, scores=generated.dialect.name == "postgresql")


@pytest.fixture
def complete_lists(sqlite_url, monkeypatch):
    """Lists longer than any word's article count: each holds every article with its word
    (SQLite: bm25 sums are its own)."""
    monkeypatch.setattr(search_lists, "COMMON_DF", 40)
    monkeypatch.setattr(search_lists, "LIST_SIZE", 1000)
    engine = create_archive_engine(sqlite_url)
    generate_archive(engine, 400, seed=11)
    yield engine
    engine.dispose()


def test_several_words_with_a_complete_list_need_no_bound(complete_lists):
    with complete_lists.connect() as conn:
        assert conn.scalar(text("SELECT max(floor) FROM search_common")) == 0.0
    # Every match is listed, so even a limit past the matches is answered, in FTS5's order.
    for query in [*SEVERAL, "sleep 失眠"]:
        for limit in [5, 400]:
            assert several(complete_lists, query, limit) == fts5_top(complete_lists, query, limit)
    assert hits(complete_lists, "sleep 失眠", 5, True) == []
