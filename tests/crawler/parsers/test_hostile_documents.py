"""Hostile documents the fuzzer and the hostile corner found: each keeps its article."""

from __future__ import annotations

import pytest

from crawler.parsers import parse_article
from crawler.parsers.document import MAX_NESTING, flatten_deep, load_document

URL = "http://site.example/health/sleep.html"
PROSE = b"Sleep helps the body repair itself overnight, and memory settles while we rest. " * 12


def page(head: bytes = b"", body: bytes = PROSE) -> bytes:
    return (
        b"<html><head><title>Sleep well</title>" + head + b"</head><body><article>"
        b"<h1>Sleep well</h1><p>" + body + b"</p></article></body></html>"
    )


@pytest.mark.parametrize(
    "head",
    [
        b'<link rel="canonical" href="http://[::1">',
        b'<meta property="og:url" content="//[bad">',
        b'<base href="http://[::1"><link rel="next" href="http://[::1">',
    ],
)
def test_malformed_urls_cost_the_url_not_the_article(head):
    article = parse_article(page(head), URL, {})
    assert article.canonicalUrl == URL
    assert article.headline == "Sleep well"


def test_nul_bytes_and_invalid_utf8_are_replaced_not_fatal():
    body = PROSE + b"\x00\x00 broken \xff\xfe bytes \xc3 end"
    article = parse_article(page(body=body), URL, {"content-type": "text/html; charset=utf-8"})
    assert "broken \ufffd\ufffd bytes" in article.articleBody
    assert "\x00" not in article.articleBody


def test_text_nested_ten_thousand_deep_is_kept():
    body = b"<div>" * 10_000 + b"<p>" + PROSE + b"</p>" + b"</div>" * 10_000
    html = b"<html><head><title>Deep</title></head><body><article><h1>Deep</h1>"
    html += body + b"</article></body></html>"
    doc = load_document(html, URL)
    assert doc.flattened
    assert parse_article(html, URL).articleBody.count("memory settles") == 12


def test_flatten_deep_removes_only_tags_beyond_the_limit():
    text = "<div>" * 5 + "<p>x</p><br>" + "</div>" * 5 + "<i>y</i>"
    assert flatten_deep(text, 3) == "<div><div><div>x<br></div></div></div><i>y</i>"
    assert flatten_deep(text, MAX_NESTING) == text


def test_flatten_deep_ignores_unmatched_end_tags():
    text = "<div>" + "</span>" * 1000 + "<b>x</b></div>"
    assert flatten_deep(text, 1) == "<div>" + "</span>" * 1000 + "x</div>"
