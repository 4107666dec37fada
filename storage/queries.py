"""Read-only queries over the archive: what analysts, exports and the CLI ask for.

Every function takes a session and returns plain rows; none of them writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Select, and_, column, func, literal_column, or_, select, table, text
from sqlalchemy.orm import Session, aliased

from storage import models as m
from storage.blobs import decompress
from storage.fingerprints import CJK

ARTICLE_COLUMNS = (
    "canonical_url",
    "url",
    "headline",
    "language",
    "category",
    "date_published",
    "date_modified",
    "authors",
    "description",
    "status",
    "version",
    "parser_version",
    "first_seen",
    "last_seen",
    "cluster_id",
    "is_cluster_canonical",
    "advice_count",
    "body",
)
ADVICE_COLUMNS = (
    "canonical_url",
    "headline",
    "list_index",
    "position",
    "printed_number",
    "marker",
    "text",
    "explanation",
)
LINK_COLUMNS = ("canonical_url", "headline", "kind", "position", "url", "text", "title")


def current_versions() -> Select[m.Article, m.ArticleVersion]:
    return select(m.Article, m.ArticleVersion).join(
        m.ArticleVersion,
        and_(
            m.ArticleVersion.article_id == m.Article.id,
            m.ArticleVersion.version == m.Article.current_version,
        ),
    )


def archive_counts(session: Session) -> dict[str, int]:
    current = current_versions().subquery()
    version_ids = select(current.c.id_1)
    return {
        "articles": session.scalar(
            select(func.count()).select_from(m.Article).where(m.Article.status == "live")
        )
        or 0,
        "removed": session.scalar(
            select(func.count()).select_from(m.Article).where(m.Article.status == "removed")
        )
        or 0,
        "versions": session.scalar(select(func.count()).select_from(m.ArticleVersion)) or 0,
        "advice_items": session.scalar(
            select(func.count())
            .select_from(m.AdviceItem)
            .where(m.AdviceItem.version_id.in_(version_ids))
        )
        or 0,
        "links": session.scalar(
            select(func.count()).select_from(m.Link).where(m.Link.version_id.in_(version_ids))
        )
        or 0,
        "fetches": session.scalar(select(func.count()).select_from(m.Fetch)) or 0,
        "blobs": session.scalar(select(func.count()).select_from(m.Blob)) or 0,
        "clusters": session.scalar(select(func.count()).select_from(m.Cluster)) or 0,
        "crawl_runs": session.scalar(select(func.count()).select_from(m.CrawlRun)) or 0,
    }


def crawl_runs(session: Session, limit: int = 20) -> list[m.CrawlRun]:
    return list(session.scalars(select(m.CrawlRun).order_by(m.CrawlRun.id.desc()).limit(limit)))


def latest_run(session: Session) -> m.CrawlRun | None:
    return session.scalar(select(m.CrawlRun).order_by(m.CrawlRun.id.desc()).limit(1))


def _advice_count() -> Any:
    return (
        select(func.count())
        .where(m.AdviceItem.version_id == m.ArticleVersion.id)
        .correlate(m.ArticleVersion)
        .scalar_subquery()
    )


def iter_articles(session: Session, language: str | None = None) -> Iterator[dict[str, Any]]:
    cluster = aliased(m.Cluster)
    query = (
        current_versions()
        .add_columns(_advice_count(), cluster.canonical_article_id)
        .outerjoin(cluster, cluster.id == m.Article.cluster_id)
        .order_by(m.Article.id)
    )
    if language:
        query = query.where(m.ArticleVersion.language == language)
    for article, version, advice_count, canonical_id in session.execute(query).yield_per(500):
        yield {
            "canonical_url": article.canonical_url,
            "url": version.url,
            "headline": version.headline,
            "language": version.language,
            "category": version.category,
            "date_published": version.date_published,
            "date_modified": version.date_modified,
            "authors": "; ".join(version.authors or []),
            "description": version.description,
            "status": article.status,
            "version": version.version,
            "parser_version": version.parser_version,
            "first_seen": article.first_seen,
            "last_seen": article.last_seen,
            "cluster_id": article.cluster_id,
            "is_cluster_canonical": canonical_id == article.id if article.cluster_id else None,
            "advice_count": advice_count,
            "body": version.body,
        }


def iter_advice(session: Session) -> Iterator[dict[str, Any]]:
    query = (
        current_versions()
        .add_columns(m.AdviceItem)
        .join(m.AdviceItem, m.AdviceItem.version_id == m.ArticleVersion.id)
        .order_by(m.Article.id, m.AdviceItem.position)
    )
    for article, version, item in session.execute(query).yield_per(1000):
        yield {
            "canonical_url": article.canonical_url,
            "headline": version.headline,
            "list_index": item.list_index,
            "position": item.position,
            "printed_number": item.printed_number,
            "marker": item.marker,
            "text": item.text,
            "explanation": item.explanation,
        }


def iter_links(session: Session) -> Iterator[dict[str, Any]]:
    query = (
        current_versions()
        .add_columns(m.Link)
        .join(m.Link, m.Link.version_id == m.ArticleVersion.id)
        .order_by(m.Article.id, m.Link.kind, m.Link.position)
    )
    for article, version, link in session.execute(query).yield_per(1000):
        yield {
            "canonical_url": article.canonical_url,
            "headline": version.headline,
            "kind": link.kind,
            "position": link.position,
            "url": link.url,
            "text": link.text,
            "title": link.title,
        }


def latest_articles(session: Session, limit: int = 5) -> list[dict[str, Any]]:
    query = (
        current_versions()
        .add_columns(_advice_count())
        .where(m.Article.status == "live")
        .order_by(m.Article.last_seen.desc(), m.Article.id.desc())
        .limit(limit)
    )
    return [
        {
            "url": article.canonical_url,
            "headline": version.headline,
            "language": version.language,
            "advice_count": advice_count,
        }
        for article, version, advice_count in session.execute(query)
    ]


def search(session: Session, text_query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Current articles containing every word, best match first.

    Uses the full-text index of revision 0002 where it can answer (SQLite FTS5 trigrams for
    words of three or more characters, PostgreSQL text search for space-separated scripts), and
    a substring match for the rest (two-character Chinese words, other backends).
    """
    words = text_query.split()
    if not words:
        return []
    query = current_versions()
    dialect = session.get_bind().dialect.name
    indexed: list[str] = []
    if dialect == "sqlite":
        indexed = [w for w in words if len(w) >= 3]
    elif dialect == "postgresql" and not CJK.search(text_query):
        indexed = words
    for word in words:
        if word not in indexed:
            query = query.where(
                or_(
                    m.ArticleVersion.headline.icontains(word, autoescape=True),
                    m.ArticleVersion.body.icontains(word, autoescape=True),
                )
            )
    if indexed and dialect == "sqlite":
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in indexed)
        hits = (
            select(column("rowid").label("version_id"), column("rank").label("rank"))
            .select_from(table("article_search"))
            .where(text("article_search MATCH :match"))
            .subquery()
        )
        query = query.join(hits, hits.c.version_id == m.ArticleVersion.id).order_by(hits.c.rank)
        params = {"match": match}
    elif indexed:
        document = func.to_tsvector(
            literal_column("'simple'"), m.ArticleVersion.headline + " " + m.ArticleVersion.body
        )
        terms = func.plainto_tsquery(literal_column("'simple'"), " ".join(indexed))
        query = query.where(document.op("@@")(terms)).order_by(func.ts_rank(document, terms).desc())
        params = {}
    else:
        params = {}
    query = query.order_by(m.Article.id).limit(limit)
    return [
        {"url": a.canonical_url, "headline": v.headline, "language": v.language}
        for a, v in session.execute(query, params)
    ]


