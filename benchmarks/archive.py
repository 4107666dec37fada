"""Archive benchmark: batched writer against bare inserts, and near-duplicate lookup scaling.

1. Insert rate on SQLite. The same synthetic articles go, batch by batch, through
   ``ArchiveWriter`` (``add_fetch`` + ``add_article`` + ``flush``) into one fresh archive and
   through plain DB-API ``executemany`` calls (same tables, same row values, no lookups, one
   transaction per batch) into another. Content hash and MinHash signature are computed first,
   as the normalize and dedup pipelines do, and timed apart: that cost belongs to the crawl
   pipelines, not to the archive.
2. Near-duplicate lookup at two archive sizes: candidates from the LSH band index, then
   signature verification, through the writer's own helpers, for fresh query articles of which
   half are planted near-duplicates of stored ones (their recall is reported).

Synthetic bodies are drawn from a seeded word bank with a Zipf-like frequency, each article
with its own seed, so articles share words but not passages; 1% of the stream are planted
near-duplicates (a few words changed) of an earlier article. Example::

    python benchmarks/archive.py                  # 100k articles, 10k/100k lookups
    python benchmarks/archive.py --quick          # 5k articles, 1k/5k lookups, < 1 minute
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import accumulate
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from crawler.parsers.records import AdviceItem, Article, Link
from pipelines.normalize import article_hash
from storage import models as m
from storage.archive import ArchiveWriter, article_links, version_row
from storage.blobs import compress
from storage.clusters import lsh_candidates, stored_signatures
from storage.db import create_archive_engine
from storage.fingerprints import (
    NearDupConfig,
    estimated_jaccard,
    lsh_buckets,
    minhash,
    signature_bytes,
)
from storage.records import ArticleRecord, FetchRecord
from storage.runs import start_run

SEED = 20261124
BANK_SIZE = 4000
ZIPF_EXPONENT = 0.7
"""Flatter than English: shared words, but no trigram common enough to flood an LSH bucket."""
SYLLABLES = "ba be bi bo bu da de di do ka ke ki ko la le li lo ma me mi mo na ne ni no ra re ri"
BODY_WORDS = 300
PARAGRAPH_WORDS = 60
DUP_EVERY = 100
"""One article in this many is a planted near-duplicate of an earlier one."""
DUP_EDITS = 9
"""Words replaced in a near-duplicate: a Jaccard similarity of about 0.85 over 3-word shingles."""
RELATED_LINKS = 5
SITE = "https://health.example"
PARSER_VERSION = "bench"
QUERY_OFFSET = 10_000_000
"""Index of the first fresh query article, far beyond any stored one."""
NO_ARTICLE = -1
"""Id of a query article in the candidate lookup: no stored article has it."""
DB_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
"""How SQLAlchemy's SQLite dialect stores a ``DateTime``; the bare side writes the same text."""
BARE_TABLES = (
    "crawl_runs",
    "blobs",
    "fetches",
    "articles",
    "article_versions",
    "advice_items",
    "links",
    "signatures",
    "lsh_bands",
    "clusters",
)


@dataclass(frozen=True)
class Synthetic:
    """One generated page: the fetch, the parsed article, and its planted original if any."""

    index: int
    fetch: FetchRecord
    article: Article
    dup_of: int | None


@dataclass(frozen=True)
class Prepared:
    index: int
    fetch: FetchRecord
    record: ArticleRecord
    dup_of: int | None


@dataclass
class Timer:
    seconds: float = 0.0
    calls: int = 0

    def add(self, started: float) -> None:
        self.seconds += time.perf_counter() - started
        self.calls += 1


@dataclass
class InsertResult:
    articles: int
    precompute: Timer = field(default_factory=Timer)
    archive: Timer = field(default_factory=Timer)
    bare: Timer = field(default_factory=Timer)
    bare_derive: Timer = field(default_factory=Timer)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class LookupResult:
    size: int
    lookups: int
    seconds: float
    candidates: int
    planted: int
    found: int
    false_matches: int

    @property
    def ms_per_lookup(self) -> float:
        return 1000 * self.seconds / self.lookups

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 0.0


