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
    body = list(
        difflib.unified_diff(
            old.body.split("\n"), new.body.split("\n"), lineterm="", n=0, fromfile="", tofile=""
        )
    )[2:]
    if body:
        lines.append("paragraphs:")
        lines += [line for line in body if not line.startswith("@@")]
    advice = advice_changes(old_advice, new_advice)
    if advice:
        lines.append("advice items:")
        lines += advice
    if len(lines) == 2:
        lines.append("(no differences in title, paragraphs or advice items)")
    return lines


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
