"""Decode fetched bytes and build the lxml tree every part parser reads.

Decoding lives here, once, so no part parser ever sees bytes or guesses an encoding itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

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

ELEMENT_CLASSES = lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)
"""lxml.html's own parser picks each element's class in Python (forms, inputs, labels) every time
an element is touched; the parsers need none of those classes, and this lookup runs in C."""
HTML_PARSER = lxml.html.HTMLParser()
HTML_PARSER.set_element_class_lookup(ELEMENT_CLASSES)
UTF8_HTML_PARSER = lxml.html.HTMLParser(encoding="utf-8")
UTF8_HTML_PARSER.set_element_class_lookup(ELEMENT_CLASSES)
"""The decoded text is handed to libxml2 as UTF-8 bytes with the encoding fixed (a ``<meta
charset>`` in the page is not followed): libxml2 works in UTF-8, and converting the other
representations of a Python string (Latin-1, UTF-16, UCS-4) costs it more than Python's encoder."""
MAX_NESTING = 200
"""Deeper elements are flattened into their ancestor at this depth: libxml2 stops at 256, and
the part parsers' recursion must stay within Python's limit."""
END_TAG_LOOKBACK = 64
TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)\b[^>]*>")
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)

XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
XML_INCOMPATIBLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters libxml2 refuses in text; a stray one must not cost the whole page."""
XML_INCOMPATIBLE_CHARS = tuple(
    chr(code) for code in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)
)
"""The same characters one by one: looking for each is many times faster than searching for
the class, and almost no page holds any."""


@dataclass(frozen=True)
class Document:
    url: str
    tree: lxml.html.HtmlElement
    encoding: str
    truncated: bool = False
    """True when the body was longer than :data:`MAX_PARSE_BYTES` and only its head was parsed."""
    flattened: bool = False
    """True when the markup nested deeper than libxml2 parses and was flattened to keep its text."""
    nodes: list[lxml.etree._Element] = field(default_factory=list, repr=False, compare=False)
    """Every node of ``tree``, held while the document lives. lxml makes a Python object for a
    node whenever one is reached and frees it as soon as nothing holds it; the part parsers
    reach every node several times, and held nodes are found again instead of made anew."""


def load_document(html: bytes, url: str, headers: Mapping[str, str] | None = None) -> Document:
    """Decode ``html`` and parse it; raise :class:`NotHtml` for binary or empty bodies."""
    truncated = len(html) > MAX_PARSE_BYTES
    decoded = decode_html(html[:MAX_PARSE_BYTES] if truncated else html, headers, url)
    text = XML_DECLARATION_RE.sub("", decoded.text, count=1)
    if any(char in text for char in XML_INCOMPATIBLE_CHARS):
        text = XML_INCOMPATIBLE_RE.sub("", text)
    tree, too_deep = _parse(text, url)
    if too_deep:
        tree, _ = _parse(flatten_deep(text, MAX_NESTING), url)
    _adopt_stray_roots(tree)
    if STREAMED_SEGMENT_MARK in text:
        _place_streamed_segments(tree)
    return Document(
        url=url,
        tree=tree,
        encoding=decoded.encoding,
        truncated=truncated,
        flattened=too_deep,
        nodes=list(tree.iter()),
    )


def _parse(text: str, url: str) -> tuple[lxml.html.HtmlElement, bool]:
    """The tree, and whether libxml2 stopped at its nesting limit (dropping what lay deeper)."""
    markup: str | bytes
    try:
        markup, parser = text.encode("utf-8"), UTF8_HTML_PARSER
    except UnicodeEncodeError:
        markup, parser = text, HTML_PARSER
    try:
        tree = lxml.html.document_fromstring(markup, parser=parser, base_url=url)
    except (lxml.etree.ParserError, ValueError) as error:
        raise NotHtml(f"unparsable markup ({error})", url) from error
    too_deep = any(
        entry.type_name == "ERR_RESOURCE_LIMIT" and "depth" in entry.message
        for entry in parser.error_log
    )
    return tree, too_deep


def flatten_deep(text: str, max_depth: int) -> str:
    """``text`` with the tags nested deeper than ``max_depth`` removed, their text kept.

    Depth is counted over start and end tags as written (an unclosed ``<p>`` counts as open),
    so it never underestimates what libxml2 sees. An end tag is matched to one of the last
    :data:`END_TAG_LOOKBACK` open tags, else ignored, which keeps hostile markup linear.
    """
    out: list[str] = []
    stack: list[tuple[str, bool]] = []
    kept = 0
    position = 0
    for match in TAG_RE.finditer(text):
        closing, name = match.group(1), match.group(2).lower()
        if name in VOID_TAGS or match.group(0).endswith("/>"):
            continue
        if not closing:
            keep = kept < max_depth
            stack.append((name, keep))
            kept += keep
            if keep:
                continue
        else:
            found = next(
                (
                    i
                    for i in range(len(stack) - 1, max(-1, len(stack) - 1 - END_TAG_LOOKBACK), -1)
                    if stack[i][0] == name
                ),
                None,
            )
            if found is None:
                continue
            keep = stack[found][1]
            kept -= sum(entry[1] for entry in stack[found:])
            del stack[found:]
            if keep:
                continue
        out.append(text[position : match.start()])
        position = match.end()
    out.append(text[position:])
    return "".join(out)


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
