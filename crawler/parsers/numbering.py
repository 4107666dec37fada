"""List markers as printed on pages.

Styles: ``1.`` ``1)`` ``(1)`` ``1、`` ``（1）`` ``①`` ``一、`` ``第一，`` ``Step 1:`` ``1 –``.

A marker only counts at the start of a text or at a sentence/clause boundary, and never when a
digit follows it, so "1.5 mg", "13.11.2019", "COVID-19" and "take 2 tablets" stay prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

CHINESE_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_NUMERAL = r"[一二三四五六七八九十]{1,3}"
CIRCLED_FIRST = ord("①")
CIRCLED_LAST = ord("⑳")

FOLLOWER = r"(?=\s*[^\s\d.,;:)）、．])"
LEADING_FOLLOWER = r"(?=\s+\d|\s*[^\s\d.,;:)）、．])"
MARKERS = rf"""
(?P<marker>
    (?P<step>(?:Step|STEP|Tip|TIP)\s*(?P<step_n>\d{{1,2}})\s*(?:[:：.．]|\s[–—-]\s|(?=\s)))
  | (?P<paren>[(（]\s*(?P<paren_n>\d{{1,2}}|{CHINESE_NUMERAL})\s*[)）])
  | (?P<circled>[①-⑳])
  | (?P<ordinal>第(?P<ordinal_n>{CHINESE_NUMERAL})(?:[步点条])?[，,、：:])
  | (?P<cjk>(?P<cjk_n>{CHINESE_NUMERAL})[、．])
  | (?P<dot>(?P<dot_n>[1-9]\d?)[.．](?![\d.]))
  | (?P<bracket>(?P<bracket_n>[1-9]\d?)[)）])
  | (?P<comma>(?P<comma_n>[1-9]\d?)、)
  | (?P<dash>(?P<dash_n>[1-9]\d?)\s*[–—]\s)
)
"""
MARKER_BODY = MARKERS + FOLLOWER
STYLES = ("step", "paren", "circled", "ordinal", "cjk", "dot", "bracket", "comma", "dash")

LEADING_MARKER_RE = re.compile(rf"^\s*{MARKERS}{LEADING_FOLLOWER}", re.VERBOSE)
"""At the start of a block a space may precede a digit ("18. 8BitDo Retro", "3. 10 minutes a
day"); inside a sentence "take 2. 5 more" stays prose."""
BOUNDARY_MARKER_RE = re.compile(
    rf"(?:^|(?<=[.:;!?])\s+|(?<=[。：；！？])\s*){MARKER_BODY}", re.VERBOSE
)
MARKER_FIRST_CHARS = frozenset("123456789(（第一二三四五六七八九十ST") | {
    chr(code) for code in range(CIRCLED_FIRST, CIRCLED_LAST + 1)
}
"""Every character a marker can open with."""
POSSIBLE_BOUNDARY_MARKER_RE = re.compile(r"[.:;!?。：；！？]\s*[1-9(（①-⑳第一二三四五六七八九十ST]")
"""A cheap test that a clause end is followed by something a marker could open with: most
paragraphs have none, and the full marker pattern is slow to try at every position."""
CLAUSE_END_RE = re.compile(r"[.:;!?。：；！？]")
"""The characters :data:`BOUNDARY_MARKER_RE` looks behind for: past the text's start, a marker
can only begin right after one of them."""
SENTENCE_END_RE = re.compile(r"[.!?](?=[\"'”’)]*(?:\s|$))|[。！？]")
ABBREVIATION_RE = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|Dr|Mr|Mrs|Ms|Prof|St|approx|incl|No|Fig)|\b[A-Z])$"
)
TRAILING_SEPARATORS = " \t\n;；,，"


@dataclass(frozen=True)
class Marker:
    """One printed marker found in a text, with where its item text begins."""

    number: int
    literal: str
    style: str
    start: int
    end: int


def chinese_number(numeral: str) -> int:
    """Read 一 … 九十九 the way list headings write them (十二 = 12, 二十 = 20)."""
    if numeral.isdigit():
        return int(numeral)
    if "十" not in numeral:
        return CHINESE_DIGITS.get(numeral, 0)
    tens, _, units = numeral.partition("十")
    return CHINESE_DIGITS.get(tens, 1) * 10 + CHINESE_DIGITS.get(units, 0)


def leading_marker(text: str) -> Marker | None:
    """The marker a block of text starts with, if any."""
    match = LEADING_MARKER_RE.match(text)
    return _marker(match) if match else None


def boundary_markers(text: str) -> tuple[Marker, ...]:
    """Every marker standing at the start of the text or right after a sentence/clause end."""
    if text[:1] not in MARKER_FIRST_CHARS and not POSSIBLE_BOUNDARY_MARKER_RE.search(text):
        return ()
    return tuple(_marker(match) for match in _boundary_matches(text))


def _boundary_matches(text: str) -> Iterator[re.Match[str]]:
    """``BOUNDARY_MARKER_RE.finditer(text)``, tried only where a match can begin: at the start
    and after each clause end, instead of at every character of a paragraph that passed the
    cheap test (most prose does: a capital "S" or "T" after a full stop is enough)."""
    end = 0
    for start in (0, *(clause.end() for clause in CLAUSE_END_RE.finditer(text))):
        if start < end:
            continue
        match = BOUNDARY_MARKER_RE.match(text, start)
        if match is not None:
            yield match
            end = match.end()


def first_sentence(text: str) -> str:
    """The text up to and including its first sentence end (the whole text when it has none)."""
    for match in SENTENCE_END_RE.finditer(text):
        if match.group() == "." and ABBREVIATION_RE.search(text[: match.start()]):
            continue
        return text[: match.end()]
    return text


def clean_item_text(text: str) -> str:
    """Collapse whitespace and drop the clause separator left before the next marker."""
    return " ".join(text.split()).rstrip(TRAILING_SEPARATORS)


def _marker(match: re.Match[str]) -> Marker:
    style = next(name for name in STYLES if match.group(name))
    literal = match.group("marker")
    if style == "circled":
        number = ord(literal) - CIRCLED_FIRST + 1
    else:
        number = chinese_number(match.group(f"{style}_n"))
    return Marker(
        number=number,
        literal=" ".join(literal.split()),
        style=style,
        start=match.start("marker"),
        end=match.end("marker"),
    )
