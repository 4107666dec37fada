"""Generic main-content extraction: the article body of any page, with no per-site selectors.

The page is read once, bottom-up, as a sequence of text blocks. A block of real prose scores its
length; a block that is mostly link text (menus, teaser lists, tag clouds) scores minus its
length; short lines are neutral. Every container's score is the sum over the blocks inside it,
so the best-scoring container is the smallest one that holds the article's prose while leaving
out link-heavy furniture, even when the body is split over several sibling wrappers. Elements
that are boilerplate by semantics or class (see :mod:`crawler.parsers.content_rules`) are never
walked. Teaser cards (a linked headline over a short, link-heavy excerpt) count as no prose,
so a run of "latest stories" cannot pull the choice up to the whole page. The winner is copied,
cleaned of what the walk rejected, and serialized with one line per block, leaving out
datelines, ad-slot labels and long runs of lines printed twice. ``doc.tree`` is only read, never
changed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass

import lxml.etree
import lxml.html

from crawler.parsers.content_rules import (
    ACCEPT_BUTTON_MAX_CHARS,
    ACCEPT_BUTTON_RE,
    ALWAYS_JUNK_TAGS,
    BLOCK_TAGS,
    BOILERPLATE_MAX_CHARS,
    CONSENT,
    CONSENT_CLIMB_MAX,
    CONSENT_TEXT,
    CONTAINER_TAGS,
    HEADING_TAGS,
    HIDDEN,
    LANDMARK_JUNK_TAGS,
    NOT_FURNITURE,
    STRONG_FURNITURE,
    WEAK_FURNITURE,
    class_signal,
    furniture_signal,
    is_boilerplate_text,
    is_feedback_label,
    is_hidden,
    is_section_label,
)
from crawler.parsers.document import Document

PROSE_MIN_CHARS = 80
"""A block this long without being mostly links is article prose."""
SENTENCE_MIN_CHARS = 25
"""A shorter block still counts as prose when it ends like a sentence."""
SHORT_LINE_MIN_CHARS = 10
SHORT_LINE_WEIGHT = 0.1
"""A short line without links (a blog's one-line paragraphs, a product's specs) is a little prose:
enough that a post written line by line still outweighs the menus around it."""
LISTING_LINK_WEIGHT = 0.2
"""On a page that is not an article, a linked item (a product, a thread) is a little content."""
SENTENCE_END = frozenset(".!?。！？…\"'”’):;")
TEASER_ENDS = ("...", "…", "..")
"""Teaser snippets of other articles are cut off like this."""
TEASER_GROUP = 2
LINK_DENSE = 0.5
LINK_PENALTY = 2.0
"""Link characters inside a prose block cost this much, so teaser paragraphs lose to prose."""
PROTECT_SHARE = 0.5
"""A furniture-looking element holding this share of the page's prose is the page itself."""
CLIMB_SCORE_SHARE = 0.5
CLIMB_MIN_GAIN = 100
CLIMB_MIN_SHARE = 0.25
"""An ancestor of the best container is taken when it adds this much prose (CJK weighted) and
keeps this share of the best score."""
HIDDEN_PROTECT_SHARE = 0.7
"""A hidden element holding this much of the page's prose is the article a script reveals on
load (``visibility: hidden`` until the page's fonts or images arrive), not a hidden extra."""
PLAYER_CLASS_RE = re.compile(r"player|Player")
PLAYER_TAGS = frozenset({"div", "section", "figure"})
PLAYER_MAX_PROSE = 100
"""A player's own messages ("当前视频播放失败") weigh a little; a captioned video's text more."""
"""A player is a box; tables and lists classed ``player`` are a sports page's standings."""
SIGNUP_INPUT_TYPES = frozenset({"email", "number"})
SIGNUP_MAX_PROSE = 600
SIGNUP_CLIMB_MAX = 10
"""A sign-up or donation box says its pitch in a few lines; more prose is the page around it."""
MENU_LINK_SHARE = 0.8
"""A navigation landmark this much link text is a menu, never the page's content."""
PROTECT_SHARES = {HIDDEN: HIDDEN_PROTECT_SHARE, CONSENT: float("inf")}
WEAK_MAX_PROSE = 400
"""A weak furniture name (``meta``, ``more``) only condemns an element with less prose than this."""
CJK_SCALE = 3
"""One CJK character carries about as much as three Latin letters."""
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
CJK_SAMPLE_CHARS = 4000
DATELINE_RE = re.compile(
    r"(?:first |last )?(?:published|updated|posted|modified)\b(?: on)?\s*:?"
    r"(?:[^.!?]|\.(?=\s*\d))*\b(?:19|20)\d\d\b",
    re.IGNORECASE,
)
DATELINE_MAX_CHARS = 100
"""A short line announcing when the article was published or updated is page furniture."""
DATELINE_THEN_SENTENCE_RE = re.compile(r"\s*[.;]\s+(?=[^\W\d_])")
"""A dateline ended by a full stop and followed by a sentence ("Published Jan. 3, 2026. The
study followed…"): the sentence is the article's, only the dateline is furniture. A time or a
byline after a bar or a dash stays with the dateline."""
AD_LABEL_RE = re.compile(
    r"(?:advert(?:isement)?s?|sponsored(?: content)?|anzeige|publicidad|publicité|pubblicità)"
    r"(?: ?- ?scroll to continue(?: with content)?)?$",
    re.IGNORECASE,
)
"""The label over an ad slot, left behind once the ad itself (a script or iframe) is gone."""
NAME_RUN_MIN_CHARS = 500
NAME_RUN_PUNCTUATION = 1 / 400
"""A text run this long with fewer punctuation marks per character than this is names or
numbers one after another (the towns and postcodes a business serves, a tag cloud printed as
text), not prose: prose ends a sentence every few hundred characters at most, in every script
that has such marks."""
PUNCTUATION_RE = re.compile(r"[^\w\s]")
"""Any mark that is neither a letter, a digit nor a space: full stops and commas of every script
(the Urdu ``۔``, the Devanagari ``।``), quotes, brackets, dashes."""
UNMARKED_SCRIPT_RE = re.compile(r"[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff]")
"""Thai, Lao, Tibetan, Myanmar and Khmer separate sentences by spaces or by marks of their own:
the rule leaves them alone."""
REPEAT_RUN_MIN_CHARS = 2000
"""A run of already printed lines this long is a duplicated section, not the article's own."""
CODE_TAGS = frozenset({"pre", "code"})
"""Classes inside code are syntax-highlighting tokens (``hljs-comment``), not page roles."""
CARD_TAGS = frozenset({"article", "li", "div", "section"})
CARD_MAX_PROSE = 400
"""A teaser card (linked headline over a short excerpt) holds less prose than this."""
CARD_TITLE_LINK_SHARE = 0.8
CARD_MIN_LINK_SHARE = 0.25
"""Teasers are link-heavy (title, source, tags); a roundup's item is mostly its own description."""
CONSENT_MAX_SHARE = 0.8
"""A consent dialog found by its button holds less of the page's prose than this."""
PAGE_PARTS_XPATH = lxml.etree.XPath("(.//h1|.//article|.//main)[1]")


