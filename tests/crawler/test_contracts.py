"""``scrapy check health``: the spider's contracts run against the bundled demo site."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.exceptions import ContractFail
from scrapy.utils.test import get_crawler

from crawler.contracts import ArticleContract
from crawler.demo.site import build_site
from crawler.items import ArticleItem
from crawler.parsers import parse_article
from crawler.spiders.health import HealthSpider

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.integration
def test_scrapy_check_runs_the_contracts(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "check", "health"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Ran 11 contracts" in result.stderr
    assert result.stderr.rstrip().endswith("OK")


def test_article_contract_fails_on_an_empty_field():
    spider = HealthSpider.from_crawler(get_crawler(HealthSpider), start_urls="http://a.example/")
    page = build_site().pages["/health/a-001.html"]
    article = parse_article(page.body, "http://a.example/health/a-001.html", None, None)
    passing = ArticleContract(spider.parse_page, "headline", "advice")
    passing.post_process([ArticleItem(fetch_key="k", article=article)])
    failing = ArticleContract(spider.parse_page, "headline", "lastReviewed")
    with pytest.raises(ContractFail, match="empty lastReviewed"):
        failing.post_process([ArticleItem(fetch_key="k", article=article)])
    with pytest.raises(ContractFail, match="no article"):
        passing.post_process([])
