"""``export`` on a crawled demo archive: Parquet equals the database, stdout, errors, pipes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pyarrow.parquet as pq
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.cli import main
from storage import models as m
from storage.db import create_archive_engine


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def database_articles(url: str) -> dict[str, tuple]:
    """Current versions read through the ORM: an independent path to compare exports with."""
    engine = create_archive_engine(url)
    advice = (
        select(func.count())
        .where(m.AdviceItem.version_id == m.ArticleVersion.id)
        .correlate(m.ArticleVersion)
        .scalar_subquery()
    )
    query = select(m.Article, m.ArticleVersion, advice).join(
        m.ArticleVersion,
        (m.ArticleVersion.article_id == m.Article.id)
        & (m.ArticleVersion.version == m.Article.current_version),
    )
    with Session(engine) as session:
        rows = {
            a.canonical_url: (
                v.headline,
                v.language,
                v.category,
                v.body,
                "; ".join(v.authors) or None,
                a.first_seen,
                a.cluster_id,
                count,
            )
            for a, v, count in session.execute(query)
        }
    engine.dispose()
    return rows


def test_parquet_read_back_equals_the_database(crawled, tmp_path):
    path = tmp_path / "articles.parquet"
    result = invoke("export", str(path), "--db", crawled.url)
    assert result.exit_code == 0, result.output
    table = pq.read_table(path).to_pylist()
    exported = {
        row["canonical_url"]: (
            row["headline"],
            row["language"],
            row["category"],
            row["body"],
            row["authors"],
            row["first_seen"],
            row["cluster_id"],
            row["advice_count"],
        )
        for row in table
    }
    assert len(exported) == len(table)
    assert exported == database_articles(crawled.url)
    manifest = json.loads((tmp_path / "articles.parquet.manifest.json").read_text())
    assert manifest["rows"] == len(table) and manifest["format"] == "parquet"


def test_advice_csv_to_stdout_with_filters_and_columns(crawled):
    result = CliRunner().invoke(
        main,
        [
            "export",
            "-",
            "--table",
            "advice",
            "--lang",
            "zh",
            "--columns",
            "canonical_url,text",
            "--db",
            crawled.url,
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout
    rows = list(csv.DictReader(io.StringIO(lines)))
    zh_advice = sum(
        len(a["advice"]) for a in crawled.site.truth["articles"] if a["language"] == "zh"
    )
    assert rows and len(rows) <= zh_advice
    assert set(rows[0]) == {"canonical_url", "text"}
    assert "wrote" in result.stderr and f"wrote {len(rows)} advice rows" in result.stderr


def test_every_table_exports(crawled, tmp_path):
    for table in ("links", "versions", "fetches", "runs", "tombstones", "aliases", "clusters"):
        path = tmp_path / f"{table}.jsonl"
        result = invoke("export", str(path), "--db", crawled.url)
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"wrote {len(path.read_text().splitlines())} {table} rows")


def test_missing_directory_is_one_line_without_temp_names(crawled, tmp_path):
    target = tmp_path / "missing" / "articles.csv"
    result = invoke("export", str(target), "--db", crawled.url)
    assert result.exit_code == 1
    assert result.output == (
        f"error: cannot write {target}: directory {target.parent} does not exist\n"
    )


def test_closed_pipe_ends_quietly(crawled):
    command = [sys.executable, "-m", "crawler", "export", "-", "--table", "versions"]
    with subprocess.Popen(
        [*command, "--db", crawled.url], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read()
        assert process.wait(timeout=60) == 0
    assert b"Broken pipe" not in stderr and b"Traceback" not in stderr


def test_categories_and_cluster_originals_match_the_ground_truth(crawled, tmp_path):
    articles, clusters = tmp_path / "articles.jsonl", tmp_path / "clusters.jsonl"
    assert invoke("export", str(articles), "--db", crawled.url).exit_code == 0
    assert invoke("export", str(clusters), "--db", crawled.url).exit_code == 0
    category = {
        row["canonical_url"].removeprefix(crawled.base): row["category"]
        for row in map(json.loads, articles.read_text(encoding="utf-8").splitlines())
    }
    truth = {a["path"]: a["category"] for a in crawled.site.truth["articles"]}
    assert {path: category.get(path) for path in truth} == truth
    canonical = {
        row["canonical_url"].removeprefix(crawled.base)
        for row in map(json.loads, clusters.read_text(encoding="utf-8").splitlines())
        if row["is_cluster_canonical"]
    }
    assert canonical == {group[0] for group in crawled.site.truth["near_duplicate_groups"]}