@dataclass(frozen=True)
class ContentProfile:
    """Per-site override: CSS or XPath selectors that take precedence over the generic walk.

    An XPath starts with ``/`` or ``(``; anything else is read as CSS.
    """

    body_selector: tuple[str, ...] = ()
    remove_selectors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """How the page is read, from what it declares and whether it was judged an article."""

    whole_page: bool = False
    """The page is not an article (a listing, a product, a forum thread): its teasers and linked
    items are what a reader came for, so they are kept and weighed."""
    discussion: bool = False
    """The page declares itself a forum thread or Q&A page, whose posts are named like comments."""
    single_item: bool = False
    """The page presents one item (a product); read whole, it still loses other items' teaser
    cards ("You may also like")."""


AS_ARTICLE = Reading()
"""A page read for its one article, declaring nothing that changes how."""


@dataclass(frozen=True)
class MainContent:
    node: lxml.html.HtmlElement
    """A cleaned copy of the main-content subtree; block structure (lists, headings) is kept."""
    text: str
    """Body text, one paragraph per line, without the headline."""
    link_density: float
    """Share of the text's characters inside links; listings score high."""
    origin: lxml.html.HtmlElement | None = None
    """The element of the page's own tree the text was taken from (where it sits on the page)."""
    teasers: int = 0
    """Teaser cards and "..."-cut excerpts of other pages left out of the text: a listing's mark."""


