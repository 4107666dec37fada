"""Site profiles override the generic extractor for their host and its subdomains."""

from __future__ import annotations

import pytest

from crawler.parsers import parse_article
from crawler.profiles import load_profiles, profile_for

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
