"""Related-article links: the other articles a page points its reader to.

A related block is recognised four ways, so a page needs only one of them: a heading that says
so ("Related", "More on …", "相关阅读", "推荐阅读", "往期回顾"), a container named for it
(``class="related-posts"``, ``rm_recommend``), a run of teasers cut with "…", or a label
beside a link inside the body ("Related: <a>…</a>", "延伸阅读：<a>…</a>"). Inside a block only
links that look like another article of the same site are kept: channel and section links,
tags, author and "find a doctor" pages, home and "view all" links, and other sites' ads are
navigation, not related articles. Blocks under a "most read"/"trending"/"热门" heading are the
site's, not the article's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

import lxml.html

from crawler.parsers.anchors import Anchor, is_below, is_section_of, site, url_key
from crawler.parsers.document import Document
from crawler.parsers.records import Link
from crawler.parsers.urls import join_url

HEADING_WORDS = (
    r"related|you\s+m(?:ay|ight)|more|keep\s+reading|read|see\s+also|recommended|further|"
    r"相关|往期|猜你|推荐|延伸|関連|あわせて"
)
"""Words every related heading holds, to find candidate headings while scanning the page."""
RELATED_HEADING_RE = re.compile(
    r"^\W*(?:related(?:\s+(?:articles?|posts?|stories|story|content|reading|news|topics|"
    r"coverage|links|reads|guides|resources))?|"
    r"you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)|"
    r"more\s+(?:on|about|from|in)\b.{0,40}|more\s+stories|keep\s+reading|read\s+next|"
    r"what\s+to\s+read\s+next|see\s+also|also\s+read|"
    r"recommended(?:\s+(?:for\s+you|reading|articles?|stories))?|further\s+reading|"
    r"相关(?:资讯|文章|阅读|推荐|新闻|报道|链接|内容)|往期(?:推荐|回顾|精选)|猜你喜欢|推荐阅读|"
    r"延伸阅读|为你推荐|精彩推荐|関連記事|あわせて読みたい)\W*$",
    re.I,
)
POPULAR_HEADING_RE = re.compile(
    r"trending|popular|most\s+(?:read|viewed|shared|commented)|latest|top\s+(?:stories|news)|"
    r"headlines|热门|排行|热点|最新|要闻|头条|编辑推荐|ランキング|人気|주요\s*뉴스|인기|많이\s*본",
    re.I,
)
RELATED_NAME_RE = re.compile(
    r"(?:^|[\s_-])(?:related|relevant|recommend|read[\s_-]?next|more[\s_-]?stories)",
    re.I,
)
"""Names starting with the word, in any style: ``related-posts``, ``relatedNewsWrap``."""
INLINE_LABEL_RE = re.compile(
    r"^\W*(?:related(?:\s+(?:article|story|reading|coverage))?|read\s+(?:more|also|next)|"
    r"also\s+read|see\s+also|相关阅读|延伸阅读|推荐阅读|相关链接|相关文章)\s*[:：]\s*$",
    re.I,
)
GENERIC_LINK_RE = re.compile(
    r"^\W*(?:read\s+more|more|continue\s+reading|see\s+more|(?:view|see)\s+all\b.*|更多|"
    r"阅读全文|查看更多|find\s+an?(?:\s+[\w-]+){1,2})\W*$|"
    r"\b(?:subscribe|subscription|sign\s+up|log\s+in|newsletter|"
    r"upgrade|donate)\b|订阅|登录|注册",
    re.I,
)
"""Links that lead to an action or a listing, whatever block they sit in ("Find a GMAT tutor"
is a directory, however the site spells its address)."""
NAVIGATION_PATH_RE = re.compile(
    r"/(?:tags?|category|categories|topics?|authors?|contributors?|editors?|writers?|search|label|"
    r"staff|team|people|profiles?|"
    r"users?|members?|doctors?|physicians|providers|locations|find-a-(?:doctor|provider)|"
    r"[\w-]*subscri(?:be|ptions?)|login|signup|register|account|contact(?:-us)?|about(?:-us)?|"
    r"privacy(?:-policy)?|terms(?:-of-(?:use|service))?|advertise|careers)(?:[/?#]|$)",
    re.I,
)
"""Tag, channel, author, directory, account and site-information pages sit beside articles in
related blocks."""
MEDIA_PATH_RE = re.compile(
    r"/(?:videos?|videoshow|photos?|photostory|photo-?galler(?:y|ies)|galler(?:y|ies)|"
    r"slideshows?|cartoons?|infographics?|podcasts?|audio|downloads?)(?:[/?#]|$)",
    re.I,
)
"""Videos, photo stories, cartoons and downloads a recommendation feed mixes in: no text to
archive, so no related article."""
SECTION_FRONT_RE = re.compile(r"/(?:index|default)\.\w+$", re.I)
"""A path ending in ``index.html`` is a channel's front page, not an article."""
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
MIN_TITLE_WORDS = 3
MIN_TITLE_CHARS = 25
MIN_TITLE_CJK = 5
"""An article title has words enough; "Wellness", "Mental Health" or "时政新闻" is a channel."""
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
MAX_HEADING_CHARS = 60
HEADING_LEVELS = 3
"""How far up from a heading to look for the links it introduces."""
TEASER_CUTS = ("..", "…")
"""How a cut teaser title ends ("...", "..", "…"); link text has no trailing spaces."""
MIN_TEASER_RUN = 3
MAX_TEASER_CHARS = 300
TEASER_LINK_SHARE = 0.8
"""A teaser item is its link: the cut title is nearly all of the item's text."""
SIDEBAR_NAME_RE = re.compile(r"side|rail|widget|aside", re.I)
AD_WIDGET_RE = re.compile(
    r"taboola|outbrain|(?:^|\s)trc_|(?:^|\s)ob-widget|zergnet|revcontent", re.I
)
BLOCK_TAGS = frozenset({"li", "p", "div", "dd", "dt", "td", "article", "section"})
CONTAINER_TAGS = frozenset({"div", "section", "aside", "ul", "ol"})
CONTROL_TAGS = frozenset({"button", "label", "option", "select"})
"""A "Related topics" button opens the site's section menu: a control, not a heading."""