def main_content(
    doc: Document,
    profile: ContentProfile | None = None,
    reading: Reading = AS_ARTICLE,
) -> MainContent:
    """Find, copy and clean the main content of ``doc``, read as ``reading`` says;
    ``doc.tree`` is left untouched."""
    found = _profiled_node(doc, profile) if profile is not None else None
    if found is not None:
        origin, node, teasers = (*found, 0)
    else:
        origin, node, teasers = _generic_node(doc.tree, reading)
    text, link_chars = serialize(node)
    return MainContent(
        node=node,
        text=text,
        link_density=link_chars / len(text) if text else 0.0,
        origin=origin,
        teasers=teasers,
    )


def serialize(node: lxml.html.HtmlElement) -> tuple[str, int]:
    """Text of ``node`` with one line per block, and how many of its characters are link text."""
    parts: list[str] = []
    link_chars = _emit(node, parts, in_link=False)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(_without_repeats(lines)), link_chars


def _without_repeats(lines: Iterable[str]) -> list[str]:
    """Drop empty lines, datelines and long runs of lines already printed.

    Responsive layouts and carousels print whole sections twice; an article repeats single
    lines (a meal plan's days) but not long runs of them.
    """
    kept: list[str] = []
    seen: set[str] = set()
    run: list[str] = []
    for line in lines:
        if not line or AD_LABEL_RE.match(line):
            continue
        if len(line) <= DATELINE_MAX_CHARS and (dateline := DATELINE_RE.match(line)):
            rest = DATELINE_THEN_SENTENCE_RE.match(line, dateline.end())
            if rest is None:
                continue
            line = line[rest.end() :]
        if line in seen:
            run.append(line)
            continue
        _flush_run(kept, run)
        seen.add(line)
        kept.append(line)
    _flush_run(kept, run)
    return kept


def _flush_run(kept: list[str], run: list[str]) -> None:
    if sum(map(len, run)) < REPEAT_RUN_MIN_CHARS:
        kept.extend(run)
    run.clear()


def _emit(element: lxml.html.HtmlElement, parts: list[str], in_link: bool) -> int:
    tag = element.tag
    if not isinstance(tag, str):
        return 0
    if tag == "br":
        parts.append("\n")
        return 0
    in_link = in_link or tag == "a"
    block = tag in BLOCK_TAGS
    if block:
        parts.append("\n")
    link_chars = 0
    text = element.text
    if text:
        parts.append(text)
        link_chars += len(text.strip()) if in_link else 0
    for child in element:
        link_chars += _emit(child, parts, in_link)
        tail = child.tail
        if tail:
            parts.append(tail)
            link_chars += len(tail.strip()) if in_link else 0
    if block:
        parts.append("\n")
    return link_chars


def _generic_node(
    tree: lxml.html.HtmlElement, reading: Reading
) -> tuple[lxml.html.HtmlElement, lxml.html.HtmlElement, int]:
    """The chosen container, its cleaned copy and how many teasers were cut from it."""
    body = tree.find("body")
    root = body if body is not None else tree
    walk = _Walk(root, reading)
    _, prose = walk.visit(root, [0, 0, "", [], 0], in_link=False)
    if not prose and root.find(".//noscript") is not None:
        junk_tags = ALWAYS_JUNK_TAGS - {"noscript"}
        walk = _Walk(root, reading, junk_tags=junk_tags)
        _, prose = walk.visit(root, [0, 0, "", [], 0], in_link=False)
    container = walk.choose(root, prose)
    if not prose:
        return container, _clean_copy(container, walk.rejected), 0
    if reading.whole_page:
        return container, _clean_copy(container, walk.rejected | walk.notices | walk.cards), 0
    left_out = walk.rejected | walk.link_blocks | walk.notices
    cut = _teaser_group(container, walk.teasers, left_out)
    cards = _kept(container, walk.cards - walk.rejected, left_out)
    teasers = max(len(cards), len(cut))
    return container, _clean_copy(container, left_out | walk.cards | cut), teasers


