"""The archive's contract, run against SQLite and PostgreSQL alike."""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from datetime import datetime, timezone

import pytest
from alembic import command
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from crawler.parsers.records import AdviceItem, Article, Link
from storage import models as m
from storage import queries
from storage.archive import ArchiveWriter
from storage.blobs import decompress
from storage.clusters import looks_like_copy
from storage.db import alembic_config, create_archive_engine, upgrade
from storage.errors import ArchiveError
from storage.fingerprints import NearDupConfig, content_hash, minhash, signature_bytes
from storage.reader import open_reader
from storage.records import ArticleRecord, FetchRecord
from storage.reextract import replace_extracted, stored_pages
from storage.runs import finish_run, start_run
from storage.search import search

CONFIG = NearDupConfig()
WORDS = [
    "sleep",
    "hydration",
    "exercise",
    "stretching",
    "vegetables",
    "protein",
    "fiber",
    "calcium",
    "posture",
    "breathing",
    "walking",
    "sunlight",
    "caffeine",
    "sugar",
    "salt",
    "stress",
    "meditation",
    "doctor",
    "vitamin",
    "muscles",
]


def prose(seed: int, n: int = 120) -> str:
    return " ".join(WORDS[(seed * 7 + i * i) % len(WORDS)] + str((seed + i) % 13) for i in range(n))


def article(url: str, body: str, title: str = "Title", advice: int = 2) -> Article:
    return Article(
        url=url,
        canonicalUrl=url,
        headline=title,
        articleBody=body,
        inLanguage="en",
        encoding="utf-8",
        advice=tuple(AdviceItem(0, n, f"tip {n}", f"{n}.") for n in range(1, advice + 1)),
        previous=Link(url + "?prev", "Prev"),
        related=(Link(url + "?r1", "R1..."), Link(url + "?r2", "R2...")),
    )


def record(art: Article, fetch_key: str | None = None) -> ArticleRecord:
    return ArticleRecord(
        article=art,
        content_hash=content_hash(
            art.headline, art.articleBody, ((a.printed_number, a.text) for a in art.advice)
        ),
        fetch_key=fetch_key,
        signature=signature_bytes(minhash(art.articleBody, CONFIG)),
    )


def fetch(url: str, status: int = 200, body: bytes | None = b"<html>x</html>", final=None):
    return FetchRecord(
        key=uuid.uuid4().hex,
        url=url,
        final_url=final or url,
        status=status,
        fetched_at=datetime.now(timezone.utc),
        body=body,
    )


@pytest.fixture
def engine(archive_url: str):
    engine = create_archive_engine(archive_url)
    yield engine
    engine.dispose()


def writer(engine) -> ArchiveWriter:
    return ArchiveWriter(engine, start_run(engine, "test", ["http://x/"]), "1", CONFIG)


def count(engine, model) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def crawl(engine, pages: dict[str, str]) -> ArchiveWriter:
    w = writer(engine)
    for url, body in pages.items():
        f = fetch(url, body=body.encode())
        w.add_fetch(f)
        w.add_article(record(article(url, body), f.key))
    w.flush()
    return w


def test_new_articles_are_stored_with_versions_advice_and_links(engine):
    crawl(engine, {"http://x/a": prose(1), "http://x/b": prose(2)})
    assert count(engine, m.Article) == 2
    assert count(engine, m.ArticleVersion) == 2
    assert count(engine, m.AdviceItem) == 4
    assert count(engine, m.Link) == 6
    with Session(engine) as s:
        items = queries.advice_of(s, s.scalar(select(m.ArticleVersion.id).limit(1)))
        assert [(i.printed_number, i.text, i.parser_version) for i in items] == [
            (1, "tip 1", "1"),
            (2, "tip 2", "1"),
        ]


def test_recrawl_unchanged_makes_no_new_rows_but_its_own_run(engine):
    pages = {"http://x/a": prose(1), "http://x/b": prose(2)}
    crawl(engine, pages)
    before = {model: count(engine, model) for model in (m.Article, m.ArticleVersion, m.Blob)}
    second = crawl(engine, pages)
    assert second.totals.unchanged == 2 and second.totals.new_versions == 0
    after = {model: count(engine, model) for model in (m.Article, m.ArticleVersion, m.Blob)}
    assert before == after
    assert count(engine, m.Fetch) == 4
    assert count(engine, m.CrawlRun) == 2


