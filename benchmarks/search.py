"""Search benchmark: top-k latency for common and rare words, next to bare ``sqlite3``.

On a generated archive (``healtharchive generate-archive N``), for a set of queries picked from
the archive's own index by document frequency (the most common English and Chinese terms, terms
in about 1% of articles, and rare ones in a handful), measures:

1. Inner function: ``storage.search.search(session, query, k)`` (query folding, FTS5 bm25
   top-k, reading the k articles, snippets), warm, median of ``--repeat`` runs; next to the bare
   FTS5 statement ``SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank
   LIMIT k`` through Python's ``sqlite3`` (the floor: what the index alone costs).
2. Whole process: ``healtharchive search QUERY --limit k --json`` against ``sqlite3 DB "<the
   same bare statement>"``, start-up included, median of ``--repeat`` runs.

A prefix query, two words and a filtered query (``--lang``) are measured too, and queries of
several common words: the most common one with one or two words in about 10% of the articles
(also with ``--lang``), and the two most common (each in about half of the articles). Next to
``search()``, the same call with ``ranked_lists=False`` (the full index ranks every match; what
a common word cost before the ranked lists), whether both gave the same top-k, whether the
lists answered, and both calls' CPU time measured interleaved. Then, for
``--recall`` common words spread over the ranked lists, the share of the full index's top-k
that the lists return (recall) and how many gave the very same order. With ``--pg``,
the same queries run on a PostgreSQL archive generated with the same N and seed, next to the
bare ``ts_rank`` top-k statement and ``psql``. Example::

    healtharchive generate-archive 200000 --db bench.db
    healtharchive generate-archive 200000 --db postgresql+psycopg://postgres@127.0.0.1/bench
    python benchmarks/search.py --db bench.db --pg postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from storage.reader import Reader, open_reader
from storage.search import POSTGRES_HITS, SearchFilters, _conditions, _listed, _several, search
from storage.search_text import fts5_query, query_terms, tsquery

BARE = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?"


def pick_queries(db: Path) -> list[tuple[str, str, SearchFilters]]:
    """(label, query, filters): terms chosen by how many articles hold them."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, articles_fts, 'row')")
    total = conn.execute("SELECT count(*) FROM article_search").fetchone()[0]

    def term(where: str, order: str, offset: int = 0) -> tuple[str, int]:
        row = conn.execute(
            f"SELECT term, doc FROM temp.vocab WHERE {where} ORDER BY {order} LIMIT 1 "
            f"OFFSET {offset}"
        ).fetchone()
        return row[0], row[1]

    latin, cjk = "term GLOB '[a-z]*'", "term GLOB '[^a-z0-9]*' AND length(term) = 2"
    picked = {
        "common en": term(latin, "doc DESC"),
        "common zh": term(cjk, "doc DESC"),
        "10% en": term(f"{latin} AND doc <= {total // 10}", "doc DESC"),
        "next 10% en": term(f"{latin} AND doc <= {total // 10}", "doc DESC", 1),
        "next common en": term(latin, "doc DESC", 1),
        "1% en": term(f"{latin} AND doc <= {total // 100}", "doc DESC"),
        "1% zh": term(f"{cjk} AND doc <= {total // 100}", "doc DESC"),
        "rare en": term(f"{latin} AND doc >= 3", "doc ASC"),
        "rare zh": term(f"{cjk} AND doc >= 3", "doc ASC"),
    }
    conn.close()
    # Only the several-word rows use these two.
    next_ten, next_common = (picked.pop(label)[0] for label in ("next 10% en", "next common en"))
    common_en, common_zh, ten = (picked[label][0] for label in ("common en", "common zh", "10% en"))
    queries = [
        (f"{label} ({word}: {doc} docs)", word, SearchFilters())
        for label, (word, doc) in picked.items()
    ]
    queries += [
        (f"prefix {common_en[:3]}*", common_en[:3] + "*", SearchFilters()),
        (
            f"two words {common_en} {picked['1% en'][0]}",
            f"{common_en} {picked['1% en'][0]}",
            SearchFilters(),
        ),
        (f"common {common_zh} --lang zh", common_zh, SearchFilters(language="zh")),
        (f"two common words {common_en} {ten}", f"{common_en} {ten}", SearchFilters()),
        (
            f"three common words {common_en} {ten} {next_ten}",
            f"{common_en} {ten} {next_ten}",
            SearchFilters(),
        ),
        (
            f"two common words {common_en} {ten} --lang en",
            f"{common_en} {ten}",
            SearchFilters(language="en"),
        ),
        (
            f"two half-archive words {common_en} {next_common}",
            f"{common_en} {next_common}",
            SearchFilters(),
        ),
    ]
    return queries


