"""The spider's callbacks as glue: responses in, items and requests out, outcomes counted."""

from __future__ import annotations

import gzip

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from crawler.demo.site import build_site, render_body
from crawler.items import ArticleItem, FetchItem
from crawler.signals import fetch_recorded
from crawler.spiders.health import HealthSpider

ROOT = "http://site.example/"
SITE = build_site()


@pytest.fixture
def spider() -> HealthSpider:
    crawler = get_crawler(HealthSpider)
    crawler.stats.open_spider()
    return HealthSpider.from_crawler(crawler, start_urls=ROOT)


@pytest.fixture
def fetches(spider: HealthSpider) -> list[FetchItem]:
    """The fetch records the spider sends (they travel by signal, not as items)."""
    recorded: list[FetchItem] = []

    def keep(fetch: FetchItem) -> None:
        recorded.append(fetch)

    spider.crawler.signals.connect(keep, signal=fetch_recorded, weak=False)
    return recorded


def response(cls, url: str, body: bytes, status: int = 200, **headers: str):
    return cls(url, body=body, status=status, headers=headers, request=Request(url))


def test_robots_sitemaps_are_followed_else_the_conventional_one(spider):
    robots = b"User-agent: *\nDisallow: /private/\nSitemap: http://site.example/maps/index.xml.gz\n"
    listed = list(spider.parse_robots(response(TextResponse, ROOT + "robots.txt", robots)))
    assert [r.url for r in listed] == ["http://site.example/maps/index.xml.gz"]
    missing = list(spider.parse_robots(response(TextResponse, ROOT + "robots.txt", b"", 404)))
    assert [r.url for r in missing] == ["http://site.example/sitemap.xml"]


def test_gzipped_sitemap_index_and_urlset(spider, fetches):
    index = gzip.compress(
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>http://site.example/maps/a.xml</loc></sitemap></sitemapindex>"
    )
    out = list(spider.parse_sitemap(response(XmlResponse, ROOT + "maps/index.xml.gz", index)))
    assert [f.url for f in fetches] == [ROOT + "maps/index.xml.gz"]
    assert [(r.url, r.callback) for r in out] == [
        ("http://site.example/maps/a.xml", spider.parse_sitemap)
    ]
    urlset = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://site.example/a.html?utm_source=feed</loc></url>"
        b"<url><loc>http://elsewhere.example/b.html</loc></url></urlset>"
    )
    out = list(spider.parse_sitemap(response(XmlResponse, ROOT + "maps/a.xml", urlset)))
    assert [(r.url, r.callback) for r in out] == [
        ("http://site.example/a.html", spider.parse_page),
        ("http://elsewhere.example/b.html", spider.parse_page),
    ], "off-site entries are requested: the scope middleware refuses them on record"


def test_article_page_records_fetch_yields_article_and_links(spider, fetches):
    path = SITE.truth["articles"][0]["path"]
    page = SITE.pages[path]
    body = render_body(page, ROOT.rstrip("/"))
    out = list(spider.parse_page(response(HtmlResponse, ROOT.rstrip("/") + path, body)))
    (fetch,) = fetches
    article = out[0]
    assert fetch.body == body
    assert isinstance(article, ArticleItem) and article.fetch_key == fetch.key
    followed = {r.url for r in out[1:]}
    assert ROOT.rstrip("/") + SITE.truth["articles"][0]["next"] in followed
    assert all(url.startswith(ROOT) for url in followed)


def test_listing_is_followed_not_archived_as_article(spider):
    body = render_body(SITE.pages["/"], ROOT.rstrip("/"))
    out = list(spider.parse_page(response(HtmlResponse, ROOT, body)))
    assert not any(isinstance(item, ArticleItem) for item in out)
    assert sum(isinstance(item, Request) for item in out) > 5
    assert spider.crawler.stats.get_value("healtharchive/parse/not_article") == 1


def test_http_error_is_archived_and_counted(spider, fetches):
    out = list(spider.parse_page(response(HtmlResponse, ROOT + "gone.html", b"gone", 404)))
    assert out == []
    assert [(f.url, f.status) for f in fetches] == [(ROOT + "gone.html", 404)]
    assert spider.crawler.stats.get_value("healtharchive/fetch_error/http_404") == 1


def test_download_failure_is_archived_with_its_reason(spider, fetches):
    failure = Failure(DNSLookupError("no such host"))
    failure.request = Request(ROOT + "a.html")  # type: ignore[attr-defined]
    spider.on_error(failure)
    (item,) = fetches
    assert (item.url, item.status, item.error) == (ROOT + "a.html", None, "dns_error")
    assert spider.crawler.stats.get_value("healtharchive/fetch_error/dns_error") == 1


def test_sitemap_reached_by_an_ordinary_link_is_read_as_a_sitemap(spider, fetches):
    urlset = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://site.example/a.html</loc></url></urlset>"
    )
    out = list(spider.parse_page(response(XmlResponse, ROOT + "sitemap.xml", urlset)))
    assert [f.url for f in fetches] == [ROOT + "sitemap.xml"]
    assert [(r.url, r.callback) for r in out] == [("http://site.example/a.html", spider.parse_page)]
    assert spider.crawler.stats.get_value("healtharchive/dropped/missing_title") is None


def test_links_beyond_the_cap_are_dropped_and_the_cut_recorded():
    crawler = get_crawler(HealthSpider, settings_dict={"LINKS_PER_PAGE_MAX": 50})
    crawler.stats.open_spider()
    spider = HealthSpider.from_crawler(crawler, start_urls=ROOT)
    fetches: list[FetchItem] = []
    crawler.signals.connect(lambda fetch: fetches.append(fetch), fetch_recorded, weak=False)
    links = "".join(f'<a href="/a/{n}.html">{n}</a>' for n in range(200))
    body = f"<html><body>{links}</body></html>".encode()
    out = list(spider.parse_page(response(HtmlResponse, ROOT + "many.html", body)))
    requests = [r.url for r in out if isinstance(r, Request)]
    assert requests == [f"{ROOT}a/{n}.html" for n in range(50)]
    assert [(f.url, f.status, f.error) for f in fetches] == [
        (ROOT + "many.html", 200, None),
        (ROOT + "many.html", None, "link_cap"),
    ]
    assert crawler.stats.get_value("healtharchive/links_dropped") == 150
    assert crawler.stats.get_value("healtharchive/refused/link_cap") == 1


def test_malformed_urls_are_counted_not_fatal(spider):
    page = b'<html><body><a href="http://[::1">bad</a><a href="/ok.html">ok</a></body></html>'
    out = list(spider.parse_page(response(HtmlResponse, ROOT + "bad.html", page)))
    assert [r.url for r in out if isinstance(r, Request)] == [ROOT + "ok.html"]
    urlset = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://[::1</loc></url><url><loc>http://site.example/a.html</loc></url></urlset>"
    )
    out = list(spider.parse_sitemap(response(XmlResponse, ROOT + "sitemap.xml", urlset)))
    assert [r.url for r in out] == [ROOT + "a.html"]
    assert spider.crawler.stats.get_value("healtharchive/parse/bad_link") == 1
