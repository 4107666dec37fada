"""Previous/next article links.

Sites label sibling links in many ways: inside the link (``<<: Title``, ``« Previous Post``,
``上一篇：Title``), beside it (``上一篇：<a>Title</a>``, a "Previous post" caption in the element
next to the link), by class (``nav-previous``, ``post-navigation__next``) with only an arrow or
an image in the link, or by ``rel=prev``. Each form is recognised on the page's anchor list
(:mod:`crawler.parsers.anchors`), read before any boilerplate is removed: theme navigation
blocks are exactly what a main-content filter throws away.

The same words, arrows and ``rel`` values also mean other things, so a candidate is refused
when it is pagination (the target is this page's next page), a carousel or comment control, a
breadcrumb or bullet arrow (``Home » Health``, ``→ About us``), or a link to a section above
the page. When the link prints only its label, the title comes from the navigation card around
it; label words never stay in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit

import lxml.html

from crawler.parsers.anchors import (
    INLINE_WRAPPERS,
    UNUSABLE_HREF_RE,
    Anchor,
    is_section_of,
    scan_page,
    text_before,
)
from crawler.parsers.document import Document
from crawler.parsers.metadata import is_article_page
from crawler.parsers.records import Link, Siblings
from crawler.parsers.related import HEADING_WORDS, RELATED_NAME_RE, related_links
from crawler.parsers.urls import join_url

PREVIOUS_ARROWS = r"<<|«|‹|←"
NEXT_ARROWS = r">>|»|›|→"
"""Angle brackets (``〈…〉``, ``⟨…⟩``) are left out: CJK titles open with them."""
PREVIOUS_WORDS = r"(?:previous|prev|older)(?:\s+(?:article|post|story|entry|news|item|reading))?"
NEXT_WORDS = r"(?:next|newer)(?:\s+(?:article|post|story|entry|news|item|reading))?"
PREVIOUS_WORDS_ZH = r"上一篇|上一条|上篇|前一篇"
NEXT_WORDS_ZH = r"(?:阅读)?下一篇|下一条|下篇|后一篇"
SEPARATORS = r"[\s:：|\-–—/]*"


@dataclass(frozen=True)
class _Labels:
    """The label forms of one direction."""

    inside: re.Pattern[str]
    """A label opening the link's text: ``« Previous Post: Title``, ``上一篇：Title``."""
    whole: re.Pattern[str]
    """A text that is nothing but a label: ``Previous``, ``/阅读下一篇/``, ``Next »``."""
    words_before: re.Pattern[str]
    """A worded label ending the text just before the link: ``Next:``, ``上一篇：``."""
    arrow_before: re.Pattern[str]
    """An arrow alone before the link, which is a direction only outside breadcrumbs and
    bullet lists."""
    class_name: re.Pattern[str]
    rels: frozenset[str]


def _labels(arrows: str, words: str, words_zh: str, names: str, rels: frozenset[str]) -> _Labels:
    """English words only count when they end the text or carry a colon or arrow, so
    "Next-generation vaccines" or a "Read next" heading are not sibling labels."""
    return _Labels(
        inside=re.compile(
            rf"^\s*(?:(?:{arrows}){SEPARATORS}(?:(?:{words})|{words_zh})?"
            rf"|(?:{words_zh})|(?:{words})\s*(?:[:：|]|{arrows}|$)){SEPARATORS}",
            re.I,
        ),
        whole=re.compile(rf"^[\W_]*(?:{words}|{words_zh})[\W_]*$", re.I),
        words_before=re.compile(
            rf"(?:(?:{words_zh})|(?:^|[^\w\s])\s*(?:{words}))\s*[:：]?\s*$", re.I
        ),
        arrow_before=re.compile(rf"^\s*(?:{arrows})\s*[:：]?\s*$"),
        class_name=re.compile(rf"(?:^|[\s_-])(?:{names})(?:$|[\s_-])", re.I),
        rels=rels,
    )


