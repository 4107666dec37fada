"""Previous/next and related links, one fixture folder per page form.

``expected.json`` holds ``previous``/``next`` (``url``, ``text``, ``title`` or ``null``) and
``related`` as ``[url, text]`` pairs in document order; ``url`` sets the page's own address.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.parsers.document import load_document
from crawler.parsers.records import Link
from crawler.parsers.siblings import sibling_links

FIXTURES = Path(__file__).parent / "fixtures" / "siblings"
CASES = sorted(path for path in FIXTURES.iterdir() if path.is_dir())
PAGE_URL = "https://health.example.org/articles/page.html"


def _link(link: Link | None) -> dict[str, str] | None:
    return None if link is None else {"url": link.url, "text": link.text, "title": link.title}


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_sibling_links_match_expected(case: Path) -> None:
    expected: dict[str, Any] = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    doc = load_document((case / "page.html").read_bytes(), expected.get("url", PAGE_URL))
    siblings = sibling_links(doc)
    assert _link(siblings.previous) == expected["previous"]
    assert _link(siblings.next) == expected["next"]
    assert [[link.url, link.text] for link in siblings.related] == expected["related"]
