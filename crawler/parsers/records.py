"""Typed records the parsers return.

Field names follow zyte-common-items ``Article`` where one exists, so exports read the same as
other tools' output. Records are frozen: a parsed page is a fact about one fetch, never edited
after the parser hands it over.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AdviceItem:
    """One item of a numbered advice list, with the number as printed on the page."""

    list_index: int
    """Which advice list of the page (0-based, document order)."""
    printed_number: int
    """The number as printed, so gaps (3 -> 6) and restarts are kept."""
    text: str
    marker: str = ""
    """The literal marker, e.g. ``"6."``, ``"（1）"``, ``"①"``, ``"Step 2:"``."""
    explanation: str = ""
    """Paragraphs under a numbered heading; empty for plain items."""


@dataclass(frozen=True)
class BulletList:
    """An unordered list inside the body, kept apart from numbered advice."""

    list_index: int
    items: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    """A link to another article: previous/next sibling or related teaser."""

    url: str
    text: str
    title: str = ""
    """The ``title`` attribute when the visible text is cut or an arrow."""


@dataclass(frozen=True)
class Siblings:
    previous: Link | None = None
    next: Link | None = None
    related: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Metadata:
    headline: str = ""
    datePublished: str | None = None
    dateModified: str | None = None
    authors: tuple[str, ...] = ()
    breadcrumbs: tuple[str, ...] = ()
    inLanguage: str | None = None
    canonicalUrl: str | None = None
    description: str | None = None
    category: str | None = None
    medicallyReviewedBy: tuple[str, ...] = ()
    lastReviewed: str | None = None
    pageType: str | None = None
    """``og:type`` / JSON-LD ``@type`` when the page declares one (``article``, ``website``)."""


@dataclass(frozen=True)
class ArticleSignals:
    """The page evidence an article decision was made from, kept so a decision can be audited."""

    page_type: str | None = None
    body_chars: int = 0
    """Main-text length, CJK characters counted three times (they carry about a word each)."""
    sentences: int = 0
    link_density: float = 0.0
    teasers: int = 0
    """Linked headlines or "..."-cut excerpts in the main text: a listing's marks."""
    headline_at_body: bool = False
    """The page's headline sits just above or inside the main text, as an article's does."""
    dated: bool = False
    """The page names a publication date or an author, as articles do and shop pages rarely."""


@dataclass(frozen=True)
class ArticleDecision:
    """Whether a page is one article, and why: the crawl archives only pages judged articles.

    ``reason`` is a short stats key (``declared_article``, ``too_short``, ...).
    """

    is_article: bool = True
    reason: str = "not_judged"
    signals: ArticleSignals = ArticleSignals()


@dataclass(frozen=True)
class Article:
    """Everything extracted from one article page."""

    url: str
    canonicalUrl: str
    headline: str
    articleBody: str
    inLanguage: str | None
    encoding: str
    advice: tuple[AdviceItem, ...] = ()
    bullets: tuple[BulletList, ...] = ()
    previous: Link | None = None
    next: Link | None = None
    related: tuple[Link, ...] = ()
    datePublished: str | None = None
    dateModified: str | None = None
    authors: tuple[str, ...] = ()
    breadcrumbs: tuple[str, ...] = ()
    description: str | None = None
    category: str | None = None
    medicallyReviewedBy: tuple[str, ...] = ()
    lastReviewed: str | None = None
    canonicalDeclared: bool = False
    """The page named ``canonicalUrl`` itself (``rel=canonical``); else it is the fetched URL."""
    decision: ArticleDecision = ArticleDecision()
    """Article or not; the main text above is filled either way."""
