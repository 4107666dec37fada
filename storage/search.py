"""Full-text search over the archive's current articles, with the same answers on every backend.

What a query means is defined once, in :mod:`storage.search_text`; here each backend's own index
is asked for the best matches: SQLite FTS5 ranked by bm25 (``ORDER BY rank``, title matches
weighing ten times body matches), PostgreSQL by ``ts_rank`` (title weight A, body B), both over
the same tokens. Only the top ``limit`` hits are read back, and their snippets are cut and
highlighted here from the stored text, so they are identical on both backends.

A one-word query for one of the archive's most common words is answered from that word's ranked
list (:mod:`storage.search_lists`) when the list provably holds the top ``limit``: the same
articles in the same order as the full index, without scoring every article holding the word.

Queries go through the driver-only :class:`storage.reader.Reader`, so ``healtharchive search``
starts without SQLAlchemy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from storage.reader import Reader, bind, placeholders
from storage.search_text import Term, fts5_query, query_terms, snippet, tsquery

SNIPPET_WIDTH = 160

SQLITE_HITS = (
    "SELECT rowid AS article_id, -rank AS score FROM articles_fts "
    "WHERE articles_fts MATCH :match ORDER BY rank"
)
POSTGRES_HITS = (
    "SELECT article_id, ts_rank(document, CAST(:match AS tsquery)) AS score "
    "FROM article_search WHERE document @@ CAST(:match AS tsquery)"
)
LISTED = """
SELECT t.article_id, t.impact, c.floor FROM search_common c
JOIN search_top t ON t.token = c.token
JOIN article_search s ON s.article_id = t.article_id
JOIN articles a ON a.id = t.article_id
JOIN article_versions v ON v.id = s.version_id
WHERE c.token = :token {where}
ORDER BY t.impact DESC, t.article_id LIMIT :limit
"""
LISTED_HITS = (
    "SELECT t.article_id, {score} AS score FROM search_top t "
    "JOIN search_common c ON c.token = t.token WHERE t.token = :token"
)
LISTED_SCORE = {"sqlite": "t.impact * c.idf", "postgresql": "CAST(t.impact AS real)"}
"""The backend's score: bm25 is the impact times the word's IDF; ts_rank is the impact (a
``real``, read back as the full index's is)."""
HIT_ROWS = """
SELECT a.canonical_url, v.headline, v.body, s.body_tokens, v.language, h.score
FROM ({hits}) h
JOIN article_search s ON s.article_id = h.article_id
JOIN articles a ON a.id = h.article_id
JOIN article_versions v ON v.id = s.version_id
{where}
ORDER BY h.score DESC, h.article_id
LIMIT :limit
"""


@dataclass(frozen=True)
class SearchFilters:
    """Narrow a search, as ``export`` narrows its rows: ``site`` a host name or a URL prefix,
    ``language`` a language code, ``since`` first seen in the archive at or after (UTC); and
    ``has_advice``, the current version has an advice list."""

    site: str | None = None
    language: str | None = None
    since: datetime | None = None
    has_advice: bool = False


@dataclass(frozen=True)
class Hit:
    url: str
    title: str
    snippet: str
    score: float
    """Higher is better; comparable within one search, not across backends."""
    language: str | None


def search(
    reader: Reader,
    query: str,
    limit: int = 20,
    filters: SearchFilters | None = None,
    marks: tuple[str, str] = ("[", "]"),
    ranked_lists: bool = True,
) -> list[Hit]:
    """The ``limit`` best current articles matching every term of ``query``, best first.

    ``ranked_lists=False`` always asks the full index (to check the lists against it).
    """
    terms = query_terms(query)
    if not terms:
        raise ValueError(f"nothing to search for in {query!r}: give a word or a character")
    filters = filters or SearchFilters()
    where, params = _conditions(reader, filters)
    listed = _listed(reader, terms, limit, where, params) if ranked_lists else None
    if listed is not None:
        # Only the k listed articles that pass the filters are read back.
        hits = LISTED_HITS.format(score=LISTED_SCORE[reader.dialect])
        hits += f" AND t.article_id IN ({placeholders(listed) or 'NULL'})"
        params.update(bind(listed), token=terms[0].tokens[0])
    elif reader.dialect == "postgresql":
        hits, params["match"] = POSTGRES_HITS + " ORDER BY score DESC, article_id", tsquery(terms)
    else:
        hits, params["match"] = SQLITE_HITS, fts5_query(terms)
    if not where and listed is None:
        # Unfiltered, only the best k leave the index: the joins then touch k rows.
        hits += " LIMIT :limit"
    params["limit"] = limit
    sql = HIT_ROWS.format(hits=hits, where="WHERE " + " AND ".join(where) if where else "")
    return [
        Hit(
            url=url,
            title=headline,
            snippet=snippet(body, terms, SNIPPET_WIDTH, marks, indexed),
            score=round(float(score), 6),
            language=language,
        )
        for url, headline, body, indexed, language, score in reader.rows(sql, params)
    ]


def _listed(
    reader: Reader,
    terms: list[Term],
    limit: int,
    where: list[str] | None = None,
    params: dict[str, Any] | None = None,
) -> list[int] | None:
    """Whether the word's ranked list holds the true top ``limit``: its ``limit``-th entry
    (passing the filters) is above the floor every unlisted article stays under, or the list
    holds every article with the word (floor 0). Filters only remove articles, so the listed
    ones that pass, in order, are still the best that pass.

    The ids of those best articles when the list answers, else ``None``.
    """
    if len(terms) != 1 or len(terms[0].tokens) != 1 or terms[0].prefix:
        return None
    rows = reader.rows(
        LISTED.format(where="".join(f" AND {condition}" for condition in where or [])),
        {**(params or {}), "token": terms[0].tokens[0], "limit": limit},
    )
    if not rows:
        return None
    _, impact, floor = rows[-1]
    if impact > floor if len(rows) == limit else floor == 0.0:
        return [article_id for article_id, _, _ in rows]
    return None


def _conditions(reader: Reader, filters: SearchFilters) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    if filters.site:
        site = re.sub(r"([\\%_])", r"\\\1", filters.site.strip().rstrip("/"))
        prefixes = [site] if "://" in site else [f"http://{site}", f"https://{site}"]
        likes = []
        for number, prefix in enumerate(prefixes):
            params[f"site{number}"] = prefix + "/%"
            likes.append(f"a.canonical_url LIKE :site{number} ESCAPE '\\'")
        where.append("(" + " OR ".join(likes) + ")")
    if filters.language:
        where.append("v.language = :language")
        params["language"] = filters.language
    if filters.since:
        since = filters.since
        utc = since.astimezone(timezone.utc) if since.tzinfo else since.replace(tzinfo=timezone.utc)
        where.append("a.first_seen >= :since")
        params["since"] = (
            utc.strftime("%Y-%m-%d %H:%M:%S.%f") if reader.dialect == "sqlite" else utc
        )
    if filters.has_advice:
        where.append("EXISTS (SELECT 1 FROM advice_items i WHERE i.version_id = v.id)")
    return where, params
