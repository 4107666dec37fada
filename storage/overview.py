"""What the archive holds, for ``peek``, ``stats``, ``runs`` and ``show``.

Plain SQL over a :class:`storage.reader.Reader` (no ORM), returning plain dicts and lists that
the commands print as text or JSON. Counts of advice items and links are over current versions:
that is what an export of the archive would contain.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from storage.reader import Reader, bind, placeholders

CURRENT = (
    "article_versions v JOIN articles a ON v.article_id = a.id AND v.version = a.current_version"
)
REASON_PREFIXES = {
    "healtharchive/fetch_error/": "fetch",
    "healtharchive/parse/": "parse",
    "healtharchive/dropped/": "dropped",
}
"""Crawl-stats keys that count pages refused or failed, by reason code (see the spider)."""
ACCEPTED_PARSE = {"article"}


def counts(reader: Reader) -> dict[str, int]:
    """Rows per table; advice items and links over all versions (counting only current ones
    means a join over every article, seconds at scale, and a summary need not pay that).

    A ``count(*)`` without a condition counts the entries of the table's smallest index
    without reading a row (SQLite counts them page by page). Articles that are not live are
    counted on the partial index ``ix_articles_not_live``, which holds only them, and live ones
    are all articles less those.
    """
    row = reader.rows(
        """
        SELECT
          (SELECT count(*) FROM articles)
            - (SELECT count(*) FROM articles WHERE status <> 'live'),
          (SELECT count(*) FROM articles WHERE status <> 'live' AND status = 'removed'),
          (SELECT count(*) FROM article_versions),
          (SELECT count(*) FROM advice_items),
          (SELECT count(*) FROM links),
          (SELECT count(*) FROM fetches),
          (SELECT count(*) FROM blobs),
          (SELECT count(*) FROM clusters),
          (SELECT count(*) FROM crawl_runs)
        """
    )[0]
    names = (
        "articles",
        "removed",
        "versions",
        "advice_items",
        "links",
        "fetches",
        "blobs",
        "clusters",
        "crawl_runs",
    )
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


def runs(reader: Reader, limit: int | None = None) -> list[dict[str, Any]]:
    """Crawl runs, newest first, with their state, duration and headline stats.

    A run's fetches, failed fetches and new versions come from ``summary_runs``, which the
    database keeps as the rows are written, rather than from counting its rows.
    """
    query = (
        f"SELECT r.id, r.spider, r.status, {reader.iso('r.started_at')} AS started_at, "
        f"{reader.iso('r.finished_at')} AS finished_at, r.resumed_from, r.start_urls, r.stats, "
        "coalesce(c.fetches, 0) AS fetches, coalesce(c.failed_fetches, 0) AS failed_fetches, "
        "coalesce(c.new_versions, 0) AS new_versions "
        "FROM crawl_runs r LEFT JOIN summary_runs c ON c.crawl_run_id = r.id "
        "ORDER BY r.id DESC"
    )
    if limit is not None:
        query += f" LIMIT {int(limit)}"
    out = reader.records(query)
    for run in out:
        run["start_urls"] = _json(run["start_urls"]) or []
        stats = _json(run["stats"]) or {}
        run["pages"] = int(stats.get("downloader/response_count", 0) or 0)
        run["reasons"] = _reasons([stats])
        run["stats"] = stats
    return out


def stats(reader: Reader) -> dict[str, Any]:
    """Totals, and counts per site, language, crawl run and failure reason.

    Per site and language, and per failure reason, the counts are read from the summary tables
    the database keeps as rows are written (revision ``0008_summaries``): a few rows per site
    and writer, whatever the number of articles.
    """
    groups = reader.rows(
        """
        SELECT site, language, status, sum(articles), sum(versions), sum(advice_items)
        FROM summary_articles GROUP BY site, language, status HAVING sum(articles) <> 0
        """
    )
    sites: dict[str | None, dict[str, Any]] = {}
    languages: dict[str, dict[str, Any]] = {}
    for stored_site, language, status, articles, versions, advice in groups:
        site = _site(reader, stored_site)
        row = sites.setdefault(
            site, {"site": site, "articles": 0, "removed": 0, "versions": 0, "advice_items": 0}
        )
        row["articles" if status == "live" else "removed"] += int(articles)
        row["versions"] += int(versions or 0)
        row["advice_items"] += int(advice or 0)
        if status == "live":
            lang = languages.setdefault(
                language, {"language": language, "articles": 0, "advice_items": 0}
            )
            lang["articles"] += int(articles)
            lang["advice_items"] += int(advice or 0)
    by_site = [sites[key] for key in sorted(sites, key=lambda k: k or "")]
    by_language = sorted(languages.values(), key=lambda r: (-r["articles"], r["language"]))
    site_column = "NULLIF(site, '')" if reader.dialect == "postgresql" else "site"
    failures = reader.records(
        f"""
        SELECT reason, {site_column} AS site, sum(fetches) AS fetches
        FROM summary_failures GROUP BY reason, site HAVING sum(fetches) <> 0
        ORDER BY 3 DESC, 1, 2
        """
    )
    all_runs = runs(reader)
    return {
        "totals": counts(reader),
        "sites": by_site,
        "languages": by_language,
        "runs": [
            {
                key: run[key]
                for key in (
                    "id",
                    "spider",
                    "status",
                    "started_at",
                    "fetches",
                    "failed_fetches",
                    "new_versions",
                )
            }
            for run in all_runs
        ],
        "failed_fetches": [{**row, "fetches": int(row["fetches"])} for row in failures],
        "reasons": _reasons([run["stats"] for run in all_runs]),
    }


def _site(reader: Reader, stored: str) -> str | None:
    """A summary's site as the grouped query gave it: PostgreSQL's "no site" is stored as ''."""
    if reader.dialect == "postgresql":
        return stored or None
    return stored


def _reasons(all_stats: list[dict[str, Any]]) -> dict[str, int]:
    """Pages refused or failed, by ``kind/reason`` code, summed over runs' crawl stats."""
    total: Counter[str] = Counter()
    for run_stats in all_stats:
        for key, value in run_stats.items():
            for prefix, kind in REASON_PREFIXES.items():
                reason = key[len(prefix) :] if key.startswith(prefix) else None
                if reason and not (kind == "parse" and reason in ACCEPTED_PARSE):
                    total[f"{kind}/{reason}"] += int(value or 0)
    return dict(sorted(total.items(), key=lambda item: (-item[1], item[0])))


