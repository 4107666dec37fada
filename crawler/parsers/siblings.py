"""Previous/next article links and related-article teasers.

Sites label sibling links in many ways (``<<: Title``, ``« Previous Post``, ``上一篇：``, arrows
with the title in an attribute, ``rel=prev``), and the same words and ``rel`` values also mean
pagination on listings and multi-page articles, so each form is recognised on its own and the
pagination look-alikes are filtered out by target URL and page type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import SplitResult, urldefrag, urlsplit

import lxml.html

from crawler.parsers.document import Document
from crawler.parsers.metadata import is_article_page
from crawler.parsers.records import Link, Siblings
from crawler.parsers.urls import join_url

PREVIOUS_ARROWS = r"<<|«|‹|←|⟨|〈"
NEXT_ARROWS = r">>|»|›|→|⟩|〉"
PREVIOUS_WORDS = r"(?:previous|prev|older)(?:\s+(?:article|post|story|entry|news|item))?"
NEXT_WORDS = r"(?:next|newer)(?:\s+(?:article|post|story|entry|news|item))?"
PREVIOUS_WORDS_ZH = r"上一篇|上一条|上篇|前一篇"
NEXT_WORDS_ZH = r"下一篇|下一条|下篇|后一篇"
SEPARATORS = r"[\s:：|\-–—]*"


def _label_patterns(arrows: str, words: str, words_zh: str) -> tuple[re.Pattern[str], ...]:
    """Labels inside the link text, and labels standing just before the link.

    English words only count when they end the text or carry a colon or arrow, so "Next-generation
    vaccines" or a "Read next" heading are not sibling labels.
    """
    inside = (
        rf"^\s*(?:(?:{arrows}){SEPARATORS}(?:(?:{words})|{words_zh})?"
        rf"|(?:{words_zh})|(?:{words})\s*(?:[:：|]|{arrows}|$)){SEPARATORS}"
    )
    before = rf"(?:(?:{arrows})|(?:{words_zh})|(?:^|[^\w\s])\s*(?:{words}))\s*[:：]?\s*$"
    whole = rf"^\s*(?:(?:{arrows})\s*)?(?:{words}|{words_zh})\s*(?:(?:{arrows})\s*)?[:：]?\s*$"
    return tuple(re.compile(pattern, re.I) for pattern in (inside, before, whole))


PREVIOUS_INSIDE_RE, PREVIOUS_BEFORE_RE, PREVIOUS_WHOLE_RE = _label_patterns(
    PREVIOUS_ARROWS, PREVIOUS_WORDS, PREVIOUS_WORDS_ZH
)
NEXT_INSIDE_RE, NEXT_BEFORE_RE, NEXT_WHOLE_RE = _label_patterns(
    NEXT_ARROWS, NEXT_WORDS, NEXT_WORDS_ZH
)
TRAILING_ARROWS_RE = re.compile(rf"{SEPARATORS}(?:{PREVIOUS_ARROWS}|{NEXT_ARROWS})\s*$")
PAGINATION_TEXT_RE = re.compile(
    r"^\W*(?:older|newer|previous|prev|next)\s+(?:posts|entries|articles|stories|pages?|"
    r"comments|results|slide|photo|image)\W*$|上一页|下一页|首页|尾页",
    re.I,
)
PAGINATION_URL_RE = re.compile(
    r"(?:[/_-](?:page[/_-]?)?\d{1,3}(?=(?:\.\w+)?/?$))|(?:[?&](?:page|p|pg|paged|start)=\d+)",
    re.I,
)
PAGE_WORD_RE = re.compile(r"page|[?&](?:p|pg|paged|start)=\d", re.I)
"""Numbered sibling URLs (``/news/123.html`` → ``/news/124.html``) are articles unless they
say "page"; a number added to the page's own address is its next page."""
UNUSABLE_HREF_RE = re.compile(r"^\s*(?:#|javascript:|mailto:|tel:|$)", re.I)
RELATED_HEADING_RE = re.compile(
    r"^\W*(?:related(?:\s+(?:articles?|posts?|stories|content|reading|news|topics))?|"
    r"you\s+(?:may|might)\s+also\s+(?:like|enjoy)|more\s+(?:on|about|from)\b.{0,40}|"
    r"read\s+next|recommended(?:\s+(?:for\s+you|reading|articles?))?|further\s+reading|"
    r"相关资讯|相关文章|相关阅读|相关推荐|往期推荐|往期回顾|猜你喜欢|推荐阅读|延伸阅读|热门推荐)\W*$",
    re.I,
)
MAX_HEADING_CHARS = 60
TEASER_CUT_RE = re.compile(r"(?:\.\.\.|…)\s*$")
MIN_TEASER_RUN = 3
MAX_TEASER_CHARS = 300
TEASER_LINK_SHARE = 0.8
"""A teaser item is its link: the cut title is nearly all of the item's text."""
GENERIC_LINK_RE = re.compile(
    r"^\W*(?:read\s+more|more|continue\s+reading|see\s+more|view\s+all|更多|阅读全文|查看更多)\W*$",
    re.I,
)
TAXONOMY_PATH_RE = re.compile(r"/(?:tags?|category|categories|topics?|author|search|label)/", re.I)
HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
NOISE_CLASS_RE = re.compile(
    r"carousel|slider|slick|swiper|slideshow|gallery|pagination|pager|comment", re.I
)
RELATED_CLASS_RE = re.compile(r"(?:^|[\s_-])(?:related|recommend(?:ed|ations?)?)(?:$|[\s_-])", re.I)
BLOCK_TAGS = frozenset(
    {"p", "div", "li", "dd", "dt", "td", "th", "section", "article", "nav", "footer", "aside"}
)
INLINE_WRAPPERS = frozenset({"span", "strong", "b", "em", "font", "i"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
SITE_CHROME_TAGS = frozenset({"header", "nav", "footer"})
REL_PREVIOUS = frozenset({"prev", "previous"})
REL_NEXT = frozenset({"next"})
PREVIOUS_LABELS = (PREVIOUS_INSIDE_RE, PREVIOUS_BEFORE_RE, PREVIOUS_WHOLE_RE)
NEXT_LABELS = (NEXT_INSIDE_RE, NEXT_BEFORE_RE, NEXT_WHOLE_RE)


def sibling_links(doc: Document) -> Siblings:
    """The page's previous/next article and its related-article teasers."""
    base = _base_url(doc)
    article = is_article_page(doc)
    anchors = [a for a in doc.tree.iter("a") if _usable(a)]
    previous = _labelled(anchors, base, PREVIOUS_LABELS, REL_PREVIOUS if article else frozenset())
    following = _labelled(anchors, base, NEXT_LABELS, REL_NEXT if article else frozenset())
    if article:
        previous = previous or _rel_link(doc, base, REL_PREVIOUS)
        following = following or _rel_link(doc, base, REL_NEXT)
    own = [doc.url, *_canonical_hrefs(doc, base)]
    related = _dedupe(_related_links(doc.tree, base), {_key(url) for url in own})
    return Siblings(previous=previous, next=following, related=related)


def _labelled(
    anchors: list[lxml.html.HtmlElement],
    base: str,
    labels: tuple[re.Pattern[str], ...],
    rels: frozenset[str],
) -> Link | None:
    """The first link labelled previous/next, by its text, the text beside it, or ``rel``."""
    inside, before, whole = labels
    for anchor in anchors:
        text = _text(anchor)
        remainder = _after_label(anchor, text, inside, whole)
        if remainder is None and (before.search(_text_before(anchor)) or _rel(anchor) & rels):
            remainder = text
        if remainder is None or PAGINATION_TEXT_RE.search(text) or _in_noise(anchor):
            continue
        url = join_url(base, anchor.get("href", ""))
        if url is not None and not _is_pagination(url, base):
            remainder = TRAILING_ARROWS_RE.sub("", remainder).strip()
            return Link(url=url, text=remainder, title=anchor.get("title", "").strip())
    return None


def _after_label(
    anchor: lxml.html.HtmlElement, text: str, inside: re.Pattern[str], whole: re.Pattern[str]
) -> str | None:
    """The link text after a label inside the link, or ``None`` when the link has no label."""
    label = inside.match(text)
    if label:
        return text[label.end() :]
    first = next((child for child in anchor if isinstance(child.tag, str)), None)
    if first is not None and not (anchor.text or "").strip():
        head = _text(first)
        if head and whole.match(head):
            return text[len(head) :]
    return None


def _rel_link(doc: Document, base: str, rels: frozenset[str]) -> Link | None:
    """``<link rel=prev|next>``: the neighbouring article, unless it is the next page."""
    for link in doc.tree.iter("link"):
        href = link.get("href", "").strip()
        if _rel(link) & rels and not UNUSABLE_HREF_RE.match(href):
            url = join_url(base, href)
            if url is not None and not _is_pagination(url, base):
                return Link(url=url, text="", title=link.get("title", "").strip())
    return None


def _related_links(tree: lxml.html.HtmlElement, base: str) -> Iterator[Link]:
    blocks = [*_headed_blocks(tree), *_named_blocks(tree), *_teaser_runs(tree)]
    anchors = {anchor for block in blocks for anchor in block}
    for anchor in tree.iter("a"):
        if anchor in anchors:
            text = _text(anchor)
            url = join_url(base, anchor.get("href", ""))
            if url is None:
                continue
            if text and not GENERIC_LINK_RE.match(text) and not TAXONOMY_PATH_RE.search(url):
                yield Link(url=url, text=text, title=anchor.get("title", "").strip())


def _headed_blocks(tree: lxml.html.HtmlElement) -> Iterator[list[lxml.html.HtmlElement]]:
    """Links following a "Related" / "相关文章" style heading, up to the next heading."""
    for element in tree.iter(*HEADING_TAGS, "p", "div", "span", "strong", "b", "dt"):
        text = _short_text(element, MAX_HEADING_CHARS)
        if not text or not RELATED_HEADING_RE.match(text):
            continue
        if element.tag not in HEADING_TAGS and any(
            _text(child) == text for child in element if isinstance(child.tag, str)
        ):
            continue
        yield _links_after(element)


def _links_after(heading: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    anchor = heading
    for _ in range(3):
        links: list[lxml.html.HtmlElement] = []
        for sibling in anchor.itersiblings():
            if sibling.tag in HEADING_TAGS:
                break
            links.extend(a for a in _iter_anchors(sibling) if _usable(a))
        if links:
            return links
        parent = anchor.getparent()
        if parent is None:
            break
        anchor = parent
    return []


def _named_blocks(tree: lxml.html.HtmlElement) -> Iterator[list[lxml.html.HtmlElement]]:
    """Containers whose class or id says "related" / "recommended"."""
    for element in tree.iter("div", "section", "aside", "ul", "ol"):
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if RELATED_CLASS_RE.search(names) and not _in_chrome(element):
            yield [a for a in element.iter("a") if _usable(a)]


def _teaser_runs(tree: lxml.html.HtmlElement) -> Iterator[list[lxml.html.HtmlElement]]:
    """Runs of consecutive one-link items whose text is cut with "..." (teaser lists)."""
    for parent in tree.iter(*BLOCK_TAGS, "ul", "ol", "body"):
        run: list[lxml.html.HtmlElement] = []
        for child in parent:
            anchor = _teaser_anchor(child)
            if anchor is not None:
                run.append(anchor)
                continue
            if child.tag == "br" or not isinstance(child.tag, str):
                continue
            if len(run) >= MIN_TEASER_RUN:
                yield run
            run = []
        if len(run) >= MIN_TEASER_RUN:
            yield run


def _teaser_anchor(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    if not isinstance(element.tag, str):
        return None
    whole = _short_text(element, MAX_TEASER_CHARS)
    if not whole:
        return None
    anchors = [element] if element.tag == "a" else list(element.iter("a"))
    if len(anchors) != 1 or not _usable(anchors[0]):
        return None
    text = _text(anchors[0])
    if TEASER_CUT_RE.search(text) and len(text) >= TEASER_LINK_SHARE * len(whole):
        return anchors[0]
    return None


def _dedupe(links: Iterable[Link], excluded: set[str]) -> tuple[Link, ...]:
    seen = set(excluded)
    kept = []
    for link in links:
        key = _key(link.url)
        if key not in seen:
            seen.add(key)
            kept.append(link)
    return tuple(kept)


def _usable(anchor: lxml.html.HtmlElement) -> bool:
    """A visible link with a real target (not ``#``, ``javascript:``, hidden or in a carousel)."""
    if UNUSABLE_HREF_RE.match(anchor.get("href", "")):
        return False
    element: lxml.html.HtmlElement | None = anchor
    while element is not None:
        if (
            element.get("hidden") is not None
            or element.get("aria-hidden", "").lower() == "true"
            or HIDDEN_STYLE_RE.search(element.get("style", ""))
            or element.tag in {"template", "noscript", "script"}
        ):
            return False
        element = element.getparent()
    return True


def _in_noise(anchor: lxml.html.HtmlElement) -> bool:
    """Carousel, slideshow and comment-pagination controls reuse the prev/next words."""
    return any(
        NOISE_CLASS_RE.search(f"{element.get('class', '')} {element.get('id', '')}")
        for element in (anchor, *anchor.iterancestors())
    )


def _in_chrome(element: lxml.html.HtmlElement) -> bool:
    return any(ancestor.tag in SITE_CHROME_TAGS for ancestor in element.iterancestors())


def _is_pagination(url: str, page_url: str) -> bool:
    """Same address as the page up to a page number: the next page, not the next article."""
    target, page = urlsplit(url), urlsplit(page_url)
    if target.netloc != page.netloc:
        return False
    if PAGINATION_URL_RE.sub("", target.path) != PAGINATION_URL_RE.sub("", page.path):
        return False
    explicit = PAGE_WORD_RE.search(f"{target.path}?{target.query}")
    return bool(explicit) or _numbered(target) != _numbered(page)


def _numbered(url: SplitResult) -> bool:
    return bool(PAGINATION_URL_RE.search(url.path) or PAGINATION_URL_RE.search(f"?{url.query}"))


def _text_before(anchor: lxml.html.HtmlElement) -> str:
    """Text just before the link (a label like ``上一篇：``), within its parent or the parent's
    inline wrapper; a label stands right beside the link it names."""
    element = anchor
    for _ in range(2):
        previous = element.getprevious()
        parent = element.getparent()
        if previous is not None:
            label = (previous.text_content() if isinstance(previous.tag, str) else "") + (
                previous.tail or ""
            )
        else:
            label = parent.text or "" if parent is not None else ""
        if label.strip() or parent is None or parent.tag not in INLINE_WRAPPERS:
            return " ".join(label.split())
        element = parent
    return ""


def _iter_anchors(element: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    if not isinstance(element.tag, str):
        return iter(())
    return element.iter("a")


def _rel(element: lxml.html.HtmlElement) -> set[str]:
    return set(element.get("rel", "").lower().split())


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


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _key(url: str) -> str:
    return urldefrag(url)[0].rstrip("/")


def _canonical_hrefs(doc: Document, base: str) -> list[str]:
    joined = (
        join_url(base, link.get("href", ""))
        for link in doc.tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href", "").strip()
    )
    return [url for url in joined if url is not None]


def _base_url(doc: Document) -> str:
    base = doc.tree.find(".//base[@href]")
    joined = join_url(doc.url, base.get("href")) if base is not None else None
    return joined or doc.url
