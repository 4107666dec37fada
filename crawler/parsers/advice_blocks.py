"""Flatten a content subtree into the text blocks a reader sees, in reading order.

Numbered items come as ``<p>``s, ``<br>`` lines, headings, bold lead-ins or ``<ol>``s, and the
markup is rarely clean (text straight inside ``<div>``s, ``<br>`` inside ``<span>``s), so the
advice recogniser works on this flat sequence rather than on the tree. Boilerplate that may still
sit inside the subtree (sidebars, hidden widgets, reference sections) is left out here, once.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import lxml.html

HEADING_RANKS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BOLD_RANK = 7
PLAIN_RANK = 8
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "hr",
        "li",
        "main",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        *HEADING_RANKS,
    }
)
SKIPPED_TAGS = frozenset(
    {
        "aside",
        "button",
        "figure",
        "footer",
        "form",
        "header",
        "iframe",
        "nav",
        "noscript",
        "script",
        "select",
        "style",
        "svg",
        "template",
        "textarea",
    }
)
LIST_TAGS = frozenset({"ol", "ul"})
"""Unordered lists are bullets, never advice, so the advice blocks leave them out."""
BOLD_TAGS = frozenset({"b", "strong"})
BOILERPLATE_TOKENS = frozenset(
    {
        "ad",
        "ads",
        "advert",
        "advertisement",
        "bibliography",
        "breadcrumb",
        "breadcrumbs",
        "citations",
        "comment",
        "comments",
        "footer",
        "footnotes",
        "menu",
        "mostread",
        "nav",
        "navbar",
        "pagination",
        "popular",
        "recommend",
        "recommended",
        "references",
        "related",
        "share",
        "sidebar",
        "social",
        "toc",
        "trending",
        "widget",
    }
)
TOKEN_SPLIT_RE = re.compile(r"[\s_-]+")
HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
MOST_READ_RE = re.compile(r"most[\s_-]?(?:read|viewed|popular)", re.I)
MAX_BOILERPLATE_SHARE = 0.5
"""A boilerplate-looking class only removes an element holding less than this share of the text,
so a wrapper such as ``<div class="post has-sidebar">`` never takes the article with it."""


@dataclass(frozen=True)
class Block:
    """One paragraph, line, heading or ``<ol>`` of the content, as a reader sees it."""

    text: str
    rank: int
    """Heading level 1–6, :data:`BOLD_RANK` for a bold-only line, :data:`PLAIN_RANK` otherwise."""
    lead: str = ""
    """The bold text the block opens with (``<strong>1. Soak the beans</strong> …``)."""
    link_chars: int = 0
    element: lxml.html.HtmlElement | None = None
    """The ``<ol>`` element, for list blocks only."""

    @property
    def link_ratio(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


class _Piece(NamedTuple):
    text: str
    bold: bool
    link: bool


@dataclass
class _Lines:
    lines: list[list[_Piece]] = field(default_factory=lambda: [[]])

    def add(self, text: str | None, bold: bool, link: bool) -> None:
        if text:
            self.lines[-1].append(_Piece(text, bold, link))

    def newline(self) -> None:
        self.lines.append([])


def content_blocks(root: lxml.html.HtmlElement, body_chars: int | None = None) -> list[Block]:
    """The blocks of ``root`` in document order, boilerplate left out.

    ``body_chars`` is the size of the article's text when ``root`` is a wider region around
    it: a widget-named wrapper is boilerplate only when it holds less than half the article,
    not half the region.
    """
    blocks: list[Block] = []
    size = len(collapse(root.text_content())) if body_chars is None else body_chars
    _walk(root, blocks, size, _block_holders(root))
    return blocks


def collapse(text: str) -> str:
    return " ".join(text.split())


def is_skipped(element: lxml.html.HtmlElement, root_chars: int) -> bool:
    """Whether the element is boilerplate or hidden and should be read as if absent."""
    verdict = skip_verdict(element)
    if verdict is not None:
        return verdict
    return small_share(element, root_chars)


def skip_verdict(element: lxml.html.HtmlElement) -> bool | None:
    """:func:`is_skipped` as far as the element alone tells: ``None`` for a boilerplate-named
    element, which is skipped only when :func:`small_share` of the root's text, so a caller
    can leave the root's size unmeasured until an element needs it."""
    tag = element.tag
    if not isinstance(tag, str):
        return True
    if tag in SKIPPED_TAGS:
        return True
    keys = element.keys()
    if not keys:
        return False
    if _hidden_by(element, keys):
        return True
    return None if _boilerplate_named(element, keys) else False


def small_share(element: lxml.html.HtmlElement, root_chars: int) -> bool:
    """Whether the element holds too little of the root's ``root_chars`` to be its content."""
    return len(collapse(element.text_content())) < MAX_BOILERPLATE_SHARE * root_chars