def live_urls_on_hosts(session: Session, start_urls: Sequence[str]) -> list[str]:
    """Known live article URLs on the start URLs' sites, to re-fetch for changes and removals."""
    prefixes = {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}/" for u in start_urls}
    query = select(m.Article.canonical_url).where(
        m.Article.status == "live",
        or_(*(m.Article.canonical_url.startswith(p, autoescape=True) for p in prefixes)),
    )
    return list(session.scalars(query.order_by(m.Article.id)))


def article_by_url(session: Session, url: str) -> m.Article | None:
    found = session.scalar(select(m.Article).where(m.Article.canonical_url == url))
    if found:
        return found
    return session.scalar(
        select(m.Article)
        .join(m.UrlAlias, m.UrlAlias.article_id == m.Article.id)
        .where(m.UrlAlias.url == url)
    )


def versions_of(session: Session, article_id: int) -> list[m.ArticleVersion]:
    return list(
        session.scalars(
            select(m.ArticleVersion)
            .where(m.ArticleVersion.article_id == article_id)
            .order_by(m.ArticleVersion.version)
        )
    )


def advice_of(session: Session, version_id: int) -> list[m.AdviceItem]:
    return list(
        session.scalars(
            select(m.AdviceItem)
            .where(m.AdviceItem.version_id == version_id)
            .order_by(m.AdviceItem.position)
        )
    )


def links_of(session: Session, version_id: int) -> list[m.Link]:
    return list(
        session.scalars(
            select(m.Link)
            .where(m.Link.version_id == version_id)
            .order_by(m.Link.kind, m.Link.position)
        )
    )


