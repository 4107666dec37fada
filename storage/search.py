"""Full-text search over the archive's current articles, with the same answers on every backend.

What a query means is defined once, in :mod:`storage.search_text`; this module keeps the search
rows in step with the archive (:func:`index_versions`) and asks each backend's own index for
the best matches (:func:`search`): SQLite FTS5 ranked by bm25, PostgreSQL by ``ts_rank``, both
over the same tokens. Only the top ``limit`` hits are read back, and their snippets are cut and
highlighted here from the stored text, so they are identical on both backends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    cast,
    column,
    delete,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from storage import models as m
from storage.search_text import Term, fts5_query, index_text, query_terms, snippet, tsquery
from storage.tables import ARTICLE_SEARCH, chunks

SNIPPET_WIDTH = 160
FTS = table("articles_fts", column("rowid"), column("rank"))


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


def index_versions(
    session: Session | Connection, versions: Sequence[tuple[int, int, str, str]]
) -> None:
    """Make these (article id, version id, headline, body) the articles' searchable text."""
    if not versions:
        return
    for part in chunks([article_id for article_id, *_ in versions]):
        session.execute(delete(ARTICLE_SEARCH).where(ARTICLE_SEARCH.c.article_id.in_(part)))
    session.execute(
        insert(ARTICLE_SEARCH),
        [
            {
                "article_id": article_id,
                "version_id": version_id,
                "title_tokens": index_text(headline),
                "body_tokens": index_text(body),
            }
            for article_id, version_id, headline, body in versions
        ],
    )


def search(
    session: Session,
    query: str,
    limit: int = 20,
    filters: SearchFilters | None = None,
    marks: tuple[str, str] = ("[", "]"),
) -> list[Hit]:
    """The ``limit`` best current articles matching every term of ``query``, best first."""
    terms = query_terms(query)
    if not terms:
        raise ValueError(f"nothing to search for in {query!r}: give a word or a character")
    filters = filters or SearchFilters()
    if session.get_bind().dialect.name == "postgresql":
        ranked = _postgres_hits(terms)
    else:
        ranked = _sqlite_hits(terms, limit if filters == SearchFilters() else None)
    hits = ranked.subquery()
    query_rows = (
        select(m.Article.canonical_url, m.ArticleVersion, hits.c.score)
        .join(m.ArticleSearch, m.ArticleSearch.article_id == hits.c.article_id)
        .join(m.Article, m.Article.id == hits.c.article_id)
        .join(m.ArticleVersion, m.ArticleVersion.id == m.ArticleSearch.version_id)
        .where(*_conditions(filters))
        .order_by(hits.c.score.desc(), hits.c.article_id)
        .limit(limit)
    )
    return [
        Hit(
            url=url,
            title=version.headline,
            snippet=snippet(version.body, terms, SNIPPET_WIDTH, marks),
            score=round(float(score), 6),
            language=version.language,
        )
        for url, version, score in session.execute(query_rows)
    ]


def _sqlite_hits(terms: list[Term], limit: int | None) -> Select[Any]:
    """FTS5's own bm25 order; with no filters the LIMIT goes inside, where FTS5 applies it."""
    query = (
        select(FTS.c.rowid.label("article_id"), (-FTS.c.rank).label("score"))
        .where(text("articles_fts MATCH :match").bindparams(match=fts5_query(terms)))
        .order_by(FTS.c.rank)
    )
    return query.limit(limit) if limit is not None else query


def _postgres_hits(terms: list[Term]) -> Select[Any]:
    document: ColumnElement[Any] = literal_column("article_search.document")
    wanted = cast(tsquery(terms), TSQUERY)
    return select(
        m.ArticleSearch.article_id.label("article_id"),
        func.ts_rank(document, wanted).label("score"),
    ).where(document.op("@@")(wanted))


def _conditions(filters: SearchFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.site:
        site = filters.site.strip().rstrip("/")
        prefixes = [site] if "://" in site else [f"http://{site}", f"https://{site}"]
        conditions.append(
            or_(*(m.Article.canonical_url.startswith(p + "/", autoescape=True) for p in prefixes))
        )
    if filters.language:
        conditions.append(m.ArticleVersion.language == filters.language)
    if filters.since:
        since = filters.since
        since = since.replace(tzinfo=timezone.utc) if since.tzinfo is None else since
        conditions.append(m.Article.first_seen >= since)
    if filters.has_advice:
        conditions.append(exists().where(m.AdviceItem.version_id == m.ArticleVersion.id))
    return conditions
