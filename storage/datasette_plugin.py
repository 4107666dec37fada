"""datasette plugin: ``datasette archive.db`` opens the archive ready to explore.

Registered by entry point (``[project.entry-points.datasette]``), so installing the
``datasette`` extra is all it takes. For every database that is an archive it adds:

- facets that make sense (site, language, category, cluster) and ``_search`` on the
  ``current_articles`` view (datasette finds ``articles_fts`` for the ``articles`` table by
  itself, because that index declares ``content="articles"``);
- canned queries: ranked ``search`` with the archive's own query rules, ``changed_this_week``
  and ``same_advice_on_several_sites``;
- the SQL function ``healtharchive_match(query)``, which turns a query written as for
  ``healtharchive search`` into an FTS5 MATCH expression (the full rules, where datasette's own
  ``_search`` passes words through as they are).
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Any

from datasette import hookimpl

from storage.search_text import fts5_query, query_terms

FACETS = ["site", "language", "category", "cluster_id"]

SEARCH_SQL = """
SELECT c.canonical_url, c.headline, c.site, c.language, c.advice_count, -f.rank AS score
FROM articles_fts f JOIN current_articles c ON c.id = f.rowid
WHERE articles_fts MATCH healtharchive_match(:q)
ORDER BY f.rank
LIMIT 100
"""
CHANGED_THIS_WEEK_SQL = """
SELECT 'changed' AS change, c.canonical_url, c.headline, v.version, v.created_at AS at
FROM article_versions v JOIN current_articles c ON c.id = v.article_id
WHERE v.version > 1 AND v.created_at >= datetime('now', '-7 days')
UNION ALL
SELECT 'new', c.canonical_url, c.headline, c.version, c.first_seen
FROM current_articles c WHERE c.first_seen >= datetime('now', '-7 days')
UNION ALL
SELECT 'removed', c.canonical_url, c.headline, c.version, t.recorded_at
FROM tombstones t JOIN current_articles c ON c.id = t.article_id
WHERE t.recorded_at >= datetime('now', '-7 days')
ORDER BY at DESC
"""
SAME_ADVICE_SQL = """
SELECT lower(trim(i.text)) AS advice, count(DISTINCT c.site) AS sites,
       count(DISTINCT c.id) AS articles, group_concat(DISTINCT c.site) AS on_sites
FROM advice_items i JOIN current_articles c ON c.version_id = i.version_id
GROUP BY lower(trim(i.text))
HAVING count(DISTINCT c.site) > 1
ORDER BY sites DESC, articles DESC
LIMIT 200
"""
CANNED_QUERIES = {
    "search": {
        "sql": SEARCH_SQL,
        "title": "Search current articles",
        "description": 'Whole words, word* prefixes, "quoted phrases", Chinese terms (失眠).',
    },
    "changed_this_week": {
        "sql": CHANGED_THIS_WEEK_SQL,
        "title": "What changed this week",
        "description": "Articles new, changed or removed in the last seven days.",
    },
    "same_advice_on_several_sites": {
        "sql": SAME_ADVICE_SQL,
        "title": "The same advice on several sites",
        "description": "Advice items whose text appears on more than one site.",
    },
}
TABLES = {
    "current_articles": {
        "description": "One row per article: its current version.",
        "facets": FACETS,
        "fts_table": "articles_fts",
        "fts_pk": "id",
        "sort_desc": "last_seen",
    },
    "articles": {"facets": ["status", "cluster_id"]},
    "advice_items": {"facets": ["list_index"]},
}


def healtharchive_match(query: str | None) -> str:
    """FTS5 MATCH expression for a search query; one that matches nothing when it is empty."""
    terms = query_terms(query or "")
    return fts5_query(terms) if terms else '""'


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("healtharchive_match", 1, healtharchive_match, deterministic=True)


@hookimpl
def get_metadata(datasette: Any) -> dict[str, Any]:
    archives = [name for name, db in datasette.databases.items() if _is_archive(db.path)]
    return {"databases": {name: {"tables": TABLES} for name in archives}}


@hookimpl
def canned_queries(datasette: Any, database: str) -> Any:
    async def archive_queries() -> dict[str, Any]:
        db = datasette.get_database(database)
        return CANNED_QUERIES if await db.table_exists("article_search") else {}

    return archive_queries


@lru_cache(maxsize=64)
def _is_archive(path: str | None) -> bool:
    """A SQLite file with the archive's search table (checked once per file)."""
    if not path or not Path(path).is_file():
        return False
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'article_search'"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return found is not None
