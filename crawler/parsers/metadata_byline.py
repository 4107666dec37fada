"""Author names as pages print them: bylines, author boxes, ``rel=author`` links.

Printed bylines carry more than names ("Written by Jane Doe, MS, RD | Updated May 2, 2024",
"By Ann Lee and Bo Kim", "Posted by jdoe on Friday"), so every candidate goes through one
cleaner that keeps the names and drops labels, credentials, roles and dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import lxml.etree
import lxml.html

from crawler.parsers.metadata_dates import MONTHS

REGEXP_NS = {"re": "http://exslt.org/regular-expressions"}
AUTHOR_CLASS_RE = re.compile(r"author(?!i[sz])|byline|writer", re.I)
"""Elements marked as the author by ``rel``, microdata or a class such as ``post-author``."""
NOT_AUTHOR_MARKUP_TAGS = frozenset({"script", "style", "img", "meta", "link"})
PRINTED_BY_RE = re.compile(
    r"^\s*(?:(?:written|posted|authored|article|words|story)\s+)?by\b|\d\s+by\b", re.I
)
"""Text that opens with "By" or "Written by" (or has "2025 by"), whatever its element's class."""
NOT_BYLINE_TAGS = frozenset({"script", "style", "h1", "h2", "h3", "h4", "h5", "h6"})
"""Headings that open with "By" are section titles ("By Region")."""
XML_SPACE_RE = re.compile(r"[ \t\r\n]+")
EXCLUDED_REGION_XPATH = lxml.etree.XPath(
    "ancestor-or-self::*[self::nav or self::select or self::button"
    " or not(self::body or self::html or self::main or self::article)"
    " and re:test(concat(@class, ' ', @id), 'comment|related|recommend|popular|trending"
    "|more-from|testimonial|menu|dropdown|filter|subscribe|disclaimer', 'i')]",
    namespaces=REGEXP_NS,
)
"""Names in comments, teasers of other articles and testimonials are not this page's author, and
"By" in menus, filters and form notes ("Sort by Price", "By submitting …") introduces no one."""
NAME_XPATH = lxml.etree.XPath(
    ".//*[@itemprop='name' or re:test(@class, '(?:author|byline)[-_]*name|^name$', 'i')]",
    namespaces=REGEXP_NS,
)
OTHER_ROLE_RE = re.compile(
    r"\b(?:reviewed|fact[- ]?checked|edited|illustrated|photo(?:graph)?s?|translated)\s+by\b", re.I
)
"""Credits that name someone other than the author; text from here on is not a byline."""
LABEL_RE = re.compile(
    r"^(?:(?:(?:written|posted|authored|published|article|words|story)\s+)?by\b"
    r"|(?:about\s+the\s+)?(?:authors?|writers?|作者|文)\b)\s*[:：|-]?\s*",
    re.I,
)
INNER_BY_RE = re.compile(r"(?:\d|\b(?:published|posted|updated))[^a-z]*\s+by\s+(?=\S)", re.I)
"""A "by" after a date inside a line, as in "August 7, 2023 by Jane Doe"."""
NAME_END_RE = re.compile(
    r"\s+[|•·–—-]\s*|\s*[|•·]\s*|\s+(?:on|in|at|for|from|via|with|is|was)\s+|\s*\d"
    r"|\s*\b(?:last\s+)?(?:updated|published|posted|modified)\b",
    re.I,
)
"""Where a name stops: a separator, a lowercase preposition, a digit, a date label."""
SPLIT_RE = re.compile(r"\s*(?:,|;|&|\band\b|、)\s*", re.I)
CREDENTIAL_RE = re.compile(r"^(?:[A-Z]{1,6}|(?:[A-Z][a-z]?\.?){1,4})(?:[-/][A-Z]+)*\.?$")
"""A degree or certification after a name: "MD", "Ph.D.", "MSc", "E-RYT"."""
NOT_NAMES = frozenset(
    {"author", "authors", "by", "admin", "share", "follow", "contributor", "staff writer", "guest"}
    | set(MONTHS)
    | {"mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday"}
    | {"thursday", "friday", "saturday", "sunday", "today", "yesterday"}
)
"""Labels and date words that stand where a name would ("By Admin", "Mar 27, 2024")."""
COPYRIGHT_RE = re.compile(r"©|\(c\)|copyright|all rights reserved", re.I)
MAX_WORD_WITH_DOT = 5
"""Longer words ending in a full stop end a sentence; "Dr." and "Prof." do not."""
NAME_STRIP = " .:;,'\"()[]|•·–—-"
MAX_NAME_WORDS = 6
MAX_NAME_CHARS = 60
MAX_BYLINE_CHARS = 120
"""Longer text is a bio or a paragraph; only its first name-like piece is read."""
MAX_PIECES = 6
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template"})


def markup_authors(tree: lxml.html.HtmlElement) -> tuple[str, ...]:
    """Names from the first author-marked element that holds one."""
    for element in _author_marked(tree):
        if not outside_article(element):
            found = _element_names(element, capitalised=False)
            if found:
                return found
    return ()


