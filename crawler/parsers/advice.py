"""Numbered advice lists and bullet lists of the article body.

Health pages number their advice in many ways (``<ol>``, one ``<p>`` or ``<br>`` line per item,
numbered headings with explanation paragraphs, several items inline in one paragraph), so items
are recognised on the flat block sequence of :mod:`crawler.parsers.advice_blocks`, by printed
marker, and grouped into lists by style and ascending number. The printed number is kept as the
truth: gaps stay gaps, and a restart at 1 opens a new list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import lxml.html

from crawler.parsers.advice_blocks import (
    BOLD_RANK,
    HEADING_RANKS,
    PLAIN_RANK,
    Block,
    collapse,
    content_blocks,
    link_text_chars,
    own_text,
    skip_verdict,
    small_share,
)
from crawler.parsers.numbering import (
    Marker,
    boundary_markers,
    clean_item_text,
    first_sentence,
    leading_marker,
)
from crawler.parsers.records import AdviceItem, BulletList

MIN_ITEMS = 2
MAX_GAP = 5
"""Largest jump between printed numbers still read as one list (the sample page skips 3 -> 6)."""
MAX_START = 3
"""A list recognised from text alone starts at 1, or a little later when the page skips."""
LINK_ITEM_RATIO = 0.5
"""An item whose text is at least this share of link text is a link, not advice."""
REFERENCE_HEADING_RE = re.compile(
    r"^\W*(?:references?|sources?|bibliography|citations?|footnotes?|notes|works cited|"
    r"further reading|参考文献|参考资料|资料来源|文献来源|引用|注释|注解|译注)\W*$",
    re.I,
)
CITATION_RE = re.compile(
    r"\bdoi\b|https?://|www\.|\bet al\b|\((?:19|20)\d{2}\)|\b(?:19|20)\d{2}\s*;\s*\d|"
    r"\d+\s*\(\d+\)\s*:\s*\d+|\b(?:retrieved|accessed|pmid|pmc\d+|isbn)\b|^\^",
    re.I,
)
LEAD_SEPARATORS = " :：-–—"


@dataclass(frozen=True)
class _Candidate:
    """A block (or ``<li>``, or inline segment) that opens with a list marker."""

    position: tuple[int, int]
    block: int
    number: int
    marker: str
    text: str
    rank: int
    key: tuple[str, int]
    link_ratio: float = 0.0
    lead_rest: str = ""
    """Text after a bold lead-in in the same paragraph: the start of the explanation."""
    from_markup: bool = False
    """``<ol>`` items: the markup says they form a list, whatever the numbers."""


def advice_lists(
    node: lxml.html.HtmlElement, body_chars: int | None = None
) -> tuple[AdviceItem, ...]:
    """Every numbered advice list under ``node``, items in list then document order.

    ``node`` may be the article's whole region in the page rather than its cleaned body, so
    items whose titles are links (which a body extractor drops as link blocks) are still
    read; ``body_chars`` is then the body's size (see :func:`content_blocks`).
    """
    blocks = content_blocks(node, body_chars)
    runs: list[list[_Candidate]] = []
    candidates: list[_Candidate] = []
    heading = ""
    for index, block in enumerate(blocks):
        if block.element is not None:
            if not _is_reference_or_contents(block.element, heading):
                candidates.extend(_ol_candidates(block.element, index))
        elif not REFERENCE_HEADING_RE.match(heading):
            inline = _inline_runs(block, index)
            runs.extend(inline)
            candidate = None if inline else _block_candidate(block, index)
            if candidate is not None:
                candidates.append(candidate)
        if block.rank <= BOLD_RANK:
            heading = block.text
    runs.extend(_group(candidates))
    kept = sorted((run for run in runs if _is_advice(run, blocks)), key=lambda run: run[0].position)
    return tuple(item for index, run in enumerate(kept) for item in _items(run, index, blocks))


def bullet_lists(node: lxml.html.HtmlElement) -> tuple[BulletList, ...]:
    """The ``<ul>`` lists of the body; navigation-like link lists are left out.

    The body's size is read only when it has a list (a third of pages have none)."""
    uls = list(node.iter("ul"))
    if not uls:
        return ()
    skipped = _Skipped(node)
    lists: list[BulletList] = []
    for ul in uls:
        if _in_boilerplate(ul, node, skipped):
            continue
        items = [li for li in ul if li.tag == "li" and not skipped(li)]
        texts = tuple(text for text in (own_text(li) for li in items) if text)
        linked = sum(_link_ratio(li) >= LINK_ITEM_RATIO for li in items)
        if texts and linked * 2 <= len(items):
            lists.append(BulletList(list_index=len(lists), items=texts))
    return tuple(lists)


def _item_rank(block: Block) -> int:
    if block.rank < BOLD_RANK:
        return block.rank
    if block.lead and leading_marker(block.lead):
        return BOLD_RANK
    return block.rank