def median_ms(run: Callable[[], object], repeat: int) -> float:
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def full_index(
    reader: Reader, args: argparse.Namespace, query: str, filters: SearchFilters
) -> dict[str, float]:
    """``search()`` without the ranked lists, and whether the top-k is the same."""
    full = search(reader, query, args.limit, filters, ranked_lists=False)
    listed = search(reader, query, args.limit, filters)
    return {
        "full_ms": median_ms(
            lambda: search(reader, query, args.limit, filters, ranked_lists=False),
            max(1, args.repeat // 2),
        ),
        "same_top_k": float([h.url for h in full] == [h.url for h in listed]),
        "from_lists": float(from_lists(reader, query, args.limit, filters)),
        **cpu_ratio(reader, args, query, filters),
    }


def cpu_ratio(
    reader: Reader, args: argparse.Namespace, query: str, filters: SearchFilters
) -> dict[str, float]:
    """CPU time of ``search()`` and of the full index, interleaved run by run (so both see
    the same load), medians, and their ratio: full index / ``search()``."""
    runs: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.repeat):
        for lists in (True, False):
            start = time.process_time()
            search(reader, query, args.limit, filters, ranked_lists=lists)
            runs[lists].append(time.process_time() - start)
    cpu, full = (statistics.median(runs[lists]) * 1000 for lists in (True, False))
    return {"search_cpu_ms": cpu, "full_cpu_ms": full, "cpu_ratio": full / cpu if cpu else 0.0}


def from_lists(reader: Reader, query: str, limit: int, filters: SearchFilters) -> bool:
    """Whether ``search()`` answered from the ranked lists (else the full index did)."""
    terms = query_terms(query)
    where, params = _conditions(reader, filters)
    if _listed(reader, terms, limit, where, dict(params)) is not None:
        return True
    return _several(reader, terms, limit, where, params) is not None


