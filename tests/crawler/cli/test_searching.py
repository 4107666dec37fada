"""``search`` on the command line: hits with snippets, JSON, filters, "no results", bad input."""

from __future__ import annotations

import json

from ..test_cli import archive, invoke

__all__ = ["archive"]


def test_search_prints_ranked_hits_with_snippets(archive):
    result = invoke("search", "drink", "water", "--db", str(archive))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith(" 1. Title  [en, score ")
    assert lines[1] == "    http://site/b.html"
    assert "[Drink] [water]" in lines[2]


def test_search_json_is_an_array_of_hits(archive):
    result = invoke("search", "walk*", "--json", "--db", str(archive))
    assert result.exit_code == 0
    (hit,) = json.loads(result.output)
    assert set(hit) == {"url", "title", "snippet", "score", "language"}
    assert hit["url"] == "http://site/c.html" and "[Walk]" in hit["snippet"]


def hits(archive, *args: str) -> list[str]:
    result = invoke("search", *args, "--json", "--db", str(archive))
    assert result.exit_code == 0, result.output
    return [hit["url"] for hit in json.loads(result.output)]


def test_search_filters_and_limit(archive):
    both = ["http://site/b.html", "http://site/c.html"]
    assert sorted(hits(archive, "title")) == both
    assert len(hits(archive, "title", "--limit", "1")) == 1
    assert sorted(hits(archive, "title", "--has-advice", "--lang", "en", "--site", "site")) == both
    assert hits(archive, "title", "--lang", "zh") == []
    assert hits(archive, "title", "--site", "other") == []
    assert sorted(hits(archive, "title", "--since", "2001-01-01")) == both
    assert hits(archive, "title", "--since", "2100-01-01T00:00:00") == []


def test_no_results_is_said_and_is_not_an_error(archive):
    result = invoke("search", "nowhere", "--db", str(archive))
    assert result.exit_code == 0
    assert result.output.strip() == "no results for nowhere"
    assert json.loads(invoke("search", "nowhere", "--json", "--db", str(archive)).output) == []


def test_bad_search_input_is_one_line(archive, tmp_path):
    result = invoke("search", "%%", "--db", str(archive))
    assert result.exit_code == 1
    assert result.output == "error: nothing to search for in '%%': give a word or a character\n"
    result = invoke("search", "x", "--since", "last week", "--db", str(archive))
    assert result.exit_code == 2 and "'last week' does not match the format" in result.output
    result = invoke("search", "x", "--db", str(tmp_path / "missing.db"))
    assert result.exit_code == 1 and result.output.startswith("error: no archive at")


def search_json(crawled, *args: str) -> list[dict]:
    result = invoke("search", *args, "--json", "--db", crawled.url)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_search_on_a_crawled_archive(crawled):
    result = invoke("search", "insomnia", "--limit", "3", "--db", crawled.url)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 9 and lines[0].startswith(" 1. ")
    assert lines[1].strip().startswith(crawled.base) and "[insomnia]" in lines[2].lower()
    hits = search_json(crawled, "失眠")
    assert hits and all("[失眠]" in hit["snippet"] for hit in hits)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_search_filters_on_a_crawled_archive(crawled):
    every = search_json(crawled, "眠")
    assert every and search_json(crawled, "眠", "--lang", "zh") == every
    assert search_json(crawled, "眠", "--lang", "en") == []
    host = crawled.base.split("://")[1]
    assert search_json(crawled, "眠", "--site", host) == every
    advised = search_json(crawled, "sleep", "--has-advice", "--limit", "1000")
    assert 0 < len(advised) < len(search_json(crawled, "sleep", "--limit", "1000"))
    result = invoke("search", "sleep", "--since", "2100-01-01", "--db", crawled.url)
    assert result.exit_code == 0 and result.output == "no results for sleep\n"


def test_build_search_lists_reports_the_common_words(archive, monkeypatch):
    from storage import search_lists

    monkeypatch.setattr(search_lists, "COMMON_DF", 2)
    before = hits(archive, "title")
    result = invoke("build-search-lists", "--db", str(archive))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ranked lists built for ")
    assert int(result.output.split()[4]) > 0
    assert hits(archive, "title") == before