def _is_card(element: lxml.html.HtmlElement) -> bool:
    """A block titled by a heading that is all link: another article's teaser, not prose.

    A heading linking within the page (``#section``) is a table of contents entry, not a teaser.
    """
    heading = next(element.iterdescendants(*HEADING_TAGS), None)
    if heading is None:
        return False
    title = heading.text_content().strip()
    if not title:
        return False
    linked = sum(
        len(link.text_content().strip())
        for link in heading.iter("a")
        if not (link.get("href") or "#").startswith("#")
    )
    if linked < CARD_TITLE_LINK_SHARE * len(title):
        return False
    text = _visible_chars(element.text_content())
    links = sum(_visible_chars(link.text_content()) for link in element.iter("a"))
    return links >= CARD_MIN_LINK_SHARE * text


def _visible_chars(text: str) -> int:
    """Characters other than whitespace (the same as ``\\s``): split and join, several times
    faster than removing whitespace with a regular expression."""
    return len("".join(text.split()))


def _teaser_group(
    container: lxml.html.HtmlElement,
    teasers: list[lxml.html.HtmlElement],
    left_out: set[lxml.html.HtmlElement],
) -> set[lxml.html.HtmlElement]:
    """Blocks cut with an ellipsis inside the container and outside the blocks left out of it,
    when the container holds several of them.

    One paragraph trailing off with "..." is prose; a run of them is a teaser list. Those inside
    a left-out block count towards the run but go with that block.
    """
    inside = 0
    kept = set()
    for teaser in teasers:
        covered = False
        for ancestor in teaser.iterancestors():
            if ancestor is container:
                inside += 1
                if not covered:
                    kept.add(teaser)
                break
            covered = covered or ancestor in left_out
    return kept if inside >= TEASER_GROUP else set()


def _kept(
    container: lxml.html.HtmlElement,
    elements: Iterable[lxml.html.HtmlElement],
    left_out: set[lxml.html.HtmlElement],
) -> set[lxml.html.HtmlElement]:
    """Those of ``elements`` inside ``container`` and not inside a block left out of it.

    Teasers in a "related stories" rail that the walk already cut are not the main text's: a
    news article carrying sixty of them in its sidebar is still one article.
    """
    kept = set()
    for element in elements:
        for ancestor in element.iterancestors():
            if ancestor is container:
                kept.add(element)
                break
            if ancestor in left_out:
                break
    return kept


