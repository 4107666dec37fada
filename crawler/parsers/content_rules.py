"""Which elements are boilerplate by their tag, attributes, class or id.

Only strong signals live here: a class that merely mentions "comment" on the article's own
wrapper (``post has-comments``) must not cost the article, so callers protect elements that hold
most of the page's text or the article element itself before acting on a class match.
"""

from __future__ import annotations

import re
from functools import lru_cache

import lxml.html

ALWAYS_JUNK_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "canvas",
        "iframe",
        "object",
        "embed",
        "video",
        "audio",
        "input",
        "select",
        "textarea",
        "option",
        "head",
        "title",
        "meta",
        "link",
        "dialog",
        "map",
        "figcaption",
    }
)
"""Never article text, whatever their size."""

LANDMARK_JUNK_TAGS = frozenset({"nav", "aside", "footer", "header", "form", "menu", "button"})
"""Page furniture by HTML semantics, unless they wrap most of the page (old sites, ASP.NET)."""

BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "blockquote",
        "pre",
        "figure",
        "form",
        "fieldset",
        "address",
        "details",
        "summary",
        "center",
        "body",
        "html",
        "hr",
    }
)
CONTAINER_TAGS = frozenset(
    {"div", "section", "article", "main", "td", "body", "blockquote", "center", "font", "span"}
)
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

JUNK_PREFIXES = (
    "comment",
    "disqus",
    "respond",
    "repl",
    "share",
    "sharing",
    "social",
    "related",
    "newsletter",
    "subscri",
    "cookie",
    "consent",
    "gdpr",
    "sidebar",
    "breadcrumb",
    "advert",
    "promo",
    "sponsor",
    "footer",
    "navbar",
    "navigation",
    "menu",
    "byline",
    "caption",
    "popup",
    "recommend",
    "outbrain",
    "taboola",
    "paywall",
    "paginat",
    "signup",
    "masthead",
    "trending",
    "popular",
    "mostread",
    "recirc",
    "toolbar",
    "readmore",
    "tagcloud",
    "login",
    "topbar",
    "screenreader",
    "visuallyhidden",
    "testimonial",
)
"""Class/id words starting like this name furniture (``comments``, ``social-share``)."""
DISCUSSION_PREFIXES = ("comment", "repl", "respon", "answer")
"""Words naming the posts of a thread (``ipsComment``, ``reply``, ``responses``)."""
JUNK_PREFIX_EXCEPTIONS = frozenset({"commentary", "reply", "shareable", "sharable"})
"""Words that start like furniture but describe content: a commentary is an article, a
"shareable" paragraph is one readers may quote (``selectionShareable``), not a share bar."""
JUNK_WORDS = frozenset(
    {
        "ad",
        "ads",
        "adv",
        "adslot",
        "adsbygoogle",
        "author",
        "authors",
        "banner",
        "logo",
        "search",
        "cta",
        "print",
        "rating",
        "modal",
    }
)
"""Whole class/id words (split on anything but letters and digits) that only name furniture."""
WEAK_JUNK_WORDS = frozenset(
    {
        "nav",
        "header",
        "meta",
        "date",
        "dateline",
        "timestamp",
        "published",
        "tags",
        "categories",
        "credit",
        "credits",
        "more",
        "pager",
        "skip",
        "sr",
        "prev",
        "previous",
        "next",
    }
)
"""Words naming small furniture (a dateline, a skip link, a "show more" toggle) that CMSs also
put on content wrappers (``paragraph-published``, ``show-more``, ``meta_field``): they only
count against an element holding little prose."""
JUNK_PHRASE_RE = re.compile(
    r"screen-reader|visually-hidden|read-more|more-stories|post-nav|author-bio|most-read|"
    r"sign-up|top-bar|tool-bar|prev-?next|next-?prev"
)
WEAK_PHRASE_RE = re.compile(r"sidebar-content")
"""Themes name both the sidebar's inner box and the column beside the sidebar like this."""
WORD_SPLIT_RE = re.compile(r"[^a-z0-9]+")
CSS_MODULE_HASH_RE = re.compile(r"__[A-Za-z0-9_-]{5}\b")
"""CSS-module class names end in a content hash (``styles_article__Ee5Ad``): noise, not words."""
CAMEL_CASE_RE = re.compile(r"([a-z0-9])([A-Z])")
"""``InlineImage-imageCredit`` names a credit as surely as ``image-credit`` does."""
TAXONOMY_TOKEN_RE = re.compile(
    r"(?:categor(?:y|ies)|tag|type|format|status)[-_]|sidebars?-(?:first|second|none|enabled|layout)"
    r"|^(?:no|has|with)-sidebars?$|content-sidebar"
)
"""CMS classes naming a post's taxonomy or the page layout, not the element's role."""
EMBED_TOKEN_RE = re.compile(r"social(?:-media)?-embed")
"""A post quoted from a social network (an embedded tweet) is part of the story, not a share bar."""
NOT_A_ROLE_TOKEN_RE = re.compile(f"{TAXONOMY_TOKEN_RE.pattern}|{EMBED_TOKEN_RE.pattern}")
"""Either of the two above, searched once per token."""
SLUG_ID_RE = re.compile(r"^\w*(?:-[a-z0-9]+){4,}$")
"""An id like ``how-popular-is-meditation`` is an anchor made from a heading, not a role name."""
RESPONSIVE_TOKEN_RE = re.compile(
    r"^(?:(?:hidden|visible|hide|show)-(?:for-)?(?:xs|sm|md|lg|xl|small|medium|large|mobile|desktop|tablet)"
    r"|(?:mobile|desktop|tablet)-only|only-(?:mobile|desktop|tablet)|(?:sm|md|lg|xl):hidden|d-none)"
)
"""Layout classes showing an element on some screens only: responsive themes print sections
(related links, a second byline, a promo) once per layout, so such a copy is weak furniture."""
HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


