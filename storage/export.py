"""CSV and JSONL export for analysts, safe to open in a spreadsheet.

CSV is written with a UTF-8 BOM so spreadsheets show Chinese titles correctly.
Cells starting with ``= + - @`` (or tab/CR) are prefixed with a quote so a hostile page title
cannot become a formula in Excel or LibreOffice (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialize {type(value).__name__}")


def export_rows(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str], path: Path, fmt: str | None = None
) -> int:
    """Write rows to ``path`` (format from ``fmt`` or the suffix) atomically; return the count.

    The file appears only when complete, so a failed export never leaves a half file that looks
    like a finished dataset.
    """
    fmt = (fmt or path.suffix.lstrip(".") or "csv").lower()
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"unknown export format {fmt!r}: use .csv or .jsonl")
    tmp = path.with_name(f".{path.name}.partial")
    count = 0
    try:
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        with tmp.open("w", encoding=encoding, newline="") as out:
            if fmt == "csv":
                writer = csv.writer(out)
                writer.writerow(columns)
                for row in rows:
                    writer.writerow([safe_cell(row.get(c)) for c in columns])
                    count += 1
            else:
                for row in rows:
                    record = {c: row.get(c) for c in columns}
                    out.write(json.dumps(record, ensure_ascii=False, default=_json_default))
                    out.write("\n")
                    count += 1
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return count
