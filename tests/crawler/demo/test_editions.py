from __future__ import annotations

from crawler.demo.page import DemoSite


def _articles(site: DemoSite) -> dict[str, dict]:
    return {article["path"]: article for article in site.truth["articles"]}


def _relinked(site: DemoSite, site2: DemoSite) -> set[str]:
    """Neighbours whose previous/next links change because an article left or joined."""
    first, second = _articles(site), _articles(site2)
    removed = first[site2.truth["removed"][0]]
    added = second[site2.truth["added"][0]]
    return {removed["prev"], removed["next"], added["prev"], added["next"]} - {None}


def test_second_edition_lists_its_changes(site: DemoSite, site2: DemoSite) -> None:
    assert site.truth["edition"] == 1
    assert site.truth["removed"] == site.truth["added"] == site.truth["edited"] == []
    assert site2.truth["edition"] == 2
    assert len(site2.truth["removed"]) == 1
    assert len(site2.truth["added"]) == 1
    assert len(site2.truth["edited"]) == 5


def test_pages_differ_exactly_where_listed(site: DemoSite, site2: DemoSite) -> None:
    truth = site2.truth
    listings = set(truth["listings"]) | set(site.truth["listings"])
    assert set(site.pages) - set(site2.pages) == set(truth["removed"])
    assert set(site2.pages) - set(site.pages) <= set(truth["added"]) | listings
    assert set(truth["added"]) <= set(site2.pages)
    changed = {
        path for path in set(site.pages) & set(site2.pages) if site.pages[path] != site2.pages[path]
    }
    expected = set(truth["edited"]) | _relinked(site, site2)
    assert expected <= changed
    assert changed - expected <= listings | {"/sitemap.xml"}


def test_removed_article_disappears_everywhere(site: DemoSite, site2: DemoSite) -> None:
    removed = site2.truth["removed"][0]
    assert removed not in _articles(site2)
    href = f'href="{removed}"'.encode()
    assert not [path for path, page in site2.pages.items() if href in page.body]
    assert removed.encode() not in site2.pages["/sitemap.xml"].body
    for article in _articles(site2).values():
        assert removed not in (article["prev"], article["next"], *article["related"])


def test_neighbours_relink_around_changes(site: DemoSite, site2: DemoSite) -> None:
    first, second = _articles(site), _articles(site2)
    removed = first[site2.truth["removed"][0]]
    assert second[removed["prev"]]["next"] == removed["next"]
    assert second[removed["next"]]["prev"] == removed["prev"]
    added = second[site2.truth["added"][0]]
    assert added["next"] is None
    assert second[added["prev"]]["next"] == added["path"]
    assert first[added["prev"]]["next"] is None
    assert added["path"].encode() in site2.pages["/sitemap.xml"].body


def test_edited_articles_change_one_advice_item(site: DemoSite, site2: DemoSite) -> None:
    first, second = _articles(site), _articles(site2)
    for path in site2.truth["edited"]:
        before, after = first[path]["advice"], second[path]["advice"]
        assert len(before) == len(after)
        assert sum(old != new for old, new in zip(before, after, strict=True)) == 1
        assert site.pages[path].body != site2.pages[path].body
    relinked = _relinked(site, site2)
    untouched = set(first) & set(second) - set(site2.truth["edited"]) - relinked
    assert all(first[path] == second[path] for path in untouched)
