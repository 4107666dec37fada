"""Dates as pages print them, turned into ISO 8601 strings.

Machine dates (``2024-03-05T08:30:00+08:00``) and printed ones ("March 5, 2024", ``2024年3月5日``,
``13.11.2019, 23:06``) all end up in the same form, so records compare and sort as text.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
MONTH_NAME = r"(?P<month_name>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
TIME = r"(?:[T\s,]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\.\d+)?)?"
ZONE = r"(?:\s*(?P<zone>Z|[+-]\d{2}:?\d{2})(?!\d))?"
DATE_PATTERNS = tuple(
    re.compile(pattern, re.I)
    for pattern in (
        rf"(?<!\d)(?P<year>(?:19|20)\d{{2}})[-/.](?P<month>\d{{1,2}})[-/.](?P<day>\d{{1,2}})(?!\d)"
        rf"{TIME}{ZONE}",
        rf"(?P<year>(?:19|20)\d{{2}})\s*年\s*(?P<month>\d{{1,2}})\s*月\s*(?P<day>\d{{1,2}})\s*日?"
        rf"{TIME}",
        rf"\b{MONTH_NAME}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{{2}})\b"
        rf"(?:,?\s*(?:at\s*)?(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}}))?",
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH_NAME},?\s+(?P<year>(?:19|20)\d{{2}})\b",
        rf"(?<![\d.])(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\.(?P<year>(?:19|20)\d{{2}})(?!\d){TIME}",
    )
)


def find_date(text: str) -> str | None:
    """The first valid date in ``text`` as ISO 8601, keeping time and zone when given."""
    found = [
        (match.start(), match) for pattern in DATE_PATTERNS for match in pattern.finditer(text)
    ]
    for _, match in sorted(found, key=lambda pair: pair[0]):
        iso = _iso(match)
        if iso:
            return iso
    return None


def _iso(match: re.Match[str]) -> str | None:
    parts = match.groupdict()
    month_name = (parts.get("month_name") or "").lower()
    month = MONTHS[month_name] if month_name else int(parts["month"])
    try:
        day = date(int(parts["year"]), month, int(parts["day"]))
    except ValueError:
        return None
    if parts.get("hour") is None or int(parts["hour"]) > 23 or int(parts["minute"]) > 59:
        return day.isoformat()
    clock = f"{int(parts['hour']):02d}:{parts['minute']}:{parts.get('second') or '00'}"
    return f"{day.isoformat()}T{clock}{_zone(parts.get('zone'))}"


def _zone(zone: str | None) -> str:
    if not zone or zone.upper() == "Z":
        return "Z" if zone else ""
    digits = zone.replace(":", "")
    return f"{digits[:3]}:{digits[3:]}"