def test_changed_content_creates_a_version_and_keeps_the_old(engine):
    crawl(engine, {"http://x/a": prose(1)})
    crawl(engine, {"http://x/a": prose(1) + " one edited sentence"})
    with Session(engine) as s:
        art = queries.article_by_url(s, "http://x/a")
        versions = queries.versions_of(s, art.id)
        assert [v.version for v in versions] == [1, 2]
        assert art.current_version == 2
        assert versions[1].body.endswith("one edited sentence")


def test_same_body_is_one_blob(engine):
    w = writer(engine)
    for _ in range(3):
        w.add_fetch(fetch("http://x/a", body=b"same bytes"))
    w.flush()
    assert count(engine, m.Fetch) == 3
    assert count(engine, m.Blob) == 1
    with Session(engine) as s:
        assert decompress(s.scalar(select(m.Blob))) == b"same bytes"


def test_404_after_seen_is_a_tombstone_not_a_deletion(engine):
    crawl(engine, {"http://x/a": prose(1)})
    w = writer(engine)
    w.add_fetch(fetch("http://x/a", status=404))
    w.add_fetch(fetch("http://x/never-seen", status=404))
    w.flush()
    assert w.totals.tombstones == 1
    with Session(engine) as s:
        art = queries.article_by_url(s, "http://x/a")
        assert art.status == "removed"
        assert s.scalar(select(m.Tombstone.reason)) == "http_404"
    assert count(engine, m.ArticleVersion) == 1


def test_soft_404_redirect_to_home_is_a_tombstone(engine):
    crawl(engine, {"http://x/a": prose(1)})
    w = writer(engine)
    w.add_fetch(fetch("http://x/a", final="http://x/"))
    w.flush()
    with Session(engine) as s:
        assert s.scalar(select(m.Tombstone.reason)) == "soft_404"


def test_same_content_under_a_new_url_is_an_alias(engine):
    crawl(engine, {"http://x/a": prose(1)})
    crawl(engine, {"http://mirror/a": prose(1)})
    assert count(engine, m.Article) == 1
    with Session(engine) as s:
        assert queries.article_by_url(s, "http://mirror/a").canonical_url == "http://x/a"


def test_near_duplicates_share_a_cluster_with_one_canonical(engine):
    base = prose(3, 200)
    crawl(engine, {"http://x/a": base, "http://x/other": prose(9, 200)})
    crawl(engine, {"http://x/a-reprint": base + " with one changed sentence"})
    with Session(engine) as s:
        groups = list(queries.clusters(s).values())
    assert groups == [[("http://x/a", True), ("http://x/a-reprint", False)]]


def test_the_original_is_canonical_even_when_the_copy_comes_first(engine):
    """A reprint crawled first, declaring itself canonical, still loses to the original."""
    base = prose(4, 200)
    w = writer(engine)
    copy = article("http://x/b-reprint.html", base + " with one changed sentence")
    w.add_article(dataclasses.replace(record(copy), declared_canonical=True))
    w.flush()
    crawl(engine, {"http://x/b.html": base})
    with Session(engine) as s:
        groups = list(queries.clusters(s).values())
    assert groups == [[("http://x/b-reprint.html", False), ("http://x/b.html", True)]]


@pytest.mark.parametrize(
    ("url", "copy"),
    [
        ("http://x/a-reprint.html", True),
        ("http://x/print/a.html", True),
        ("http://x/amp/a", True),
        ("http://x/blueprint.html", False),
        ("http://x/a.html", False),
    ],
)
def test_copy_urls_are_recognised(url, copy):
    assert looks_like_copy(url) is copy


def test_unique_constraints_are_the_last_line_of_dedup(engine):
    crawl(engine, {"http://x/a": prose(1)})
    with Session(engine) as s, pytest.raises(IntegrityError):
        now = datetime.now(timezone.utc)
        s.add(m.Article(canonical_url="http://x/a", first_seen=now, last_seen=now, content_hash=""))
        s.flush()


def test_failed_flush_writes_nothing_and_keeps_the_batch(engine):
    w = writer(engine)
    duplicate = fetch("http://x/a")
    w.add_fetch(duplicate)
    w.add_fetch(duplicate)
    w.add_article(record(article("http://x/a", prose(1)), duplicate.key))
    with pytest.raises(IntegrityError):
        w.flush()
    assert w.pending == 3
    assert count(engine, m.Fetch) == 0
    assert count(engine, m.Article) == 0


