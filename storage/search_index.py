"""Keeping the search rows in step with the archive: one row per article, its current version.

Called by every writer of article versions (the archive writer, re-extraction, the synthetic
archive generator) in the same transaction as the version itself. The rows hold tokens from
:func:`storage.search_text.index_text`; the database indexes them (SQLite through triggers
into ``articles_fts``, PostgreSQL through a generated ``tsvector`` column), and the ranked lists
of common words (:mod:`storage.search_lists`) are updated with them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from storage import search_lists
from storage.search_text import index_text
from storage.tables import ARTICLE_SEARCH, chunks


def index_versions(
    session: Session | Connection, versions: Sequence[tuple[int, int, str, str]]
) -> None:
    """Make these (article id, version id, headline, body) the articles' searchable text."""
    if not versions:
        return
    article_ids = [article_id for article_id, *_ in versions]
    search_lists.forget(session, article_ids)
    for part in chunks(article_ids):
        session.execute(delete(ARTICLE_SEARCH).where(ARTICLE_SEARCH.c.article_id.in_(part)))
    texts = [
        (article_id, version_id, index_text(headline), index_text(body))
        for article_id, version_id, headline, body in versions
    ]
    session.execute(
        insert(ARTICLE_SEARCH),
        [
            {"article_id": a, "version_id": v, "title_tokens": title, "body_tokens": body}
            for a, v, title, body in texts
        ],
    )
    search_lists.enter(session, [(a, title, body) for a, _, title, body in texts])
