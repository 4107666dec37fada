"""Page metadata, named after zyte-common-items ``Article`` fields.

Each field is read from the most reliable source the page offers, in order: JSON-LD, then
``<meta>`` tags, then markup (``<time>``, ``itemprop``, ``rel=author``, breadcrumb navs), then
printed text ("Published: March 5, 2024", ``2024年3月5日``, "Medically reviewed by …").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from crawler.parsers.document import Document
from crawler.parsers.metadata_byline import (
    clean_names,
    markup_authors,
    outside_article,
    printed_authors,
)
from crawler.parsers.metadata_dates import find_date
from crawler.parsers.metadata_jsonld import (
    ARTICLE_TYPES,
    COLLECTION_PAGE_TYPES,
    PAGE_LEVEL_TYPES,
    first_value,
    jsonld_objects,
    main_entity,
    names,
    text_value,
    types,
)
from crawler.parsers.records import Metadata
from crawler.parsers.urls import join_url

LISTING_TYPES = COLLECTION_PAGE_TYPES | {"itemlist", "website"}
"""Types whose ``rel=next`` leads to the listing's next page, not to the next article."""
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
    "citation_publication_date",
    "citation_date",
)
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "last-modified",
    "dcterms.modified",
)
PUBLISHED_KEY_RE = re.compile(r"publish|pub[-_.]?date|release[-_.]?date", re.I)
UPDATED_KEY_RE = re.compile(r"modif|updat|expir", re.I)
ITEMPROP_PARENTS_XPATH = lxml.etree.XPath("//@itemprop[. = $prop]/..")
"""Elements whose ``itemprop`` is ``$prop``, in page order. Reached through the attributes:
``//*[@itemprop = $prop]`` tests a predicate on every element, about twice as slow."""
DATE_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:date|published|pubdate|posted-on|post-date)(?:$|[\s_-])", re.I
)
UPDATED_CLASS_RE = re.compile(r"updat|modif", re.I)
"""Classes naming the post's date, not its update. Matched in Python on the classed elements
the XPath finds: an EXSLT ``re:test`` in the XPath calls back into Python for every element."""
MAX_DATE_CHARS = 60
"""Longer text around a date is a teaser or a sentence, not a date line."""
AUTHOR_META = ("author", "article:author", "parsely-author", "dc.creator", "sailthru.author")
TITLE_SEPARATOR_RE = re.compile(r"\s+[|\-–—·»:•~]{1,2}\s+|\s*[|_｜]\s*|(?<=\w)--(?=\w)")
"""Between a headline and a site or section name: " | ", " - ", " • ", "_", "headline--site"."""
PIPE_RE = re.compile(r"\s+[|｜]\s+|\s*｜\s*")
TITLE_META = ("og:title", "dc.title", "parsely-title", "sailthru.title")
"""Declared titles in order of trust; ``twitter:title`` comes after the JSON-LD headline."""
HEADING_TEXT_XPATH = lxml.etree.XPath(
    ".//text()[not(ancestor::button or ancestor::script or ancestor::style or ancestor::svg"
    " or ancestor::noscript)] | .//br"
)


def _date_label_re(*labels: str) -> re.Pattern[str]:
    """A date label followed by its separator, searched over the page's whole text.

    The expression opens with a look-ahead for the labels' first letters: a case-insensitive
    alternation has no first-character test of its own, so without it every alternative is
    tried at every character of the page. The letters are matched case-insensitively too,
    exactly as the labels' first letters are; each label starts with a plain character."""
    initials = "".join(sorted({label[0] for label in labels}))
    return re.compile(
        rf"(?=[{initials}])(?:{'|'.join(labels)})\s*(?:on)?\s*[:：]?\s*",
        re.I,
    )