class _Walk:
    """One bottom-up pass scoring every container and noting what to leave out.

    Elements that look like furniture (landmarks, hidden, furniture class names) are walked like
    any other and only judged at the end, against the page's total prose: class names are noisy
    (``newsletter-post`` on a newsletter's article, ``sidebar-enabled`` on a layout wrapper), but
    real furniture never holds most of a page's prose.
    """

    def __init__(
        self,
        root: lxml.html.HtmlElement,
        reading: Reading,
        junk_tags: frozenset[str] = ALWAYS_JUNK_TAGS,
    ) -> None:
        self.reading = reading
        self.cut_cards = not reading.whole_page or reading.single_item
        """Other articles' or items' teaser cards are cut, except from a listing read whole."""
        self.junk_tags = junk_tags
        """Tags never walked. ``<noscript>`` is one, except on a page whose only text is there:
        forum and app pages serve their whole readable view to browsers without scripts in it."""
        sample = _text_sample(root)
        cjk = not sample.isascii() and len(CJK_RE.findall(sample)) > len(sample) // 4
        self.scale = CJK_SCALE if cjk else 1
        self.rejected: set[lxml.html.HtmlElement] = set()
        self.link_blocks: set[lxml.html.HtmlElement] = set()
        self.teasers: list[lxml.html.HtmlElement] = []
        self.cards: set[lxml.html.HtmlElement] = set()
        self.code_depth = 0
        self.scores: dict[lxml.html.HtmlElement, float] = {}
        self.suspects: list[tuple[lxml.html.HtmlElement, float, float, int]] = []
        self.totals: dict[lxml.html.HtmlElement, tuple[float, float]] = {}
        self.labels: list[lxml.html.HtmlElement] = []
        self.notices: set[lxml.html.HtmlElement] = set()
        self.prose_lost: dict[lxml.html.HtmlElement, float] = {}
        self.accept_buttons: list[lxml.html.HtmlElement] = []
        self.signup_inputs: list[lxml.html.HtmlElement] = []
        self.removed_prose: dict[lxml.html.HtmlElement, float] = {}

    def visit(
        self, element: lxml.html.HtmlElement, block: list, in_link: bool
    ) -> tuple[float, float]:
        """Return the subtree's score and its prose (sum of its positive block weights)."""
        tag = element.tag
        if not isinstance(tag, str) or tag in self.junk_tags:
            if isinstance(tag, str):
                self.rejected.add(element)
                if tag == "input" and element.get("type") in SIGNUP_INPUT_TYPES:
                    self.signup_inputs.append(element)
            return 0.0, 0.0
        if tag == "button":
            label = " ".join(element.text_content().split())
            if len(label) <= ACCEPT_BUTTON_MAX_CHARS and ACCEPT_BUTTON_RE.fullmatch(label):
                self.accept_buttons.append(element)
        in_link = in_link or tag == "a"
        own: list = [0, 0, "", [], 0] if tag in BLOCK_TAGS else block
        text = element.text
        if text and not text.isspace():
            self._add(own, text, in_link)
        score = prose = 0.0
        code = tag in CODE_TAGS
        self.code_depth += code
        for child in element:
            child_score, child_prose = self.visit(child, own, in_link)
            score += child_score
            prose += child_prose
            tail = child.tail
            if tail and not tail.isspace():
                self._add(own, tail, in_link)
        self.code_depth -= code
        if own is not block:
            weight = self._weight(element, own)
            score += weight
            if weight > 0:
                prose += weight
            elif weight < 0 and score < 0:
                self.link_blocks.add(element)
            if (
                self.cut_cards
                and 0 < prose < CARD_MAX_PROSE
                and tag in CARD_TAGS
                and _is_card(element)
            ):
                self.cards.add(element)
                score -= prose
                prose = 0.0
            if tag in CONTAINER_TAGS:
                self.scores[element] = score
            if tag in HEADING_TAGS and is_section_label(" ".join(own[3])):
                self.labels.append(element)
        self.totals[element] = (score, prose)
        signal = (
            NOT_FURNITURE
            if self.code_depth
            else self._suspicion(element, tag, self.reading.discussion)
        )
        if signal == STRONG_FURNITURE and self.reading.whole_page and _item_header(element, tag):
            signal = furniture_signal(element) if element.keys() else NOT_FURNITURE
        elif signal == NOT_FURNITURE and prose < PLAYER_MAX_PROSE and tag in PLAYER_TAGS:
            signal = STRONG_FURNITURE if _player(element) else NOT_FURNITURE
        if signal >= STRONG_FURNITURE or (signal != NOT_FURNITURE and prose < WEAK_MAX_PROSE):
            self.suspects.append((element, score, prose, signal))
        return score, prose

    def choose(self, root: lxml.html.HtmlElement, total: float) -> lxml.html.HtmlElement:
        """Reject suspects holding little of the page's ``total`` prose, then pick a container.

        Consent managers go first and their text leaves the total: a long cookie policy must not
        make the article look like a small part of the page.
        """
        scores = self.scores
        dead: dict[lxml.html.HtmlElement, float] = {}
        self.suspects.extend(self._consent_dialogs(total))
        self.suspects.extend(self._signup_boxes())
        for element, score, _, signal in reversed(self.suspects):
            if signal == CONSENT and element not in dead:
                # Only the prose not already taken with a consent box inside this one.
                total -= self._reject(element, score, dead)
        for element in self._labelled_sections(total):
            score, prose = self.totals.get(element, (0.0, 0.0))
            if element not in dead and prose < PROTECT_SHARE * total:
                self._reject(element, score, dead)
        twins = self._first_twins()
        for element, score, prose, signal in reversed(self.suspects):
            share = PROTECT_SHARES.get(signal, PROTECT_SHARE)
            if element in dead or element in twins:
                continue
            if prose >= share * total > 0 and not _menu(element):
                continue
            self._reject(element, score, dead)
        best, best_score = root, 0.0
        if not total:
            return root
        for element, score in scores.items():
            if score > best_score:
                best, best_score = element, score
        return self._climb(best, best_score)

    def _first_twins(self) -> set[lxml.html.HtmlElement]:
        """The first of two weak suspects printing the same prose: a responsive layout's copies
        of one block (``hidden-md-down`` and ``hidden-md-up``), one shown on every screen."""
        first: dict[str, lxml.html.HtmlElement] = {}
        twins = set()
        for element, _, prose, signal in self.suspects:
            if signal != WEAK_FURNITURE or prose < PROSE_MIN_CHARS:
                continue
            key = " ".join(element.text_content().split())
            seen = first.setdefault(key, element)
            if seen is not element and not any(a is seen for a in element.iterancestors()):
                twins.add(seen)
        return twins

    def _signup_boxes(self) -> list[tuple[lxml.html.HtmlElement, float, float, int]]:
        """The box around an e-mail or amount field: a newsletter sign-up or a donation appeal,
        its pitch ("Join 250,000 subscribers", "Your support is essential") outside the form
        itself. The widest ancestor (form builders nest fields deep) still holding little prose
        and none of the page's headline, article or main element."""
        found = []
        for field in self.signup_inputs:
            box = None
            for depth, ancestor in enumerate(field.iterancestors()):
                if depth >= SIGNUP_CLIMB_MAX or ancestor.tag in ("body", "html"):
                    break
                score, prose = self.totals.get(ancestor, (0.0, 0.0))
                if prose >= SIGNUP_MAX_PROSE * self.scale or PAGE_PARTS_XPATH(ancestor):
                    break
                box = (ancestor, score, prose, STRONG_FURNITURE)
            if box is not None:
                found.append(box)
        return found

    def _consent_dialogs(
        self, total: float
    ) -> list[tuple[lxml.html.HtmlElement, float, float, int]]:
        """Dialogs asking for consent, found by their accept button rather than their class
        names: the button's nearest ancestor whose text names cookies, a few levels up at most.
        Never one holding the page's headline, its article or main element, or nearly all of
        its prose: that is the page a cookie notice sits in, with a "Got it" button of its own.
        """
        found = []
        for button in self.accept_buttons:
            for depth, ancestor in enumerate(button.iterancestors()):
                if depth >= CONSENT_CLIMB_MAX or ancestor.tag in ("body", "html"):
                    break
                if PAGE_PARTS_XPATH(ancestor):
                    break
                lowered = ancestor.text_content().lower()
                if any(word in lowered for word in CONSENT_TEXT):
                    score, prose = self.totals.get(ancestor, (0.0, 0.0))
                    if prose < CONSENT_MAX_SHARE * total:
                        found.append((ancestor, score, prose, CONSENT))
                    break
        return found

    def _labelled_sections(self, total: float) -> list[lxml.html.HtmlElement]:
        """What a heading such as "Comments" or "More from the site" announces.

        The heading's parent when that is a small box; when the parent is the article's own
        wrapper, the heading and the siblings after it up to the next heading of its rank.
        A page read whole keeps its "Latest news" or "Related products" lists (they are the
        listing) and loses only reader feedback: reviews, and comments unless it is a thread.
        """
        found = []
        for heading in self.labels:
            if self.reading.whole_page and (
                self.reading.discussion or not is_feedback_label(heading.text_content())
            ):
                continue
            parent = heading.getparent()
            if parent is None:
                continue
            if self.totals.get(parent, (0.0, 0.0))[1] < PROTECT_SHARE * total:
                found.append(parent)
                continue
            found.append(heading)
            for sibling in heading.itersiblings():
                if sibling.tag in HEADING_TAGS and sibling.tag <= heading.tag:
                    break
                found.append(sibling)
        return found

    def _reject(
        self, element: lxml.html.HtmlElement, score: float, dead: dict[lxml.html.HtmlElement, float]
    ) -> float:
        """Leave ``element`` out; its ancestors lose its score and prose, less what was taken.

        Returns the prose this removes (what elements left out before had not)."""
        self.rejected.add(element)
        inners = list(element.iter())
        # Only elements rejected before have removed prose: the few dead ones are read.
        dead_inners = [inner for inner in inners if inner in dead]
        inner_score = inner_prose = 0.0
        for inner in dead_inners:
            inner_score += dead[inner]
            inner_prose += self.removed_prose.get(inner, 0.0)
        own = score - inner_score
        own_prose = self.totals.get(element, (0.0, 0.0))[1] - inner_prose
        for ancestor in element.iterancestors():
            if ancestor in self.scores:
                self.scores[ancestor] -= own
            self.prose_lost[ancestor] = self.prose_lost.get(ancestor, 0.0) + own_prose
        dead.update(dict.fromkeys(inners, 0.0))
        for inner in dead_inners:
            self.removed_prose.pop(inner, None)
        for inner in inners:
            self.scores.pop(inner, None)
        dead[element] = score
        self.removed_prose[element] = own_prose + inner_prose
        return own_prose

    def _climb(self, best: lxml.html.HtmlElement, best_score: float) -> lxml.html.HtmlElement:
        """Widen the choice to an article or main element holding clearly more prose.

        Templates split one article over sibling wrappers (a lead block, then the rest after an
        embed or an ad); the wrapper of both scores lower once it also holds a share bar or a
        link list, but those are cut from the copy anyway.
        """
        chosen = best
        prose = self._prose(best)
        for ancestor in best.iterancestors():
            if ancestor.tag in ("body", "html") or ancestor not in self.scores:
                break
            if self.scores[ancestor] < CLIMB_SCORE_SHARE * best_score:
                break
            if not _semantic_body(ancestor):
                continue
            wider = self._prose(ancestor)
            if wider >= prose + max(CLIMB_MIN_GAIN, CLIMB_MIN_SHARE * prose):
                chosen, prose = ancestor, wider
        return chosen

    def _prose(self, element: lxml.html.HtmlElement) -> float:
        return self.totals.get(element, (0.0, 0.0))[1] - self.prose_lost.get(element, 0.0)

    def _add(self, block: list, text: str, in_link: bool) -> None:
        stripped = text.strip()
        if not stripped:
            return
        size = len(stripped) * self.scale
        block[0] += size
        if in_link:
            block[1] += size
        block[2] = stripped[-3:]
        if block[0] <= BOILERPLATE_MAX_CHARS * self.scale:
            block[3].append(stripped)
        if len(stripped) >= NAME_RUN_MIN_CHARS and _name_run(stripped):
            block[4] += size

    def _weight(self, element: lxml.html.HtmlElement, block: list) -> float:
        chars, link_chars, end, pieces, names = block
        if not chars:
            return 0.0
        if names * 2 > chars:
            return -float(chars)
        if is_boilerplate_text(" ".join(pieces)):
            self.notices.add(element)
            return -float(chars)
        if link_chars > LINK_DENSE * chars:
            return LISTING_LINK_WEIGHT * chars if self.reading.whole_page else -float(chars)
        if end.endswith(TEASER_ENDS) and not self.reading.whole_page:
            self.teasers.append(element)
            return 0.0
        if chars >= PROSE_MIN_CHARS or (chars >= SENTENCE_MIN_CHARS and end[-1] in SENTENCE_END):
            return chars - LINK_PENALTY * link_chars
        if not link_chars and chars >= SHORT_LINE_MIN_CHARS:
            return SHORT_LINE_WEIGHT * chars
        return 0.0

    @staticmethod
    def _suspicion(element: lxml.html.HtmlElement, tag: str, discussion: bool) -> int:
        """Every element is judged, so the attribute names are read once and only the
        attributes present are looked up (a fifth of elements have none, most have only a class)."""
        if tag in ("body", "html", "main"):
            return NOT_FURNITURE
        keys = element.keys()
        if not keys:
            return STRONG_FURNITURE if tag in LANDMARK_JUNK_TAGS else NOT_FURNITURE
        if "itemprop" in keys and element.get("itemprop") == "articleBody":
            return NOT_FURNITURE
        if ("hidden" in keys or "aria-hidden" in keys or "style" in keys) and is_hidden(element):
            return HIDDEN
        if tag in LANDMARK_JUNK_TAGS:
            return STRONG_FURNITURE
        return class_signal(
            element.get("class") if "class" in keys else None,
            element.get("id") if "id" in keys else None,
            discussion,
        )


