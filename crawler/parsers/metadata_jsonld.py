"""JSON-LD blocks: the page's own structured description of itself.

Real pages wrap their objects in lists and ``@graph``s, nest the article in ``mainEntity``, and
sometimes ship broken JSON (trailing commas, HTML comments, raw newlines); a block that still
does not parse is skipped, never fatal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import lxml.html

JSONLD_TYPE = "ld+json"
JSONLD_TYPE_FOLD = str.maketrans("LDJSON", "ldjson")
"""A script is JSON-LD when its ``type``, these capitals lowered, holds :data:`JSONLD_TYPE`."""
TRAILING_COMMA_RE = re.compile(r",\s*([}\]])")
WRAPPER_RE = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")
ARTICLE_TYPES = frozenset(
    {
        "analysisnewsarticle",
        "article",
        "blogposting",
        "healthtopiccontent",
        "medicalscholarlyarticle",
        "medicalwebpage",
        "newsarticle",
        "opinionnewsarticle",
        "report",
        "reportagenewsarticle",
        "scholarlyarticle",
        "socialmediaposting",
        "techarticle",
    }
)
DISCUSSION_PAGE_TYPES = frozenset({"discussionforumposting", "qapage"})
"""Forum threads and Q&A pages: their posts, often classed as comments, are the page's
content, and they are not articles."""
SINGLE_ITEM_PAGE_TYPES = frozenset({"product"})
"""Pages presenting one item: read whole, they still lose other items' cards."""
COLLECTION_PAGE_TYPES = frozenset({"collectionpage", "searchresultspage", "profilepage"})
"""Pages gathering other pages: a section, search results, a person's posts."""
PAGE_LEVEL_TYPES = COLLECTION_PAGE_TYPES | SINGLE_ITEM_PAGE_TYPES | DISCUSSION_PAGE_TYPES
"""Types that say what the whole page is, wherever they sit in its objects: more telling than
``og:type=website``, which templates put on every page."""
LISTING_PAGE_TYPES = PAGE_LEVEL_TYPES | {"itemlist"}
"""Declared types that mean "not an article". ``website`` is not among them: many templates put
``og:type=website`` on every page, so such pages are judged by their text like undeclared ones."""
NESTED_ENTITY_KEYS = ("mainEntity", "mainEntityOfPage")


def jsonld_objects(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, lists and ``@graph``s flattened."""
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if JSONLD_TYPE not in (script.get("type") or "").translate(JSONLD_TYPE_FOLD):
            continue
        data = _load(script.text or "")
        if data is not None:
            objects.extend(_flatten(data))
    return objects


def types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type", ())
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return {str(item).rsplit("/", 1)[-1].lower() for item in values}


def main_entity(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The article object when there is one, else the web page, else the first object."""
    for wanted in (ARTICLE_TYPES, {"webpage", "collectionpage", "itempage"}):
        for obj in objects:
            if types(obj) & wanted:
                return obj
    return objects[0] if objects else None


def first_value(objects: list[dict[str, Any]], key: str) -> Any:
    """The value of ``key`` in the main entity, else in the first object that has it."""
    entity = main_entity(objects)
    if entity is not None and entity.get(key):
        return entity[key]
    return next((obj[key] for obj in objects if obj.get(key)), None)


def names(value: Any) -> tuple[str, ...]:
    """Names from a string, a ``{"name": …}`` object, or a list of either."""
    if isinstance(value, str):
        return (" ".join(value.split()),) if value.strip() else ()
    if isinstance(value, dict):
        return names(value.get("name"))
    if isinstance(value, list):
        return tuple(name for item in value for name in names(item))
    return ()


def text_value(value: Any) -> str | None:
    """A plain string from a string or the first string of a list."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str)), None)
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _load(text: str) -> Any:
    cleaned = WRAPPER_RE.sub("", text.strip())
    for candidate in (cleaned, TRAILING_COMMA_RE.sub(r"\1", cleaned)):
        try:
            return json.loads(candidate, strict=False)
        except ValueError:
            continue
    return None


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        if isinstance(graph, list):
            yield from _flatten(graph)
        if "@type" in data:
            yield data
            for key in NESTED_ENTITY_KEYS:
                nested = data.get(key)
                if isinstance(nested, dict) and "@type" in nested:
                    yield nested