PUBLISHED_TEXT_RE = _date_label_re(
    "published",
    "posted",
    "first published",
    "发布(?:时间|日期|于)?",
    "发表(?:时间|于)?",
    "时间",
    "日期",
)
MODIFIED_TEXT_RE = _date_label_re(
    "updated", "last updated", "modified", "last modified", "更新(?:时间|日期|于)?", "修改时间"
)
REVIEWED_RE = re.compile(
    r"reviewed\s+by\s*[:：]?\s*(?P<name>[^|—–]+?)(?:\s+on\s+|\s*[|—–]|$)", re.I
)
REVIEWED_WORDS = "reviewed by"
REVIEWED_FOLD = str.maketrans("REVIEWDBY", "reviewdby")
"""The capitals lowered before looking for :data:`REVIEWED_WORDS` in an element's first own
text: ``REVIEWED BY`` and ``Reviewed By`` count, a Unicode case variant does not."""
LOCATION_LABELS = ("当前位置", "您的位置", "您现在的位置", "所在位置")
LOCATION_WORDS = ("location", "you are here")
LOCATION_FOLD = str.maketrans("LOCATINYUR", "locatinyur")
"""Labels of a "you are here" trail with no breadcrumb class: ``当前位置：首页 > 健康``. The
English ones are matched with only their own letters folded, as XPath's ``translate`` would."""
XML_SPACE_RE = re.compile(r"[ \t\r\n]+")
"""XPath's ``normalize-space`` whitespace: a no-break space is text."""
LOCATION_INITIALS = frozenset("当您所lLyY")
LOCATION_TAGS = frozenset({"div", "p", "nav", "span", "li"})
LOCATION_LABEL_RE = re.compile(
    r"^\s*(?:当前位置|您的位置|您现在的位置|所在位置|location|you are here)\s*[:：]\s*", re.I
)
CURRENT_PAGE_CRUMBS = frozenset({"正文", "内容", "详情", "article", "content"})
"""Trail ends that stand for "this page" rather than a section."""
CRUMB_SEPARATOR_RE = re.compile(r"^[\s>»›/|\\→·]*$")
HOME_CRUMBS = frozenset({"home", "首页", "主页", "homepage"})
INVISIBLE_TAGS = frozenset({"script", "style", "noscript"})
TEXT_DATE_WINDOW = 400
"""How far after a "Published" label, or after the ``<h1>``, a printed date may stand."""
ARTICLE_H1_XPATH = "//article//h1 | //main//h1"
TITLE_SHARE = 0.5
TITLE_WORD_SHARE = 1 / 3
MAX_TITLE_WORDS = 25
MIN_SCRIPT_CHARS = 20
CJK_SHARE = 0.3


def extract_metadata(doc: Document) -> Metadata:
    """Everything the page says about itself, each field from its most reliable source."""
    tree = doc.tree
    objects = jsonld_objects(tree)
    meta = _meta_tags(tree)
    breadcrumbs = _breadcrumbs(tree, objects)
    headline = _headline(tree, meta, objects)
    text = _body_text(tree)
    reviewers, reviewed = _review(tree, objects, text)
    return Metadata(
        headline=headline,
        datePublished=_date(objects, "datePublished", meta, PUBLISHED_META)
        or _date(objects, "dateCreated", meta, _published_keys(meta))
        or _markup_date(tree, "datePublished")
        or _date_element(tree)
        or _text_date(text, PUBLISHED_TEXT_RE, headline),
        dateModified=_date(objects, "dateModified", meta, MODIFIED_META)
        or _markup_date(tree, "dateModified")
        or _labelled_date(text, MODIFIED_TEXT_RE),
        authors=_authors(tree, meta, objects),
        breadcrumbs=breadcrumbs,
        inLanguage=_language(tree, meta, objects) or _script_language(text),
        canonicalUrl=_canonical(tree, meta, doc.url),
        description=meta.get("description")
        or meta.get("og:description")
        or text_value(first_value(objects, "description")),
        category=_category(meta, objects, breadcrumbs, headline),
        medicallyReviewedBy=reviewers,
        lastReviewed=reviewed,
        pageType=page_type(tree, meta, objects),
    )