def current_version(session: Session, article: m.Article) -> m.ArticleVersion | None:
    return session.scalar(
        select(m.ArticleVersion).where(
            m.ArticleVersion.article_id == article.id,
            m.ArticleVersion.version == article.current_version,
        )
    )


def sibling_chain(session: Session, article: m.Article, limit: int = 500) -> list[m.Article]:
    """The series the article belongs to, in order: its ``prev`` links followed back to the
    first archived article, then its ``next`` links forward. The walk stops at a link to a page
    not in the archive, at a loop, or after ``limit`` articles."""
    earlier = _walk_siblings(session, article, "prev", limit)
    later = _walk_siblings(session, article, "next", limit)
    seen = {article.id}
    chain = [article]
    for found in later:
        if found.id in seen:
            break
        seen.add(found.id)
        chain.append(found)
    for found in earlier:
        if found.id in seen:
            break
        seen.add(found.id)
        chain.insert(0, found)
    return chain


def _walk_siblings(session: Session, start: m.Article, kind: str, limit: int) -> list[m.Article]:
    walked: list[m.Article] = []
    seen = {start.id}
    current = start
    while len(walked) < limit:
        version = current_version(session, current)
        if version is None:
            break
        link = session.scalar(
            select(m.Link).where(m.Link.version_id == version.id, m.Link.kind == kind).limit(1)
        )
        neighbour = article_by_url(session, link.url) if link is not None else None
        if neighbour is None or neighbour.id in seen:
            break
        seen.add(neighbour.id)
        walked.append(neighbour)
        current = neighbour
    return walked


def clusters(session: Session) -> dict[int, list[tuple[str, bool]]]:
    """Cluster id -> members (canonical URL, is the cluster's canonical member)."""
    rows = session.execute(
        select(
            m.Article.cluster_id,
            m.Article.canonical_url,
            m.Cluster.canonical_article_id,
            m.Article.id,
        )
        .join(m.Cluster, m.Cluster.id == m.Article.cluster_id)
        .order_by(m.Article.cluster_id, m.Article.id)
    )
    out: dict[int, list[tuple[str, bool]]] = {}
    for cluster_id, url, canonical_id, article_id in rows:
        assert cluster_id is not None
        out.setdefault(cluster_id, []).append((url, canonical_id == article_id))
    return out


def resumable_run(session: Session, start_urls: Sequence[str]) -> m.CrawlRun | None:
    """The latest run with these start URLs that never finished (killed or crashed)."""
    latest = session.scalar(
        select(m.CrawlRun)
        .where(m.CrawlRun.status.notin_(["finished"]))
        .order_by(m.CrawlRun.id.desc())
        .limit(1)
    )
    if latest is None or sorted(latest.start_urls or []) != sorted(start_urls):
        return None
    return latest


def run_chain(session: Session, run_id: int) -> list[int]:
    """A run and the runs it resumed, newest first."""
    chain: list[int] = []
    current: int | None = run_id
    while current is not None and current not in chain:
        chain.append(current)
        current = session.scalar(select(m.CrawlRun.resumed_from).where(m.CrawlRun.id == current))
    return chain


def archived_pages(
    session: Session, run_ids: Sequence[int]
) -> dict[str, tuple[str, str, str | None]]:
    """URL -> (final URL, content type, blob hash) of the runs' successful fetches."""
    rows = session.execute(
        select(m.Fetch.url, m.Fetch.final_url, m.Fetch.content_type, m.Fetch.blob_sha256).where(
            m.Fetch.crawl_run_id.in_(list(run_ids)),
            m.Fetch.status == 200,
            m.Fetch.blob_sha256.is_not(None),
        )
    )
    return {url: (final, ctype or "", sha) for url, final, ctype, sha in rows}


def blob_body(session: Session, sha256: str) -> bytes:
    blob = session.get(m.Blob, sha256)
    if blob is None:
        raise LookupError(f"blob {sha256} is missing from the archive")
    return decompress(blob)


def latest_page(session: Session, url: str) -> tuple[bytes, str | None, str] | None:
    """The newest archived 200 response for ``url``: body, content type, final URL."""
    row = session.execute(
        select(m.Blob, m.Fetch.content_type, m.Fetch.final_url)
        .join(m.Blob, m.Blob.sha256 == m.Fetch.blob_sha256)
        .where(m.Fetch.status == 200, or_(m.Fetch.url == url, m.Fetch.final_url == url))
        .order_by(m.Fetch.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    blob, content_type, final_url = row
    return decompress(blob), content_type, final_url