def _block_candidate(block: Block, index: int) -> _Candidate | None:
    rank = _item_rank(block)
    source = block.lead if rank == BOLD_RANK else block.text
    marker = leading_marker(source)
    if marker is None:
        return None
    text = clean_item_text(source[marker.end :])
    if not text:
        return None
    rest = ""
    if rank == BOLD_RANK and block.text.startswith(block.lead):
        rest = block.text[len(block.lead) :].strip(LEAD_SEPARATORS)
    return _Candidate(
        position=(index, 0),
        block=index,
        number=marker.number,
        marker=marker.literal,
        text=text,
        rank=rank,
        key=(marker.style, rank),
        link_ratio=block.link_ratio,
        lead_rest=rest,
    )


def _inline_runs(block: Block, index: int) -> list[list[_Candidate]]:
    """Lists written inside one paragraph: "… daily life: 1. Do not … 2. Drink …"."""
    runs = []
    for chain in _chains(boundary_markers(block.text)):
        run = []
        for offset, marker in enumerate(chain):
            if offset + 1 < len(chain):
                text = block.text[marker.end : chain[offset + 1].start]
            else:
                text = first_sentence(block.text[marker.end :])
            run.append(
                _Candidate(
                    position=(index, offset),
                    block=index,
                    number=marker.number,
                    marker=marker.literal,
                    text=clean_item_text(text),
                    rank=PLAIN_RANK,
                    key=("inline", index),
                )
            )
        runs.append(run)
    return runs


def _chains(markers: tuple[Marker, ...]) -> list[list[Marker]]:
    """Ascending runs of same-style markers; stray markers that fit no run stay prose."""
    chains: list[list[Marker]] = []
    current: list[Marker] = []
    for marker in markers:
        if current and _continues(current[-1], marker):
            current.append(marker)
        elif marker.number <= MAX_START and (marker.number == 1 or len(current) < MIN_ITEMS):
            if len(current) >= MIN_ITEMS:
                chains.append(current)
            current = [marker]
    if len(current) >= MIN_ITEMS:
        chains.append(current)
    return chains


def _continues(previous: Marker, marker: Marker) -> bool:
    return marker.style == previous.style and 0 < marker.number - previous.number <= MAX_GAP


def _ol_candidates(ol: lxml.html.HtmlElement, index: int, depth: int = 0) -> list[_Candidate]:
    """Items of an ``<ol>``: ``start``/``value`` numbering unless the item prints its own."""
    candidates: list[_Candidate] = []
    number = _int_attribute(ol, "start", 1)
    for li in ol:
        if li.tag != "li":
            continue
        number = _int_attribute(li, "value", number)
        text, rest = _li_text(li)
        marker = leading_marker(text)
        printed, literal = number, f"{number}."
        if marker is not None:
            printed, literal, text = marker.number, marker.literal, text[marker.end :]
        text = clean_item_text(text)
        if text:
            candidates.append(
                _Candidate(
                    position=(index, len(candidates)),
                    block=index,
                    number=printed,
                    marker=literal,
                    text=text,
                    rank=PLAIN_RANK,
                    key=("ol", depth),
                    link_ratio=_link_ratio(li),
                    lead_rest=rest,
                    from_markup=True,
                )
            )
        for nested in _nested_lists(li):
            candidates.extend(
                replace(item, position=(index, len(candidates) + offset))
                for offset, item in enumerate(_ol_candidates(nested, index, depth + 1))
            )
        number = printed + 1
    return candidates


def _li_text(li: lxml.html.HtmlElement) -> tuple[str, str]:
    """Item text and explanation of an ``<li>`` that opens with a heading or bold title."""
    text = own_text(li)
    first = next((child for child in li if isinstance(child.tag, str)), None)
    if first is None or (li.text or "").strip():
        return text, ""
    if first.tag not in HEADING_RANKS and first.tag not in {"b", "strong"}:
        return text, ""
    lead = collapse(first.text_content())
    if not lead or lead == text or not text.startswith(lead):
        return text, ""
    return lead, text[len(lead) :].strip(LEAD_SEPARATORS)


