"""Each pipeline built from a real crawler, fed items, its drops counted by reason."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.items import ArticleItem, FetchItem
from crawler.parsers.records import AdviceItem, Article, Link
from crawler.signals import record_fetch
from crawler.spiders.health import HealthSpider
from pipelines.archive import ArchivePipeline
from pipelines.dedup import DedupPipeline
from pipelines.normalize import NormalizePipeline, normalize_article
from pipelines.validate import ValidatePipeline
from storage import models as m
from storage.db import create_archive_engine

BODY = "Drink water through the day. " * 10


def make_article(url="http://site/a.html", **changes) -> Article:
    fields = dict(
        url=url,
        canonicalUrl=url,
        headline="Stay hydrated",
        articleBody=BODY,
        inLanguage="en",
        encoding="utf-8",
        advice=(AdviceItem(0, 1, "Drink  water", "1."),),
        next=Link("http://site/b.html?utm_source=x", "Next"),
    )
    fields.update(changes)
    return Article(**fields)


def crawler_with(**settings):
    crawler = get_crawler(HealthSpider, settings_dict=settings)
    crawler.stats.open_spider()
    return crawler


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"headline": "  "}, "missing_title"),
        ({"articleBody": ""}, "missing_body"),
        ({"articleBody": "too short"}, "short_body"),
        ({"url": "ftp://site/a"}, "bad_url"),
        ({"url": "http://site/" + "a" * 3000}, "url_too_long"),
    ],
)
def test_validate_drops_with_a_counted_reason(changes, reason):
    crawler = crawler_with()
    pipeline = build_from_crawler(ValidatePipeline, crawler)
    with pytest.raises(DropItem, match=reason):
        pipeline.process_item(ArticleItem("k", make_article(**changes)))
    assert crawler.stats.get_value(f"healtharchive/dropped/{reason}") == 1


def test_validate_passes_fetches_and_good_articles():
    pipeline = build_from_crawler(ValidatePipeline, crawler_with())
    item = ArticleItem("k", make_article())
    assert pipeline.process_item(item) is item


def test_normalize_cleans_text_urls_and_hashes_content():
    article = normalize_article(
        make_article(
            url="http://site/a.html?utm_source=news",
            canonicalUrl="http://site/a.html?b=2&a=1#top",
            headline=" Stay\u200b  hydrated ",
            breadcrumbs=("首页", " 养生 保健\u200b ", " "),
            category=" 养生 保健\u200b ",
        )
    )
    assert article.breadcrumbs == ("首页", "养生 保健")
    assert article.category == "养生 保健"
    assert normalize_article(make_article(category="  ")).category is None
    assert article.url == "http://site/a.html"
    assert article.canonicalUrl == "http://site/a.html?a=1&b=2"
    assert article.headline == "Stay hydrated"
    assert article.advice[0].text == "Drink water"
    assert article.next.url == "http://site/b.html"
    item = NormalizePipeline().process_item(ArticleItem("k", make_article()))
    same = NormalizePipeline().process_item(
        ArticleItem("k", make_article(articleBody=BODY.replace(" ", "  ")))
    )
    assert len(item.content_hash) == 64 and item.content_hash == same.content_hash


def test_dedup_drops_repeats_by_url_and_by_content():
    crawler = crawler_with()
    dedup = build_from_crawler(DedupPipeline, crawler)
    dedup.open_spider()
    normalize = NormalizePipeline()

    def run(article):
        return dedup.process_item(normalize.process_item(ArticleItem("k", article)))

    assert run(make_article()).signature
    with pytest.raises(DropItem, match="duplicate_url"):
        run(make_article(url="http://site/print/a.html", canonicalUrl="http://site/a.html"))
    with pytest.raises(DropItem, match="duplicate_content"):
        run(make_article(url="http://mirror/a.html"))
    assert crawler.stats.get_value("healtharchive/dropped/duplicate_url") == 1
    assert crawler.stats.get_value("healtharchive/dropped/duplicate_content") == 1
    dedup.close_spider()


def test_dedup_remembers_every_article_of_a_long_crawl():
    """Kept on disk, not in a window: the first article is still known after thousands."""
    crawler = crawler_with()
    dedup = build_from_crawler(DedupPipeline, crawler)
    dedup.open_spider()
    normalize = NormalizePipeline()
    for number in range(3000):
        url = f"http://site/{number}.html"
        body = f"{BODY} Article number {number}."
        dedup.process_item(
            normalize.process_item(ArticleItem("k", make_article(url, articleBody=body)))
        )
    with pytest.raises(DropItem, match="duplicate_url"):
        dedup.process_item(
            normalize.process_item(
                ArticleItem(
                    "k", make_article("http://site/print/0.html", canonicalUrl="http://site/0.html")
                )
            )
        )
    with pytest.raises(
        DropItem,
        match=re.escape(
            "duplicate_content: http://mirror/1.html has the content of http://site/1.html"
        ),
    ):
        dedup.process_item(
            normalize.process_item(
                ArticleItem(
                    "k",
                    make_article("http://mirror/1.html", articleBody=f"{BODY} Article number 1."),
                )
            )
        )
    dedup.close_spider()


def test_archive_pipeline_writes_batches_and_records_the_run(sqlite_url):
    crawler = crawler_with(ARCHIVE_URL=sqlite_url, ARCHIVE_BATCH_SIZE=2)
    crawler.spider = crawler._create_spider(start_urls="http://site/")
    pipeline = build_from_crawler(ArchivePipeline, crawler)
    pipeline.open_spider()
    fetch = FetchItem(
        "k1",
        "http://site/a.html",
        "http://site/a.html",
        200,
        datetime.now(timezone.utc),
        body=b"<html></html>",
    )
    article = NormalizePipeline().process_item(ArticleItem("k1", make_article()))
    dedup = build_from_crawler(DedupPipeline, crawler)
    dedup.open_spider()
    article = dedup.process_item(article)
    dedup.close_spider()
    record_fetch(crawler, fetch)
    pipeline.process_item(article)
    engine = create_archive_engine(sqlite_url)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(m.Article)) == 1
    pipeline.close_spider()
    pipeline.spider_closed(crawler.spider, "finished")
    with Session(engine) as s:
        run = s.scalar(select(m.CrawlRun))
        assert run.status == "finished"
        assert run.stats["healtharchive/archive/new_articles"] == 1
    engine.dispose()


def test_archive_pipeline_can_be_switched_off():
    with pytest.raises(NotConfigured):
        build_from_crawler(ArchivePipeline, crawler_with(ARCHIVE_ENABLED=False))


def test_archive_pipeline_drops_only_the_record_the_database_refuses(sqlite_url):
    crawler = crawler_with(ARCHIVE_URL=sqlite_url, ARCHIVE_BATCH_SIZE=100)
    crawler.spider = crawler._create_spider(start_urls="http://site/")
    pipeline = build_from_crawler(ArchivePipeline, crawler)
    pipeline.open_spider()
    now = datetime.now(timezone.utc)
    record_fetch(crawler, FetchItem("same", "http://site/a.html", "http://site/a.html", 200, now))
    record_fetch(crawler, FetchItem("same", "http://site/b.html", "http://site/b.html", 200, now))
    record_fetch(crawler, FetchItem("k3", "http://site/c.html", "http://site/c.html", 200, now))
    pipeline.close_spider()
    pipeline.spider_closed(crawler.spider, "finished")
    assert crawler.stats.get_value("healtharchive/archive/rejected") == 1
    engine = create_archive_engine(sqlite_url)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(m.Fetch)) == 2
    engine.dispose()