PREVIOUS = _labels(
    PREVIOUS_ARROWS,
    PREVIOUS_WORDS,
    PREVIOUS_WORDS_ZH,
    r"prev|previous|older|prev-post|previous-post|post-prev|post-previous",
    frozenset({"prev", "previous"}),
)
NEXT = _labels(
    NEXT_ARROWS,
    NEXT_WORDS,
    NEXT_WORDS_ZH,
    r"next|newer|next-post|post-next",
    frozenset({"next"}),
)
CUE_RE = re.compile(
    rf"{PREVIOUS_ARROWS}|{NEXT_ARROWS}|prev|next|older|newer|{PREVIOUS_WORDS_ZH}|{NEXT_WORDS_ZH}"
)
"""Something in a link's lowered text that could be a label of either direction (matched on
lowered text: faster than ``re.IGNORECASE`` over every link of the page)."""
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
TAXONOMY_PATH_RE = re.compile(r"/(?:tags?|category|categories|topics?|author|search|label)/", re.I)
POST_NAV_NAME_RE = re.compile(
    r"post[\s_-]?nav|nav[\s_-]?links|navigation|pagination|pager|prev[\s_-]?next|"
    r"single[\s_-]?nav|article[\s_-]?nav|entry[\s_-]?nav",
    re.I,
)
"""Blocks whose class says "navigation between posts": an arrow or image link there is a
sibling even without words."""
WORDED_RE = re.compile(
    rf"prev|next|older|newer|上一|下一|前一|后一|上篇|下篇|{HEADING_WORDS}", re.I
)
"""Words of sibling captions and related headings, to note those elements while scanning."""
NAVIGATION, RELATED = "navigation", "related"
BOTH_DIRECTIONS_RE = re.compile(r"prev(?:ious)?[\s_-]?next|next[\s_-]?prev(?:ious)?", re.I)
"""A ``prev-next`` block names both directions, so neither."""
CONTROL_TAGS = frozenset({"button", "label", "option", "a"})
"""A form's "Next" button, or a link's own text, is no caption for the link beside it."""
CARD_LEVELS = 3
"""How far up from a link its navigation card may reach (link → title wrapper → card)."""
CARD_MAX_CHARS = 300
LETTER_RE = re.compile(r"[^\W\d_]")
NON_WORD_RE = re.compile(r"[\W_]+")
LABEL_EVIDENCE, CLASS_EVIDENCE, REL_EVIDENCE = 3, 2, 1
"""A printed label beats a class name, which beats ``rel``: the first is what readers see."""


@dataclass(frozen=True)
class _Cues:
    """Which anchors show a label word or arrow of either direction, in their text or just
    before them: read once for both directions, and the only anchors whose labels are parsed."""

    in_text: frozenset[int]
    before: frozenset[int]

    @classmethod
    def of(cls, anchors: list[Anchor]) -> _Cues:
        return cls(
            in_text=frozenset(
                anchor.index for anchor in anchors if CUE_RE.search(anchor.text.lower())
            ),
            before=frozenset(
                anchor.index
                for anchor in anchors
                if (before := anchor.before[0]) and CUE_RE.search(before.lower())
            ),
        )


@dataclass(frozen=True)
class _Page:
    """What one page offers every anchor's check, computed once."""

    url: str
    base: str
    article: bool
    labels: _Labels
    captions: frozenset[lxml.html.HtmlElement]
    """Elements whose whole text is a label of this direction ("Previous post", "阅读下一篇")."""
    caption_holders: frozenset[lxml.html.HtmlElement]
    navigation: frozenset[lxml.html.HtmlElement]
    """Anchors inside a post-navigation block."""
    cues: _Cues
    names: dict[lxml.html.HtmlElement, str] = field(compare=False)
    """Each element's class and id with two-direction names blanked (:func:`_named`), read
    once for both directions and for the links of one card; shared by the two pages."""


def sibling_links(doc: Document, article: bool | None = None) -> Siblings:
    """The page's previous/next article and its related-article teasers.

    Carousel and comment controls are no siblings, but a carousel of related posts is still
    related, so only the sibling finder leaves noise anchors out. ``article`` is
    :func:`~crawler.parsers.metadata.is_article_page` when the caller knows it already.
    """
    base = _base_url(doc)
    if article is None:
        article = is_article_page(doc)
    scan = scan_page(
        doc.tree,
        base,
        {NAVIGATION: POST_NAV_NAME_RE, RELATED: RELATED_NAME_RE},
        WORDED_RE,
    )
    anchors = [anchor for anchor in scan.anchors if not anchor.noise]
    navigation = frozenset(anchor for block in scan.named[NAVIGATION] for anchor in block.iter("a"))
    cues = _Cues.of(anchors)
    marked = [
        anchor
        for anchor in anchors
        if anchor.index in cues.in_text
        or anchor.index in cues.before
        or anchor.element in navigation
        or (article and anchor.element.get("rel"))
    ]
    names: dict[lxml.html.HtmlElement, str] = {}
    pages = (
        _page(doc.url, base, article, labels, scan.worded, navigation, cues, names)
        for labels in (PREVIOUS, NEXT)
    )
    previous, following = (_sibling(anchors if page.captions else marked, page) for page in pages)
    if article:
        previous = previous or _rel_link(doc, base, PREVIOUS.rels)
        following = following or _rel_link(doc, base, NEXT.rels)
    related = related_links(doc, scan.anchors, scan.named[RELATED], scan.worded, base)
    return Siblings(previous=previous, next=following, related=related)