class Corpus:
    """Deterministic synthetic articles: article ``i`` is the same on every call and run."""

    def __init__(self, seed: int = SEED) -> None:
        rng = random.Random(seed)
        syllables = SYLLABLES.split()
        words: set[str] = set()
        while len(words) < BANK_SIZE:
            words.add("".join(rng.choices(syllables, k=rng.randint(1, 4))))
        self.bank = sorted(words)
        rng.shuffle(self.bank)
        self.weights = list(
            accumulate(1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(BANK_SIZE))
        )
        self.seed = seed

    def rng(self, index: int) -> random.Random:
        return random.Random(self.seed * 1_000_003 + index)

    def words(self, index: int, count: int) -> list[str]:
        return self.rng(index).choices(self.bank, cum_weights=self.weights, k=count)

    def body_words(self, index: int, dup_of: int | None) -> list[str]:
        if dup_of is None:
            return self.words(index, BODY_WORDS)
        words = self.words(dup_of, BODY_WORDS)
        rng = self.rng(index)
        for position in rng.sample(range(BODY_WORDS), DUP_EDITS):
            words[position] = rng.choice(self.bank)
        return words

    def page(self, index: int, dup_of: int | None = None) -> Synthetic:
        words = self.body_words(index, dup_of)
        rng = self.rng(index)
        url = f"{SITE}/advice/{index}-{'-'.join(self.words(index + 1, 3))}"
        headline = " ".join(self.words(index + 2, 6)).capitalize()
        advice = tuple(
            AdviceItem(0, n, " ".join(self.words(index * 8 + n, 8)).capitalize(), f"{n}.")
            for n in range(1, rng.randint(3, 8) + 1)
        )
        article = Article(
            url=url,
            canonicalUrl=url,
            headline=headline,
            articleBody=paragraphs(words),
            inLanguage="en",
            encoding="utf-8",
            advice=advice,
            previous=Link(f"{SITE}/advice/{index - 1}", "Previous"),
            next=Link(f"{SITE}/advice/{index + 1}", "Next"),
            related=tuple(
                Link(f"{SITE}/advice/{rng.randrange(10**6)}", " ".join(self.words(-index, 4)))
                for _ in range(RELATED_LINKS)
            ),
            datePublished="2026-11-24",
            authors=("Staff Writer",),
            breadcrumbs=("Home", "Advice"),
            canonicalDeclared=True,
        )
        fetch = FetchRecord(
            key=f"{self.seed:x}{index:024x}"[-32:],
            url=url,
            final_url=url,
            status=200,
            fetched_at=datetime.now(timezone.utc),
            body=raw_html(article),
            content_type="text/html; charset=utf-8",
        )
        return Synthetic(index, fetch, article, dup_of)

    def stream(self, count: int) -> Iterator[Synthetic]:
        """``count`` pages; every ``DUP_EVERY``-th reprints a distinct earlier original."""
        rng = random.Random(self.seed)
        reprinted: set[int] = set()
        for index in range(count):
            dup_of = None
            if index % DUP_EVERY == DUP_EVERY - 1:
                while dup_of is None or dup_of % DUP_EVERY == DUP_EVERY - 1 or dup_of in reprinted:
                    dup_of = rng.randrange(index)
                reprinted.add(dup_of)
            yield self.page(index, dup_of)

    def queries(self, stored: int, count: int) -> Iterator[Synthetic]:
        """Fresh pages: even ones reprint a stored original, odd ones are new text."""
        rng = random.Random(self.seed + stored)
        for n in range(count):
            dup_of = None
            if n % 2 == 0:
                while dup_of is None or dup_of % DUP_EVERY == DUP_EVERY - 1:
                    dup_of = rng.randrange(stored)
            yield self.page(QUERY_OFFSET + n, dup_of)


def paragraphs(words: list[str]) -> str:
    return "\n".join(
        " ".join(words[start : start + PARAGRAPH_WORDS]).capitalize() + "."
        for start in range(0, len(words), PARAGRAPH_WORDS)
    )


def raw_html(article: Article) -> bytes:
    """A small page: title, first paragraph and the advice list, distinct per article."""
    items = "".join(f"<li>{item.text}</li>" for item in article.advice)
    first = article.articleBody.split("\n", 1)[0]
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{article.headline}'
        f'</title><link rel="canonical" href="{article.canonicalUrl}"></head><body><article>'
        f"<h1>{article.headline}</h1><p>{first}</p><ol>{items}</ol></article></body></html>"
    ).encode()


