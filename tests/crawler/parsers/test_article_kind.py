"""Article or not: every page gets its main text plus a typed decision with its reason.

``fixtures/article_kind/<case>/``: ``page.html`` and ``expected.json`` with ``is_article``,
``reason``, ``must_contain`` (text the main text keeps whatever the decision) and, optionally,
``must_not_contain``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.demo.site import build_site
from crawler.parsers import EmptyBody, NotAnArticle, NotHtml, parse_article, require_article

SITE = build_site()
ORIGIN = "http://demo.invalid"
FIXTURES = Path(__file__).parent / "fixtures" / "article_kind"
CASES = sorted(path for path in FIXTURES.iterdir() if path.is_dir())


@pytest.mark.parametrize("path", SITE.truth["listings"])
def test_listing_pages_are_not_articles_but_keep_their_text(path):
    page = SITE.pages[path]
    article = parse_article(page.body, ORIGIN + path, dict(page.headers))
    assert not article.decision.is_article
    assert article.decision.reason in {"teaser_list", "link_dense", "too_short", "undated_page"}
    assert article.articleBody
    with pytest.raises(NotAnArticle, match=article.decision.reason):
        require_article(article)


@pytest.mark.parametrize("entry", SITE.truth["articles"][::20], ids=lambda e: e["path"])
def test_article_pages_are_articles(entry):
    page = SITE.pages[entry["path"]]
    article = parse_article(page.body, ORIGIN + entry["path"], dict(page.headers))
    assert article.headline == entry["title"]
    assert article.decision.is_article
    assert require_article(article) is article


def test_declared_collection_page_is_not_an_article():
    html = (
        b"""<html><head><script type="application/ld+json">{"@type": "CollectionPage"}
    </script></head><body><p>"""
        + b"Long enough text about sleep. " * 40
        + b"</p></body></html>"
    )
    decision = parse_article(html, "http://site/c/").decision
    assert (decision.is_article, decision.reason) == (False, "declared_listing")
    assert decision.signals.page_type == "collectionpage"


def test_page_without_text_is_an_empty_body():
    article = parse_article(b"<html><body><div><img src=a.png></div></body></html>", "http://s/")
    assert (article.decision.is_article, article.decision.reason) == (False, "empty_body")
    with pytest.raises(EmptyBody):
        require_article(article)


def test_binary_body_is_not_html():
    page = SITE.pages["/health/binary.html"]
    with pytest.raises(NotHtml):
        parse_article(page.body, ORIGIN + "/health/binary.html", dict(page.headers))


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_decision_matches_expected(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    article = parse_article((case / "page.html").read_bytes(), "https://news.example.org/p/1")
    decision = article.decision
    assert (decision.is_article, decision.reason) == (expected["is_article"], expected["reason"])
    for snippet in expected["must_contain"]:
        assert snippet in article.articleBody
    for snippet in expected.get("must_not_contain", ()):
        assert snippet not in article.articleBody