def _page(
    url: str,
    base: str,
    article: bool,
    labels: _Labels,
    worded: list[lxml.html.HtmlElement],
    navigation: frozenset[lxml.html.HtmlElement],
    cues: _Cues,
    names: dict[lxml.html.HtmlElement, str],
) -> _Page:
    captions = set()
    for owner in worded:
        if owner.tag in CONTROL_TAGS or not labels.whole.match(
            " ".join(owner.text_content().split())
        ):
            continue
        while (parent := owner.getparent()) is not None and _same_text(parent, owner):
            owner = parent
        captions.add(owner)
    holders = frozenset(caption.getparent() for caption in captions)
    return _Page(url, base, article, labels, frozenset(captions), holders, navigation, cues, names)


def _sibling(anchors: list[Anchor], page: _Page) -> Link | None:
    """The best-evidenced link in one direction; the first on the page among equals.

    Without a caption on the page, only links with a label word or arrow in or before them,
    in a post-navigation block or with a ``rel`` can claim a direction (see :func:`_read`),
    so the caller passes only those.
    """
    best: tuple[int, Link] | None = None
    for anchor in anchors:
        found = _read(anchor, page)
        if found is None or (best is not None and found[0] <= best[0]):
            continue
        if not _acceptable(anchor, page.url, page.base):
            continue
        evidence, text = found
        if not text:
            text = anchor.title or _card_title(anchor, page.labels)
        best = (evidence, Link(url=anchor.url, text=text, title=anchor.title))
        if evidence == LABEL_EVIDENCE:
            break
    return best[1] if best else None


def _read(anchor: Anchor, page: _Page) -> tuple[int, str] | None:
    """How strongly ``anchor`` claims this direction, and its text without the label."""
    labels = page.labels
    inside = _inside_label(anchor, labels) if anchor.index in page.cues.in_text else None
    if inside is not None:
        text, worded = inside
        if worded or _lone_arrow(anchor, labels):
            return LABEL_EVIDENCE, text
        return None
    if _label_beside(anchor, page):
        return LABEL_EVIDENCE, _clean(anchor.text)
    if anchor.element in page.navigation and _named(anchor, labels, page.names):
        return CLASS_EVIDENCE, _clean(anchor.text)
    if page.article and anchor.rels & labels.rels:
        return REL_EVIDENCE, _clean(anchor.text)
    return None


def _inside_label(anchor: Anchor, labels: _Labels) -> tuple[str, bool] | None:
    """The link's text without the label inside it, and whether that label has words; ``None``
    when the link carries no label.

    Themes print the label as pieces of their own (``<span>Prev</span><span>Previous</span>
    <span>Title</span><span>Next</span>``), or as the start of one text (``« Previous: Title``).
    An arrow alone is a direction only before the title: "More news »" is not a next link.
    """
    pieces = list(anchor.pieces)
    worded = arrowed = False
    for index in (0, -1):
        while pieces:
            if labels.whole.match(pieces[index]):
                worded = True
            elif labels.arrow_before.match(pieces[index]):
                arrowed = arrowed or index == 0
            else:
                break
            pieces.pop(index)
    if worded or arrowed:
        return _clean(" ".join(pieces)), worded
    text = " ".join(anchor.pieces)
    match = labels.inside.match(text)
    if match is None:
        return None
    return _clean(text[match.end() :]), bool(LETTER_RE.search(match.group()))


def _lone_arrow(anchor: Anchor, labels: _Labels) -> bool:
    """An arrow-led link stands alone, not in a breadcrumb or a column of arrow bullets."""
    if anchor.breadcrumb:
        return False
    parent = anchor.element.getparent()
    if parent is None:
        return True
    arrowed = [
        other
        for other in parent.iter("a")
        if labels.inside.match(" ".join(other.text_content().split()))
    ]
    return len(arrowed) < 2


def _label_beside(anchor: Anchor, page: _Page) -> bool:
    """A label printed next to the link: in the text just before it, or as the caption
    element before the link or before the small navigation card holding it."""
    labels = page.labels
    before, after_link = anchor.before
    if anchor.index in page.cues.before:
        if labels.words_before.search(before):
            return True
        if labels.arrow_before.match(before):
            return not (after_link or anchor.breadcrumb or _arrow_bullets(anchor.element, before))
    if not page.captions:
        return False
    element = anchor.element
    for _ in range(CARD_LEVELS):
        parent = element.getparent()
        if parent is None:
            return False
        if parent in page.caption_holders and _caption_before(element, page.captions):
            return True
        if not _small_card(parent):
            return False
        element = parent
    return False