def prepare(page: Synthetic, config: NearDupConfig, timer: Timer) -> Prepared:
    """Hash and sign as the normalize and dedup pipelines do, timing only that work."""
    started = time.perf_counter()
    content = article_hash(page.article)
    signature = signature_bytes(minhash(page.article.articleBody, config))
    timer.add(started)
    record = ArticleRecord(
        article=page.article,
        content_hash=content,
        fetch_key=page.fetch.key,
        signature=signature,
        declared_canonical=page.article.canonicalDeclared,
    )
    return Prepared(page.index, page.fetch, record, page.dup_of)


def batches(pages: Iterator[Prepared], size: int) -> Iterator[list[Prepared]]:
    batch: list[Prepared] = []
    for page in pages:
        batch.append(page)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_archive(writer: ArchiveWriter, batch: list[Prepared], timer: Timer) -> None:
    started = time.perf_counter()
    for page in batch:
        writer.add_fetch(page.fetch)
        writer.add_article(page.record)
    writer.flush()
    timer.add(started)


class BareInserter:
    """The same rows written with ``executemany`` only: ids assigned up front, nothing read."""

    def __init__(self, engine: Engine, config: NearDupConfig, started: datetime) -> None:
        self.config = config
        self.connection = engine.raw_connection()
        self.statements = {name: insert_statement(name) for name in BARE_TABLES}
        self.stamp = started.strftime(DB_TIME_FORMAT)
        self.clusters = 0
        self.run_id = 1
        self._execute(
            "crawl_runs",
            [(self.run_id, "bench", self.stamp, None, "running", None, "[]", "{}")],
        )
        self.connection.commit()

    def close(self) -> None:
        self.connection.close()

    def write(self, batch: list[Prepared], timer: Timer, derive: Timer) -> None:
        """Article ``i`` gets id ``i + 1`` in every table, as the stream writes in order."""
        started = time.perf_counter()
        rows: dict[str, list[tuple[object, ...]]] = {name: [] for name in BARE_TABLES}
        for page in batch:
            self._rows(page, rows, derive)
        for name in BARE_TABLES:
            if rows[name]:
                self._execute(name, rows[name])
        members = [(cluster, aid) for cluster, *aids in rows["clusters"] for aid in aids]
        if members:
            self.connection.cursor().executemany(
                "UPDATE articles SET cluster_id = ? WHERE id = ?", members
            )
        self.connection.commit()
        timer.add(started)

    def _rows(
        self, page: Prepared, rows: dict[str, list[tuple[object, ...]]], derive: Timer
    ) -> None:
        aid = page.index + 1
        record, fetch, article = page.record, page.fetch, page.record.article
        started = time.perf_counter()
        assert fetch.body is not None and record.signature is not None
        sha = hashlib.sha256(fetch.body).hexdigest()
        data = compress(fetch.body)
        bands = lsh_buckets(np.frombuffer(record.signature, dtype=np.uint64), self.config)
        derive.add(started)
        rows["blobs"].append((sha, "zstd", len(fetch.body), data))
        rows["fetches"].append(
            (aid, fetch.key, self.run_id, fetch.url, fetch.final_url, fetch.status, None,
             fetch.content_type, None, None, fetch.fetched_at.strftime(DB_TIME_FORMAT), sha)
        )  # fmt: skip
        rows["articles"].append(
            (aid, article.canonicalUrl, self.stamp, self.stamp, 1, record.content_hash, "live",
             None, record.declared_canonical)
        )  # fmt: skip
        version = version_row(article, PARSER_VERSION)
        for key in ("authors", "breadcrumbs", "medically_reviewed_by"):
            version[key] = json.dumps(version[key])
        rows["article_versions"].append(
            (aid, aid, 1, record.content_hash, aid, self.run_id, self.stamp, *version.values())
        )
        rows["advice_items"].extend(
            (aid, n, a.list_index, a.printed_number, a.marker, a.text, a.explanation,
             PARSER_VERSION)
            for n, a in enumerate(article.advice)
        )  # fmt: skip
        rows["links"].extend(
            (aid, kind, n, link.url, link.text, link.title, PARSER_VERSION)
            for kind, n, link in article_links(article)
        )
        rows["signatures"].append((aid, record.signature))
        rows["lsh_bands"].extend((aid, band, bucket) for band, bucket in enumerate(bands))
        if page.dup_of is not None:
            self.clusters += 1
            rows["clusters"].append((self.clusters, page.dup_of + 1, aid))

    def _execute(self, table: str, rows: list[tuple[object, ...]]) -> None:
        if table == "clusters":
            rows = [row[:2] for row in rows]
        self.connection.cursor().executemany(self.statements[table], rows)


