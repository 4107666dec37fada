"""Compose the part parsers into one :class:`Article`.

Pure: bytes, URL and response headers in, a frozen record out. No Scrapy, no network, no
database, so the same function serves the spider, ``healtharchive extract`` and ``reparse``.
"""

from __future__ import annotations

from collections.abc import Mapping

from crawler.parsers.advice import advice_lists, bullet_lists
from crawler.parsers.content import main_content
from crawler.parsers.document import load_document
from crawler.parsers.errors import EmptyBody, NotAnArticle
from crawler.parsers.metadata import extract_metadata
from crawler.parsers.records import Article
from crawler.parsers.siblings import sibling_links

PARSER_VERSION = "1"
"""Bump whenever a change alters extracted output, so ``reparse`` knows what is stale."""

ARTICLE_PAGE_TYPES = frozenset(
    {"article", "newsarticle", "blogposting", "medicalwebpage", "report", "scholarlyarticle"}
)
LISTING_PAGE_TYPES = frozenset(
    {"website", "collectionpage", "itemlist", "searchresultspage", "profilepage"}
)
MIN_BODY_CHARS = 200
MIN_BODY_CHARS_CJK = 80
MAX_LINK_DENSITY = 0.5


def parse_article(html: bytes, url: str, headers: Mapping[str, str] | None = None) -> Article:
    """Parse one fetched page into an :class:`Article`.

    Raises :class:`~crawler.parsers.errors.NotHtml` for undecodable bodies,
    :class:`NotAnArticle` for listings and other pages without an article, and
    :class:`EmptyBody` when the page claims to be an article but has no main text.
    """
    doc = load_document(html, url, headers)
    meta = extract_metadata(doc)
    siblings = sibling_links(doc)
    content = main_content(doc)
    _check_is_article(content.text, content.link_density, meta.pageType, meta.inLanguage, url)
    return Article(
        url=url,
        canonicalUrl=meta.canonicalUrl or url,
        headline=meta.headline,
        articleBody=content.text,
        inLanguage=meta.inLanguage,
        encoding=doc.encoding,
        advice=advice_lists(content.node),
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
    if len(text) < minimum:
        raise NotAnArticle(f"main text too short ({len(text)} chars)", url)
    if link_density > MAX_LINK_DENSITY:
        raise NotAnArticle(f"main text is mostly links (density {link_density:.2f})", url)