def printed_authors(tree: lxml.html.HtmlElement) -> tuple[str, ...]:
    """Names from the first "By Jane Doe" line; without markup, names must look like names."""
    for element in _printed_bylines(tree):
        if not outside_article(element):
            found = _element_names(element, capitalised=True)
            if found:
                return found
    return ()


def _author_marked(tree: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Elements of ``<body>`` marked as the author, in page order, read lazily: the first one
    holding a name ends the search. Only the attributes an element has are looked up."""
    for element in _body_elements(tree):
        if element.tag in NOT_AUTHOR_MARKUP_TAGS:
            continue
        keys = element.keys()
        if keys and (
            ("rel" in keys and "author" in XML_SPACE_RE.split(element.get("rel") or ""))
            or ("itemprop" in keys and "author" in (element.get("itemprop") or ""))
            or ("class" in keys and AUTHOR_CLASS_RE.search(element.get("class") or ""))
        ):
            yield element


def _printed_bylines(tree: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Elements of ``<body>`` with an own text node that reads as a byline, in page order."""
    for element in _body_elements(tree):
        if element.tag in NOT_BYLINE_TAGS:
            continue
        if _bylined(element.text) or any(_bylined(child.tail) for child in element):
            yield element


def _bylined(text: str | None) -> bool:
    """Whether a text node reads as a byline. Every text node of the page is asked, and most
    are the whitespace between tags: every match holds a "y" (no other letter folds onto it
    under ``re.IGNORECASE``), so the expression runs only on text that has one."""
    return text is not None and ("y" in text or "Y" in text) and bool(PRINTED_BY_RE.search(text))


def _body_elements(tree: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Every element inside ``<body>`` (not the body itself), in page order."""
    for body in tree.iter("body"):
        for element in body.iterdescendants():
            if isinstance(element.tag, str):
                yield element


def clean_names(values: Iterable[str], capitalised: bool = False) -> tuple[str, ...]:
    """Names from byline strings: labels, roles, dates and credentials dropped, joiners split."""
    found: list[str] = []
    for value in values:
        found.extend(_names_in(value, capitalised))
    return tuple(dict.fromkeys(found))


def _element_names(element: lxml.html.HtmlElement, capitalised: bool) -> tuple[str, ...]:
    """Names in a byline element; a printed line counts only when short, an author-marked one
    may be a whole author box whose first name-like piece is the name."""
    named = [_joined(child) for child in NAME_XPATH(element)]
    if named and named[0]:
        return clean_names(named[:1])
    text = _joined(element)
    if COPYRIGHT_RE.search(text):
        return ()
    if len(text) <= MAX_BYLINE_CHARS:
        found = clean_names([text], capitalised)
        if found or capitalised:
            return found
    elif capitalised:
        return ()
    pieces = [" ".join(piece.split()) for piece in _pieces(element)]
    for piece in [piece for piece in pieces if piece][:MAX_PIECES]:
        found = clean_names([piece], capitalised)
        if found:
            return found
    return ()


def _names_in(text: str, capitalised: bool) -> list[str]:
    text = " ".join(text.split())
    if OTHER_ROLE_RE.match(text):
        return []
    other = OTHER_ROLE_RE.search(text)
    text = text[: other.start()] if other else text
    inner = INNER_BY_RE.search(text)
    if inner and not LABEL_RE.match(text):
        text = text[inner.end() :]
    text = LABEL_RE.sub("", text, count=1)
    end = NAME_END_RE.search(text)
    text = text[: end.start()] if end else text
    parts = [part.strip(NAME_STRIP) for part in SPLIT_RE.split(text)]
    return [
        part
        for index, part in enumerate(parts)
        if part and not (index and CREDENTIAL_RE.match(part)) and _plausible(part, capitalised)
    ]


def _plausible(name: str, capitalised: bool) -> bool:
    words = name.split()
    if not 1 <= len(words) <= MAX_NAME_WORDS or len(name) > MAX_NAME_CHARS:
        return False
    if name.casefold() in NOT_NAMES or "@" in name or "://" in name:
        return False
    if not any(char.isalpha() for char in name):
        return False
    if any(word.endswith(".") and len(word) > MAX_WORD_WITH_DOT for word in words):
        return False
    return not capitalised or all(word[0].isupper() for word in words if word[0].isalpha())


def outside_article(element: lxml.html.HtmlElement) -> bool:
    """Whether the element sits in comments, teasers, menus or forms rather than the article."""
    return bool(EXCLUDED_REGION_XPATH(element))


def _joined(element: lxml.html.HtmlElement) -> str:
    """Text with a space between elements, so "Written by<a>Ann</a>" does not run together."""
    return " ".join(" ".join(_pieces(element)).split())


def _pieces(element: lxml.html.HtmlElement) -> Iterator[str]:
    """The element's text in document order, without scripts, styles or comments."""
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag not in SKIPPED_TAGS and (text := node.text):
            yield text
        if node is not element and (tail := node.tail):
            yield tail