BARE_COLUMNS = {
    "crawl_runs": "id, spider, started_at, finished_at, status, resumed_from, start_urls, stats",
    "blobs": "sha256, compression, size, data",
    "fetches": "id, key, crawl_run_id, url, final_url, status, error, content_type, etag, "
    "last_modified, fetched_at, blob_sha256",
    "articles": "id, canonical_url, first_seen, last_seen, current_version, content_hash, status, "
    "cluster_id, has_canonical_link",
    "article_versions": "id, article_id, version, content_hash, fetch_id, crawl_run_id, "
    "created_at, parser_version, url, headline, body, language, encoding, date_published, "
    "date_modified, authors, breadcrumbs, category, description, medically_reviewed_by, "
    "last_reviewed",
    "advice_items": "version_id, position, list_index, printed_number, marker, text, "
    "explanation, parser_version",
    "links": "version_id, kind, position, url, text, title, parser_version",
    "signatures": "article_id, minhash",
    "lsh_bands": "article_id, band, bucket",
    "clusters": "id, canonical_article_id",
}
"""Column order of the bare rows; ``article_versions`` follows ``version_row``'s key order."""


def insert_statement(table: str) -> str:
    columns = BARE_COLUMNS[table]
    marks = ", ".join("?" for _ in columns.split(","))
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})"


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar_one()
            for name in BARE_TABLES
        }


def run_inserts(
    corpus: Corpus,
    count: int,
    batch_size: int,
    config: NearDupConfig,
    folder: Path,
) -> tuple[InsertResult, Engine]:
    """Both sides take each batch in turn, so machine noise hits them alike."""
    result = InsertResult(count)
    archive = create_archive_engine(f"sqlite:///{folder / 'archive.db'}")
    bare_engine = create_archive_engine(f"sqlite:///{folder / 'bare.db'}")
    writer = ArchiveWriter(archive, start_run(archive, "bench", [SITE]), PARSER_VERSION, config)
    bare = BareInserter(bare_engine, config, datetime.now(timezone.utc))
    prepared = (prepare(page, config, result.precompute) for page in corpus.stream(count))
    for n, batch in enumerate(batches(prepared, batch_size), 1):
        write_archive(writer, batch, result.archive)
        bare.write(batch, result.bare, result.bare_derive)
        if n % 20 == 0:
            progress(f"inserted {n * batch_size:,} / {count:,}")
    bare.close()
    ours, theirs = table_counts(archive), table_counts(bare_engine)
    result.counts = {name: (ours[name], theirs[name]) for name in BARE_TABLES}
    bare_engine.dispose()
    return result, archive


def build_archive(
    corpus: Corpus, count: int, batch_size: int, config: NearDupConfig, path: Path
) -> Engine:
    engine = create_archive_engine(f"sqlite:///{path}")
    writer = ArchiveWriter(engine, start_run(engine, "bench", [SITE]), PARSER_VERSION, config)
    prepared = (prepare(page, config, Timer()) for page in corpus.stream(count))
    for batch in batches(prepared, batch_size):
        write_archive(writer, batch, Timer())
    return engine


def near_duplicates(
    session: Session, values: np.ndarray, config: NearDupConfig
) -> tuple[int, set[int]]:
    """The writer's candidate search and verification for one article not yet stored."""
    candidates = lsh_candidates(session, {NO_ARTICLE: lsh_buckets(values, config)})[NO_ARTICLE]
    candidates.discard(NO_ARTICLE)
    stored = stored_signatures(session, candidates)
    return len(candidates), {
        aid for aid, other in stored.items() if estimated_jaccard(values, other) >= config.threshold
    }


def stored_ids(session: Session, corpus: Corpus, indexes: set[int]) -> dict[int, int]:
    url_of = {corpus.page(index).article.canonicalUrl: index for index in indexes}
    rows = session.execute(
        select(m.Article.canonical_url, m.Article.id).where(m.Article.canonical_url.in_(url_of))
    )
    return {url_of[url]: aid for url, aid in rows}


