"""Compose the part parsers into one :class:`Article`.

Pure: bytes, URL and response headers in, a frozen record out. No Scrapy, no network, no
database, so the same function serves the spider, ``healtharchive extract`` and ``reparse``.
"""

from __future__ import annotations

from collections.abc import Mapping

import lxml.etree
import lxml.html

from crawler.parsers.advice import advice_lists, bullet_lists
from crawler.parsers.content import ContentProfile, MainContent, main_content
from crawler.parsers.document import load_document
from crawler.parsers.errors import EmptyBody, NotAnArticle
from crawler.parsers.metadata import extract_metadata
from crawler.parsers.records import AdviceItem, Article
from crawler.parsers.siblings import sibling_links

PARSER_VERSION = "1"
"""Bump whenever a change alters extracted output, so ``reparse`` knows what is stale."""

ARTICLE_PAGE_TYPES = frozenset(
    {"article", "newsarticle", "blogposting", "medicalwebpage", "report", "scholarlyarticle"}
)
LISTING_PAGE_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "profilepage"})
"""Declared types that mean "not an article". ``website`` is not among them: many templates put
``og:type=website`` on every page, so such pages are judged by their text like undeclared ones."""
MIN_BODY_CHARS = 400
MIN_BODY_CHARS_CJK = 150
"""Undeclared pages with less main text are listings, tags or stubs, not articles."""
WEBSITE_FACTOR = 2
"""``og:type=website`` pages need this many times the minimum: the declaration hints listing."""
MAX_LINK_DENSITY = 0.5
MAX_TEASERS = 3
"""More linked headings or "..."-cut excerpts than this in the main text make a listing."""
LINKED_HEADINGS = lxml.etree.XPath(
    "count(.//*[self::h1 or self::h2 or self::h3 or self::h4][a[@href]]"
    "[normalize-space(.) = normalize-space(a[@href][1])])"
)
CUT_EXCERPTS = lxml.etree.XPath(
    "count(.//p[substring(normalize-space(.), string-length(normalize-space(.)) - 2) = '...' "
    "or substring(normalize-space(.), string-length(normalize-space(.))) = '\u2026'])"
)


def parse_article(
    html: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    profile: ContentProfile | None = None,
) -> Article:
    """Parse one fetched page into an :class:`Article`.

    Raises :class:`~crawler.parsers.errors.NotHtml` for undecodable bodies,
    :class:`NotAnArticle` for listings and other pages without an article, and
    :class:`EmptyBody` when the page claims to be an article but has no main text.
    A site ``profile`` takes precedence over the generic main-content walk.
    """
    doc = load_document(html, url, headers)
    meta = extract_metadata(doc)
    siblings = sibling_links(doc)
    content = main_content(doc, profile)
    _check_is_article(content.text, content.link_density, meta.pageType, meta.inLanguage, url)
    if (meta.pageType or "").lower() not in ARTICLE_PAGE_TYPES:
        _check_not_listing(content.node, url)
    return Article(
        url=url,
        canonicalUrl=meta.canonicalUrl or url,
        headline=meta.headline,
        articleBody=content.text,
        inLanguage=meta.inLanguage,
        encoding=doc.encoding,
        advice=_advice(content),
        bullets=bullet_lists(content.node),
        previous=siblings.previous,
        next=siblings.next,
        related=siblings.related,
        datePublished=meta.datePublished,
        dateModified=meta.dateModified,
        authors=meta.authors,
        breadcrumbs=meta.breadcrumbs,
        description=meta.description,
        category=meta.category,
        medicallyReviewedBy=meta.medicallyReviewedBy,
        lastReviewed=meta.lastReviewed,
        canonicalDeclared=meta.canonicalUrl is not None,
    )


def _advice(content: MainContent) -> tuple[AdviceItem, ...]:
    """Numbered lists of the article's region in the page, not only of its cleaned body."""
    if content.region is None:
        return advice_lists(content.node)
    return advice_lists(content.region, len(content.text))


def _check_not_listing(node: lxml.html.HtmlElement, url: str) -> None:
    """A run of teasers (linked headlines, excerpts cut with "...") is a listing's body."""
    teasers = max(int(LINKED_HEADINGS(node)), int(CUT_EXCERPTS(node)))
    if teasers > MAX_TEASERS:
        raise NotAnArticle(f"main text is a list of {teasers} teasers", url)


def _check_is_article(
    text: str, link_density: float, page_type: str | None, language: str | None, url: str
) -> None:
    declared = (page_type or "").lower()
    if declared in LISTING_PAGE_TYPES:
        raise NotAnArticle(f"page declares type {page_type!r}", url)
    minimum = (
        MIN_BODY_CHARS_CJK if (language or "").startswith(("zh", "ja", "ko")) else MIN_BODY_CHARS
    )
    if not text.strip():
        raise EmptyBody("no main text found", url)
    if declared in ARTICLE_PAGE_TYPES:
        return
    if declared == "website":
        minimum *= WEBSITE_FACTOR
    if len(text) < minimum:
        raise NotAnArticle(f"main text too short ({len(text)} chars)", url)
    if link_density > MAX_LINK_DENSITY:
        raise NotAnArticle(f"main text is mostly links (density {link_density:.2f})", url)