def related_links(
    doc: Document,
    anchors: list[Anchor],
    named: list[lxml.html.HtmlElement],
    worded: list[lxml.html.HtmlElement],
    base: str,
) -> tuple[Link, ...]:
    """Related-article links of the page in document order, each target once.

    ``anchors``, ``named`` (containers named like :data:`RELATED_NAME_RE`) and ``worded``
    (elements whose own text has one of :data:`HEADING_WORDS`) come from one scan of the page
    (:func:`crawler.parsers.anchors.scan_page`).
    """
    wanted = _ArticleLinks(anchors, site(doc.url), doc.url)
    chosen: set[lxml.html.HtmlElement] = set()
    for block in (*_headed_blocks(worded, set(named), wanted), *_named_blocks(named)):
        chosen.update(block)
    chosen.update(_teaser_runs(anchors))
    chosen.update(anchor.element for anchor in anchors if _inline_labelled(anchor))
    excluded = {url_key(url) for url in (doc.url, base, *_canonical_hrefs(doc, base))}
    links = (
        Link(url=anchor.url, text=anchor.text, title=anchor.title)
        for anchor in anchors
        if anchor.element in chosen and anchor.element in wanted
    )
    return _dedupe(links, excluded)


class _ArticleLinks:
    """Which anchor elements look like another article's link, judged on first asking: most
    of a page's links sit in no related block and are never asked about."""

    def __init__(self, anchors: list[Anchor], own_site: str, page_url: str) -> None:
        self.anchors = {anchor.element: anchor for anchor in anchors}
        self.own_site = own_site
        self.page_url = page_url
        self.judged: dict[lxml.html.HtmlElement, bool] = {}

    def __contains__(self, element: object) -> bool:
        if not isinstance(element, lxml.html.HtmlElement):
            return False
        if element not in self.judged:
            anchor = self.anchors.get(element)
            self.judged[element] = anchor is not None and _article_link(
                anchor, self.own_site, self.page_url
            )
        return self.judged[element]


def _article_link(anchor: Anchor, own_site: str, page_url: str) -> bool:
    """A link that reads like another article of the same site."""
    if not anchor.url or anchor.chrome or site(anchor.url) != own_site:
        return False
    path = urlsplit(anchor.url).path
    if NAVIGATION_PATH_RE.search(anchor.url) or MEDIA_PATH_RE.search(path):
        return False
    if SECTION_FRONT_RE.search(path):
        return False
    if GENERIC_LINK_RE.match(anchor.text) or is_section_of(anchor.url, page_url):
        return False
    if is_below(anchor.url, page_url):
        return False
    return _title_like(anchor.text)


def _title_like(text: str) -> bool:
    if len(CJK_RE.findall(text)) >= MIN_TITLE_CJK:
        return True
    return len(text.split()) >= MIN_TITLE_WORDS or len(text) >= MIN_TITLE_CHARS


def _headed_blocks(
    worded: list[lxml.html.HtmlElement],
    named: set[lxml.html.HtmlElement],
    wanted: _ArticleLinks,
) -> Iterator[list[lxml.html.HtmlElement]]:
    """Links following a "Related" / "相关文章" style heading, up to the next heading."""
    for element in worded:
        if _in_control(element):
            continue
        text = _short_text(element, MAX_HEADING_CHARS)
        if text and RELATED_HEADING_RE.match(text):
            yield _links_after(element, named, wanted)


def _in_control(element: lxml.html.HtmlElement) -> bool:
    parent = element.getparent()
    return element.tag in CONTROL_TAGS or (parent is not None and parent.tag in CONTROL_TAGS)


