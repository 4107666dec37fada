"""Advice and bullet lists, one fixture folder per page form: adding a case is adding a folder.

``expected.json`` holds ``advice`` (every item, in order) and optionally ``bullets``. Lists are
read from the whole ``<body>``, the hardest input: sidebars and footers are still there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.parsers.advice import advice_lists, bullet_lists
from crawler.parsers.document import load_document
from crawler.parsers.numbering import leading_marker

FIXTURES = Path(__file__).parent / "fixtures" / "advice"
CASES = sorted(path for path in FIXTURES.iterdir() if path.is_dir())
PAGE_URL = "https://health.example.org/articles/page.html"


def _body(case: Path) -> Any:
    return load_document((case / "page.html").read_bytes(), PAGE_URL).tree.body


def _expected(case: Path) -> dict[str, Any]:
    return json.loads((case / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_advice_items_match_expected(case: Path) -> None:
    found = [
        {
            "list": item.list_index,
            "number": item.printed_number,
            "marker": item.marker,
            "text": item.text,
            "explanation": item.explanation,
        }
        for item in advice_lists(_body(case))
    ]
    expected = [{"explanation": "", **item} for item in _expected(case)["advice"]]
    assert found == expected


@pytest.mark.parametrize(
    "case",
    [case for case in CASES if "bullets" in _expected(case)],
    ids=lambda path: path.name,
)
def test_bullet_lists_match_expected(case: Path) -> None:
    found = [list(bullets.items) for bullets in bullet_lists(_body(case))]
    assert found == _expected(case)["bullets"]


@pytest.mark.parametrize(
    "text",
    [
        "2 tablets twice a day",
        "1.5 mg per kilogram",
        "13.11.2019, 23:06",
        "2019. It was a hard year",
        "COVID-19 spreads",
        "01 / 02 / 03",
        "2.0 is the new version",
        "$5. That is the price",
        "10 minutes a day",
    ],
)
def test_numbers_in_prose_are_not_markers(text: str) -> None:
    assert leading_marker(text) is None


@pytest.mark.parametrize(
    ("text", "number", "marker"),
    [
        ("1. Drink water", 1, "1."),
        ("2) Sleep", 2, "2)"),
        ("(3) Walk", 3, "(3)"),
        ("4、多喝水", 4, "4、"),
        ("（5）少吃盐", 5, "（5）"),
        ("⑥ 早睡", 6, "⑥"),
        ("十二、按时吃饭", 12, "十二、"),
        ("第三，坚持锻炼", 3, "第三，"),
        ("Step 7: Rinse", 7, "Step 7:"),
        ("8 – Stretch", 8, "8 –"),
        ("9 — Rest", 9, "9 —"),
    ],
)
def test_marker_styles(text: str, number: int, marker: str) -> None:
    found = leading_marker(text)
    assert found is not None
    assert (found.number, found.literal) == (number, marker)
