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
        tree = lxml.html.document_fromstring(text, base_url=url)
    except (lxml.etree.ParserError, ValueError) as error:
        raise NotHtml(f"unparsable markup ({error})", url) from error
    return Document(url=url, tree=tree, encoding=decoded.encoding, truncated=truncated)