def latest_articles(reader: Reader, limit: int) -> list[dict[str, Any]]:
    return reader.records(
        f"""
        SELECT a.canonical_url AS url, v.headline, v.language,
          (SELECT count(*) FROM advice_items i WHERE i.version_id = v.id) AS advice_count
        FROM {CURRENT} WHERE a.status = 'live'
        ORDER BY a.last_seen DESC, a.id DESC LIMIT :limit
        """,
        {"limit": limit},
    )


def find_article(reader: Reader, ref: str) -> int | None:
    """An article id from its id, canonical URL or any alias URL."""
    if ref.isdigit():
        return reader.scalar("SELECT id FROM articles WHERE id = :id", {"id": int(ref)})
    found = reader.scalar("SELECT id FROM articles WHERE canonical_url = :url", {"url": ref})
    if found is None:
        found = reader.scalar("SELECT article_id FROM url_aliases WHERE url = :url", {"url": ref})
    return found


def article(reader: Reader, article_id: int) -> dict[str, Any]:
    """One article: metadata of its current version, advice, siblings, versions and cluster."""
    meta = reader.records(
        f"""
        SELECT a.id, a.canonical_url, a.status, a.current_version,
          {reader.iso("a.first_seen")} AS first_seen, {reader.iso("a.last_seen")} AS last_seen,
          a.cluster_id, v.id AS version_id, v.url, v.headline, v.language, v.category,
          v.date_published, v.date_modified, v.authors, v.breadcrumbs, v.description,
          v.medically_reviewed_by, v.last_reviewed, v.parser_version, v.encoding
        FROM {CURRENT} WHERE a.id = :id
        """,
        {"id": article_id},
    )[0]
    version_id = meta.pop("version_id")
    for key in ("authors", "breadcrumbs", "medically_reviewed_by"):
        meta[key] = _json(meta[key]) or []
    meta["advice"] = reader.records(
        "SELECT list_index, printed_number, marker, text, explanation FROM advice_items "
        "WHERE version_id = :id ORDER BY position",
        {"id": version_id},
    )
    meta["links"] = reader.records(
        "SELECT kind, url, text FROM links WHERE version_id = :id ORDER BY kind, position",
        {"id": version_id},
    )
    meta["versions"] = reader.records(
        f"SELECT version, {reader.iso('created_at')} AS created_at, content_hash, "
        "parser_version, crawl_run_id FROM article_versions WHERE article_id = :id "
        "ORDER BY version",
        {"id": article_id},
    )
    meta["aliases"] = [
        row[0]
        for row in reader.rows(
            "SELECT url FROM url_aliases WHERE article_id = :id ORDER BY url", {"id": article_id}
        )
    ]
    meta["cluster"] = []
    if meta["cluster_id"] is not None:
        meta["cluster"] = [
            {"id": row[0], "url": row[1], "canonical": bool(row[2])}
            for row in reader.rows(
                "SELECT a.id, a.canonical_url, "
                "CASE WHEN c.canonical_article_id = a.id THEN 1 ELSE 0 END "
                "FROM articles a JOIN clusters c ON c.id = a.cluster_id "
                "WHERE a.cluster_id = :cluster ORDER BY a.id",
                {"cluster": meta["cluster_id"]},
            )
        ]
    return meta