def _player(element: lxml.html.HtmlElement) -> bool:
    """A media player's frame (``video-player``, ``mplayer``, ``playerControl``): with no prose
    inside, its text is control labels ("倍速 1.5X", "00:00 / 03:12", "Fullscreen")."""
    classes = element.get("class")
    return bool(classes) and PLAYER_CLASS_RE.search(classes) is not None


def _menu(element: lxml.html.HtmlElement) -> bool:
    """A ``<nav>`` or ``<menu>`` that is nearly all link text: a site's menu, however much of
    the page it fills (a shop's mega menu can outweigh the product it sits over)."""
    if element.tag not in ("nav", "menu"):
        return False
    links = sum(_visible_chars(link.text_content()) for link in element.iter("a"))
    return links > MENU_LINK_SHARE * _visible_chars(element.text_content())


def _item_header(element: lxml.html.HtmlElement, tag: str) -> bool:
    """A ``<header>`` or ``<footer>`` of one item (inside an ``<article>`` or ``<section>``),
    not of the page: HTML gives such a one no banner or contentinfo role. On a listing it holds
    each teaser's title and summary, what a reader of the listing came for."""
    if tag not in ("header", "footer"):
        return False
    for ancestor in element.iterancestors():
        if ancestor.tag in ("article", "section"):
            return True
        if ancestor.tag in ("body", "main"):
            return False
    return False


