"""Compose the part parsers into one :class:`Article`.

Pure: bytes, URL and response headers in, a frozen record out. No Scrapy, no network, no
database, so the same function serves the spider, ``healtharchive extract`` and ``reparse``.
Every HTML page gets its main text; whether it is an article is a separate, typed decision
(:mod:`crawler.parsers.article_kind`) the caller acts on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from crawler.parsers.advice import advice_lists, bullet_lists
from crawler.parsers.article_kind import judge
from crawler.parsers.content import ContentProfile, MainContent, Reading, main_content
from crawler.parsers.document import Document, load_document
from crawler.parsers.errors import EmptyBody, NotAnArticle
from crawler.parsers.links import page_links
from crawler.parsers.metadata import declares_article, extract_metadata
from crawler.parsers.metadata_jsonld import DISCUSSION_PAGE_TYPES, SINGLE_ITEM_PAGE_TYPES
from crawler.parsers.records import AdviceItem, Article
from crawler.parsers.siblings import sibling_links

PARSER_VERSION = "5"
"""Bump whenever a change alters extracted output, so ``reparse`` knows what is stale."""


def parse_article(
    html: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    profile: ContentProfile | None = None,
) -> Article:
    """Parse one fetched page into an :class:`Article` with its main text and article decision.

    Raises :class:`~crawler.parsers.errors.NotHtml` for undecodable bodies only; a listing or
    an empty page is returned with ``decision.is_article`` false and the reason.
    A site ``profile`` takes precedence over the generic main-content walk.
    """
    return _article(load_document(html, url, headers), profile)


@dataclass(frozen=True)
class ParsedPage:
    """A page's article and the links it leads to, both read from one parse of its HTML."""

    article: Article
    links: tuple[str, ...]


def parse_page(
    html: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    profile: ContentProfile | None = None,
) -> ParsedPage:
    """:func:`parse_article` plus the page's outlinks (:func:`~crawler.parsers.links.page_links`).

    The crawl needs both from every page; parsing the HTML once for both halves its parse cost.
    """
    doc = load_document(html, url, headers)
    links = page_links(doc)
    return ParsedPage(article=_article(doc, profile), links=links)


def _article(doc: Document, profile: ContentProfile | None) -> Article:
    url = doc.url
    meta = extract_metadata(doc)
    siblings = sibling_links(doc, declares_article(doc, meta.pageType))
    declared = (meta.pageType or "").lower()
    reading = Reading(discussion=declared in DISCUSSION_PAGE_TYPES)
    content = main_content(doc, profile, reading)
    decision = judge(content, meta.pageType, bool(meta.datePublished or meta.authors))
    if not decision.is_article and profile is None:
        whole = replace(reading, whole_page=True, single_item=declared in SINGLE_ITEM_PAGE_TYPES)
        content = main_content(doc, reading=whole)
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
        decision=decision,
    )


def _advice(content: MainContent) -> tuple[AdviceItem, ...]:
    """Numbered lists of the article's region in the page, not only of its cleaned body."""
    if content.origin is None:
        return advice_lists(content.node)
    return advice_lists(content.origin, len(content.text))


def require_article(article: Article) -> Article:
    """``article`` when it was judged one, else the matching :class:`ParseError` with its reason.

    For callers that archive articles only (reparse): an empty page is :class:`EmptyBody`,
    any other refusal :class:`NotAnArticle` naming the decision's reason.
    """
    decision = article.decision
    if decision.is_article:
        return article
    if decision.reason == "empty_body":
        raise EmptyBody("no main text found", article.url)
    raise NotAnArticle(f"not an article ({decision.reason})", article.url)
