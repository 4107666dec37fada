"""The meaning of a search, as pure functions: what is indexed, what a query asks for."""

from __future__ import annotations

import pytest

from storage.search_text import (
    Term,
    fts5_query,
    index_text,
    matched_spans,
    query_terms,
    snippet,
    tsquery,
)
from storage.search_text import tokens as all_tokens


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Muscle CRAMPS at night", "muscle cramps at night"),
        ("Café, crème brûlée; Ärzte", "cafe creme brulee arzte"),
        ("ﬁbre ５ｍｇ", "fibre 5mg"),
        ("don't_stop", "don t stop"),
        ("失眠症状", "失眠 眠症 症状 状"),
        ("长期失眠，怎么办", "长期 期失 失眠 眠 怎么 么办 办"),
        ("维生素D缺乏", "维生 生素 素 d 缺乏 乏"),
        ("睡眠 sleep 眠", "睡眠 眠 sleep 眠"),
        ("", ""),
    ],
)
def test_index_text(text, tokens):
    assert index_text(text) == tokens
    assert index_text(text) == " ".join(token.text for token in all_tokens(text))


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("muscle cramp", [Term(("muscle",)), Term(("cramp",))]),
        ("INSÓMNIA", [Term(("insomnia",))]),
        ("insom*", [Term(("insom",), prefix=True)]),
        ('"muscle cramp"', [Term(("muscle", "cramp"))]),
        ('"muscle cramp*"', [Term(("muscle", "cramp"), prefix=True)]),
        ('"muscle cramp"*', [Term(("muscle", "cramp"), prefix=True)]),
        ("失眠", [Term(("失眠",))]),
        ("失眠症", [Term(("失眠", "眠症"))]),
        ("失", [Term(("失",), prefix=True)]),
        ('"失眠 症状"', [Term(("失眠", "眠", "症状"))]),
        ("sleep 失眠", [Term(("sleep",)), Term(("失眠",))]),
        ("AND OR NOT ( ) : ^", [Term(("and",)), Term(("or",)), Term(("not",))]),
        ("* ** %_ -", []),
    ],
)
def test_query_terms(query, terms):
    assert query_terms(query) == terms


def test_queries_in_backend_syntax_hold_only_quoted_tokens():
    terms = query_terms('"muscle cramp*" 失眠症 x*')
    assert fts5_query(terms) == '"muscle cramp" * AND "失眠 眠症" AND "x" *'
    assert tsquery(terms) == "('muscle' <-> 'cramp':*) & ('失眠' <-> '眠症') & ('x':*)"


@pytest.mark.parametrize(
    ("text", "query", "found"),
    [
        ("Muscle cramps hurt", "cramp*", ["cramps"]),
        ("Muscle cramps hurt", "cramp", []),
        ("A muscle cramp; muscle pain", '"muscle cramp"', ["muscle cramp"]),
        ("长期失眠怎么办", "失眠", ["失眠"]),
        ("长期失眠怎么办", "失眠怎", ["失眠怎"]),
        ("Café au lait", "cafe", ["Café"]),
    ],
)
def test_matched_spans_point_at_the_original_text(text, query, found):
    assert [text[s:e] for s, e in matched_spans(text, query_terms(query))] == found


def test_snippet_marks_overlapping_matches_once():
    cut = snippet("Muscle cramp relief", query_terms('"muscle cramp" cramp'))
    assert cut == "[Muscle cramp] relief"


def test_snippet_starts_a_little_before_the_first_match_and_marks_them():
    text = (
        "Filler words. " * 40
        + "Stretch the calf muscle before bed to stop a cramp. "
        + ("More filler. " * 40)
    )
    cut = snippet(text, query_terms("muscle cramp"), width=80)
    assert cut.startswith("…") and cut.endswith("…")
    assert "[muscle]" in cut and "[cramp]" in cut
    assert len(cut) <= 80 + 8


def test_snippet_without_a_match_is_the_start_of_the_text():
    assert snippet("Short text.", query_terms("absent")) == "Short text."


@pytest.mark.parametrize(
    "query", ["cramp", "cramp*", '"muscle cramp"', "失眠", "眠", "café", "absent", "sleep 失眠"]
)
def test_snippet_from_the_stored_tokens_is_the_snippet_from_the_text(query):
    text = ("Filler words here. " * 30 + "长期失眠怎么办 " + "Sleep on it. " * 20) * 2 + (
        "A muscle cramp, Café cramps. " + "More filler. " * 30
    )
    terms = query_terms(query)
    assert snippet(text, terms, 80, indexed=index_text(text)) == snippet(text, terms, 80)
