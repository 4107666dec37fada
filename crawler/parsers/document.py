"""Decode fetched bytes and build the lxml tree every part parser reads.

Decoding lives here, once, so no part parser ever sees bytes or guesses an encoding itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import lxml.etree
import lxml.html

from crawler.parsers.encoding import decode_html
from crawler.parsers.errors import NotHtml

MAX_PARSE_BYTES = 5_000_000
"""Bodies beyond this are cut before parsing: no article needs more, and lxml recovers the cut."""

STREAMED_SEGMENT_MARK = 'id="S:'
"""React's streaming server renderer sends late content as ``<div hidden id="S:x">`` segments."""
STREAMED_SEGMENTS_XPATH = lxml.etree.XPath('//div[@hidden][starts-with(@id, "S:")]')
STREAMED_SLOTS_XPATH = lxml.etree.XPath(
    '//template[starts-with(@id, "B:") or starts-with(@id, "P:")]'
)
BOUNDARY_END = "/$"
"""The comment closing a streamed boundary's loading fallback."""

HTML_PARSER = lxml.html.HTMLParser()
HTML_PARSER.set_element_class_lookup(
    lxml.etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)
"""lxml.html's own parser picks each element's class in Python (forms, inputs, labels) every time
an element is touched; the parsers need none of those classes, and this lookup runs in C."""

XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
XML_INCOMPATIBLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters libxml2 refuses in text; a stray one must not cost the whole page."""


@dataclass(frozen=True)
class Document:
    url: str
    tree: lxml.html.HtmlElement
    encoding: str
    truncated: bool = False
    """True when the body was longer than :data:`MAX_PARSE_BYTES` and only its head was parsed."""


def load_document(html: bytes, url: str, headers: Mapping[str, str] | None = None) -> Document:
    """Decode ``html`` and parse it; raise :class:`NotHtml` for binary or empty bodies."""
    truncated = len(html) > MAX_PARSE_BYTES
    decoded = decode_html(html[:MAX_PARSE_BYTES] if truncated else html, headers, url)
    text = XML_INCOMPATIBLE_RE.sub("", XML_DECLARATION_RE.sub("", decoded.text, count=1))
    try:
        tree = lxml.html.document_fromstring(text, parser=HTML_PARSER, base_url=url)
    except (lxml.etree.ParserError, ValueError) as error:
        raise NotHtml(f"unparsable markup ({error})", url) from error
    _adopt_stray_roots(tree)
    if STREAMED_SEGMENT_MARK in text:
        _place_streamed_segments(tree)
    return Document(url=url, tree=tree, encoding=decoded.encoding, truncated=truncated)


def _adopt_stray_roots(tree: lxml.html.HtmlElement) -> None:
    """Move markup found after an early ``</html>`` into the body, as browsers do.

    Templates that close the document after the header leave libxml2 a second root holding the
    rest of the page, article included, where nothing that reads ``<body>`` would see it.
    """
    body = tree.find("body")
    if body is None:
        return
    for stray in tree.itersiblings():
        if isinstance(stray.tag, str):
            body.extend([child for child in stray if child.tag != "head"])


def _place_streamed_segments(tree: lxml.html.HtmlElement) -> None:
    """Move streamed segments into their slots, as the page's inline script does in a browser.

    Without this the body sits hidden at the end of the page while its place holds
    "Loading..." fallbacks; nested placeholders (``P:x``) are filled the same way.
    """
    slots = {slot.get("id"): slot for slot in STREAMED_SLOTS_XPATH(tree)}
    for segment in STREAMED_SEGMENTS_XPATH(tree):
        key = segment.get("id")[2:]
        slot = slots.get(f"P:{key}")
        if slot is None:
            slot = slots.get(f"B:{key}")
            if slot is None:
                continue
            _drop_fallback(slot)
        parent = slot.getparent()
        if parent is None:
            continue
        index = parent.index(slot)
        _keep_tail(slot)
        parent.remove(slot)
        parent[index:index] = list(segment)
        _keep_tail(segment)
        segment.getparent().remove(segment)


def _drop_fallback(boundary: lxml.html.HtmlElement) -> None:
    """Remove the loading fallback between a boundary's template and its closing comment."""
    doomed = []
    for sibling in boundary.itersiblings():
        if isinstance(sibling, lxml.etree._Comment) and sibling.text == BOUNDARY_END:
            break
        doomed.append(sibling)
    else:
        return
    for element in doomed:
        _keep_tail(element)
        element.getparent().remove(element)


def _keep_tail(element: lxml.html.HtmlElement) -> None:
    """Detach ``element``'s tail text onto its previous sibling or parent before it is removed."""
    if not element.tail:
        return
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + element.tail
    else:
        parent = element.getparent()
        parent.text = (parent.text or "") + element.tail
    element.tail = None
