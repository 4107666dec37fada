from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from crawler.demo.page import ORIGIN_PLACEHOLDER, DemoSite
from crawler.demo.site import build_site

MARKER_RE = re.compile(r"(?:^|\s)\d+\s*[.)、:]|[（(]\d+[）)]|^[一二三四五六七八九十]+、")
WHITESPACE_RE = re.compile(r"\s+")


BODY_BLOCKS = (
    "//div[contains(@class, 'article-body') or contains(@class, 'entry-content')"
    " or contains(@class, 'article_con')]//*[self::p or self::li or self::h2]"
    "[not(ancestor::div[contains(concat(' ', @class, ' '), ' ad ')])]"
)


def _decode(site: DemoSite, path: str) -> str:
    body = site.pages[path].body
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("gbk")


def _tree(site: DemoSite, path: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(_decode(site, path))


def _text(element: lxml.html.HtmlElement) -> str:
    return WHITESPACE_RE.sub(" ", element.text_content()).strip()


def _links(site: DemoSite, path: str) -> list[str]:
    """Same-site link targets (path plus query) of a page, as a crawler would resolve them."""
    page = site.pages[path]
    if 300 <= page.status < 400:
        return [page.header("Location")]
    if (
        page.status != 200
        or b"\x00" in page.body
        or not page.header("Content-Type").startswith("text/html")
    ):
        return []
    base = ORIGIN_PLACEHOLDER + path
    targets = []
    for href in lxml.html.document_fromstring(page.body).xpath("//a/@href"):
        url = urlsplit(urljoin(base, href))
        if f"{url.scheme}://{url.netloc}" == ORIGIN_PLACEHOLDER:
            targets.append(url.path + (f"?{url.query}" if url.query else ""))
    return targets


def _reachable(site: DemoSite) -> set[str]:
    seen, queue = {"/"}, deque(["/"])
    while queue:
        for target in _links(site, queue.popleft()):
            if target not in seen and not target.startswith("/private/"):
                seen.add(target)
                if target in site.pages:
                    queue.append(target)
    return seen


def test_build_is_deterministic(site: DemoSite) -> None:
    again = build_site()
    assert again.pages == site.pages
    assert again.truth == site.truth
    assert build_site(seed=8).pages != site.pages


def test_counts_templates_and_categories(site: DemoSite) -> None:
    articles = site.truth["articles"]
    assert len(articles) >= 210
    templates = Counter(a["template"] for a in articles)
    assert set(templates) == {"sample", "en-ol", "zh-gbk"}
    assert len({a["category"] for a in articles}) >= 4
    for template in templates:
        without = [a for a in articles if a["template"] == template and not a["advice"]]
        assert without, f"every {template} article has advice"


@pytest.mark.parametrize("template", ["sample", "en-ol", "zh-gbk"])
def test_article_pages_match_truth(site: DemoSite, template: str) -> None:
    for article in (a for a in site.truth["articles"] if a["template"] == template):
        tree = _tree(site, article["path"])
        assert _text(tree.xpath("//h1")[0]) == article["title"]
        assert tree.xpath('//meta[@property="og:type"]/@content') == ["article"]
        assert tree.xpath("//meta[@name='author']/@content")
        assert tree.get("lang").startswith(article["language"])
        page_text = _text(tree)
        for item in article["advice"]:
            assert item["text"] in page_text, (article["path"], item)
        links = set(_links(site, article["path"]))
        assert set(article["related"]) <= links
        assert {article["prev"], article["next"]} - {None} <= links


def test_advice_texts_never_contain_a_marker(site: DemoSite) -> None:
    for article in site.truth["articles"]:
        for item in article["advice"]:
            assert not MARKER_RE.search(item["text"]), (article["path"], item["text"])


def test_inline_lists_sit_in_one_paragraph_and_end_with_a_new_sentence(site: DemoSite) -> None:
    inline = [a for a in site.truth["articles"] if a["template"] == "sample" and a["advice"]]
    gaps = 0
    for article in inline:
        items = article["advice"]
        numbers = [item["number"] for item in items]
        gaps += numbers != list(range(1, len(numbers) + 1))
        paragraphs = [_text(p) for p in _tree(site, article["path"]).xpath("//p")]
        holder = next(p for p in paragraphs if f"1. {items[0]['text']}" in p)
        expected = " ".join(f"{item['number']}. {item['text']}" for item in items)
        assert expected in holder
        after = holder.split(expected, 1)[1]
        assert re.match(r" [A-Z]", after), (article["path"], after[:40])
        assert "." not in items[-1]["text"][:-1]
    assert gaps >= 5


def test_chinese_pages_are_real_gbk_with_mixed_declarations(site: DemoSite) -> None:
    declarations = Counter()
    for article in (a for a in site.truth["articles"] if a["encoding"] == "gbk"):
        page = site.pages[article["path"]]
        with pytest.raises(UnicodeDecodeError):
            page.body.decode("utf-8")
        assert article["title"] in page.body.decode("gbk")
        in_header = "charset=gbk" in page.header("Content-Type")
        in_meta = b"charset=gbk" in page.body or b'charset="gbk"' in page.body
        declarations[(in_header, in_meta)] += 1
    assert set(declarations) == {(True, True), (False, True), (False, False)}


def test_chains_link_both_ways_per_category(site: DemoSite) -> None:
    articles = {a["path"]: a for a in site.truth["articles"]}
    chained = [a for a in articles.values() if a["path"] not in _reprints(site)]
    for article in chained:
        if article["next"]:
            assert articles[article["next"]]["prev"] == article["path"]
            assert articles[article["next"]]["category"] == article["category"]
    starts = Counter(a["category"] for a in chained if a["prev"] is None)
    ends = Counter(a["category"] for a in chained if a["next"] is None)
    assert set(starts.values()) == {1} == set(ends.values())


def _reprints(site: DemoSite) -> set[str]:
    return {path for group in site.truth["near_duplicate_groups"] for path in group[1:]}


def test_every_article_reachable_from_home_without_private_pages(site: DemoSite) -> None:
    reached = _reachable(site)
    truth = site.truth
    assert {a["path"] for a in truth["articles"]} <= reached
    assert set(truth["exact_duplicates"]) <= reached
    assert {b["path"] for b in truth["broken"]} <= reached
    assert set(truth["listings"]) <= reached
    linked = {target for path in site.pages for target in _links(site, path)}
    assert set(truth["disallowed"]) <= linked
    assert all(site.pages[path].status == 200 for path in truth["disallowed"])


def test_sitemap_lists_articles_but_no_duplicates(site: DemoSite) -> None:
    xml = site.pages["/sitemap.xml"].body.decode()
    locs = {loc.removeprefix(ORIGIN_PLACEHOLDER) for loc in re.findall(r"<loc>(.*?)</loc>", xml)}
    assert locs == {a["path"] for a in site.truth["articles"]}
    robots = site.pages["/robots.txt"].body.decode()
    assert "User-agent: *\nDisallow: /private/\n" in robots
    assert f"Sitemap: {ORIGIN_PLACEHOLDER}/sitemap.xml" in robots


def test_exact_duplicates_share_text_with_their_original(site: DemoSite) -> None:
    duplicates = site.truth["exact_duplicates"]
    assert sum("utm_" in path for path in duplicates) >= 3
    assert sum(path.startswith("/print/") for path in duplicates) >= 2
    for duplicate, original in duplicates.items():
        if "?" in duplicate:
            assert site.pages[duplicate] == site.pages[original]
            continue
        assert f'href="{duplicate}"'.encode() in site.pages[original].body
        tree = _tree(site, duplicate)
        assert tree.xpath("//link[@rel='canonical']/@href") == [ORIGIN_PLACEHOLDER + original]
        blocks = [_text(block) for block in tree.xpath(BODY_BLOCKS)]
        assert blocks == [_text(block) for block in _tree(site, original).xpath(BODY_BLOCKS)]


def test_near_duplicates_differ_in_one_sentence(site: DemoSite) -> None:
    groups = site.truth["near_duplicate_groups"]
    assert len(groups) >= 2
    articles = {a["path"]: a for a in site.truth["articles"]}
    for original, reprint in groups:
        assert articles[reprint]["title"] == articles[original]["title"]
        assert articles[reprint]["advice"] == articles[original]["advice"]
        first, second = _tree(site, original), _tree(site, reprint)
        assert first.xpath("//link[@rel='canonical']/@href") != second.xpath(
            "//link[@rel='canonical']/@href"
        )
        old = [_text(block) for block in first.xpath(BODY_BLOCKS)]
        new = [_text(block) for block in second.xpath(BODY_BLOCKS)]
        assert len(old) == len(new)
        assert sum(before != after for before, after in zip(old, new, strict=True)) == 1


def test_broken_pages_are_served_as_specified(site: DemoSite) -> None:
    pages = site.pages
    assert pages["/health/missing.html"].status == 404
    assert pages["/health/error.html"].status == 500
    truncated = pages["/health/truncated.html"]
    assert truncated.declared_length > len(truncated.body)
    assert b"\x00" in pages["/health/binary.html"].body
    assert pages["/loop/a"].header("Location") == "/loop/b"
    assert pages["/loop/b"].header("Location") == "/loop/a"
    slow = [a for a in site.truth["articles"] if a["slow"]]
    assert [a["path"] for a in slow] == ["/health/slow.html"]
    assert pages["/health/slow.html"].delay > 0


def test_listings_paginate_and_declare_website(site: DemoSite) -> None:
    listings = site.truth["listings"]
    assert any("/page/2/" in path for path in listings)
    for path in listings:
        tree = lxml.html.document_fromstring(site.pages[path].body)
        assert tree.xpath('//meta[@property="og:type"]/@content') == ["website"]
        if path.endswith("/page/2/"):
            assert tree.xpath("//link[@rel='prev']/@href")
            assert (
                "Next page" in _text(tree)
                or "下一页" in _text(tree)
                or not tree.xpath("//link[@rel='next']")
            )