BOILERPLATE_TEXT_RE = re.compile(
    r"©\s*(?:\d{4}|[^\W\d])|\bcopyright\s*(?:©|\(c\)|\d{4})|\ball rights reserved\b"
    r"|版权所有|ICP[备证]|公网安备|無断転載|\bwe use cookies\b|\b(?:site|website) uses cookies\b"
    r"|\baccept (?:all )?cookies\b|\bcookie (?:policy|settings|preferences)\b"
    r"|\b(?:licensed|available) under (?:a |the )?creative commons\b",
    re.IGNORECASE,
)
"""A short block saying this is a copyright, licence or cookie notice: page furniture in any
template, whatever its class names."""
BOILERPLATE_MAX_CHARS = 400
"""Longer blocks may quote such words in real prose (an article about cookie consent)."""
SECTION_LABEL_RE = re.compile(
    r"(?:\d+\s+)?(?:comments?|responses?|replies|reader comments|leave a (?:reply|comment)"
    r"|join the (?:discussion|conversation)|(?:post|add|write) a comment"
    r"|related(?: \w+)?|more (?:from|on|in|about|stories|articles|news)\b.*"
    r"|(?:you|we think you) (?:may|might|will|could) (?:also )?(?:like|enjoy|be interested in).*"
    r"|read (?:next|more|also)|recommended(?: \w+)?|most (?:popular|read|viewed)(?: \w+)?"
    r"|trending(?: \w+)?|popular (?:posts|stories|articles)|latest (?:news|stories|posts)"
    r"|share this(?: \w+)?|like this|(?:one )?bloggers? like this|about the authors?"
    r"|customer (?:service|support)|contact us|sign up.*newsletter.*|subscribe.*"
    r"|(?:customer |user |product )?reviews|ratings? (?:&|and) reviews|reviews (?:&|and) ratings"
    r"|相关(?:阅读|文章|新闻|推荐)|推荐阅读|热门(?:文章|新闻|推荐)?|猜你喜欢|网友评论|评论|留言"
    r"|関連記事|コメント|おすすめ記事)"
    r"(?:\s*\(\d+\))?\s*[:：]?",
    re.IGNORECASE,
)
"""A heading that announces a section other than the article: comments, related or "more from"
stories, share and like widgets, an author box, a contact box."""
SECTION_LABEL_MAX_CHARS = 60