def series(reader: Reader, article_id: int, limit: int = 500) -> list[dict[str, Any]]:
    """The series the article belongs to, in order: its ``prev`` links followed back to the
    first archived article, then its ``next`` links forward.

    The walk stops at a link to a page not in the archive, at a loop, or after ``limit``
    articles, so a site whose "next" links run in a circle still gives a finite answer.
    """
    seen = {article_id}
    earlier = _walk(reader, article_id, "prev", limit, seen)
    later = _walk(reader, article_id, "next", limit, seen)
    ids = [*reversed(earlier), article_id, *later]
    headlines: dict[int, str] = dict(
        reader.rows(
            f"SELECT a.id, v.headline FROM {CURRENT} WHERE a.id IN ({placeholders(ids)})",
            bind(ids),
        )
    )
    urls: dict[int, str] = dict(
        reader.rows(
            f"SELECT id, canonical_url FROM articles WHERE id IN ({placeholders(ids)})", bind(ids)
        )
    )
    return [{"id": i, "url": urls[i], "headline": headlines.get(i) or ""} for i in ids]


def _walk(reader: Reader, start: int, kind: str, limit: int, seen: set[int]) -> list[int]:
    walked: list[int] = []
    current = start
    while len(walked) < limit:
        url = reader.scalar(
            f"SELECT l.url FROM {CURRENT} JOIN links l ON l.version_id = v.id "
            "WHERE a.id = :id AND l.kind = :kind ORDER BY l.position LIMIT 1",
            {"id": current, "kind": kind},
        )
        neighbour = find_article(reader, url) if url else None
        if neighbour is None or neighbour in seen:
            break
        seen.add(neighbour)
        walked.append(neighbour)
        current = neighbour
    return walked


def _json(value: Any) -> Any:
    """JSON columns come back as text from SQLite and as Python values from psycopg."""
    if isinstance(value, str):
        return json.loads(value)
    return value