def is_article_page(doc: Document) -> bool:
    """Whether the page is one article (not a listing), so ``rel=next`` means the next article."""
    return declares_article(
        doc, page_type(doc.tree, _meta_tags(doc.tree), jsonld_objects(doc.tree))
    )


def declares_article(doc: Document, declared: str | None) -> bool:
    """:func:`is_article_page` given the page's :func:`page_type` (``Metadata.pageType``), for
    callers that have read the metadata already: JSON-LD and meta tags are not read twice."""
    if declared in ARTICLE_TYPES:
        return True
    if declared in LISTING_TYPES:
        return False
    return bool(doc.tree.xpath("//article")) or len(doc.tree.xpath("//h1")) == 1


def page_type(
    tree: lxml.html.HtmlElement, meta: dict[str, str], objects: list[dict[str, Any]]
) -> str | None:
    """JSON-LD's article type when it names one (templates often leave ``og:type=website`` on
    every page), else ``og:type``, else the JSON-LD type of the main entity."""
    entity = main_entity(objects)
    entity_types = sorted(types(entity)) if entity else []
    article_types = [name for name in entity_types if name in ARTICLE_TYPES]
    if article_types:
        return article_types[0]
    og_type = meta.get("og:type", "").strip().lower()
    if og_type in ("", "website"):
        listed = sorted({name for obj in objects for name in types(obj)} & PAGE_LEVEL_TYPES)
        if listed:
            return listed[0]
    return og_type or (entity_types[0] if entity_types else None)


