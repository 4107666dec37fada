"""The page's links, read once: target, visible text, and where on the page each one sits.

Sibling and related-link finders look at every anchor of a page several ways (its words, the
label beside it, the block around it). Reading each anchor once (its text split into the pieces
the page prints; whether it is hidden, inside a carousel, a breadcrumb or the site chrome, found
in one walk of the tree that carries those facts down, rather than by walking each anchor's
ancestors) makes those finders one pass over a list. The same walk notes the few elements
whose class names or short own text the finders care about (post-navigation blocks, "Previous
post" captions, "Related" headings), so no finder walks the tree again.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import repeat
from typing import Any, Generic, TypeVar, overload
from urllib.parse import urldefrag, urlsplit

import lxml.html

from crawler.parsers.urls import join_url

UNUSABLE_HREF_RE = re.compile(r"^\s*(?:#|javascript:|mailto:|tel:|$)", re.I)
HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
NOISE_NAME_RE = re.compile(r"carousel|slider|slick|swiper|slideshow|gallery|lightbox|comment", re.I)
"""Widgets whose "previous"/"next" controls move pictures or comment pages, not articles."""
BREADCRUMB_NAME_RE = re.compile(r"crumb", re.I)
SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript"})
CHROME_TAGS = frozenset({"header", "nav", "footer"})
SECTIONING_TAGS = frozenset({"article", "main"})
INLINE_WRAPPERS = frozenset({"span", "strong", "b", "em", "font", "i"})
MAX_WORDED_TEXT = 80
SECOND_LEVEL_LABELS = frozenset({"co", "com", "net", "org", "gov", "edu", "ac", "or", "ne"})
"""``example.com.cn`` and ``example.co.uk`` are one site each: three labels, not two."""


T = TypeVar("T")


class _lazy(Generic[T]):
    """:class:`functools.cached_property` without its lock: Python 3.11 takes one on every
    first read, which costs more than reading most anchors' text."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    @overload
    def __get__(self, instance: None, owner: type) -> _lazy[T]: ...

    @overload
    def __get__(self, instance: object, owner: type) -> T: ...

    def __get__(self, instance: object | None, owner: type) -> _lazy[T] | T:
        if instance is None:
            return self
        value = self.compute(instance)
        instance.__dict__[self.name] = value
        return value


@dataclass(eq=False)
class Anchor:
    """One visible ``<a href>`` with a real target; its text and target are read when first
    asked for, since most of a page's anchors are never looked at twice.

    Not frozen: a frozen dataclass sets each field through ``object.__setattr__``, and a page
    makes hundreds of anchors. Nothing assigns to one after the scan; two anchors are equal
    only when they are the same object.
    """

    element: lxml.html.HtmlElement
    base: str
    index: int
    """Position among the page's anchors, in document order."""
    noise: bool
    """Inside a carousel, slideshow, gallery or comment area."""
    breadcrumb: bool
    chrome: bool
    """Inside the site's ``<header>``, ``<nav>`` or ``<footer>`` (not an article's own)."""

    @_lazy
    def url(self) -> str:
        """Absolute target; empty when the href makes no valid URL (``http://[::1``)."""
        return join_url(self.base, self.element.get("href", "")) or ""

    @_lazy
    def text(self) -> str:
        """Visible text, whitespace collapsed."""
        return " ".join(_printed_text(self.element).split())

    @_lazy
    def pieces(self) -> tuple[str, ...]:
        """The text nodes the link prints, in order: ``("Prev", "Previous", "Title")``."""
        return tuple(
            filter(None, (" ".join(piece.split()) for piece in _printed_texts(self.element)))
        )

    @_lazy
    def title(self) -> str:
        return " ".join(self.element.get("title", "").split())

    @_lazy
    def before(self) -> tuple[str, bool]:
        """:func:`text_before` the link, asked by the sibling and the related-link finders."""
        return text_before(self.element)

    @_lazy
    def rels(self) -> frozenset[str]:
        """The link's ``rel`` values, lower case."""
        return frozenset(self.element.get("rel", "").lower().split())