def own_text(element: lxml.html.HtmlElement) -> str:
    """Text of an element without the nested lists inside it."""
    parts: list[str] = [element.text or ""]
    for child in element:
        visible = isinstance(child.tag, str) and not _hidden(child)
        if visible and child.tag not in LIST_TAGS and child.tag not in SKIPPED_TAGS:
            parts.append(own_text(child))
        parts.append(child.tail or "")
    return collapse("".join(parts))


def link_text_chars(element: lxml.html.HtmlElement) -> int:
    return sum(len(collapse(a.text_content())) for a in element.iter("a"))


def _block_holders(root: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    """Elements with a block inside them, found in one pass.

    CMS templates wrap whole article bodies in ``<span>``s and ``<font>``s; an inline element
    holding headings or paragraphs is read as a block container, or its items would run
    together into one line.
    """
    holders: set[lxml.html.HtmlElement] = set()
    for block in root.iter(*BLOCK_TAGS, *LIST_TAGS):
        for ancestor in block.iterancestors():
            if ancestor in holders:
                break
            holders.add(ancestor)
    return holders


def _walk(
    element: lxml.html.HtmlElement,
    blocks: list[Block],
    root_chars: int,
    holders: set[lxml.html.HtmlElement],
) -> None:
    if element.tag in HEADING_RANKS:
        text = collapse(element.text_content())
        if text:
            blocks.append(Block(text, HEADING_RANKS[element.tag], text, link_text_chars(element)))
        return
    if element.tag == "ol":
        blocks.append(Block(own_text(element), PLAIN_RANK, element=element))
        return
    lines = _Lines()
    lines.add(element.text, bold=element.tag in BOLD_TAGS, link=element.tag == "a")
    for child in element:
        if is_skipped(child, root_chars):
            lines.add(child.tail, bold=False, link=False)
            continue
        if child.tag in BLOCK_TAGS or child.tag in LIST_TAGS or child in holders:
            _flush(lines, blocks)
            lines = _Lines()
            if child.tag != "ul":
                _walk(child, blocks, root_chars, holders)
        elif child.tag == "br":
            lines.newline()
        else:
            _inline(child, lines, bold=child.tag in BOLD_TAGS, link=child.tag == "a")
        lines.add(child.tail, bold=False, link=False)
    _flush(lines, blocks)


def _inline(element: lxml.html.HtmlElement, lines: _Lines, bold: bool, link: bool) -> None:
    lines.add(element.text, bold, link)
    for child in element:
        if isinstance(child.tag, str) and not _hidden(child) and child.tag not in SKIPPED_TAGS:
            if child.tag == "br":
                lines.newline()
            else:
                child_bold = bold or child.tag in BOLD_TAGS
                _inline(child, lines, child_bold, link or child.tag == "a")
        lines.add(child.tail, bold, link)


def _flush(lines: _Lines, blocks: list[Block]) -> None:
    for pieces in lines.lines:
        if not pieces:
            continue
        text = collapse("".join([piece.text for piece in pieces]))
        if not text:
            continue
        lead = _bold_lead(pieces)
        rank = BOLD_RANK if lead == text else PLAIN_RANK
        link_chars = sum(len(collapse(piece.text)) for piece in pieces if piece.link)
        blocks.append(Block(text, rank, lead, link_chars))


def _bold_lead(pieces: list[_Piece]) -> str:
    lead: list[str] = []
    for piece in pieces:
        if piece.bold:
            lead.append(piece.text)
        elif piece.text.strip() or lead:
            break
    return collapse("".join(lead))


def _hidden(element: lxml.html.HtmlElement) -> bool:
    return _hidden_by(element, element.keys())


def _hidden_by(element: lxml.html.HtmlElement, keys: list[str]) -> bool:
    """:func:`_hidden` given the element's attribute names: only those present are read."""
    return bool(keys) and (
        "hidden" in keys
        or ("aria-hidden" in keys and element.get("aria-hidden", "").lower() == "true")
        or ("style" in keys and bool(HIDDEN_STYLE_RE.search(element.get("style", ""))))
    )


def _boilerplate_named(element: lxml.html.HtmlElement, keys: list[str]) -> bool:
    """Class or id names a sidebar, menu or widget. A heading's id is an anchor made from its
    own words ("h-4-times-for-social-media"), so only its class counts."""
    classes = element.get("class") if "class" in keys else None
    identifier = None if element.tag in HEADING_RANKS or "id" not in keys else element.get("id")
    if classes is None and identifier is None:
        return False
    return _boilerplate_names(f"{classes or ''} {identifier or ''}")


@functools.lru_cache(maxsize=4096)
def _boilerplate_names(names: str) -> bool:
    """Themes repeat a few class names on every element and every page: each is read once."""
    if MOST_READ_RE.search(names):
        return True
    return any(token.lower() in BOILERPLATE_TOKENS for token in TOKEN_SPLIT_RE.split(names))