def _text_sample(root: lxml.html.HtmlElement) -> str:
    """The page's first :data:`CJK_SAMPLE_CHARS` characters of text, scripts and styles left
    out: a Japanese page whose body opens with inline scripts is still read as Japanese."""
    parts: list[str] = []
    size = 0
    for element in root.iter():
        tag = element.tag
        text = element.text if isinstance(tag, str) and tag not in ALWAYS_JUNK_TAGS else None
        for piece in (text, element.tail if element is not root else None):
            if piece and not piece.isspace():
                parts.append(piece)
                size += len(piece)
        if size >= CJK_SAMPLE_CHARS:
            break
    return "".join(parts)[:CJK_SAMPLE_CHARS]


def _name_run(text: str) -> bool:
    """Whether a long text run is names or numbers one after another rather than sentences."""
    if UNMARKED_SCRIPT_RE.search(text, 0, NAME_RUN_MIN_CHARS * 2):
        return False
    length = len("".join(text.split()))
    return length >= NAME_RUN_MIN_CHARS and len(
        PUNCTUATION_RE.findall(text)
    ) < NAME_RUN_PUNCTUATION * length


def _semantic_body(element: lxml.html.HtmlElement) -> bool:
    """The page says this element holds the article (``<article>``, ``<main>``, articleBody)."""
    return (
        element.tag in ("article", "main")
        or element.get("role") == "main"
        or element.get("itemprop") == "articleBody"
    )


