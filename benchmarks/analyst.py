"""Analyst commands benchmark: start-up of each read command, and export against ``sqlite3``.

1. Start-up: each read command runs as a whole process (``python -m crawler ...``) on the
   archive; wall time is the median of ``--repeat`` runs, and ``python -X importtime`` gives the
   time spent importing (the part a lazily loaded CLI controls).
2. Export of all articles (18 columns, current versions) to CSV, JSONL and Parquet, each run
   as a whole process alternating with the peer, ``sqlite3 -csv`` (and ``sqlite3 -json``) on
   the very same ``SELECT`` (spreadsheet-safe cells included), in the same run. Reported: rows/s
   and the ratio to the peer, on wall time and on CPU time (user + system; on a shared machine
   wall time varies with load, CPU time much less), and the peak RSS of each process.
3. Inner function: ``export_table`` in-process, CSV and Parquet, against a bare fetch of the
   query each runs through Python's ``sqlite3`` (what the database alone costs), wall and CPU.
4. Memory: peak RSS of the Parquet export of the first eighth, half and all of the articles
   (``--until``), which should not grow with the row count.

The archive is made with ``healtharchive generate-archive`` when it does not exist. Example::

    python benchmarks/analyst.py --db bench.db --articles 200000
    python benchmarks/analyst.py --quick          # 5k articles in a temporary folder
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

CLI = [sys.executable, "-m", "crawler"]
IMPORT_RE = re.compile(r"^import time:\s+(\d+) \|")


def run(command: list[str], stdin: Path | None = None, stdout: Path | None = None) -> dict:
    """Run one process to the end; its wall time, CPU time and peak RSS (from ``wait4``)."""
    with (
        open(stdin or os.devnull, "rb") as inp,
        open(stdout or os.devnull, "wb") as out,
        tempfile.TemporaryFile() as err,
    ):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdin=inp, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(command)} failed: {err.read().decode()[-500:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
    }


def import_ms(args: list[str]) -> float:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "crawler", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return sum(int(m.group(1)) for m in map(IMPORT_RE.match, result.stderr.splitlines()) if m) / 1e3


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def startup(db: Path, repeat: int) -> list[dict[str, Any]]:
    commands = [
        ["--help"],
        ["peek", "--db", str(db)],
        ["stats", "--db", str(db)],
        ["runs", "--db", str(db)],
        ["show", "1", "--db", str(db)],
        ["export", "-", "--table", "runs", "--db", str(db)],
    ]
    out = []
    for args in commands:
        runs = [run([*CLI, *args]) for _ in range(repeat)]
        out.append(
            {
                "command": " ".join(a if a != str(db) else "DB" for a in args),
                "wall_s": round(median(runs, "wall"), 3),
                "cpu_s": round(median(runs, "cpu"), 3),
                "imports_ms": round(import_ms(args), 1),
            }
        )
    baseline = [run([sys.executable, "-c", "pass"]) for _ in range(repeat)]
    out.append(
        {
            "command": "(python -c pass)",
            "wall_s": round(median(baseline, "wall"), 3),
            "cpu_s": round(median(baseline, "cpu"), 3),
        }
    )
    return out


def export_vs_sqlite(db: Path, folder: Path, repeat: int) -> list[dict[str, Any]]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from storage.export import pick_columns, select_sql
    from storage.reader import open_reader

    with open_reader(str(db)) as reader:
        query, _ = select_sql(reader, "articles", pick_columns("articles", None), neutralise=True)
        rows = reader.scalar("SELECT count(*) FROM articles")
    sql = folder / "articles.sql"
    sql.write_text(query + ";\n", encoding="utf-8")
    cases = [
        ("csv", ["sqlite3", "-csv", "-header", str(db)], "sqlite3 -csv"),
        ("jsonl", ["sqlite3", "-json", str(db)], "sqlite3 -json"),
        ("parquet", ["sqlite3", "-csv", "-header", str(db)], "sqlite3 -csv"),
    ]
    out = []
    for fmt, peer_command, peer_name in cases:
        ours, peer = [], []
        target = folder / f"articles.{fmt}"
        for _ in range(repeat):
            ours.append(run([*CLI, "export", str(target), "--db", str(db)]))
            peer.append(run(peer_command, stdin=sql, stdout=folder / "peer.out"))
        row = {"format": fmt, "rows": rows, "peer": peer_name}
        for key in ("wall", "cpu"):
            mine, theirs = median(ours, key), median(peer, key)
            row[f"rows_per_s_{key}"] = round(rows / mine)
            row[f"peer_rows_per_s_{key}"] = round(rows / theirs)
            row[f"ratio_{key}"] = round(theirs / mine, 2)
        row["rss_mb"] = round(max(r["rss_mb"] for r in ours), 1)
        row["peer_rss_mb"] = round(max(r["rss_mb"] for r in peer), 1)
        row["file_mb"] = round(target.stat().st_size / 1e6, 1)
        out.append(row)
    return out


def timed(action: Any) -> dict[str, float]:
    """Wall and CPU time (of the whole process, threads included) of ``action()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}


