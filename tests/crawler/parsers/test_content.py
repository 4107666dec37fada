"""Main-content extraction: fixture pages with must/must-not snippets, and the F1 gate."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import lxml.etree
import pytest

from crawler.parsers.content import ContentProfile, main_content
from crawler.parsers.document import load_document

from .fixture_pages import read_case_page

FIXTURES = Path(__file__).parent / "fixtures" / "content"
CASES = sorted(path.name for path in FIXTURES.iterdir() if path.is_dir())
REPO = Path(__file__).resolve().parents[3]
BENCHMARK_SCRIPT = REPO / "benchmarks" / "extraction.py"
DEV_SET = REPO.parent / "shared" / "benchmarks" / "extraction"
DEV_F1_FLOOR = 0.97
"""A little below the measured dev-set F1, so only a real regression trips it."""
URL = "https://health.example.com/articles/124.html"


def _load(case: str):
    page = read_case_page(FIXTURES / case)
    expected = json.loads((FIXTURES / case / "expected.json").read_text(encoding="utf-8"))
    return load_document(page, URL, {"Content-Type": "text/html"}), expected


@pytest.mark.parametrize("case", CASES)
def test_body_keeps_article_text(case: str) -> None:
    doc, expected = _load(case)
    text = main_content(doc).text
    for snippet in expected["must_contain"]:
        assert snippet in text
    assert text.split("\n")[0].startswith(expected["first_line"])


@pytest.mark.parametrize("case", CASES)
def test_body_drops_boilerplate(case: str) -> None:
    doc, expected = _load(case)
    text = main_content(doc).text
    for snippet in expected["must_not_contain"]:
        assert snippet not in text


@pytest.mark.parametrize("case", CASES)
def test_tree_is_not_mutated(case: str) -> None:
    doc, _ = _load(case)
    before = lxml.etree.tostring(doc.tree)
    content = main_content(doc)
    assert lxml.etree.tostring(doc.tree) == before
    assert content.node.getroottree() is not doc.tree.getroottree()


def test_node_keeps_list_and_heading_structure() -> None:
    doc, _ = _load("boilerplate_heavy")
    node = main_content(doc).node
    assert [li.text_content() for li in node.iter("li")] == [
        "Dim the lights an hour before bed.",
        "Keep the bedroom cool and quiet.",
        "Avoid caffeine after lunch.",
    ]
    assert [h.text_content() for h in node.iter("h2")] == [
        "1. Keep a fixed wake-up time",
        "2. Get daylight in the morning",
    ]


def test_listing_page_has_high_link_density() -> None:
    items = "".join(
        f'<li><a href="/a/{n}">Headline number {n} about a health topic of the week</a></li>'
        for n in range(30)
    )
    doc = load_document(f"<html><body><ul>{items}</ul></body></html>".encode(), URL, None)
    assert main_content(doc).link_density > 0.5


def test_profile_takes_precedence() -> None:
    doc, _ = _load("boilerplate_heavy")
    profile = ContentProfile(body_selector=("aside.sidebar",), remove_selectors=("//h3",))
    content = main_content(doc, profile)
    assert content.text == (
        "Our most read story this week explains why people in their forties often start "
        "waking up at four in the morning."
    )


def test_profile_without_match_falls_back_to_generic() -> None:
    doc, _ = _load("sample_article")
    generic = main_content(doc)
    profiled = main_content(doc, ContentProfile(body_selector=("#no-such-element",)))
    assert profiled.text == generic.text


@pytest.mark.skipif(not DEV_SET.is_dir(), reason="benchmark pages (../shared/benchmarks) absent")
def test_dev_benchmark_f1_gate() -> None:
    spec = importlib.util.spec_from_file_location("extraction_benchmark", BENCHMARK_SCRIPT)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    pages = list(bench.load_dev(DEV_SET))
    results = [bench.shingle_match(page.truth, bench.ours(page).text) for page in pages]
    precision, recall, f1 = bench.shingle_prf(results)
    assert len(pages) == 85
    assert f1 >= DEV_F1_FLOOR, f"dev F1 {f1:.3f} (P {precision:.3f}, R {recall:.3f})"
