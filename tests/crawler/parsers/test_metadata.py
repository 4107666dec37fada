"""Metadata, one fixture folder per page form.

``expected.json`` lists only the fields the case is about (``Metadata`` names), plus an optional
``url`` for the page's own address; lists are compared as JSON arrays.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from crawler.parsers.document import load_document
from crawler.parsers.metadata import extract_metadata

FIXTURES = Path(__file__).parent / "fixtures" / "metadata"
CASES = sorted(path for path in FIXTURES.iterdir() if path.is_dir())
PAGE_URL = "https://health.example.org/articles/page.html"


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_metadata_matches_expected(case: Path) -> None:
    expected: dict[str, Any] = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    url = expected.pop("url", PAGE_URL)
    metadata = dataclasses.asdict(
        extract_metadata(load_document((case / "page.html").read_bytes(), url))
    )
    found = {name: metadata[name] for name in expected}
    assert json.loads(json.dumps(found)) == expected