def _nested_lists(li: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    for ol in li.iter("ol"):
        parent = ol.getparent()
        while parent is not None and parent is not li and parent.tag != "ol":
            parent = parent.getparent()
        if parent is li:
            yield ol


def _group(candidates: list[_Candidate]) -> list[list[_Candidate]]:
    """Runs of same-style, same-rank items whose printed numbers ascend."""
    finished: list[list[_Candidate]] = []
    open_runs: dict[tuple[str, int], list[_Candidate]] = {}
    for candidate in candidates:
        run = open_runs.get(candidate.key)
        if run and _extends(run[-1], candidate):
            run.append(candidate)
            continue
        continued = _heading_run(open_runs, candidate)
        if continued is not None:
            continued.append(candidate)
            continue
        if run:
            finished.append(open_runs.pop(candidate.key))
        if candidate.from_markup or candidate.number <= MAX_START:
            open_runs[candidate.key] = [candidate]
    finished.extend(open_runs.values())
    return finished


def _heading_run(
    open_runs: dict[tuple[str, int], list[_Candidate]], candidate: _Candidate
) -> list[_Candidate] | None:
    """The open list of numbered headings this heading continues at another level: pages
    print "3." as an ``<h3>`` between ``<h2>`` items 2 and 4. Only the very next number
    counts, so a nested list restarting at 1 stays its own."""
    if candidate.rank >= BOLD_RANK:
        return None
    style = candidate.key[0]
    for key, run in open_runs.items():
        last = run[-1]
        if (
            key != candidate.key
            and key[0] == style
            and last.rank < BOLD_RANK
            and candidate.number == last.number + 1
        ):
            return run
    return None


def _extends(previous: _Candidate, candidate: _Candidate) -> bool:
    step = candidate.number - previous.number
    return step > 0 and (candidate.from_markup or step <= MAX_GAP)


def _is_advice(run: list[_Candidate], blocks: list[Block]) -> bool:
    """Enough items, most of them neither links nor citations. A numbered heading followed
    by its own paragraphs is an item even when its words link somewhere (a product review's
    names); a column of linked titles is a "most read" list, and numbered paragraphs of
    authors, years and journals are a references section however they are marked up."""
    linked = sum(
        candidate.link_ratio >= LINK_ITEM_RATIO and not _explained(candidate, blocks)
        for candidate in run
    )
    cited = sum(bool(CITATION_RE.search(candidate.text)) for candidate in run)
    return len(run) >= MIN_ITEMS and linked * 2 <= len(run) and cited * 2 < len(run)


def _explained(candidate: _Candidate, blocks: list[Block]) -> bool:
    if candidate.rank >= BOLD_RANK or candidate.block + 1 >= len(blocks):
        return False
    following = blocks[candidate.block + 1]
    return (
        following.rank > BOLD_RANK
        and following.element is None
        and not leading_marker(following.text)
    )


def _items(run: list[_Candidate], list_index: int, blocks: list[Block]) -> Iterator[AdviceItem]:
    for offset, candidate in enumerate(run):
        following = run[offset + 1].block if offset + 1 < len(run) else len(blocks)
        yield AdviceItem(
            list_index=list_index,
            printed_number=candidate.number,
            text=candidate.text,
            marker=candidate.marker,
            explanation=_explanation(candidate, blocks, following),
        )


def _explanation(candidate: _Candidate, blocks: list[Block], stop: int) -> str:
    """Paragraphs under a numbered heading, up to the next item or a heading of its rank.

    A bold lead-in has no level to compare with, so its explanation also ends at the next
    numbered block of any list.
    """
    parts = [candidate.lead_rest] if candidate.lead_rest else []
    if candidate.rank <= BOLD_RANK:
        for block in blocks[candidate.block + 1 : stop]:
            if _item_rank(block) <= candidate.rank or (
                candidate.rank == BOLD_RANK and leading_marker(block.text)
            ):
                break
            parts.append(block.text)
    return "\n".join(parts)


def _is_reference_or_contents(ol: lxml.html.HtmlElement, heading: str) -> bool:
    """References, footnotes and tables of contents are numbered but hold no advice."""
    if REFERENCE_HEADING_RE.match(heading):
        return True
    items = [own_text(li) for li in ol if li.tag == "li"]
    cited = sum(bool(CITATION_RE.search(text)) for text in items)
    if items and cited * 2 >= len(items):
        return True
    targets = [a.get("href", "") for a in ol.iter("a")]
    return bool(targets) and all(target.startswith("#") for target in targets)


class _Skipped:
    """:func:`is_skipped` within one body, each element judged once (lists nest, and every
    list's ancestors are asked again) and the body measured only when a verdict needs it."""

    def __init__(self, root: lxml.html.HtmlElement) -> None:
        self.root = root
        self.root_chars: int | None = None
        self.verdicts: dict[lxml.html.HtmlElement, bool] = {}

    def __call__(self, element: lxml.html.HtmlElement) -> bool:
        verdict = self.verdicts.get(element)
        if verdict is None:
            verdict = skip_verdict(element)
            if verdict is None:
                if self.root_chars is None:
                    self.root_chars = len(collapse(self.root.text_content()))
                verdict = small_share(element, self.root_chars)
            self.verdicts[element] = verdict
        return verdict


def _in_boilerplate(
    element: lxml.html.HtmlElement, root: lxml.html.HtmlElement, skipped: _Skipped
) -> bool:
    while element is not None and element is not root:
        if skipped(element):
            return True
        element = element.getparent()
    return False


def _link_ratio(element: lxml.html.HtmlElement) -> float:
    text = collapse(element.text_content())
    return link_text_chars(element) / len(text) if text else 0.0


def _int_attribute(element: lxml.html.HtmlElement, name: str, default: int) -> int:
    value = (element.get(name) or "").strip()
    return int(value) if value.isdigit() else default
