from __future__ import annotations

import json
from pathlib import Path

from crawler.demo.page import DemoSite
from crawler.demo.truth import write_truth

TRUTH_KEYS = {
    "edition",
    "articles",
    "exact_duplicates",
    "near_duplicate_groups",
    "broken",
    "disallowed",
    "listings",
    "removed",
    "added",
    "edited",
}
ARTICLE_KEYS = {
    "path", "template", "language", "encoding", "title", "category",
    "advice", "prev", "next", "related", "slow",
}  # fmt: skip


def test_write_truth_round_trips_readable_utf8(site: DemoSite, tmp_path: Path) -> None:
    target = tmp_path / "truth.json"
    write_truth(site, target)
    text = target.read_text(encoding="utf-8")
    assert json.loads(text) == site.truth
    assert "养生保健" in text
    assert text.startswith('{\n  "edition": 1')


def test_truth_has_the_documented_shape(site: DemoSite) -> None:
    assert set(site.truth) == TRUTH_KEYS
    for article in site.truth["articles"]:
        assert set(article) == ARTICLE_KEYS
        for item in article["advice"]:
            assert set(item) == {"list_index", "number", "text"}
    reasons = {broken["reason"] for broken in site.truth["broken"]}
    assert reasons == {"http_404", "http_500", "dataloss", "not_html", "redirect_loop"}