def _meta_tags(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """``<meta>`` values by lowercased name/property/itemprop/http-equiv; the first one wins."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = " ".join((meta.get("content") or "").split())
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attribute) or "").strip().lower()
            if key:
                found.setdefault(key, content)
    return found


def _headline(
    tree: lxml.html.HtmlElement, meta: dict[str, str], objects: list[dict[str, Any]]
) -> str:
    return _without_labels(_headline_text(tree, meta, objects))


def _without_labels(headline: str) -> str:
    """The headline before its first pipe: "Headline | Section | Site" -> "Headline".

    Templates join a headline to section, site or slogan labels with a pipe, visibly too
    (``<h1>Headline | Opinion</h1>``); prose headlines use dashes and colons, not pipes. A
    first part of one word is a brand ("Render | The cloud for builders") and is kept whole.
    """
    first = PIPE_RE.split(headline, maxsplit=1)[0].strip()
    return first if first != headline and len(first.split()) > 1 else headline


def _headline_text(
    tree: lxml.html.HtmlElement, meta: dict[str, str], objects: list[dict[str, Any]]
) -> str:
    title = _text(tree.find(".//title"))
    site = _site_name(meta, title)
    meta_title = next((meta[key] for key in TITLE_META if meta.get(key)), "")
    declared = [
        _without_site(meta_title, site),
        _without_site(text_value(first_value(objects, "headline")) or "", site),
        _without_site(meta.get("twitter:title", ""), site),
        title,
    ]
    headings = [
        _heading_text(h1)
        for h1 in [*tree.xpath(ARTICLE_H1_XPATH), *tree.iter("h1")]
        if not _is_logo(h1)
    ]
    for heading in headings:
        if heading and any(_same_title(heading, other) for other in declared if other):
            return heading
    single = [heading for heading in dict.fromkeys(headings) if heading]
    stated = [*declared[:3], _without_site(title, site)]
    if len(single) == 1 and _fold(single[0]) != _fold(site) and _visible_title(single[0], stated):
        return single[0]
    return next((value for value in (*declared[:3], *headings, _strip_site(title)) if value), "")


def _is_logo(heading: lxml.html.HtmlElement) -> bool:
    """A heading that is one link to the home page: the site's logo, not the page's title."""
    links = heading.findall(".//a[@href]")
    if len(links) != 1 or _text(links[0]) != _text(heading):
        return False
    return urlsplit(links[0].get("href", "")).path in ("", "/")


def _heading_text(heading: lxml.html.HtmlElement) -> str:
    """What a reader sees of a heading: no button labels or scripts, a line break is a space."""
    parts = [
        " " if isinstance(node, lxml.etree._Element) else str(node)
        for node in HEADING_TEXT_XPATH(heading)
    ]
    return " ".join("".join(parts).split())


def _visible_title(heading: str, declared: list[str]) -> bool:
    """Whether the page's only ``<h1>`` is its title though worded apart from the declared ones.

    Sites write ``og:title`` for search results ("Best X in 2025 | Top 10 Picks") and the
    heading for readers; the heading is what the page shows. It must share a third of its words
    with a declared title, else it is a section label ("Latest News") or a logo.
    """
    words = _title_words(heading)
    if not words or len(heading.split()) > MAX_TITLE_WORDS:
        return False
    known = set().union(*(_title_words(other) for other in declared if other))
    return not known or len(words & known) >= TITLE_WORD_SHARE * len(words)


def _title_words(text: str) -> set[str]:
    """Folded words, plurals merged ("trends" = "trend"), short function words dropped."""
    return {word.rstrip("s") for word in _fold(text).split() if len(word) > 2 or word.isdigit()}


def _site_name(meta: dict[str, str], title: str) -> str:
    """``og:site_name``, else the last part of a ``<title>`` such as "Headline | Site"."""
    if meta.get("og:site_name"):
        return meta["og:site_name"]
    parts = TITLE_SEPARATOR_RE.split(title)
    return parts[-1].strip() if len(parts) > 1 else ""


def _without_site(title: str, site: str) -> str:
    """A declared title with the site's name cut off ("Headline | Site" -> "Headline")."""
    parts = TITLE_SEPARATOR_RE.split(title)
    if site and len(parts) > 1 and _fold(parts[-1]) == _fold(site):
        return title[: title.rfind(parts[-1])].rstrip(" |-–—·»:_｜").strip()
    return title


def _same_title(heading: str, other: str) -> bool:
    """Equal, or the heading is most of the other (a ``<title>`` with the site name added)."""
    a, b = _fold(heading), _fold(other)
    return bool(a) and (a == b or (a in b and len(a) >= TITLE_SHARE * len(b)))


def _strip_site(title: str) -> str:
    parts = [part.strip() for part in TITLE_SEPARATOR_RE.split(title) if part.strip()]
    return max(parts, key=len) if parts else ""


def _date(
    objects: list[dict[str, Any]], key: str, meta: dict[str, str], meta_names: Iterable[str]
) -> str | None:
    value = text_value(first_value(objects, key))
    candidates = [value] if value else []
    candidates.extend(meta[name] for name in meta_names if name in meta)
    return next((iso for iso in map(find_date, candidates) if iso), None)


def _markup_date(tree: lxml.html.HtmlElement, prop: str) -> str | None:
    """``itemprop`` dates, then ``<time datetime>`` (for publication only)."""
    elements = ITEMPROP_PARENTS_XPATH(tree, prop=prop)
    if prop == "datePublished":
        times = list(tree.iter("time"))
        elements += [time for time in times if time.get("pubdate") is not None] + times
    for element in elements:
        for value in (element.get("datetime"), element.get("content"), _text(element)):
            iso = find_date(value or "")
            if iso:
                return iso
    return None


def _published_keys(meta: dict[str, str]) -> list[str]:
    """Site-specific ``<meta>`` names that still say what they hold ("w-published-date")."""
    return [key for key in meta if PUBLISHED_KEY_RE.search(key) and not UPDATED_KEY_RE.search(key)]


def _date_element(tree: lxml.html.HtmlElement) -> str | None:
    """A short element classed as the post's date ("post-date", "published"), outside teasers.

    The classed elements are found by iteration, and only a date-classed one is asked whether
    it sits in ``<body>``: an XPath selecting the classed elements of the body cost more."""
    for element in tree.iter(lxml.etree.Element):
        classes = element.get("class")
        if classes is None or not DATE_CLASS_RE.search(classes) or UPDATED_CLASS_RE.search(classes):
            continue
        if next(element.iterancestors("body"), None) is None:
            continue
        text = _text(element)
        if len(text) <= MAX_DATE_CHARS and not outside_article(element):
            iso = find_date(text)
            if iso:
                return iso
    return None


def _text_date(text: str, label: re.Pattern[str], headline: str) -> str | None:
    """A printed date: after a "Published:" label, else the first date near the headline."""
    labelled = _labelled_date(text, label)
    if labelled:
        return labelled
    start = text.find(headline) if headline else -1
    if start < 0:
        return None
    return find_date(text[start + len(headline) : start + len(headline) + TEXT_DATE_WINDOW])


def _labelled_date(text: str, label: re.Pattern[str]) -> str | None:
    for match in label.finditer(text):
        iso = find_date(text[match.end() : match.end() + TEXT_DATE_WINDOW // 8])
        if iso:
            return iso
    return None


def _authors(
    tree: lxml.html.HtmlElement, meta: dict[str, str], objects: list[dict[str, Any]]
) -> tuple[str, ...]:
    """Declared authors unless they are only the site itself (or a user handle); then a printed
    byline wins, and the declared names are the last resort."""
    declared = first_value(objects, "author")
    jsonld = clean_names(names(declared))
    tagged = clean_names(
        meta[name] for name in AUTHOR_META if name in meta and "://" not in meta[name]
    )[:1]
    sites = _site_names(tree, meta, objects)
    weak: list[tuple[str, ...]] = []
    if jsonld and not (_organisation(declared) or _all_in(jsonld, sites)):
        return jsonld
    weak.append(jsonld)
    if tagged and " " in tagged[0] and not _all_in(tagged, sites):
        return tagged
    weak.append(tagged)
    printed = markup_authors(tree) or printed_authors(tree)
    return printed or next((found for found in weak if found), ())


def _site_names(
    tree: lxml.html.HtmlElement, meta: dict[str, str], objects: list[dict[str, Any]]
) -> set[str]:
    """The site's and publisher's names, folded: an "author" equal to one is no person."""
    found = {meta.get("og:site_name", ""), meta.get("application-name", "")}
    found.add(_site_name(meta, _text(tree.find(".//title"))))
    found.update(names(first_value(objects, "publisher")))
    found.update(text_value(obj.get("name")) or "" for obj in objects if "website" in types(obj))
    return {_fold(name) for name in found if name}


def _organisation(value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    objects = [item for item in items if isinstance(item, dict)]
    return bool(objects) and all("organization" in types(item) for item in objects)


def _all_in(found: tuple[str, ...], sites: set[str]) -> bool:
    return all(_fold(name) in sites for name in found)


def _breadcrumbs(tree: lxml.html.HtmlElement, objects: list[dict[str, Any]]) -> tuple[str, ...]:
    for obj in objects:
        if "breadcrumblist" in types(obj):
            crumbs = _jsonld_crumbs(obj.get("itemListElement"))
            if crumbs:
                return crumbs
    for container in _crumb_containers(tree):
        crumbs = _markup_crumbs(container)
        if len(crumbs) >= 2:
            return crumbs
    return ()


def _crumb_containers(tree: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Elements named as a breadcrumb trail (class, id, ``aria-label``, microdata), in page
    order, then elements whose own first text is a "you are here" label.

    One lazy pass reading attributes, stopped by the first trail that holds crumbs: an XPath
    with ``translate`` on every element cost more than the rest of the metadata together.
    """
    located: list[lxml.html.HtmlElement] = []
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        keys = element.keys()
        if keys and (
            ("class" in keys and "crumb" in (element.get("class") or "").lower())
            or ("id" in keys and "breadcrumb" in (element.get("id") or "").lower())
            or ("aria-label" in keys and (element.get("aria-label") or "").lower() == "breadcrumb")
            or ("itemtype" in keys and "BreadcrumbList" in (element.get("itemtype") or ""))
        ):
            yield element
        if tag in LOCATION_TAGS and _location_label(element):
            located.append(element)
    yield from located


def _location_label(element: lxml.html.HtmlElement) -> bool:
    """Whether the element's first own text node opens with a "you are here" label."""
    first = element.text
    if first is None:
        first = next((tail for child in element if (tail := child.tail) is not None), None)
    if first is None or first.lstrip(" \t\r\n")[:1] not in LOCATION_INITIALS:
        return False
    opening = XML_SPACE_RE.sub(" ", first).strip(" ")
    return opening.startswith(LOCATION_LABELS) or opening.translate(LOCATION_FOLD).startswith(
        LOCATION_WORDS
    )


def _jsonld_crumbs(elements: Any) -> tuple[str, ...]:
    if not isinstance(elements, list):
        return ()
    items = [item for item in elements if isinstance(item, dict)]
    items.sort(key=lambda item: _int(item.get("position")))
    crumbs = []
    for item in items:
        name = text_value(item.get("name"))
        target = item.get("item")
        if not name and isinstance(target, dict):
            name = text_value(target.get("name"))
        if name:
            crumbs.append(name)
    return tuple(crumbs)


def _markup_crumbs(container: lxml.html.HtmlElement) -> tuple[str, ...]:
    pieces = [" ".join(text.split()) for text in container.itertext()]
    if pieces:
        pieces[0] = LOCATION_LABEL_RE.sub("", pieces[0])
    crumbs = [piece for piece in pieces if piece and not CRUMB_SEPARATOR_RE.match(piece)]
    crumbs = [crumb.strip(" >»›/|\\→·") for crumb in crumbs]
    while crumbs and crumbs[-1].lower() in CURRENT_PAGE_CRUMBS:
        crumbs.pop()
    return tuple(crumb for crumb in crumbs if crumb)


def _language(
    tree: lxml.html.HtmlElement, meta: dict[str, str], objects: list[dict[str, Any]]
) -> str | None:
    declared = [
        tree.get("lang") or tree.get("xml:lang") or "",
        meta.get("content-language", ""),
        meta.get("og:locale", ""),
        text_value(first_value(objects, "inLanguage")) or "",
    ]
    for value in declared:
        primary = re.split(r"[-_,\s]", value.strip().lower(), maxsplit=1)[0]
        if primary.isalpha() and 2 <= len(primary) <= 3:
            return primary
    return None


def _script_language(text: str) -> str | None:
    """Guess from the writing system when the page declares nothing; Latin text stays unknown.

    Each distinct character is looked up once: a page holds a few hundred of them among its
    tens of thousands of letters."""
    scripts: Counter[str] = Counter()
    for char, count in Counter(text).items():
        if char.isalpha():
            scripts[unicodedata.name(char, "").split(" ")[0]] += count
    letters = scripts.total()
    if letters < MIN_SCRIPT_CHARS:
        return None
    for script, language in (("HIRAGANA", "ja"), ("KATAKANA", "ja"), ("HANGUL", "ko")):
        if scripts[script] >= CJK_SHARE * letters / 3:
            return language
    if scripts["CJK"] >= CJK_SHARE * letters:
        return "zh"
    return None


def _canonical(tree: lxml.html.HtmlElement, meta: dict[str, str], url: str) -> str | None:
    """``rel=canonical`` (else ``og:url``) made absolute; a pointer to another site's home page
    is a template mistake and ignored."""
    hrefs = [
        link.get("href", "")
        for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    hrefs.append(meta.get("og:url", ""))
    page = urlsplit(url)
    for href in hrefs:
        if not href.strip():
            continue
        joined = join_url(url, href)
        if joined is None:
            continue
        target = urlsplit(joined)
        home = target.path in {"", "/"} and page.path not in {"", "/"}
        if target.scheme in {"http", "https"} and not (home and target.netloc != page.netloc):
            return target.geturl()
    return None


def _category(
    meta: dict[str, str], objects: list[dict[str, Any]], breadcrumbs: tuple[str, ...], headline: str
) -> str | None:
    section = text_value(first_value(objects, "articleSection")) or meta.get("article:section")
    if section:
        return section
    crumbs = [crumb for crumb in breadcrumbs if crumb.lower() not in HOME_CRUMBS]
    if len(crumbs) >= 2:
        return crumbs[-2]
    if crumbs and not (headline and _same_title(crumbs[0], headline)):
        return crumbs[0]
    return meta.get("category")


def _review(
    tree: lxml.html.HtmlElement, objects: list[dict[str, Any]], text: str
) -> tuple[tuple[str, ...], str | None]:
    """``reviewedBy``/``lastReviewed`` (MedicalWebPage), else a "Medically reviewed by" line.

    ``text`` is the page's visible text: the element search only runs when it has the words.
    """
    reviewers = names(first_value(objects, "reviewedBy"))
    reviewed = find_date(text_value(first_value(objects, "lastReviewed")) or "")
    if reviewers:
        return _unique(reviewers), reviewed
    if "reviewed by" not in text.casefold():
        return (), reviewed
    for element in _reviewed_elements(tree):
        block = element if element.tag not in {"span", "strong", "b", "em"} else element.getparent()
        text = _text(block)
        match = REVIEWED_RE.search(text)
        if match:
            linked = [_text(a) for a in block.iter("a") if _text(a)]
            name = linked[0] if linked else match.group("name")
            return (name.strip(),), reviewed or find_date(text[match.end("name") :])
    return (), reviewed


def _reviewed_elements(tree: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Elements inside ``<body>`` whose first own text node holds :data:`REVIEWED_WORDS`, in
    page order. Read in Python, each text lowered whole before the exact test: an XPath
    translating every element's text took three times as long."""
    for element in tree.iter(lxml.etree.Element):
        first = element.text
        if first is None:
            first = next((tail for child in element if (tail := child.tail) is not None), None)
        if (
            first is not None
            and REVIEWED_WORDS in first.lower()
            and REVIEWED_WORDS in first.translate(REVIEWED_FOLD)
            and next(element.iterancestors("body"), None) is not None
        ):
            yield element


def _body_text(tree: lxml.html.HtmlElement) -> str:
    """The visible text of ``<body>``, words joined by single spaces."""
    body = tree.find(".//body") if tree.tag != "body" else tree
    if body is None:
        return ""
    pieces: list[str] = []
    _visible_pieces(body, pieces)
    return " ".join(" ".join(pieces).split())


def _visible_pieces(body: lxml.html.HtmlElement, pieces: list[str]) -> None:
    """Text nodes under ``body`` in page order, scripts, styles and ``<noscript>`` left out
    (their tails are page text).

    Only the ancestors of those elements are walked in Python; every other subtree is read by
    lxml's ``itertext`` in C. An XPath testing every text node's ancestors took as long as the
    rest of the metadata, and a walk of every element a quarter more than this.
    """
    around: set[lxml.html.HtmlElement] = set()
    for invisible in body.iter(*INVISIBLE_TAGS):
        for ancestor in invisible.iterancestors():
            if ancestor in around:
                break
            around.add(ancestor)
    if body in around:
        _pieces_around(body, around, pieces)
    else:
        pieces.extend(body.itertext())


def _pieces_around(
    element: lxml.html.HtmlElement, around: set[lxml.html.HtmlElement], pieces: list[str]
) -> None:
    """:func:`_visible_pieces` of an element holding invisible ones somewhere inside."""
    text = element.text
    if text is not None:
        pieces.append(text)
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag not in INVISIBLE_TAGS:
            if child in around:
                _pieces_around(child, around, pieces)
            else:
                pieces.extend(child.itertext())
        tail = child.tail
        if tail is not None:
            pieces.append(tail)


def _text(element: lxml.html.HtmlElement | None) -> str:
    return " ".join(element.text_content().split()) if element is not None else ""


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
