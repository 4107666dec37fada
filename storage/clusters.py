"""Near-duplicate clusters over the MinHash LSH index.

Candidates come from indexed ``(band, bucket)`` lookups, so a lookup costs the same however
large the archive grows; they are verified with the estimated Jaccard similarity before two
articles share a cluster.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

import numpy as np
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from storage import models as m
from storage.fingerprints import NearDupConfig, estimated_jaccard, lsh_buckets
from storage.tables import LSH_BANDS, SIGNATURES, chunks

COPY_URL_RE = re.compile(
    r"(?:^|[/_.\-])(?:reprints?|reposts?|print|copy|mirror|amp|syndicated?)(?=$|[/_.\-])", re.I
)
"""Path words by which sites mark a page as a copy of another (reprint, print view, AMP...)."""


def looks_like_copy(url: str) -> bool:
    return bool(COPY_URL_RE.search(urlsplit(url).path))


def cluster_articles(
    session: Session, signed: list[tuple[int, bytes]], config: NearDupConfig
) -> int:
    """Store signatures and LSH bands, then attach each article to its near-duplicates' cluster.

    Candidates come from indexed band lookups (sub-linear in archive size) and are verified
    with the estimated Jaccard similarity before two articles are put together.
    """
    if not signed:
        return 0
    ids = [aid for aid, _ in signed]
    for part in chunks(ids):
        session.execute(delete(m.LshBand).where(m.LshBand.article_id.in_(part)))
        session.execute(delete(m.Signature).where(m.Signature.article_id.in_(part)))
    values = {aid: np.frombuffer(sig, dtype=np.uint64) for aid, sig in signed}
    buckets = {aid: lsh_buckets(vals, config) for aid, vals in values.items()}
    candidates = lsh_candidates(session, buckets)
    session.execute(
        insert(SIGNATURES), [{"article_id": aid, "minhash": sig} for aid, sig in signed]
    )
    session.execute(
        insert(LSH_BANDS),
        [
            {"article_id": aid, "band": band, "bucket": bucket}
            for aid, bands in buckets.items()
            for band, bucket in enumerate(bands)
        ],
    )
    stored = stored_signatures(session, {c for cs in candidates.values() for c in cs} - set(values))
    stored.update(values)
    matches = {
        aid: sorted(
            other
            for other in candidates[aid]
            if other != aid and estimated_jaccard(values[aid], stored[other]) >= config.threshold
        )
        for aid in ids
    }
    return assign_clusters(session, matches)


def lsh_candidates(session: Session, buckets: dict[int, list[int]]) -> dict[int, set[int]]:
    """Articles sharing at least one band bucket; one indexed ``(band, bucket)`` lookup per band."""
    wanted: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_band: dict[int, list[int]] = defaultdict(list)
    for aid, bands in buckets.items():
        for band, bucket in enumerate(bands):
            if (band, bucket) not in wanted:
                by_band[band].append(bucket)
            wanted[(band, bucket)].append(aid)
    out: dict[int, set[int]] = {aid: set() for aid in buckets}
    for band, band_buckets in by_band.items():
        for part in chunks(band_buckets):
            rows = session.execute(
                select(LSH_BANDS.c.article_id, LSH_BANDS.c.bucket).where(
                    LSH_BANDS.c.band == band, LSH_BANDS.c.bucket.in_(part)
                )
            )
            for other, bucket in rows:
                for aid in wanted[(band, bucket)]:
                    out[aid].add(other)
    for aids in wanted.values():
        for aid in aids:
            out[aid].update(aids)
    return out


def stored_signatures(session: Session, ids: Iterable[int]) -> dict[int, np.ndarray]:
    out: dict[int, np.ndarray] = {}
    for part in chunks(list(ids)):
        rows = session.execute(
            select(m.Signature.article_id, m.Signature.minhash).where(
                m.Signature.article_id.in_(part)
            )
        )
        for aid, data in rows:
            out[aid] = np.frombuffer(data, dtype=np.uint64)
    return out


def assign_clusters(session: Session, matches: dict[int, list[int]]) -> int:
    """Put each article with its verified near-duplicates, then re-elect canonical members.

    The articles in ``matches`` have new content: each first leaves its old cluster, so an
    article edited away from its near-duplicates no longer sits with them; a cluster left with
    one member is dissolved.
    """
    clustered = 0
    touched = _detach(session, list(matches))
    for aid, others in matches.items():
        if not others:
            continue
        group = [aid, *others]
        cluster_ids = sorted(
            {
                cluster_id
                for cluster_id in session.scalars(
                    select(m.Article.cluster_id).where(m.Article.id.in_(group))
                )
                if cluster_id is not None
            }
        )
        if cluster_ids:
            target = cluster_ids[0]
            for other_cluster in cluster_ids[1:]:
                session.execute(
                    update(m.Article)
                    .where(m.Article.cluster_id == other_cluster)
                    .values(cluster_id=target)
                )
                session.execute(delete(m.Cluster).where(m.Cluster.id == other_cluster))
        else:
            cluster = m.Cluster()
            session.add(cluster)
            session.flush()
            target = cluster.id
        session.execute(update(m.Article).where(m.Article.id.in_(group)).values(cluster_id=target))
        touched.add(target)
        clustered += 1
    for cluster_id in touched:
        members = list(
            session.scalars(select(m.Article.id).where(m.Article.cluster_id == cluster_id))
        )
        if len(members) > 1:
            elect_canonical(session, cluster_id)
            continue
        session.execute(
            update(m.Article).where(m.Article.cluster_id == cluster_id).values(cluster_id=None)
        )
        session.execute(delete(m.Cluster).where(m.Cluster.id == cluster_id))
    return clustered


def _detach(session: Session, ids: list[int]) -> set[int]:
    """Take articles out of their clusters; return the clusters they left."""
    left: set[int] = set()
    for part in chunks(ids):
        left.update(
            cluster_id
            for cluster_id in session.scalars(
                select(m.Article.cluster_id).where(m.Article.id.in_(part))
            )
            if cluster_id is not None
        )
        if left:
            session.execute(
                update(m.Article)
                .where(m.Article.id.in_(part), m.Article.cluster_id.is_not(None))
                .values(cluster_id=None)
            )
    return left


def elect_canonical(session: Session, cluster_id: int) -> None:
    """Make the cluster's original its canonical member; stable across re-crawls.

    In order: a member other pages name with ``rel=canonical`` (it has ``canonical_link``
    aliases); a member whose URL does not announce a copy (``-reprint``, ``/print/``,
    ``mirror``...); the earliest seen; one declaring its own canonical URL; the lowest id. A
    page's canonical link to itself is weak evidence (templates print one on every copy), so it
    only breaks ties.
    """
    targets = (
        select(m.UrlAlias.article_id)
        .where(m.UrlAlias.reason == "canonical_link")
        .where(m.UrlAlias.article_id == m.Article.id)
        .exists()
    )
    members = session.execute(
        select(
            m.Article.id,
            m.Article.canonical_url,
            m.Article.first_seen,
            m.Article.has_canonical_link,
            targets,
        ).where(m.Article.cluster_id == cluster_id)
    ).all()
    best = min(
        members,
        key=lambda row: (
            not row[4],
            looks_like_copy(row[1]),
            row[2],
            not row[3],
            row[0],
        ),
    )[0]
    session.execute(
        update(m.Cluster).where(m.Cluster.id == cluster_id).values(canonical_article_id=best)
    )
