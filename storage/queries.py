"""Read-only queries over the archive: what analysts, exports and the CLI ask for.

Every function takes a session and returns plain rows; none of them writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from storage import models as m
from storage.blobs import decompress


def current_versions() -> Select[m.Article, m.ArticleVersion]:
    return select(m.Article, m.ArticleVersion).join(
        m.ArticleVersion,
        and_(
            m.ArticleVersion.article_id == m.Article.id,
            m.ArticleVersion.version == m.Article.current_version,
        ),
    )


def latest_run(session: Session) -> m.CrawlRun | None:
    return session.scalar(select(m.CrawlRun).order_by(m.CrawlRun.id.desc()).limit(1))


def live_urls_on_hosts(
    session: Session,
    start_urls: Sequence[str],
    *,
    after: int = 0,
    upto: int | None = None,
    limit: int | None = None,
) -> list[tuple[int, str]]:
    """Known live article URLs on the start URLs' sites, to re-fetch for changes and removals.

    ``(article id, URL)`` in id order, ids in ``(after, upto]``, at most ``limit`` of them: a
    caller reads a large archive a page at a time rather than all its URLs at once.
    """
    prefixes = {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}/" for u in start_urls}
    query = select(m.Article.id, m.Article.canonical_url).where(
        m.Article.status == "live",
        m.Article.id > after,
        or_(*(m.Article.canonical_url.startswith(p, autoescape=True) for p in prefixes)),
    )
    if upto is not None:
        query = query.where(m.Article.id <= upto)
    rows = session.execute(query.order_by(m.Article.id).limit(limit))
    return [(article_id, url) for article_id, url in rows]


def last_article_id(session: Session) -> int:
    """The newest article's id (0 for an empty archive): where "archived so far" ends."""
    return session.scalar(select(func.max(m.Article.id))) or 0


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
        .where(m.CrawlRun.status.notin_(["finished", "overlap"]))
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


def archived_page(
    session: Session, run_ids: Sequence[int], url: str
) -> tuple[str, str, str] | None:
    """(final URL, content type, blob hash) of the runs' newest successful fetch of ``url``.

    One indexed lookup per URL rather than a table of the whole interrupted run in memory: a
    resumed crawl of a large site holds nothing per archived page.
    """
    row = session.execute(
        select(m.Fetch.final_url, m.Fetch.content_type, m.Fetch.blob_sha256)
        .where(
            m.Fetch.url == url,
            m.Fetch.crawl_run_id.in_(list(run_ids)),
            m.Fetch.status == 200,
            m.Fetch.blob_sha256.is_not(None),
        )
        .order_by(m.Fetch.id.desc())
        .limit(1)
    ).first()
    if row is None or row.blob_sha256 is None:
        return None
    return row.final_url, row.content_type or "", row.blob_sha256


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