BOILERPLATE_LITERALS = (
    "©",
    "copyright",
    "rights reserved",
    "版权所有",
    "icp",
    "公网安备",
    "無断転載",
    "cookie",
    "creative commons",
)
"""Every match of :data:`BOILERPLATE_TEXT_RE` holds one of these in the lowered text. The
regular expression is slow to search (case-insensitive, about twenty alternatives), and almost
every block of a page holds none of them."""
CASE_FOLDS = ("ſ", "ı", "İ", "K")
"""The non-ASCII letters ``re.IGNORECASE`` matches to ``s``, ``i`` and ``k``: a text holding one
is left to the regular expression, since ``str.lower`` does not turn them into those letters."""


def is_boilerplate_text(text: str) -> bool:
    if len(text) > BOILERPLATE_MAX_CHARS:
        return False
    return _may_be_boilerplate(text) and BOILERPLATE_TEXT_RE.search(text) is not None


def _may_be_boilerplate(text: str) -> bool:
    """Whether ``text`` holds a literal or a case fold the expression needs. Plain loops: every
    text block of the page is asked, and a generator for ``any`` costs more than the tests."""
    lowered = text.lower()
    for literal in BOILERPLATE_LITERALS:
        if literal in lowered:
            return True
    return not text.isascii() and any(fold in text for fold in CASE_FOLDS)


FEEDBACK_LABEL_RE = re.compile(
    r"(?:\d+\s+)?(?:(?:reader |customer |user |product )?(?:comments?|reviews)|responses?|replies"
    r"|ratings? (?:&|and) reviews|reviews (?:&|and) ratings|leave a (?:reply|comment|review)"
    r"|网友评论|评论|留言|コメント)(?:\s*\(\d+\))?\s*[:：]?",
    re.IGNORECASE,
)
"""Section labels of what readers wrote (comments, reviews): never the content of a listing or
a product page, whose other labelled lists ("Related products") are."""


def is_feedback_label(text: str) -> bool:
    """Whether a section label announces reader feedback (see :data:`FEEDBACK_LABEL_RE`)."""
    text = " ".join(text.split())
    return len(text) <= SECTION_LABEL_MAX_CHARS and FEEDBACK_LABEL_RE.fullmatch(text) is not None


def is_section_label(text: str) -> bool:
    """Whether a heading's text names a non-article section (see :data:`SECTION_LABEL_RE`)."""
    text = " ".join(text.split())
    return len(text) <= SECTION_LABEL_MAX_CHARS and SECTION_LABEL_RE.fullmatch(text) is not None


NOT_FURNITURE = 0
WEAK_FURNITURE = 1
STRONG_FURNITURE = 2
HIDDEN = 3
"""Never shown to a reader, so no amount of prose inside makes it the article."""
CONSENT = 4
"""A cookie or consent manager: its policy text can outweigh a short article, but never is one."""
ACCEPT_BUTTON_RE = re.compile(
    r"(?:i |yes,? )?(?:accept|agree|allow|consent)\b.*|got it|ok(?:ay)?|"
    r"akceptuj[eę]?.*|zgadzam się.*|j'accepte.*|(?:tout )?accepter.*|alle akzeptieren|akzeptieren"
    r"|zustimmen|einverstanden|acepto|aceptar(?: todo| todas)?|accetta(?: tutto)?|accetto"
    r"|aceitar(?: todos)?|alles accepteren|accepteren|同意.{0,6}|接受.{0,6}|我知道了|すべて同意する"
    r"|동의.{0,6}",
    re.IGNORECASE,
)
"""The button that closes a consent dialog by accepting. Many consent managers hash their class
names, so the dialog is found by what it asks: an accept button near a cookie notice."""
ACCEPT_BUTTON_MAX_CHARS = 60
CONSENT_TEXT = ("cookie", "iab ")
"""A consent dialog names cookies (or the IAB framework) somewhere around its accept button."""
CONSENT_CLIMB_MAX = 6
CONSENT_TOKEN_RE = re.compile(
    r"^(?:cookie|consent|gdpr|onetrust|cookiebot|usercentrics|didomi|truste|qc-cmp|cc-(?:window|banner))"
)