def _caption_before(
    element: lxml.html.HtmlElement, captions: frozenset[lxml.html.HtmlElement]
) -> bool:
    """The nearest earlier sibling with text is a label caption."""
    for previous in element.itersiblings(preceding=True):
        if not isinstance(previous.tag, str):
            continue
        if previous in captions:
            return True
        if previous.text_content().strip():
            return False
    return False


def _named(anchor: Anchor, labels: _Labels, known: dict[lxml.html.HtmlElement, str]) -> bool:
    """The link or its card is named for the direction (``nav-previous``, ``post_next``)."""
    element: lxml.html.HtmlElement | None = anchor.element
    for _ in range(CARD_LEVELS + 1):
        if element is None:
            return False
        names = known.get(element)
        if names is None:
            names = known[element] = BOTH_DIRECTIONS_RE.sub(
                " ", f"{element.get('class', '')} {element.get('id', '')}"
            )
        if labels.class_name.search(names):
            return True
        element = element.getparent()
    return False


def _card_title(anchor: Anchor, labels: _Labels) -> str:
    """The title a navigation card shows beside a link that prints only its label or an
    image: the card's text with the label words taken out."""
    element = anchor.element
    for _ in range(CARD_LEVELS):
        parent = element.getparent()
        if parent is None or not _small_card(parent):
            break
        element = parent
        pieces = [" ".join(piece.split()) for piece in element.itertext()]
        text = " ".join(piece for piece in pieces if piece and not labels.whole.match(piece))
        if text:
            return _clean(text)
    return ""


def _small_card(element: lxml.html.HtmlElement) -> bool:
    """Small enough to be one link's navigation card, not the whole navigation bar: every link
    inside goes to one target, and the text is short."""
    if len({a.get("href") for a in element.iter("a")}) > 1:
        return False
    size = 0
    for piece in element.itertext():
        size += len(piece.strip())
        if size > CARD_MAX_CHARS:
            return False
    return True


def _acceptable(anchor: Anchor, page_url: str, base: str) -> bool:
    if not anchor.url or _pagination_words(anchor):
        return False
    if TAXONOMY_PATH_RE.search(anchor.url):
        return False
    return not (is_section_of(anchor.url, page_url) or _is_pagination(anchor.url, base))


def _pagination_words(anchor: Anchor) -> bool:
    """The link's text or its tooltip says "Next page": ``<a title="Next page">NEXT</a>``."""
    return any(PAGINATION_TEXT_RE.search(text) for text in (anchor.text, anchor.title) if text)


def _rel_link(doc: Document, base: str, rels: frozenset[str]) -> Link | None:
    """``<link rel=prev|next>``: the neighbouring article, unless it is the next page."""
    for link in doc.tree.iter("link"):
        href = link.get("href", "").strip()
        if _rel(link) & rels and not UNUSABLE_HREF_RE.match(href):
            url = join_url(base, href)
            if url and not _is_pagination(url, base) and not is_section_of(url, doc.url):
                return Link(url=url, text="", title=link.get("title", "").strip())
    return None


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


def _arrow_bullets(anchor: lxml.html.HtmlElement, arrow: str) -> bool:
    """The same arrow stands before another link of the block: bullets, not a direction."""
    block = anchor.getparent()
    while block is not None and block.tag in INLINE_WRAPPERS:
        block = block.getparent()
    if block is None:
        return False
    return any(other is not anchor and text_before(other)[0] == arrow for other in block.iter("a"))


def _previous_with_text(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    for previous in element.itersiblings(preceding=True):
        if isinstance(previous.tag, str) and previous.text_content().strip():
            return previous
    return None


def _same_text(parent: lxml.html.HtmlElement, child: lxml.html.HtmlElement) -> bool:
    """The parent prints nothing but the child's words (a caption wrapped in a ``<div>``,
    perhaps between decorative slashes or bars)."""
    size = 0
    for piece in parent.itertext():
        size += len(piece.strip())
        if size > CARD_MAX_CHARS:
            return False
    return NON_WORD_RE.sub("", parent.text_content()) == NON_WORD_RE.sub("", child.text_content())


def _clean(text: str) -> str:
    return TRAILING_ARROWS_RE.sub("", " ".join(text.split())).strip()


def _rel(element: lxml.html.HtmlElement) -> set[str]:
    return set(element.get("rel", "").lower().split())


def _base_url(doc: Document) -> str:
    base = doc.tree.find(".//base[@href]")
    joined = join_url(doc.url, base.get("href")) if base is not None else None
    return joined or doc.url
