"""Article or not: a typed decision from the page's evidence, apart from extraction.

The main text is extracted for every page; this module only judges whether that text is one
article (archived by the crawl) or the main text of a listing, forum, product or other page
(printed by ``extract``, not archived). Declared types are trusted when they name a listing or
an article; undeclared pages are judged by the main text itself: a run of teasers or mostly links
is a listing, a headline standing over a few sentences of prose is an article however short, and
a long block of prose is an article wherever its headline is.
"""

from __future__ import annotations

import re

import lxml.html

from crawler.parsers.content import MainContent
from crawler.parsers.metadata_jsonld import DISCUSSION_PAGE_TYPES, LISTING_PAGE_TYPES
from crawler.parsers.records import ArticleDecision, ArticleSignals

ARTICLE_PAGE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "medicalwebpage",
        "report",
        "scholarlyarticle",
        "techarticle",
        "analysisnewsarticle",
        "reportagenewsarticle",
        "opinionnewsarticle",
    }
)
MIN_BODY_CHARS = 400
"""Undeclared pages with less main text and no headline over it are stubs or listings."""
WEBSITE_FACTOR = 2
"""``og:type=website`` pages need this many times the minimum: the declaration hints listing."""
UNDATED_MIN_CHARS = 1500
"""A page that neither declares itself an article nor names a date or an author (a service,
product or documentation page) is an article only with a headline over this much prose."""
LONG_PROSE_CHARS = 4000
LONG_PROSE_SENTENCES = 30
LONG_PROSE_LINK_DENSITY = 0.05
"""Undated, with no headline over it, but this much running prose and almost no links: an
essay or a guide whose template hides its headline and date. Archiving such a page costs a row;
refusing a real article loses it (measured on the shared benchmarks: 14 of 26 undated real
articles regained for 30 of 685 non-article pages taken in)."""
UNDATED_SHORT_CHARS = 800
UNDATED_MIN_SENTENCES = 8
UNDATED_MAX_LINK_DENSITY = 0.1
"""Shorter undated pages are articles when the headline stands over running prose (sentences,
hardly a link): a short article whose template shows no date. Service and product pages rarely
write eight sentences without links under their heading."""
SHORT_ARTICLE_CHARS = 150
SHORT_ARTICLE_SENTENCES = 3
"""A news brief: a headline right over this much prose is an article however short."""
MAX_LINK_DENSITY = 0.5
MAX_TEASERS = 3
"""More linked headings or "..."-cut excerpts than this in the main text make a listing."""
CJK_WEIGHT = 3
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
SENTENCE_END_RE = re.compile(r"[.!?](?:\s|$)|[。！？]")
TEASER_HEADING_TAGS = ("h1", "h2", "h3", "h4")
CUT_ENDS = ("...", "\u2026")
XML_SPACE = " \t\r\n"
XML_SPACE_RE = re.compile(r"[ \t\r\n]+")
"""What XPath's ``normalize-space`` collapses and strips: these four, not Unicode spaces."""
HEADLINE_LEVELS = 3
"""How many ancestors of the main text may stand between it and its headline."""


def judge(content: MainContent, page_type: str | None, dated: bool) -> ArticleDecision:
    """Decide from the main text, the teasers cut from it and where it sits on the page.

    ``dated``: the page names a publication date or an author.
    """
    declared = (page_type or "").lower()
    text, body = content.text, content.node
    signals = ArticleSignals(
        page_type=page_type,
        body_chars=len(text) + (CJK_WEIGHT - 1) * _cjk_chars(text),
        sentences=len(SENTENCE_END_RE.findall(text)),
        link_density=round(content.link_density, 3),
        teasers=max(content.teasers, _linked_headings(body), _cut_excerpts(body)),
        headline_at_body=content.origin is not None and _headline_at(content.origin),
        dated=dated,
    )
    return ArticleDecision(*_verdict(signals, declared), signals=signals)


def _cjk_chars(text: str) -> int:
    """How many CJK characters ``text`` holds; ASCII text is answered without a search."""
    return 0 if text.isascii() else len(CJK_RE.findall(text))


def _verdict(signals: ArticleSignals, declared: str) -> tuple[bool, str]:
    if not signals.body_chars:
        return False, "empty_body"
    if declared in DISCUSSION_PAGE_TYPES:
        return False, "declared_discussion"
    if declared in LISTING_PAGE_TYPES:
        return False, "declared_listing"
    if declared not in ARTICLE_PAGE_TYPES and signals.teasers > MAX_TEASERS:
        return False, "teaser_list"
    if signals.link_density > MAX_LINK_DENSITY:
        return False, "link_dense"
    if declared in ARTICLE_PAGE_TYPES:
        if signals.sentences or signals.body_chars >= SHORT_ARTICLE_CHARS:
            return True, "declared_article"
        return False, "too_short"
    if not signals.dated:
        if signals.headline_at_body and signals.body_chars >= UNDATED_MIN_CHARS:
            return True, "long_prose"
        if (
            signals.headline_at_body
            and signals.sentences >= UNDATED_MIN_SENTENCES
            and signals.body_chars >= UNDATED_SHORT_CHARS
            and signals.link_density <= UNDATED_MAX_LINK_DENSITY
        ):
            return True, "headline_over_prose"
        if (
            signals.body_chars >= LONG_PROSE_CHARS
            and signals.sentences >= LONG_PROSE_SENTENCES
            and signals.link_density <= LONG_PROSE_LINK_DENSITY
        ):
            return True, "long_prose"
        return False, "undated_page"
    if (
        signals.headline_at_body
        and signals.sentences >= SHORT_ARTICLE_SENTENCES
        and signals.body_chars >= SHORT_ARTICLE_CHARS
    ):
        return True, "headline_over_prose"
    minimum = MIN_BODY_CHARS * (WEBSITE_FACTOR if declared == "website" else 1)
    if signals.body_chars >= minimum:
        return True, "long_prose"
    return False, "too_short"


def _linked_headings(body: lxml.html.HtmlElement) -> int:
    """Headings (``h1``-``h4``) whose whole text is their first linked child's: teaser titles.

    Found by iteration and compared as XPath's ``normalize-space`` leaves them: an XPath
    selecting the headings tests every node of the body in libxml2, several times slower."""
    found = 0
    for heading in body.iterdescendants(*TEASER_HEADING_TAGS):
        link = next((a for a in heading.iterchildren("a") if a.get("href") is not None), None)
        if link is not None and _normalized(heading.text_content()) == _normalized(
            link.text_content()
        ):
            found += 1
    return found


def _cut_excerpts(body: lxml.html.HtmlElement) -> int:
    """Paragraphs whose text ends with an ellipsis, blanks aside."""
    return sum(
        1
        for p in body.iterdescendants("p")
        if p.text_content().rstrip(XML_SPACE).endswith(CUT_ENDS)
    )


def _normalized(text: str) -> str:
    """``text`` as XPath's ``normalize-space`` returns it."""
    return XML_SPACE_RE.sub(" ", text).strip(" ")


def _headline_at(origin: lxml.html.HtmlElement) -> bool:
    """Whether the page's one ``<h1>`` is inside the main text's container or just above it."""
    headings = [
        h1
        for h1 in origin.getroottree().getroot().iter("h1")
        if next(h1.iterancestors("body"), None) is not None
    ]
    if len(headings) != 1:
        return False
    heading = headings[0]
    scope = origin
    for _ in range(HEADLINE_LEVELS + 1):
        if any(ancestor is scope for ancestor in heading.iterancestors()):
            return True
        parent = scope.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return False
        scope = parent
    return False