def furniture_signal(element: lxml.html.HtmlElement, discussion: bool = False) -> int:
    """How surely the element's class or id names page furniture: one of the constants above.

    On a ``discussion`` page (a declared forum thread or Q&A page) names of comments and
    replies are not furniture: the posts are the content.
    """
    return class_signal(element.get("class"), element.get("id"), discussion)


def class_signal(classes: str | None, ident: str | None, discussion: bool = False) -> int:
    """:func:`furniture_signal` from the ``class`` and ``id`` values, for a caller that knows
    which of the two the element has: reading an attribute costs as much as a cache hit."""
    if not classes and not ident:
        return NOT_FURNITURE
    return _attribute_signal(classes or "", ident or "", discussion)


@lru_cache(maxsize=16384)
def _attribute_signal(classes: str, ident: str, discussion: bool) -> int:
    """Cached: class and id strings repeat across a page's elements and a site's pages."""
    if ident and SLUG_ID_RE.match(ident):
        ident = ""
    signal = NOT_FURNITURE
    for name in f"{classes} {ident}".split():
        named = _name_signal(name, discussion)
        if named > signal:
            signal = named
    return signal


@lru_cache(maxsize=16384)
def _name_signal(name: str, discussion: bool = False) -> int:
    """One class name's signal; an element's is the strongest of its names' (every rule reads
    one name at a time). Cached apart: names recur in many combinations (``col-md-8 post``,
    ``col-md-4 sidebar``), so a page's new class strings are mostly names already judged."""
    if CONSENT_TOKEN_RE.match(name):
        return CONSENT
    return _junk_signal(name, discussion)


def is_hidden(element: lxml.html.HtmlElement) -> bool:
    """Hidden by attribute or inline style (streamed server-rendered pages hide whole bodies)."""
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return bool(style and HIDDEN_STYLE_RE.search(style))


def _junk_signal(name: str, discussion: bool = False) -> int:
    """Furniture words and phrases in a class name, module hashes and taxonomy tags aside.

    Most names have no module hash and no capital: the two rewrites are skipped for them, since
    a page's new names are judged on every page of a run and each rewrite costs as much as a rule.
    """
    if "__" in name:
        name = CSS_MODULE_HASH_RE.sub(" ", name)
    if not name.islower():
        name = CAMEL_CASE_RE.sub(r"\1-\2", name)
    tokens = name.lower().split()
    attributes = " ".join([t for t in tokens if not NOT_A_ROLE_TOKEN_RE.search(t)])
    if JUNK_PHRASE_RE.search(attributes):
        return STRONG_FURNITURE
    signal = WEAK_FURNITURE if any(RESPONSIVE_TOKEN_RE.match(t) for t in tokens) else NOT_FURNITURE
    if WEAK_PHRASE_RE.search(attributes):
        attributes = WEAK_PHRASE_RE.sub(" ", attributes)
        signal = WEAK_FURNITURE
    for word in WORD_SPLIT_RE.split(attributes):
        if discussion and word.startswith(DISCUSSION_PREFIXES):
            continue
        if word in JUNK_WORDS:
            return STRONG_FURNITURE
        if word.startswith(JUNK_PREFIXES) and word not in JUNK_PREFIX_EXCEPTIONS:
            return STRONG_FURNITURE
        if word in WEAK_JUNK_WORDS:
            signal = WEAK_FURNITURE
    return signal
