"""CSV/JSONL export: spreadsheet-safe cells, atomic files, UTF-8 that Excel reads."""

from __future__ import annotations

import csv
import json

import pytest

from storage.export import export_rows, safe_cell

HOSTILE = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_cells_are_neutralised(value):
    assert safe_cell(value) == "'" + value


def test_csv_round_trip_keeps_text_and_neutralises_formulas(tmp_path):
    rows = [{"headline": "上一篇 =1+1", "body": "=cmd|' /C calc'!A0", "n": 3}]
    path = tmp_path / "articles.csv"
    assert export_rows(rows, ("headline", "body", "n"), path) == 1
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        got = list(csv.DictReader(handle))
    assert got == [{"headline": "上一篇 =1+1", "body": "'=cmd|' /C calc'!A0", "n": "3"}]


def test_jsonl_keeps_values_verbatim(tmp_path):
    rows = [{"headline": "=1+1", "n": None}]
    path = tmp_path / "advice.jsonl"
    export_rows(rows, ("headline", "n"), path)
    assert [json.loads(line) for line in path.read_text().splitlines()] == rows


def test_failed_export_leaves_no_file(tmp_path):
    def rows():
        yield {"a": 1}
        raise RuntimeError("database went away")

    path = tmp_path / "out.csv"
    with pytest.raises(RuntimeError):
        export_rows(rows(), ("a",), path)
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        export_rows([], ("a",), tmp_path / "out.xlsx")
