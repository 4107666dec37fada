"""A real ``datasette`` on a crawled archive: ``_search`` works in both languages, with the
view, facets and canned queries the plugin adds."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

import pytest

pytestmark = pytest.mark.integration

LISTENING = re.compile(r"Uvicorn running on (http://\S+)")


@pytest.fixture(scope="module")
def datasette(sqlite_demo, tmp_path_factory) -> Iterator[str]:
    """Base URL of a datasette serving the demo archive (as ``archive``)."""
    if shutil.which("datasette", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("datasette is not installed (pip install 'healtharchive[datasette]')")
    executable = str(Path(sys.executable).parent / "datasette")
    log = tmp_path_factory.mktemp("datasette") / "log.txt"
    with log.open("w") as out:
        process = subprocess.Popen(
            [executable, "serve", str(sqlite_demo.url.database), "-p", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while not (found := LISTENING.search(log.read_text())):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield found.group(1).rstrip("/")
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(base: str, path: str) -> dict:
    with urlopen(base + path, timeout=10) as response:
        return json.load(response)


def test_search_on_articles_is_found_by_datasette_itself(datasette, sqlite_demo):
    for word in ("insomnia", "失眠"):
        rows = get(datasette, f"/archive/articles.json?_search={quote(word)}&_shape=array")
        assert rows, word
        found = {row["canonical_url"] for row in rows}
        table = get(datasette, "/archive.json")
        assert "articles_fts" in {t["name"] for t in table["tables"] if t["hidden"]}
        expected = get(
            datasette,
            "/archive/search.json?_shape=array&q=" + quote(word),
        )
        assert found == {row["canonical_url"] for row in expected}


def test_current_articles_view_has_search_and_facets(datasette):
    page = get(datasette, "/archive/current_articles.json?_search=insomnia&_shape=objects")
    assert page["rows"] and all(row["language"] == "en" for row in page["rows"])
    assert {"site", "language", "category", "cluster_id"} <= set(page["facet_results"])


def test_canned_queries(datasette):
    names = {q["name"] for q in get(datasette, "/archive.json")["queries"]}
    assert names == {"search", "changed_this_week", "same_advice_on_several_sites"}
    ranked = get(datasette, "/archive/search.json?_shape=array&q=" + quote('"muscle cramp*"'))
    assert ranked and ranked == sorted(ranked, key=lambda r: -r["score"])
    changed = get(datasette, "/archive/changed_this_week.json?_shape=array")
    assert {row["change"] for row in changed} == {"new"}
