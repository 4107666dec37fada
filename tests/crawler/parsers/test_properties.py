"""Property tests: any byte string gives a record or a typed parse error, within a time bound.

Inputs are random bytes and demo pages mutated at random (spans cut, duplicated, overwritten,
bytes inserted, the body truncated), which reach the deep corners real broken pages reach:
unclosed tags, torn multi-byte characters, malformed URLs in attributes. Each entry point gets
``EXAMPLES`` examples and each example must finish within ``DEADLINE``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.demo.page import render_body
from crawler.demo.site import build_site
from crawler.parsers import Article, ParseError, parse_article
from crawler.parsers.advice import advice_lists, bullet_lists
from crawler.parsers.content import main_content
from crawler.parsers.document import Document, load_document
from crawler.parsers.encoding import decode_html
from crawler.parsers.metadata import extract_metadata
from crawler.parsers.siblings import sibling_links

EXAMPLES = 1000
DEADLINE = timedelta(seconds=2)
URL = "http://site.example/health/page.html"
HEADERS = {"content-type": "text/html; charset=utf-8"}

SITE = build_site()
SEEDS = [
    render_body(SITE.pages[entry["path"]], "http://site.example")
    for entry in SITE.truth["articles"][:: max(1, len(SITE.truth["articles"]) // 6)]
] + [render_body(SITE.pages["/"], "http://site.example")]

hostile = settings(
    max_examples=EXAMPLES,
    deadline=DEADLINE,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def mutated_pages(draw: st.DrawFn) -> bytes:
    page = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(page)))
        end = min(len(page), start + draw(st.integers(0, 400)))
        operation = draw(st.sampled_from(["cut", "copy", "overwrite", "insert", "truncate"]))
        if operation == "cut":
            del page[start:end]
        elif operation == "copy":
            page[start:start] = page[start:end] * draw(st.integers(1, 50))
        elif operation == "overwrite":
            page[start:end] = draw(st.binary(min_size=end - start, max_size=end - start))
        elif operation == "insert":
            page[start:start] = draw(
                st.one_of(
                    st.binary(max_size=64),
                    st.sampled_from(
                        [
                            b'<link rel="canonical" href="http://[::1">',
                            b'<a href="http://[::1">next</a>',
                            b'<base href="//[bad">',
                            b"\x00\x00",
                            b"\xff\xfe\xc3",
                            b"<div>" * 300,
                            b'<meta charset="gbk">',
                            b'<script type="application/ld+json">{"@type":',
                        ]
                    ),
                )
            )
        else:
            del page[start:]
    return bytes(page)


any_bytes = st.one_of(st.binary(max_size=4096), mutated_pages())


def document_or_none(body: bytes) -> Document | None:
    try:
        return load_document(body, URL, HEADERS)
    except ParseError:
        return None


@hostile
@given(any_bytes)
def test_parse_article_gives_a_record_or_a_typed_error(body):
    try:
        article = parse_article(body, URL, HEADERS)
    except ParseError:
        return
    assert isinstance(article, Article)
    assert article.url == URL


@hostile
@given(any_bytes, st.sampled_from([None, {}, HEADERS, {"content-type": "text/html; charset=x"}]))
def test_decode_html_gives_text_or_a_typed_error(body, headers):
    try:
        decoded = decode_html(body, headers, URL)
    except ParseError:
        return
    assert isinstance(decoded.text, str) and decoded.encoding


@hostile
@given(mutated_pages())
def test_metadata_never_raises(body):
    doc = document_or_none(body)
    if doc is not None:
        meta = extract_metadata(doc)
        assert meta.canonicalUrl is None or meta.canonicalUrl.startswith("http")


@hostile
@given(mutated_pages())
def test_sibling_links_never_raise(body):
    doc = document_or_none(body)
    if doc is not None:
        siblings = sibling_links(doc)
        assert all(link.url.startswith("http") for link in siblings.related)


@hostile
@given(mutated_pages())
def test_main_content_and_advice_never_raise(body):
    doc = document_or_none(body)
    if doc is None:
        return
    try:
        content = main_content(doc)
    except ParseError:
        return
    assert isinstance(content.text, str)
    advice_lists(content.node)
    bullet_lists(content.node)


@pytest.mark.parametrize("seed", range(len(SEEDS)))
def test_seeds_are_articles_or_typed_errors(seed):
    """The unmutated seeds parse: the mutations above start from working pages."""
    try:
        parse_article(SEEDS[seed], URL, HEADERS)
    except ParseError as error:
        assert error.reason == "not_article"