def run_lookups(
    engine: Engine, corpus: Corpus, size: int, count: int, config: NearDupConfig
) -> LookupResult:
    """Time each query's lookup alone; recall counts queries whose original was matched."""
    queries = [prepare(page, config, Timer()) for page in corpus.queries(size, count)]
    result = LookupResult(size, count, 0.0, 0, 0, 0, 0)
    with Session(engine) as session:
        id_of = stored_ids(session, corpus, {q.dup_of for q in queries if q.dup_of is not None})
        for query in queries:
            assert query.record.signature is not None
            values = np.frombuffer(query.record.signature, dtype=np.uint64)
            started = time.perf_counter()
            candidates, found = near_duplicates(session, values, config)
            result.seconds += time.perf_counter() - started
            result.candidates += candidates
            if query.dup_of is None:
                result.false_matches += len(found)
            else:
                result.planted += 1
                result.found += id_of[query.dup_of] in found
    return result


def rate(count: int, timer: Timer) -> float:
    return count / timer.seconds if timer.seconds else 0.0


def report(inserts: InsertResult, small: LookupResult, large: LookupResult, batch: int) -> str:
    n = inserts.articles
    archive_rate, bare_rate = rate(n, inserts.archive), rate(n, inserts.bare)
    growth = large.ms_per_lookup / small.ms_per_lookup if small.ms_per_lookup else 0.0
    lines = [
        f"SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}, "
        f"{n:,} articles, batches of {batch}",
        "",
        "| measure | value |",
        "|---|---|",
        f"| precompute: content hash + MinHash (pipelines) | {inserts.precompute.seconds:.1f} s "
        f"({rate(n, inserts.precompute):,.0f} articles/s) |",
        f"| archive path: ArchiveWriter add + flush | {inserts.archive.seconds:.1f} s "
        f"({archive_rate:,.0f} articles/s) |",
        f"| bare executemany, same rows | {inserts.bare.seconds:.1f} s "
        f"({bare_rate:,.0f} articles/s) |",
        f"| of which sha256 + zstd + LSH buckets (both sides do it) | "
        f"{inserts.bare_derive.seconds:.1f} s |",
        f"| **ratio archive / bare** (goal >= 0.5) | **{archive_rate / bare_rate:.2f}** |",
    ]
    for result in (small, large):
        lines.append(
            f"| near-dup lookup at {result.size:,} articles ({result.lookups:,} queries) | "
            f"{result.ms_per_lookup:.2f} ms/lookup, {result.candidates / result.lookups:.1f} "
            f"candidates/lookup, recall {result.found}/{result.planted} "
            f"({result.recall:.1%}), {result.false_matches} false matches |"
        )
    linear = large.size / small.size
    lines.append(
        f"| **lookup growth {short(large.size)} / {short(small.size)}** "
        f"(linear = {linear:.0f}x) | **{growth:.2f}x** |"
    )
    mismatched = {k: v for k, v in inserts.counts.items() if v[0] != v[1]}
    lines += [
        "",
        "Rows per table (archive = bare): "
        + ", ".join(f"{name} {ours:,}" for name, (ours, _) in inserts.counts.items()),
    ]
    if mismatched:
        lines.append(f"ROW COUNTS DIFFER (archive, bare): {mismatched}")
    return "\n".join(lines)


def short(count: int) -> str:
    return f"{count / 1000:g}k"


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles to insert")
    parser.add_argument("--small", type=int, default=10_000, help="smaller lookup archive")
    parser.add_argument("--batch", type=int, default=500, help="articles per flush")
    parser.add_argument("--queries", type=int, default=1000, help="lookups per archive size")
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 5k articles, 1k small, 200 queries"
    )
    parser.add_argument("--tmp", type=Path, help="folder for the temporary archives")
    args = parser.parse_args(argv)
    if args.quick:
        args.articles, args.small, args.queries = 5_000, 1_000, 200
    if not 0 < args.small < args.articles:
        parser.error("--small must be below --articles")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    config = NearDupConfig()
    corpus = Corpus()
    folder = Path(tempfile.mkdtemp(prefix="archive-bench-", dir=args.tmp))
    try:
        progress(f"inserting {args.articles:,} articles into {folder}")
        inserts, large_engine = run_inserts(corpus, args.articles, args.batch, config, folder)
        progress(f"building the {args.small:,}-article archive")
        small_engine = build_archive(corpus, args.small, args.batch, config, folder / "small.db")
        progress("timing lookups")
        small = run_lookups(small_engine, corpus, args.small, args.queries, config)
        large = run_lookups(large_engine, corpus, args.articles, args.queries, config)
        small_engine.dispose()
        large_engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(report(inserts, small, large, args.batch))
    return 0


if __name__ == "__main__":
    sys.exit(main())