def bare_fetch(db: Path, query: str) -> None:
    connection = sqlite3.connect(f"file:{db.resolve()}?mode=ro", uri=True)
    cursor = connection.execute(query)
    while cursor.fetchmany(5000):
        pass
    connection.close()


def inner(db: Path, folder: Path, repeat: int) -> list[dict[str, Any]]:
    from storage.export import export_table, pick_columns, select_sql
    from storage.reader import open_reader

    out = []
    columns = pick_columns("articles", None)
    with open_reader(str(db)) as reader:
        for fmt, options in (
            ("csv", {"neutralise": True, "as_csv": True}),
            ("parquet", {"as_text": True}),
        ):
            query, _ = select_sql(reader, "articles", columns, **options)
            ours, bare = [], []
            for _ in range(repeat):
                target = folder / f"inner.{fmt}"
                ours.append(timed(partial(export_table, reader, "articles", target, fmt)))
                bare.append(timed(partial(bare_fetch, db, query)))
            row: dict[str, Any] = {"format": fmt}
            for key in ("wall", "cpu"):
                mine, theirs = median(ours, key), median(bare, key)
                row[f"export_table_{key}_s"] = round(mine, 2)
                row[f"bare_fetch_{key}_s"] = round(theirs, 2)
                row[f"ratio_{key}"] = round(theirs / mine, 2)
            out.append(row)
    return out


def parquet_memory(db: Path, folder: Path) -> list[dict[str, Any]]:
    """Peak RSS of the Parquet export of the first eighth, half and all of the articles."""
    connection = sqlite3.connect(f"file:{db.resolve()}?mode=ro", uri=True)
    total = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    out = []
    for part in (8, 2, 1):
        until: list[str] = []
        if part > 1:
            (first_seen,) = connection.execute(
                "SELECT first_seen FROM articles ORDER BY first_seen LIMIT 1 OFFSET ?",
                (total // part,),
            ).fetchone()
            until = ["--until", first_seen[:19].replace(" ", "T")]
        target = folder / f"part{part}.parquet"
        usage = run([*CLI, "export", str(target), *until, "--db", str(db)])
        manifest = json.loads(target.with_name(target.name + ".manifest.json").read_text())
        out.append({"rows": manifest["rows"], "rss_mb": round(usage["rss_mb"], 1)})
    connection.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="archive to use (generated if missing)")
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="5k articles, one repeat")
    parser.add_argument("--startup-only", action="store_true", help="skip the exports")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="analyst-bench-") as tmp:
        folder = Path(tmp)
        articles = 5000 if args.quick else args.articles
        repeat = 1 if args.quick else args.repeat
        db = args.db or folder / "bench.db"
        if not db.exists():
            subprocess.run([*CLI, "generate-archive", str(articles), "--db", str(db)], check=True)
        report: dict[str, Any] = {
            "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
            f"load {os.getloadavg()[0]:.1f}",
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "startup": startup(db, repeat),
        }
        if not args.startup_only:
            # Before anything heavy is imported here: a child's peak RSS counts from its
            # parent's size at the fork.
            report["parquet_memory"] = parquet_memory(db, folder)
            report["export"] = export_vs_sqlite(db, folder, repeat)
            report["inner"] = inner(db, folder, repeat)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
