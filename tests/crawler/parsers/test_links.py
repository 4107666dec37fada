"""A page's outlinks, one fixture folder per rule (base href, filtering, encodings).

``expected.json`` holds ``links``: the absolute URLs in document order. Each fixture is also
checked against Scrapy's default ``LinkExtractor``, whose rules the crawl followed before it
read links from the parser's tree: the switch must not change which pages a crawl reaches.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from crawler.parsers import NotHtml, parse_article, parse_links, parse_page

FIXTURES = Path(__file__).parent / "fixtures" / "links"
CASES = sorted(path for path in FIXTURES.iterdir() if path.is_dir())
PAGE_URL = "https://health.example.org/articles/page.html"


def _expected(case: Path) -> list[str]:
    links: list[str] = json.loads((case / "expected.json").read_text(encoding="utf-8"))["links"]
    return links


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_parse_links_match_expected(case: Path) -> None:
    assert list(parse_links((case / "page.html").read_bytes(), PAGE_URL)) == _expected(case)


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_links_are_those_scrapys_link_extractor_finds(case: Path) -> None:
    response = HtmlResponse(PAGE_URL, body=(case / "page.html").read_bytes())
    found = [link.url for link in LinkExtractor(unique=True).extract_links(response)]
    assert found == _expected(case)


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_parse_page_returns_the_article_and_links_of_one_parse(case: Path) -> None:
    html = (case / "page.html").read_bytes()
    page = parse_page(html, PAGE_URL)
    assert page.article == parse_article(html, PAGE_URL)
    assert list(page.links) == _expected(case)


def test_binary_body_has_no_links() -> None:
    with pytest.raises(NotHtml):
        parse_links(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, PAGE_URL)


@pytest.mark.parametrize(
    ("call", "w3lib_loaded"),
    [("parse_article", False), ("parse_page", True)],
)
def test_w3lib_is_imported_only_when_links_are_read(call: str, w3lib_loaded: bool) -> None:
    """``extract`` parses pages without following them: it does not pay for w3lib's imports."""
    body = b"<html><body><h1>T</h1><p>Text.</p><a href='/next.html'>next</a></body></html>"
    script = (
        "import sys\n"
        f"from crawler.parsers import {call}\n"
        f"{call}({body!r}, 'https://example.org/a.html')\n"
        "print('w3lib.url' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == str(w3lib_loaded)
