"""Archived URLs to revisit are read a page at a time, as the spider schedules them."""

from __future__ import annotations

from itertools import islice

from sqlalchemy import update

from crawler.crawl import ArchivedUrls
from crawler.parsers.records import Article
from storage import models as m
from storage.archive import ArchiveWriter
from storage.db import create_archive_engine
from storage.fingerprints import content_hash
from storage.records import ArticleRecord
from storage.runs import start_run


def archive_articles(engine, urls: list[str]) -> None:
    run_id = start_run(engine, "health", ["http://site/"])
    writer = ArchiveWriter(engine, run_id, "test")
    for url in urls:
        article = Article(
            url=url, canonicalUrl=url, headline="Title", articleBody=f"Body of {url}",
            inLanguage="en", encoding="utf-8",
        )  # fmt: skip
        writer.add_article(
            ArticleRecord(article, content_hash("Title", article.articleBody, ()), None)
        )
    writer.flush()


def test_live_urls_of_the_sites_come_in_pages_up_to_the_crawl_start(sqlite_url):
    engine = create_archive_engine(sqlite_url)
    site = [f"http://site/a-{n:02d}.html" for n in range(7)]
    archive_articles(engine, [*site, "http://elsewhere/b.html"])
    with engine.begin() as conn:
        conn.execute(
            update(m.Article).where(m.Article.canonical_url == site[3]).values(status="removed")
        )
    revisit = ArchivedUrls(sqlite_url, ("http://site/",), upto=8, page=2)
    archive_articles(engine, ["http://site/z-new.html"])
    live = [url for url in site if url != site[3]]
    assert list(revisit) == live
    assert list(islice(iter(revisit), 3)) == live[:3]
    assert list(ArchivedUrls(sqlite_url, ("http://site/",), upto=0)) == []
    engine.dispose()
