"""``query`` on the command line: a table, CSV or JSON; refused statements are one line."""

from __future__ import annotations

import csv
import io
import json

from ..test_cli import archive, invoke

__all__ = ["archive"]

SQL = "SELECT canonical_url, advice_count FROM current_articles ORDER BY canonical_url LIMIT 2"


def test_query_prints_an_aligned_table(archive):
    result = invoke("query", SQL, "--db", str(archive))
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "canonical_url       advice_count",
        "------------------  ------------",
        "http://site/a.html  2",
        "http://site/b.html  2",
    ]


def test_query_as_csv_and_json(archive):
    result = invoke("query", SQL, "--format", "csv", "--db", str(archive))
    assert list(csv.reader(io.StringIO(result.output))) == [
        ["canonical_url", "advice_count"],
        ["http://site/a.html", "2"],
        ["http://site/b.html", "2"],
    ]
    result = invoke("query", SQL, "--format", "json", "--db", str(archive))
    assert json.loads(result.output) == [
        {"canonical_url": "http://site/a.html", "advice_count": 2},
        {"canonical_url": "http://site/b.html", "advice_count": 2},
    ]


def test_a_refused_statement_is_one_line_and_changes_nothing(archive):
    result = invoke("query", "DELETE FROM articles", "--db", str(archive))
    assert result.exit_code == 1
    assert result.output == "error: refused: DELETE articles; query only reads\n"
    count = invoke(
        "query", "SELECT count(*) AS n FROM articles", "--format", "json", "--db", str(archive)
    )
    assert json.loads(count.output) == [{"n": 3}]


def test_query_on_a_crawled_archive(crawled):
    sql = "SELECT language, count(*) AS n FROM current_articles GROUP BY language ORDER BY 1"
    result = invoke("query", sql, "--format", "json", "--db", crawled.url)
    assert result.exit_code == 0, result.output
    counts = {row["language"]: row["n"] for row in json.loads(result.output)}
    assert set(counts) == {"en", "zh"} and all(counts.values())
    for refused in ("DELETE FROM articles", "PRAGMA writable_schema = 1"):
        result = invoke("query", refused, "--db", crawled.url)
        assert result.exit_code == 1 and result.output.startswith("error: refused: ")
    result = invoke("query", sql, "--format", "json", "--db", crawled.url)
    assert {row["language"]: row["n"] for row in json.loads(result.output)} == counts