def _clean_copy(
    container: lxml.html.HtmlElement, rejected: set[lxml.html.HtmlElement]
) -> lxml.html.HtmlElement:
    """Deep-copy ``container`` and drop, in the copy, what the walk rejected plus the headline."""
    duplicate = copy.deepcopy(container)
    headline = container.find(".//h1")
    doomed = [
        dup
        for orig, dup in zip(container.iter(), duplicate.iter(), strict=True)
        if orig in rejected or orig is headline
    ]
    for element in reversed(doomed):
        if element is not duplicate:
            element.drop_tree()
    return duplicate


def _profiled_node(
    doc: Document, profile: ContentProfile
) -> tuple[lxml.html.HtmlElement, lxml.html.HtmlElement] | None:
    for selector in profile.body_selector:
        found = _select(doc.tree, selector)
        if found:
            node = copy.deepcopy(found[0])
            for remove in profile.remove_selectors:
                for element in _select(node, remove):
                    if element is not node:
                        element.drop_tree()
            return found[0], node
    return None


def _select(root: lxml.html.HtmlElement, selector: str) -> list[lxml.html.HtmlElement]:
    if selector.startswith(("/", "(", "./")):
        return [found for found in root.xpath(selector) if isinstance(found, lxml.html.HtmlElement)]
    return root.cssselect(selector)
