"""``peek``, ``stats``, ``runs`` and ``show`` on a crawled demo archive, on both backends."""

from __future__ import annotations

import json

from click.testing import CliRunner

from crawler.cli import main


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_peek_counts_what_the_site_holds(crawled):
    result = invoke("peek", "--db", crawled.url)
    assert result.exit_code == 0, result.output
    articles = len(crawled.site.truth["articles"])
    first = result.output.splitlines()[0]
    assert first.startswith("archive: ")
    live = int(first.split()[1])
    assert 0 < live <= articles
    assert " run #1 health " in result.output


def test_stats_json_adds_up(crawled):
    result = invoke("stats", "--db", crawled.url, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    totals = report["totals"]
    assert sum(site["articles"] for site in report["sites"]) == totals["articles"]
    assert sum(lang["articles"] for lang in report["languages"]) == totals["articles"]
    assert {lang["language"] for lang in report["languages"]} >= {"en", "zh"}
    assert all(site["site"].startswith(crawled.base) for site in report["sites"])
    assert [run["id"] for run in report["runs"]] == [1]
    assert report["failed_fetches"], "the demo site has broken pages"
    assert all(row["reason"] and row["fetches"] > 0 for row in report["failed_fetches"])
    assert report["reasons"], "refused pages are counted by reason"
    text = invoke("stats", "--db", crawled.url)
    assert text.exit_code == 0
    assert "per language:" in text.output


def test_runs_lists_the_crawl_with_its_state(crawled):
    runs = json.loads(invoke("runs", "--db", crawled.url, "--json").output)
    assert len(runs) == 1
    run = runs[0]
    assert run["status"] == "finished"
    assert run["started_at"].endswith("+00:00") and run["finished_at"] >= run["started_at"]
    assert run["fetches"] >= run["new_versions"] > 0
    assert run["start_urls"] == [crawled.base + "/"]
    text = invoke("runs", "--db", crawled.url)
    assert text.output.startswith("#1 health finished")


def test_show_one_article_by_url_and_id(crawled):
    truth = next(a for a in crawled.site.truth["articles"] if a.get("advice"))
    url = crawled.base + truth["path"]
    result = invoke("show", url, "--db", crawled.url, "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["headline"] == truth["title"]
    assert [item["text"] for item in shown["advice"]] == [a["text"] for a in truth["advice"]]
    assert [v["version"] for v in shown["versions"]] == [1]
    assert shown["first_seen"].endswith("+00:00")
    by_id = json.loads(invoke("show", str(shown["id"]), "--db", crawled.url, "--json").output)
    assert by_id == shown
    text = invoke("show", url, "--db", crawled.url)
    assert text.output.splitlines()[0] == truth["title"]


def test_show_unknown_article_is_one_line(crawled):
    result = invoke("show", "https://nowhere.invalid/x.html", "--db", crawled.url)
    assert result.exit_code == 1
    assert result.output == "error: no archived article at https://nowhere.invalid/x.html\n"


def test_diff_on_a_one_version_article_says_so(crawled):
    url = crawled.base + crawled.site.truth["articles"][0]["path"]
    result = invoke("diff", url, "--db", crawled.url)
    assert result.exit_code == 0, result.output
    assert "has only one version (version 1, archived " in result.output
