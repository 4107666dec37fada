"""Site profiles: per-host extraction overrides and the TOML file of one site's crawl."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from crawler.parsers import parse_article
from crawler.profiles import ProfileError, load_profiles, load_site_profile, profile_for
from crawler.spiders.health import HealthSpider

PAGE = (
    b"""<html><head><title>T</title><meta property="og:type" content="article"></head><body>
<div class="story"><h1>Real title</h1><p>"""
    + b"The article text the site hides in an odd place. " * 12
    + b"""</p>
<p class="promo">Subscribe to our newsletter now</p></div>
<div class="comments-like">"""
    + b"Long reader discussion that outweighs the article. " * 30
    + b"""</div>
</body></html>"""
)


def test_profile_takes_precedence_over_the_generic_walk():
    profiles = load_profiles({"example.com": {"body": ["div.story"], "remove": [".promo"]}})
    profile = profile_for("https://www.example.com/a.html", profiles)
    article = parse_article(PAGE, "https://www.example.com/a.html", None, profile)
    assert "odd place" in article.articleBody
    assert "reader discussion" not in article.articleBody
    assert "Subscribe" not in article.articleBody


def test_profile_only_for_its_host():
    profiles = load_profiles({"example.com": {"body": ["div.story"]}})
    assert profile_for("https://example.org/a.html", profiles) is None
    assert profile_for("https://notexample.com/a.html", profiles) is None


def test_unknown_profile_keys_are_refused():
    with pytest.raises(ValueError, match="unknown keys"):
        load_profiles({"example.com": {"bdy": ["div"]}})


GOOD = """
name = "health-example"
start_urls = ["https://health.example.com/"]
sitemaps = ["https://health.example.com/maps/index.xml"]
article_urls = ['/articles/\\d+\\.html$']
listing_urls = ["/topics/"]

[selectors]
body = ["div.story"]
remove = [".promo"]

[politeness]
download_delay = 2.5
concurrent_requests_per_domain = 1
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(text)
    return path


def test_profile_file_sets_urls_selectors_and_politeness(tmp_path):
    site = load_site_profile(write(tmp_path, GOOD))
    assert site.name == "health-example"
    assert site.domains() == ["health.example.com"]
    assert site.politeness.settings() == {
        "DOWNLOAD_DELAY": 2.5,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    }
    profile = profile_for("https://health.example.com/articles/1.html", site.content_profiles())
    assert profile is not None and profile.body_selector == ("div.story",)
    rules = site.url_rules()
    assert rules.is_article("https://health.example.com/articles/12.html")
    assert not rules.is_article("https://health.example.com/topics/diet/")
    assert rules.follows("https://health.example.com/topics/diet/")
    assert not rules.follows("https://health.example.com/shop/cart")


def test_profile_name_defaults_to_the_file_name(tmp_path):
    site = load_site_profile(write(tmp_path, 'start_urls = ["http://a.example/"]\n'))
    assert site.name == "site"
    assert site.url_rules().follows("http://a.example/anything")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('start_urls = "http://a.example/"', "start_urls"),
        ("start_urls = []", "start_urls"),
        ('start_urls = ["ftp://a.example/"]', "start_urls[0]"),
        ('start_urls = ["http://a.example/"]\nsitemap = ["x"]', "sitemap"),
        ('start_urls = ["http://a.example/"]\narticle_urls = ["(unclosed"]', "article_urls[0]"),
        ('start_urls = ["http://a.example/"]\n[selectors]\nbody = ["div[["]', "selectors.body[0]"),
        ('start_urls = ["http://a.example/"]\n[selectors]\nbdy = ["div"]', "bdy"),
        (
            'start_urls = ["http://a.example/"]\n[politeness]\ndownload_delay = "slow"',
            "politeness.download_delay",
        ),
        (
            'start_urls = ["http://a.example/"]\n[politeness]\nconcurrent_requests_per_domain = 0',
            "politeness.concurrent_requests_per_domain",
        ),
        ('start_urls = ["http://a.example/"]\n[politeness]\nlog_level = "DEBUG"', "log_level"),
        ("start_urls = [", "not TOML"),
    ],
)
def test_bad_profile_is_refused_naming_the_field(tmp_path, text, field):
    with pytest.raises(ProfileError, match=re.escape(field)):
        load_site_profile(write(tmp_path, text))


def test_missing_profile_file_is_one_clear_error(tmp_path):
    with pytest.raises(ProfileError, match="cannot read profile"):
        load_site_profile(tmp_path / "absent.toml")


def test_spider_takes_the_profile_and_its_politeness(tmp_path):
    crawler = Crawler(HealthSpider)  # settings still open, as when Scrapy creates the spider
    spider = HealthSpider.from_crawler(crawler, profile=str(write(tmp_path, GOOD)))
    assert spider.start_urls == ["https://health.example.com/"]
    assert spider.sitemaps == ["https://health.example.com/maps/index.xml"]
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 2.5
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert profile_for("https://health.example.com/a", spider.profiles) is not None


def test_spider_without_start_urls_or_profile_is_refused():
    with pytest.raises(ValueError, match=r"profile=site\.toml"):
        HealthSpider.from_crawler(get_crawler(HealthSpider))
