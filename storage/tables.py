"""Core tables and small helpers shared by the modules that write the archive.

Bulk ``executemany`` inserts and id-keyed UPDATEs go through Core tables: they skip the ORM's
per-row bookkeeping, which dominated large batches.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from typing import cast

from sqlalchemy import Table

from storage import models as m


def _table(model: type[m.Base]) -> Table:
    return cast(Table, model.__table__)


BLOBS = _table(m.Blob)
FETCHES = _table(m.Fetch)
ARTICLES = _table(m.Article)
URL_ALIASES = _table(m.UrlAlias)
VERSIONS = _table(m.ArticleVersion)
SIGNATURES = _table(m.Signature)
LSH_BANDS = _table(m.LshBand)
ADVICE_ITEMS = _table(m.AdviceItem)
LINKS = _table(m.Link)
ARTICLE_SEARCH = _table(m.ArticleSearch)

IN_CHUNK = 500
"""Bound parameters per ``IN`` query, well under SQLite's limit."""


def now() -> datetime:
    return datetime.now(timezone.utc)


def chunks(items: Sequence, size: int = IN_CHUNK) -> Iterator[Sequence]:  # type: ignore[type-arg]
    for start in range(0, len(items), size):
        yield items[start : start + size]
