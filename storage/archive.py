"""Batched writes into the archive: fetches, blobs, article versions, tombstones, clusters.

One :meth:`ArchiveWriter.flush` is one transaction. Every lookup it needs is done once per batch
with ``IN`` queries and every insert is an ``executemany``, so writing stays close to the speed
of bare inserts; if the transaction fails, the batch stays pending and nothing half-written is
left behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import Engine, bindparam, insert, select, update
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from storage import models as m
from storage.blobs import compress
from storage.clusters import cluster_articles
from storage.fingerprints import NearDupConfig
from storage.records import ArticleRecord, FetchRecord, LinkEntry, ParsedArticle
from storage.search_index import index_versions
from storage.tables import (
    ADVICE_ITEMS,
    ARTICLES,
    BLOBS,
    FETCHES,
    LINKS,
    URL_ALIASES,
    VERSIONS,
    chunks,
    now,
)

TOMBSTONE_STATUSES = {404: "http_404", 410: "http_410"}


@dataclass
class FlushResult:
    fetches: int = 0
    new_blobs: int = 0
    new_articles: int = 0
    new_versions: int = 0
    unchanged: int = 0
    not_modified: int = 0
    aliases: int = 0
    tombstones: int = 0
    clustered: int = 0

    def add(self, other: FlushResult) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class _Pending:
    fetches: list[FetchRecord] = field(default_factory=list)
    articles: list[ArticleRecord] = field(default_factory=list)
    unchanged_urls: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.fetches) + len(self.articles) + len(self.unchanged_urls)

    def label(self) -> str:
        """The first URL in the batch, to name a refused record."""
        if self.fetches:
            return self.fetches[0].url
        if self.articles:
            return self.articles[0].article.url
        return self.unchanged_urls[0] if self.unchanged_urls else ""


class ArchiveWriter:
    """Buffers records and writes them in one transaction per :meth:`flush`."""

    def __init__(
        self,
        engine: Engine,
        run_id: int,
        parser_version: str,
        near_dup: NearDupConfig | None = None,
    ) -> None:
        self.engine = engine
        self.run_id = run_id
        self.parser_version = parser_version
        self.near_dup = near_dup or NearDupConfig()
        self.totals = FlushResult()
        self._pending = _Pending()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add_fetch(self, record: FetchRecord) -> None:
        self._pending.fetches.append(record)

    def add_article(self, record: ArticleRecord) -> None:
        self._pending.articles.append(record)

    def add_unchanged(self, url: str) -> None:
        """A URL known unchanged without fetching it: its article's ``last_seen`` moves on."""
        self._pending.unchanged_urls.append(url)

    def flush(self) -> FlushResult:
        if not self._pending:
            return FlushResult()
        batch = self._pending
        result = FlushResult()
        with Session(self.engine) as session, session.begin():
            fetch_ids = self._write_fetches(session, batch.fetches, result)
            self._write_tombstones(session, batch.fetches, fetch_ids, result)
            not_modified = [f.url for f in batch.fetches if f.status == 304]
            result.not_modified += len(not_modified)
            self._touch_unchanged(session, [*not_modified, *batch.unchanged_urls], result)
            self._write_articles(session, batch.articles, fetch_ids, result)
        self._pending = _Pending()
        self.totals.add(result)
        return result

    def flush_each(self) -> list[tuple[str, str]]:
        """Write pending records one transaction each; return ``(url, why)`` for those refused.

        The fallback when a batch keeps failing on its data (an over-long value, a constraint):
        one bad record must not hold back, and finally lose, the whole batch.
        """
        batch, rejected = self._pending, []
        records = [_Pending(fetches=[f]) for f in batch.fetches]
        records += [_Pending(articles=[a]) for a in batch.articles]
        records += [_Pending(unchanged_urls=batch.unchanged_urls)]
        for position, single in enumerate(records):
            self._pending = single
            try:
                self.flush()
            except (IntegrityError, DataError) as exc:
                rejected.append((single.label(), str(exc.orig).splitlines()[0]))
            except DBAPIError:
                self._pending = _Pending(
                    fetches=[f for r in records[position:] for f in r.fetches],
                    articles=[a for r in records[position:] for a in r.articles],
                    unchanged_urls=[u for r in records[position:] for u in r.unchanged_urls],
                )
                raise
        self._pending = _Pending()
        return rejected

    def _write_fetches(
        self, session: Session, fetches: list[FetchRecord], result: FlushResult
    ) -> dict[str, int]:
        if not fetches:
            return {}
        bodies: dict[str, bytes] = {}
        blob_of: dict[str, str | None] = {}
        for fetch in fetches:
            if fetch.body is None:
                blob_of[fetch.key] = fetch.blob_sha256
                continue
            sha = hashlib.sha256(fetch.body).hexdigest()
            bodies.setdefault(sha, fetch.body)
            blob_of[fetch.key] = sha
        known: set[str] = set()
        for part in chunks(list(bodies)):
            known.update(session.scalars(select(m.Blob.sha256).where(m.Blob.sha256.in_(part))))
        new_blobs = [
            {"sha256": sha, "compression": "zstd", "size": len(body), "data": compress(body)}
            for sha, body in bodies.items()
            if sha not in known
        ]
        if new_blobs:
            session.execute(insert(BLOBS), new_blobs)
        result.new_blobs += len(new_blobs)
        # A batch without HTTP details leaves their columns out of the insert, so writing
        # needs only the columns fetches had before those details were kept.
        captured = any(f.protocol is not None for f in fetches)
        rows = [
            {
                "key": f.key,
                "crawl_run_id": self.run_id,
                "url": f.url,
                "final_url": f.final_url,
                "status": f.status,
                "error": f.error,
                "content_type": f.content_type,
                "etag": f.etag,
                "last_modified": f.last_modified,
                "fetched_at": f.fetched_at,
                "blob_sha256": blob_of[f.key],
            }
            | (_http_record(f) if captured else {})
            for f in fetches
        ]
        returned = session.execute(insert(FETCHES).returning(m.Fetch.id, m.Fetch.key), rows)
        result.fetches += len(rows)
        return {key: fetch_id for fetch_id, key in returned}

    def _write_tombstones(
        self,
        session: Session,
        fetches: list[FetchRecord],
        fetch_ids: dict[str, int],
        result: FlushResult,
    ) -> None:
        gone = {}
        for fetch in fetches:
            reason = _tombstone_reason(fetch)
            if reason:
                gone[fetch.url] = (reason, fetch_ids.get(fetch.key))
        if not gone:
            return
        urls = list(gone)
        article_of: dict[str, int] = {}
        for part in chunks(urls):
            direct = select(m.Article.canonical_url, m.Article.id).where(
                m.Article.canonical_url.in_(part), m.Article.status == "live"
            )
            via_alias = (
                select(m.UrlAlias.url, m.Article.id)
                .join(m.Article, m.Article.id == m.UrlAlias.article_id)
                .where(m.UrlAlias.url.in_(part), m.Article.status == "live")
            )
            for query in (direct, via_alias):
                article_of.update((url, aid) for url, aid in session.execute(query))
        for url, article_id in article_of.items():
            reason, fetch_id = gone[url]
            session.execute(
                update(m.Article).where(m.Article.id == article_id).values(status="removed")
            )
            session.add(
                m.Tombstone(
                    article_id=article_id,
                    crawl_run_id=self.run_id,
                    fetch_id=fetch_id,
                    reason=reason,
                    recorded_at=now(),
                )
            )
            result.tombstones += 1
        session.flush()

    @staticmethod
    def _touch_unchanged(session: Session, pages: list[str], result: FlushResult) -> None:
        """A 304 or a sitemap date says the article is still there unchanged: seen again now."""
        urls = list(set(pages))
        if not urls:
            return
        article_ids: set[int] = set()
        for part in chunks(urls):
            article_ids.update(
                session.scalars(select(m.Article.id).where(m.Article.canonical_url.in_(part)))
            )
            article_ids.update(
                session.scalars(select(m.UrlAlias.article_id).where(m.UrlAlias.url.in_(part)))
            )
        if not article_ids:
            return
        session.execute(
            update(ARTICLES)
            .where(ARTICLES.c.id == bindparam("aid"))
            .values(last_seen=now(), status="live"),
            [{"aid": article_id} for article_id in sorted(article_ids)],
        )
        result.unchanged += len(article_ids)

    def _write_articles(
        self,
        session: Session,
        records: list[ArticleRecord],
        fetch_ids: dict[str, int],
        result: FlushResult,
    ) -> None:
        if not records:
            return
        stamp = now()
        by_canonical: dict[str, ArticleRecord] = {}
        for record in records:
            by_canonical.setdefault(record.article.canonicalUrl, record)
        result.unchanged += len(records) - len(by_canonical)
        existing = self._existing_articles(session, list(by_canonical))
        same_content = self._articles_by_hash(
            session, [r.content_hash for url, r in by_canonical.items() if url not in existing]
        )
        touched: list[int] = []
        new_rows: list[ArticleRecord] = []
        changed: list[tuple[int, int, ArticleRecord]] = []
        aliases: list[dict[str, object]] = []
        for url, record in by_canonical.items():
            if url in existing:
                article_id, old_hash, version = existing[url]
                if old_hash == record.content_hash:
                    touched.append(article_id)
                    result.unchanged += 1
                else:
                    changed.append((article_id, version + 1, record))
            elif record.content_hash in same_content:
                article_id = same_content[record.content_hash]
                touched.append(article_id)
                aliases.append({"url": url, "article_id": article_id, "reason": "same_content"})
            else:
                same_content[record.content_hash] = -1
                new_rows.append(record)
        if touched:
            session.execute(
                update(ARTICLES)
                .where(ARTICLES.c.id == bindparam("aid"))
                .values(last_seen=stamp, status="live"),
                [{"aid": article_id} for article_id in touched],
            )
        new_ids = self._insert_articles(session, new_rows, stamp)
        for record in new_rows:
            same_content[record.content_hash] = new_ids[record.article.canonicalUrl]
        for record in records:
            self._collect_alias(record, by_canonical, existing, new_ids, aliases)
        result.aliases += self._insert_aliases(session, aliases)
        if changed:
            session.execute(
                update(ARTICLES)
                .where(ARTICLES.c.id == bindparam("aid"))
                .values(
                    last_seen=stamp,
                    status="live",
                    current_version=bindparam("ver"),
                    content_hash=bindparam("hash"),
                ),
                [{"aid": aid, "ver": ver, "hash": rec.content_hash} for aid, ver, rec in changed],
            )
        versions = [(new_ids[rec.article.canonicalUrl], 1, rec) for rec in new_rows] + changed
        self.write_versions(session, versions, fetch_ids, stamp)
        result.new_articles += len(new_rows)
        result.new_versions += len(versions)
        result.clustered += cluster_articles(
            session,
            [(aid, rec.signature) for aid, _, rec in versions if rec.signature],
            self.near_dup,
        )

    def _existing_articles(
        self, session: Session, urls: list[str]
    ) -> dict[str, tuple[int, str, int]]:
        found: dict[str, tuple[int, str, int]] = {}
        for part in chunks(urls):
            rows = session.execute(
                select(
                    m.Article.canonical_url,
                    m.Article.id,
                    m.Article.content_hash,
                    m.Article.current_version,
                ).where(m.Article.canonical_url.in_(part))
            )
            for url, article_id, content_hash, version in rows:
                found[url] = (article_id, content_hash, version)
        return found

    def _articles_by_hash(self, session: Session, hashes: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for part in chunks(list(set(hashes))):
            rows = session.execute(
                select(m.Article.content_hash, m.Article.id)
                .where(m.Article.content_hash.in_(part))
                .order_by(m.Article.id)
            )
            for content_hash, article_id in rows:
                found.setdefault(content_hash, article_id)
        return found

    def _insert_articles(
        self, session: Session, records: list[ArticleRecord], stamp: datetime
    ) -> dict[str, int]:
        if not records:
            return {}
        rows = [
            {
                "canonical_url": r.article.canonicalUrl,
                "first_seen": stamp,
                "last_seen": stamp,
                "current_version": 1,
                "content_hash": r.content_hash,
                "status": "live",
                "has_canonical_link": r.declared_canonical,
            }
            for r in records
        ]
        returned = session.execute(
            insert(ARTICLES).returning(m.Article.id, m.Article.canonical_url), rows
        )
        return {url: article_id for article_id, url in returned}

    @staticmethod
    def _collect_alias(
        record: ArticleRecord,
        by_canonical: dict[str, ArticleRecord],
        existing: dict[str, tuple[int, str, int]],
        new_ids: dict[str, int],
        aliases: list[dict[str, object]],
    ) -> None:
        canonical = record.article.canonicalUrl
        fetched = record.article.url
        if fetched == canonical:
            return
        article_id = new_ids.get(canonical) or existing.get(canonical, (None,))[0]
        if article_id is None:
            return
        aliases.append({"url": fetched, "article_id": article_id, "reason": "canonical_link"})

    @staticmethod
    def _insert_aliases(session: Session, aliases: list[dict[str, object]]) -> int:
        unique = {str(a["url"]): a for a in aliases}
        if not unique:
            return 0
        known: set[str] = set()
        for part in chunks(list(unique)):
            known.update(session.scalars(select(m.UrlAlias.url).where(m.UrlAlias.url.in_(part))))
        rows = [row for url, row in unique.items() if url not in known]
        if rows:
            session.execute(insert(URL_ALIASES), rows)
        return len(rows)

    def write_versions(
        self,
        session: Session,
        versions: list[tuple[int, int, ArticleRecord]],
        fetch_ids: dict[str, int],
        stamp: datetime,
    ) -> None:
        """Insert article versions, which become current, with advice items, links and search text.

        Inserts go through Core tables (``insert(Model.__table__)``): plain ``executemany`` without
        the ORM's per-row bookkeeping, which dominated large batches.

            A version's fetch may have been committed in an earlier batch (a batch boundary can fall
            between a page's fetch and its article), so unknown fetch keys are looked up.
        """
        if not versions:
            return
        missing = [
            rec.fetch_key
            for _, _, rec in versions
            if rec.fetch_key and rec.fetch_key not in fetch_ids
        ]
        if missing:
            fetch_ids = dict(fetch_ids)
            for part in chunks(missing):
                rows_found = session.execute(
                    select(m.Fetch.key, m.Fetch.id).where(m.Fetch.key.in_(part))
                )
                fetch_ids.update((key, fetch_id) for key, fetch_id in rows_found)
        rows = [
            version_row(rec.article, self.parser_version)
            | {
                "article_id": aid,
                "version": ver,
                "content_hash": rec.content_hash,
                "fetch_id": fetch_ids.get(rec.fetch_key or ""),
                "crawl_run_id": self.run_id,
                "created_at": stamp,
            }
            for aid, ver, rec in versions
        ]
        returned = session.execute(
            insert(VERSIONS).returning(
                m.ArticleVersion.id, m.ArticleVersion.article_id, m.ArticleVersion.version
            ),
            rows,
        )
        version_ids = {(aid, ver): vid for vid, aid, ver in returned}
        index_versions(
            session,
            [
                (aid, version_ids[(aid, ver)], rec.article.headline, rec.article.articleBody)
                for aid, ver, rec in versions
            ],
        )
        write_children(
            session,
            [(version_ids[(aid, ver)], rec.article) for aid, ver, rec in versions],
            self.parser_version,
        )


def version_row(article: ParsedArticle, parser_version: str) -> dict[str, object]:
    return {
        "parser_version": parser_version,
        "url": article.url,
        "headline": article.headline,
        "body": article.articleBody,
        "language": article.inLanguage,
        "encoding": article.encoding,
        "date_published": article.datePublished,
        "date_modified": article.dateModified,
        "authors": list(article.authors),
        "breadcrumbs": list(article.breadcrumbs),
        "category": article.category,
        "description": article.description,
        "medically_reviewed_by": list(article.medicallyReviewedBy),
        "last_reviewed": article.lastReviewed,
    }


def write_children(
    session: Session, versions: list[tuple[int, ParsedArticle]], parser_version: str
) -> None:
    advice_rows: list[dict[str, object]] = []
    link_rows: list[dict[str, object]] = []
    for version_id, article in versions:
        advice_rows.extend(
            {
                "version_id": version_id,
                "position": position,
                "list_index": item.list_index,
                "printed_number": item.printed_number,
                "marker": item.marker,
                "text": item.text,
                "explanation": item.explanation,
                "parser_version": parser_version,
            }
            for position, item in enumerate(article.advice)
        )
        link_rows.extend(
            {
                "version_id": version_id,
                "kind": kind,
                "position": position,
                "url": link.url,
                "text": link.text,
                "title": link.title,
                "parser_version": parser_version,
            }
            for kind, position, link in article_links(article)
        )
    if advice_rows:
        session.execute(insert(ADVICE_ITEMS), advice_rows)
    if link_rows:
        session.execute(insert(LINKS), link_rows)


def article_links(article: ParsedArticle) -> Iterator[tuple[str, int, LinkEntry]]:
    if article.previous:
        yield "prev", 0, article.previous
    if article.next:
        yield "next", 0, article.next
    for position, link in enumerate(article.related):
        yield "related", position, link


def _http_record(fetch: FetchRecord) -> dict[str, object]:
    return {
        "protocol": fetch.protocol,
        "reason": fetch.reason,
        "headers": _pairs(fetch.headers),
        "request_method": fetch.request_method,
        "request_headers": _pairs(fetch.request_headers),
    }


def _pairs(headers: tuple[tuple[str, str], ...] | None) -> list[list[str]] | None:
    return None if headers is None else [[name, value] for name, value in headers]


def _tombstone_reason(fetch: FetchRecord) -> str | None:
    if fetch.status in TOMBSTONE_STATUSES:
        return TOMBSTONE_STATUSES[fetch.status]
    if fetch.status == 200 and fetch.final_url != fetch.url and _is_home(fetch.final_url):
        return None if _is_home(fetch.url) else "soft_404"
    return None


def _is_home(url: str) -> bool:
    return urlsplit(url).path in ("", "/", "/index.html")
