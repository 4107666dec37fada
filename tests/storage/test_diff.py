"""The version diff speaks in paragraphs and advice items, each change reported once."""

from __future__ import annotations

from datetime import datetime, timezone

from storage import models as m
from storage.diff import diff_versions

WHEN = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)


def version(number: int, body: str) -> m.ArticleVersion:
    return m.ArticleVersion(version=number, created_at=WHEN, headline="Sleep well", body=body)


def items(*texts: str) -> list[m.AdviceItem]:
    return [m.AdviceItem(list_index=0, printed_number=n, text=t) for n, t in enumerate(texts, 1)]


def test_changed_advice_item_is_reported_once():
    old = version(1, "Intro.\n1) Go to bed early.\n2) Avoid coffee.\nOutro.")
    new = version(2, "Intro.\n1) Go to bed early.\n2) Keep the room dark.\nOutro.")
    lines = diff_versions(
        old,
        new,
        items("Go to bed early.", "Avoid coffee."),
        items("Go to bed early.", "Keep the room dark."),
    )
    assert lines[2:] == [
        "advice items:",
        "~ list 0 item 2:",
        "-   Avoid coffee.",
        "+   Keep the room dark.",
    ]


def test_inline_advice_and_a_real_paragraph_change():
    old = version(1, "Steps: 1. Rest. 2. Drink water.\nAsk a doctor if unsure.")
    new = version(2, "Steps: 1. Rest. 2. Walk daily.\nA new survey says people wait too long.")
    lines = diff_versions(old, new, items("Rest.", "Drink water."), items("Rest.", "Walk daily."))
    assert lines[2:] == [
        "paragraphs:",
        "-Ask a doctor if unsure.",
        "+A new survey says people wait too long.",
        "advice items:",
        "~ list 0 item 2:",
        "-   Drink water.",
        "+   Walk daily.",
    ]