@dataclass(frozen=True)
class PageScan:
    """One walk's findings: the anchors, and the few elements the finders ask about."""

    anchors: list[Anchor]
    named: dict[str, list[lxml.html.HtmlElement]]
    """Elements whose class or id matches each of the asked name patterns, in document order."""
    worded: list[lxml.html.HtmlElement]
    """Elements whose own short text matches the asked word pattern (captions, headings)."""


def scan_page(
    tree: lxml.html.HtmlElement,
    base: str,
    names: dict[str, re.Pattern[str]],
    words: re.Pattern[str],
) -> PageScan:
    """Walk the page once, keeping every visible anchor with a usable target and the elements
    named or worded as asked. Hidden subtrees, scripts and templates are skipped whole.

    The name and word patterns ignore case and spell their letters in lower case: each class
    label and short text is lowered once and matched without ``re.IGNORECASE`` (several times
    faster on the long utility-class labels of modern themes), and a label or text met again
    on the page (most are) is not matched again.
    """
    anchors: list[Anchor] = []
    named: dict[str, list[lxml.html.HtmlElement]] = {key: [] for key in names}
    prefilter = _lowered(
        "|".join(
            pattern.pattern for pattern in (NOISE_NAME_RE, BREADCRUMB_NAME_RE, *names.values())
        )
    )
    word_filter = _lowered(words.pattern)
    label_hits: dict[str, bool] = {}
    text_hits: dict[str, bool] = {}
    worded: list[lxml.html.HtmlElement] = []
    body = tree.find("body")
    stack: list[tuple[lxml.html.HtmlElement, _Context]] = [
        (body if body is not None else tree, _Context())
    ]
    while stack:
        element, context = stack.pop()
        tag = element.tag
        if not isinstance(tag, str) or tag in SKIPPED_TAGS:
            continue
        keys = element.keys()
        if keys:
            if ("hidden" in keys or "aria-hidden" in keys or "style" in keys) and _hidden(element):
                continue
            if "class" in keys or "id" in keys:
                classes = element.get("class", "") if "class" in keys else ""
                label = f"{classes} {element.get('id', '') if 'id' in keys else ''}"
                hit = label_hits.get(label)
                if hit is None:
                    hit = label_hits[label] = prefilter.search(label.lower()) is not None
                if hit:
                    context = context.entering(label, element)
                    for key, pattern in names.items():
                        if pattern.search(label):
                            named[key].append(element)
            if "aria-label" in keys and "breadcrumb" in element.get("aria-label", "").lower():
                context = _Context(context.noise, True, context.chrome, context.sectioned)
        if tag in CHROME_TAGS and not context.chrome and not context.sectioned:
            context = _Context(context.noise, context.breadcrumb, True, False)
        elif tag in SECTIONING_TAGS and not context.sectioned:
            context = _Context(context.noise, context.breadcrumb, context.chrome, True)
        text = element.text
        if text and len(text) <= MAX_WORDED_TEXT:
            hit = text_hits.get(text)
            if hit is None:
                hit = text_hits[text] = word_filter.search(text.lower()) is not None
            if hit:
                worded.append(element)
        if tag == "a":
            _add_anchor(anchors, element, base, context)
            continue
        children = element.getchildren()
        if children:
            children.reverse()
            stack.extend(zip(children, repeat(context)))
    return PageScan(anchors=anchors, named=named, worded=worded)


@functools.lru_cache(maxsize=16)
def _lowered(source: str) -> re.Pattern[str]:
    """``source`` compiled to match lowered text without ``re.IGNORECASE``."""
    return re.compile(source)


@dataclass(frozen=True)
class _Context:
    noise: bool = False
    breadcrumb: bool = False
    chrome: bool = False
    sectioned: bool = False
    """Inside ``<article>`` or ``<main>``, where a ``<footer>`` is the article's own."""

    def entering(self, label: str, element: lxml.html.HtmlElement) -> _Context:
        """The context inside ``element``. A noise-named element holding the page's headline
        is a page wrapper with a feature flag (``enable-lightbox``), not a widget."""
        noise = self.noise or (bool(NOISE_NAME_RE.search(label)) and element.find(".//h1") is None)
        breadcrumb = self.breadcrumb or bool(BREADCRUMB_NAME_RE.search(label))
        if noise == self.noise and breadcrumb == self.breadcrumb:
            return self
        return _Context(noise, breadcrumb, self.chrome, self.sectioned)


