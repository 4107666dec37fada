"""Differences between two versions of an article, at paragraph and advice-item level.

Analysts ask "what did the site change?", so the diff speaks in the article's own units:
paragraphs of the body, advice items by their printed number, and the title.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from storage import models as m


def diff_versions(
    old: m.ArticleVersion,
    new: m.ArticleVersion,
    old_advice: Sequence[m.AdviceItem],
    new_advice: Sequence[m.AdviceItem],
) -> list[str]:
    lines = [f"--- version {old.version} ({old.created_at:%Y-%m-%d %H:%M})"]
    lines.append(f"+++ version {new.version} ({new.created_at:%Y-%m-%d %H:%M})")
    if old.headline != new.headline:
        lines += ["title:", f"- {old.headline}", f"+ {new.headline}"]
    body = paragraph_changes(old.body, new.body, old_advice, new_advice)
    if body:
        lines.append("paragraphs:")
        lines += body
    advice = advice_changes(old_advice, new_advice)
    if advice:
        lines.append("advice items:")
        lines += advice
    if len(lines) == 2:
        lines.append("(no differences in title, paragraphs or advice items)")
    return lines


def paragraph_changes(
    old_body: str,
    new_body: str,
    old_advice: Sequence[m.AdviceItem],
    new_advice: Sequence[m.AdviceItem],
) -> list[str]:
    """Changed paragraphs, not counting a change that is only an advice item's.

    Advice items are part of the body text too; each is masked by its list and number before
    the paragraphs are compared, so an edited item is reported once, under advice items, and a
    paragraph is shown only when something else in it changed.
    """
    old_lines, new_lines = old_body.split("\n"), new_body.split("\n")
    matcher = difflib.SequenceMatcher(
        None, _masked(old_lines, old_advice), _masked(new_lines, new_advice), autojunk=False
    )
    out = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out += [f"-{line}" for line in old_lines[i1:i2]]
            out += [f"+{line}" for line in new_lines[j1:j2]]
    return out


def _masked(lines: list[str], advice: Sequence[m.AdviceItem]) -> list[str]:
    items = sorted(
        ((item.text, f"\x00{item.list_index}.{item.printed_number}\x00") for item in advice),
        key=lambda pair: -len(pair[0]),
    )
    masked = []
    for line in lines:
        for text, mark in items:
            if text and text in line:
                line = line.replace(text, mark)
        masked.append(line)
    return masked


def advice_changes(old: Sequence[m.AdviceItem], new: Sequence[m.AdviceItem]) -> list[str]:
    def keyed(items: Sequence[m.AdviceItem]) -> dict[tuple[int, int], str]:
        return {(i.list_index, i.printed_number): i.text for i in items}

    before, after = keyed(old), keyed(new)
    out = []
    for key in sorted(before.keys() | after.keys()):
        label = f"list {key[0]} item {key[1]}"
        if key not in after:
            out.append(f"- {label}: {before[key]}")
        elif key not in before:
            out.append(f"+ {label}: {after[key]}")
        elif before[key] != after[key]:
            out += [f"~ {label}:", f"-   {before[key]}", f"+   {after[key]}"]
    return out