def _links_after(
    heading: lxml.html.HtmlElement,
    named: set[lxml.html.HtmlElement],
    wanted: _ArticleLinks,
) -> list[lxml.html.HtmlElement]:
    """The links a heading introduces: those after it among its siblings, or its wrapper's.

    Climbing stops at a container named for related links: when that block is empty (its
    list is loaded by script) the neighbouring block's links are not its. Links that are no
    article (a tag or two beside the heading) do not end the search.
    """
    start = heading
    for level in range(HEADING_LEVELS):
        if level and start in named:
            break
        links: list[lxml.html.HtmlElement] = []
        for sibling in start.itersiblings():
            if not isinstance(sibling.tag, str):
                continue
            if sibling.tag in HEADING_TAGS or _is_heading_like(sibling):
                break
            links.extend(sibling.iter("a"))
        if any(link in wanted for link in links):
            return links
        parent = start.getparent()
        if parent is None:
            break
        start = parent
    return []


def _is_heading_like(element: lxml.html.HtmlElement) -> bool:
    """A short caption announcing another block ("Most read", "热门新闻") ends this one."""
    text = _short_text(element, MAX_HEADING_CHARS)
    return (
        bool(text)
        and not element.findall(".//a")
        and bool(RELATED_HEADING_RE.match(text or "") or POPULAR_HEADING_RE.search(text or ""))
    )


def _named_blocks(named: list[lxml.html.HtmlElement]) -> Iterator[list[lxml.html.HtmlElement]]:
    """Containers whose class or id says "related" / "recommended", unless a "most read" or
    "热门" caption heads them or they hold the article's own headline."""
    for element in named:
        if (
            element.tag in CONTAINER_TAGS
            and element.find(".//h1") is None
            and not _popular_caption(element)
            and not _ad_widget(element)
        ):
            yield list(element.iter("a"))


def _popular_caption(block: lxml.html.HtmlElement) -> bool:
    caption = next(
        (
            text
            for child in block
            if isinstance(child.tag, str)
            and (text := _short_text(child, MAX_HEADING_CHARS))
            and not child.findall(".//a")
        ),
        None,
    )
    if caption is None:
        previous = block.getprevious()
        while previous is not None and not isinstance(previous.tag, str):
            previous = previous.getprevious()
        caption = _short_text(previous, MAX_HEADING_CHARS) if previous is not None else None
    return bool(caption and POPULAR_HEADING_RE.search(caption))


def _teaser_runs(anchors: list[Anchor]) -> set[lxml.html.HtmlElement]:
    """Links of teaser lists: at least three items in one container, each item a link whose
    title is cut with "…" and makes up nearly all of the item's text."""
    by_container: dict[lxml.html.HtmlElement, list[lxml.html.HtmlElement]] = {}
    for anchor in anchors:
        if not anchor.text.endswith(TEASER_CUTS):
            continue
        item = _teaser_item(anchor)
        if item is not None and (container := item.getparent()) is not None:
            by_container.setdefault(container, []).append(anchor.element)
    return {
        element
        for container, elements in by_container.items()
        if len(elements) >= MIN_TEASER_RUN and not _sidebar(container)
        for element in elements
    }


def _sidebar(container: lxml.html.HtmlElement) -> bool:
    """Teaser columns of the sidebar or under a "most read" caption belong to the site."""
    parent = container.getparent()
    grandparent = parent.getparent() if parent is not None else None
    if any(
        _popular_caption(block) for block in (container, parent, grandparent) if block is not None
    ):
        return True
    for element in (container, *container.iterancestors()):
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if element.tag == "aside" or SIDEBAR_NAME_RE.search(names) or AD_WIDGET_RE.search(names):
            return True
    return False


def _ad_widget(block: lxml.html.HtmlElement) -> bool:
    """Recommendation widgets of ad networks: their picks are bought or site-wide."""
    return any(
        AD_WIDGET_RE.search(f"{element.get('class', '')} {element.get('id', '')}")
        for element in (block, *block.iterancestors())
    )


def _teaser_item(anchor: Anchor) -> lxml.html.HtmlElement | None:
    """The list item the teaser link fills: its nearest block, when the link is nearly all of
    that block's text."""
    item = next(
        (ancestor for ancestor in anchor.element.iterancestors() if ancestor.tag in BLOCK_TAGS),
        None,
    )
    if item is None:
        return None
    whole = _short_text(item, MAX_TEASER_CHARS)
    if whole is None or len(anchor.text) < TEASER_LINK_SHARE * len(whole):
        return None
    return item


def _inline_labelled(anchor: Anchor) -> bool:
    before, _ = anchor.before
    return bool(before) and bool(INLINE_LABEL_RE.match(before))


def _dedupe(links: Iterable[Link], excluded: set[str]) -> tuple[Link, ...]:
    seen = set(excluded)
    kept = []
    for link in links:
        key = url_key(link.url)
        if key not in seen:
            seen.add(key)
            kept.append(link)
    return tuple(kept)


def _short_text(element: lxml.html.HtmlElement, limit: int) -> str | None:
    """The element's text when it is at most ``limit`` characters; big containers stop early."""
    parts: list[str] = []
    size = 0
    for piece in element.itertext():
        size += len(piece.strip())
        if size > limit:
            return None
        parts.append(piece)
    return " ".join("".join(parts).split())


def _canonical_hrefs(doc: Document, base: str) -> list[str]:
    joined = (
        join_url(base, link.get("href", ""))
        for link in doc.tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href", "").strip()
    )
    return [url for url in joined if url]