def recall(reader: Reader, limit: int, words: int) -> dict[str, float]:
    """Recall@limit of the ranked lists against the full index over common words spread
    evenly over ``search_common`` (deeper lists, ``sleep+``, serve several words only), and
    the share with the very same order."""
    common = [
        row[0]
        for row in reader.rows(
            "SELECT token FROM search_common WHERE token NOT LIKE '%+' ORDER BY token"
        )
    ]
    if not common:
        return {"words": 0}
    picked = common[:: max(1, len(common) // words)][:words]
    found = exact = 0
    wanted = 0
    for word in picked:
        full = [h.url for h in search(reader, word, limit, ranked_lists=False)]
        listed = [h.url for h in search(reader, word, limit)]
        wanted += len(full)
        found += len(set(full) & set(listed))
        exact += full == listed
    return {
        "words": len(picked),
        "common_words": len(common),
        "recall": found / wanted,
        "same_order": exact / len(picked),
    }


def measure(
    reader: Reader,
    bare: sqlite3.Connection,
    args: argparse.Namespace,
    query: str,
    filters: SearchFilters,
) -> dict[str, float]:
    match = fts5_query(query_terms(query))
    row = {
        "search_ms": median_ms(lambda: search(reader, query, args.limit, filters), args.repeat),
        **full_index(reader, args, query, filters),
        "bare_ms": median_ms(
            lambda: bare.execute(BARE, (match, args.limit)).fetchall(), args.repeat
        ),
    }
    if args.no_process:
        return row
    cli = shutil.which("healtharchive") or str(Path(sys.executable).parent / "healtharchive")
    command = [cli, "search", query, "--limit", str(args.limit), "--json", "--db", str(args.db)]
    if filters.language:
        command += ["--lang", filters.language]
    quoted = "'" + match.replace("'", "''") + "'"
    sql = BARE.replace("?", quoted, 1).replace("?", str(args.limit))
    row["cli_ms"] = median_ms(
        lambda: subprocess.run(command, capture_output=True, check=True), args.repeat
    )
    row["sqlite3_ms"] = median_ms(
        lambda: subprocess.run(["sqlite3", str(args.db), sql], capture_output=True, check=True),
        args.repeat,
    )
    return row


def measure_postgres(
    reader: Reader, url: str, args: argparse.Namespace, query: str, filters: SearchFilters
) -> dict[str, float]:
    """The same on PostgreSQL; the peer is the bare ``ts_rank`` top-k statement (and ``psql``)."""
    match = tsquery(query_terms(query))
    bare = POSTGRES_HITS + " ORDER BY score DESC LIMIT :limit"
    row = {
        "search_ms": median_ms(lambda: search(reader, query, args.limit, filters), args.repeat),
        **full_index(reader, args, query, filters),
        "bare_ms": median_ms(
            lambda: reader.rows(bare, {"match": match, "limit": args.limit}), args.repeat
        ),
    }
    if args.no_process or not shutil.which("psql"):
        return row
    cli = shutil.which("healtharchive") or str(Path(sys.executable).parent / "healtharchive")
    command = [cli, "search", query, "--limit", str(args.limit), "--json", "--db", url]
    if filters.language:
        command += ["--lang", filters.language]
    quoted = "'" + match.replace("'", "''") + "'"
    sql = bare.replace(":match", quoted).replace(":limit", str(args.limit))
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    row["cli_ms"] = median_ms(
        lambda: subprocess.run(command, capture_output=True, check=True), args.repeat
    )
    row["peer_ms"] = median_ms(
        lambda: subprocess.run(["psql", conninfo, "-Atc", sql], capture_output=True, check=True),
        args.repeat,
    )
    return row


def cells(row: dict[str, float]) -> str:
    same = "yes" if row["same_top_k"] else "no"
    lists = "lists" if row["from_lists"] else "index"
    return (
        f"{row['search_ms']:.1f} | {lists} | {row['full_ms']:.1f} | {same} "
        f"| {row['search_cpu_ms']:.1f} / {row['full_cpu_ms']:.1f} ({row['cpu_ratio']:.1f}×) "
        f"| {row['bare_ms']:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a generated SQLite archive")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-process", action="store_true", help="skip whole-process timings")
    parser.add_argument("--recall", type=int, default=30, help="common words to check recall on")
    parser.add_argument(
        "--pg",
        help="also a PostgreSQL archive generated with the same N and seed (same words), "
        "e.g. postgresql+psycopg://postgres@127.0.0.1/bench",
    )
    args = parser.parse_args()
    if not args.db.is_file():
        sys.exit(f"error: no archive at {args.db}: make one with healtharchive generate-archive")
    bare = sqlite3.connect(f"{args.db.resolve().as_uri()}?mode=ro", uri=True)
    articles = bare.execute("SELECT count(*) FROM article_search").fetchone()[0]
    print(
        f"# {articles} articles, top-{args.limit}, median of {args.repeat}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    print(
        "| query | search() ms | answered by | full index ms | same top-k "
        "| CPU ms search() / full (ratio) | bare FTS5 ms | CLI process ms | sqlite3 process ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    results = []
    queries = pick_queries(args.db)
    with open_reader(str(args.db)) as reader:
        for label, query, filters in queries:
            row = measure(reader, bare, args, query, filters)
            results.append({"backend": "sqlite", "query": label, **row})
            process = (
                f"{row['cli_ms']:.0f} | {row['sqlite3_ms']:.0f}" if "cli_ms" in row else "– | –"
            )
            print(f"| {label} | {cells(row)} | {process} |")
        results.append({"backend": "sqlite", "recall": recall(reader, args.limit, args.recall)})
        print(f"recall: {results[-1]['recall']}")
    if args.pg:
        print(
            "\n| query (PostgreSQL) | search() ms | answered by | full index ms | same top-k "
            "| CPU ms search() / full (ratio) | bare ts_rank ms | CLI process ms | psql ms |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        with open_reader(args.pg) as reader:
            for label, query, filters in queries:
                row = measure_postgres(reader, args.pg, args, query, filters)
                results.append({"backend": "postgresql", "query": label, **row})
                process = (
                    f"{row['cli_ms']:.0f} | {row['peer_ms']:.0f}" if "cli_ms" in row else "– | –"
                )
                print(f"| {label} | {cells(row)} | {process} |")
            results.append(
                {"backend": "postgresql", "recall": recall(reader, args.limit, args.recall)}
            )
            print(f"recall: {results[-1]['recall']}")
    print(json.dumps({"articles": articles, "limit": args.limit, "results": results}))


if __name__ == "__main__":
    main()
