"""Furniture and boilerplate judgements, including the shortcuts that skip slow expressions."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.parsers.content_rules import (
    BOILERPLATE_TEXT_RE,
    CONSENT,
    NOT_FURNITURE,
    STRONG_FURNITURE,
    WEAK_FURNITURE,
    furniture_signal,
    is_boilerplate_text,
)

BOILERPLATE = {
    "copyright_sign": ("© 2024 Example Health", True),
    "copyright_word": ("Copyright (c) Example Health", True),
    "rights_reserved_upper": ("ALL RIGHTS RESERVED.", True),
    "cookie_policy_mixed_case": ("Read our Cookie Policy", True),
    "creative_commons": ("Licensed under a Creative Commons licence", True),
    "chinese_icp": ("京ICP备12345678号", True),
    "chinese_copyright": ("版权所有 示例健康网", True),
    "long_s_folds_to_s": ("This ſite uses cookies", True),
    "dotted_capital_i_folds_to_i": ("京İCP备12345678号", True),
    "prose": ("Drink water before you feel thirsty, and more on hot days.", False),
    "cookie_recipe": ("Bake the cookies for twelve minutes.", False),
    "long_block_quoting_a_notice": ("We use cookies. " + "Prose about consent. " * 25, False),
}


@pytest.mark.parametrize("case", BOILERPLATE)
def test_boilerplate_text(case: str) -> None:
    text, expected = BOILERPLATE[case]
    assert is_boilerplate_text(text) is expected


@pytest.mark.parametrize("case", BOILERPLATE)
def test_boilerplate_shortcut_agrees_with_the_expression(case: str) -> None:
    """The literal-word shortcut never answers differently from the full expression."""
    text, _ = BOILERPLATE[case]
    full = len(text) <= 400 and BOILERPLATE_TEXT_RE.search(text) is not None
    assert is_boilerplate_text(text) is full


FURNITURE = {
    "strong_name_among_others": ("post-content sidebar", "", STRONG_FURNITURE),
    "responsive_copy": ("col-md-8 hidden-xs", "", WEAK_FURNITURE),
    "consent_beats_everything": ("share-bar cookie-banner", "", CONSENT),
    "module_hash_dropped": ("ArticleBody__abc12 entry", "", NOT_FURNITURE),
    "hashed_sidebar": ("styles_Sidebar__x9Ab2", "", STRONG_FURNITURE),
    "camel_case_credit": ("InlineImage-imageCredit", "", WEAK_FURNITURE),
    "taxonomy_name": ("category-news entry-content", "", NOT_FURNITURE),
    "slug_id": ("", "how-popular-is-daily-meditation", NOT_FURNITURE),
    "short_id": ("", "popular-posts", STRONG_FURNITURE),
    "prefix_exception": ("commentary", "", NOT_FURNITURE),
    "no_names": ("", "", NOT_FURNITURE),
}


@pytest.mark.parametrize("case", FURNITURE)
def test_furniture_signal(case: str) -> None:
    """An element's signal is its strongest class or id name's."""
    classes, ident, expected = FURNITURE[case]
    element = lxml.html.fromstring("<div>x</div>")
    if classes:
        element.set("class", classes)
    if ident:
        element.set("id", ident)
    assert furniture_signal(element) == expected
