"""Which pages are articles: listings, teaser pages and binary bodies are not."""

from __future__ import annotations

import pytest

from crawler.demo.site import build_site
from crawler.parsers import NotAnArticle, NotHtml, parse_article

SITE = build_site()
ORIGIN = "http://demo.invalid"


@pytest.mark.parametrize("path", SITE.truth["listings"])
def test_listing_pages_are_not_articles(path):
    page = SITE.pages[path]
    with pytest.raises(NotAnArticle):
        parse_article(page.body, ORIGIN + path, dict(page.headers))


@pytest.mark.parametrize("entry", SITE.truth["articles"][::20], ids=lambda e: e["path"])
def test_article_pages_are_articles(entry):
    page = SITE.pages[entry["path"]]
    article = parse_article(page.body, ORIGIN + entry["path"], dict(page.headers))
    assert article.headline == entry["title"]


def test_declared_collection_page_is_not_an_article():
    html = (
        b"""<html><head><script type="application/ld+json">{"@type": "CollectionPage"}
    </script></head><body><p>"""
        + b"Long enough text about sleep. " * 40
        + b"</p></body></html>"
    )
    with pytest.raises(NotAnArticle, match="collectionpage"):
        parse_article(html, "http://site/c/")


def test_binary_body_is_not_html():
    page = SITE.pages["/health/binary.html"]
    with pytest.raises(NotHtml):
        parse_article(page.body, ORIGIN + "/health/binary.html", dict(page.headers))