def test_locked_sqlite_file_keeps_the_batch_until_it_is_free(sqlite_url):
    engine = create_archive_engine(sqlite_url, busy_timeout_ms=100)
    w = writer(engine)
    w.add_article(record(article("http://x/a", prose(1))))
    path = sqlite_url.removeprefix("sqlite:///")
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    with pytest.raises(OperationalError, match="locked"):
        w.flush()
    assert w.pending == 1
    locker.execute("ROLLBACK")
    locker.close()
    w.flush()
    assert w.pending == 0
    assert count(engine, m.Article) == 1
    engine.dispose()


def test_run_stats_are_recorded(engine):
    w = writer(engine)
    finish_run(engine, w.run_id, "finished", {"downloader/response_count": 3})
    with Session(engine) as s:
        run = queries.latest_run(s)
        assert run.status == "finished"
        assert run.stats["downloader/response_count"] == 3
        assert run.finished_at is not None


def test_article_links_to_a_fetch_committed_in_an_earlier_batch(engine):
    w = writer(engine)
    f = fetch("http://x/a")
    w.add_fetch(f)
    w.flush()
    w.add_article(record(article("http://x/a", prose(1)), f.key))
    w.flush()
    with Session(engine) as s:
        assert s.scalar(select(m.ArticleVersion.fetch_id)) is not None


def found(engine, query: str) -> list[str]:
    with open_reader(engine.url.render_as_string(hide_password=False)) as reader:
        return [hit.url for hit in search(reader, query)]


def test_full_text_search_finds_current_versions_by_every_word(engine):
    crawl(
        engine,
        {
            "http://x/cramps": "Muscle cramps at night: stretch your calves before bed. " * 5,
            "http://x/sleep": "Long-term insomnia and sleep hygiene for shift workers. " * 5,
            "http://x/zh": "长期失眠怎么办？睡前不要喝浓茶，保持规律作息。" * 5,
        },
    )
    assert found(engine, "cramps stretch") == ["http://x/cramps"]
    assert found(engine, "INSOMNIA") == ["http://x/sleep"]
    assert found(engine, "失眠") == ["http://x/zh"]
    assert found(engine, "规律作息") == ["http://x/zh"]
    assert found(engine, "cramps insomnia") == []
    assert found(engine, "100%_") == []
    crawl(engine, {"http://x/cramps": "Leg pain after running: rest and hydrate well. " * 5})
    assert found(engine, "stretch") == []
    assert found(engine, "hydrate") == ["http://x/cramps"]


def test_upgrade_from_an_archive_without_search_rows_backfills_them(archive_url):
    engine = create_archive_engine(archive_url)
    crawl(engine, {"http://x/old": "Vitamin D and winter sunlight for bones. " * 5})
    command.downgrade(alembic_config(engine), "0002")
    with pytest.raises(ArchiveError, match="db upgrade"):
        create_archive_engine(archive_url)
    upgrade(engine)
    assert found(engine, "sunlight") == ["http://x/old"]
    engine.dispose()


def test_article_edited_away_from_its_near_duplicate_leaves_the_cluster(engine):
    base = prose(3, 200)
    crawl(engine, {"http://x/a": base, "http://x/a-reprint": base + " one changed sentence"})
    with Session(engine) as s:
        assert len(queries.clusters(s)) == 1
    crawl(engine, {"http://x/a-reprint": prose(11, 200)})
    with Session(engine) as s:
        assert queries.clusters(s) == {}
        assert set(s.scalars(select(m.Article.cluster_id))) == {None}
    crawl(engine, {"http://x/a-reprint": base + " changed back"})
    with Session(engine) as s:
        assert [sorted(u for u, _ in g) for g in queries.clusters(s).values()] == [
            ["http://x/a", "http://x/a-reprint"]
        ]


def test_flush_each_isolates_the_record_the_database_refuses(engine):
    w = writer(engine)
    good = fetch("http://x/good")
    w.add_fetch(good)
    w.add_fetch(good)
    w.add_fetch(fetch("http://x/other"))
    w.add_article(record(article("http://x/a", prose(1)), good.key))
    with pytest.raises(IntegrityError):
        w.flush()
    rejected = w.flush_each()
    assert [url for url, _ in rejected] == ["http://x/good"]
    assert w.pending == 0
    assert count(engine, m.Fetch) == 2
    assert count(engine, m.Article) == 1


def test_re_extraction_replaces_the_searchable_text(engine):
    crawl(engine, {"http://x/a": "Old advice about sunlight and bones. " * 5})
    with Session(engine) as s, s.begin():
        (page,) = stored_pages(s)
        new = article("http://x/a", "New advice about hydration and kidneys. " * 5)
        replace_extracted(s, page, new, "new-hash", "2")
    assert found(engine, "sunlight") == []
    assert found(engine, "kidneys") == ["http://x/a"]