def _add_anchor(
    anchors: list[Anchor], element: lxml.html.HtmlElement, base: str, context: _Context
) -> None:
    if not UNUSABLE_HREF_RE.match(element.get("href", "")):
        anchors.append(
            Anchor(
                element=element,
                base=base,
                index=len(anchors),
                noise=context.noise,
                breadcrumb=context.breadcrumb,
                chrome=context.chrome,
            )
        )


def url_key(url: str) -> str:
    """A URL without fragment and trailing slash, to compare two links' targets."""
    return urldefrag(url)[0].rstrip("/")


def site(url: str) -> str:
    """The registrable part of the host (``news.example.com.cn`` → ``example.com.cn``)."""
    labels = (urlsplit(url).hostname or "").removeprefix("www.").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in SECOND_LEVEL_LABELS else 2
    return ".".join(labels[-keep:])


def is_section_of(url: str, page_url: str) -> bool:
    """The target is the page itself, the site's home or a section above the page
    (``/health/`` for ``/health/2024/tips.html``): navigation, never a sibling or related."""
    target, page = urlsplit(url), urlsplit(page_url)
    if target.hostname != page.hostname:
        return False
    path = target.path.rstrip("/")
    if not path or path in {"/index.html", "/index.htm", "/index.php"}:
        return not target.query
    page_path = page.path.rstrip("/")
    return (path == page_path and target.query == page.query) or page_path.startswith(path + "/")


def is_below(url: str, page_url: str) -> bool:
    """The target sits under the page's own path (``/nutrition/`` → ``/nutrition/yoghurt``):
    a hub page's sub-page, which the hub lists as navigation, not as a related article."""
    target, page = urlsplit(url), urlsplit(page_url)
    page_path = page.path.rstrip("/")
    return (
        target.hostname == page.hostname
        and bool(page_path)
        and target.path.startswith(page_path + "/")
    )


def text_before(element: lxml.html.HtmlElement) -> tuple[str, bool]:
    """Text just before the link within its parent (or the parent's inline wrapper), and
    whether that text follows another link (a breadcrumb separator, not a label)."""
    for _ in range(2):
        previous = element.getprevious()
        parent = element.getparent()
        after_link = False
        if previous is None:
            label = (parent.text or "") if parent is not None else ""
        elif not isinstance(previous.tag, str):
            label = previous.tail or ""
        elif previous.tag == "a" or previous.find(".//a") is not None:
            label, after_link = previous.tail or "", True
        else:
            label = previous.text_content() + (previous.tail or "")
        label = " ".join(label.split())
        if label or parent is None or parent.tag not in INLINE_WRAPPERS:
            return label, after_link
        element = parent
    return "", False


def _printed_text(element: lxml.html.HtmlElement) -> str:
    """The :func:`_printed_texts` joined. A link without a script inside is read by lxml's
    ``text_content`` in one call (the same text nodes, more than twice as fast as joining
    ``itertext``)."""
    if not len(element):
        return element.text or ""
    if not any(descendant.tag in SKIPPED_TAGS for descendant in element.iterdescendants()):
        return element.text_content()
    return "".join(_printed_texts(element))


def _printed_texts(element: lxml.html.HtmlElement) -> Iterator[str]:
    """The element's text nodes without those of scripts and styles inside it (a teaser link
    that carries its own lazy-loading ``<script>``). Most links have no child element at all,
    and few a script, so those are answered without walking the link."""
    if not len(element):
        text = element.text
        if text:
            yield text
        return
    if not any(descendant.tag in SKIPPED_TAGS for descendant in element.iterdescendants()):
        yield from element.itertext()
        return
    yield element.text or ""
    for child in element:
        if isinstance(child.tag, str) and child.tag not in SKIPPED_TAGS:
            yield from _printed_texts(child)
        yield child.tail or ""


def _hidden(element: lxml.html.HtmlElement) -> bool:
    return (
        element.get("hidden") is not None
        or element.get("aria-hidden", "").lower() == "true"
        or bool(HIDDEN_STYLE_RE.search(element.get("style", "")))
    )
