"""``parse_article`` end to end on whole saved pages: one fixture folder per page.

``expected.json``: ``url`` (the page's address), ``headline``, ``inLanguage``, ``datePublished``,
``advice`` as ``[number, text]`` pairs, ``previous``/``next`` as ``{url, text}`` (or ``null``),
``related`` as URLs, and optional ``headers`` for the HTTP response headers.
The ``demo-*`` cases are pages of the demo site's three templates, saved once, so a change to
the generator cannot silently change what the parser is held to.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.extract import article_record
from crawler.parsers.article import parse_article

from .fixture_pages import read_case_page

FIXTURES = Path(__file__).parent / "fixtures" / "article"
CASES = sorted(path for path in FIXTURES.iterdir() if path.is_dir())


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_parse_article_matches_expected(case: Path) -> None:
    expected: dict[str, Any] = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    article = parse_article(read_case_page(case), expected["url"], expected.get("headers"))
    found = article_record(article)
    assert found == {name: value for name, value in expected.items() if name != "headers"}
