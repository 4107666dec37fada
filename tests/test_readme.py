"""The README's pandas and DuckDB snippets, run as written against a generated archive."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storage.db import create_archive_engine
from storage.generate import generate_archive

README = Path(__file__).resolve().parents[1] / "README.md"
ARTICLES = 120


def snippet(language: str, containing: str) -> str:
    """The README's one ``language`` code block holding ``containing``."""
    blocks = re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    (found,) = [block for block in blocks if containing in block]
    return found


@pytest.fixture
def archive_here(tmp_path, monkeypatch) -> Path:
    """``archive.db`` in the working directory, as the snippets name it."""
    engine = create_archive_engine(f"sqlite:///{tmp_path / 'archive.db'}")
    generate_archive(engine, ARTICLES, seed=2)
    engine.dispose()
    monkeypatch.chdir(tmp_path)
    return tmp_path / "archive.db"


def test_pandas_read_sql_snippet(archive_here):
    names: dict[str, object] = {}
    exec(snippet("python", "pd.read_sql"), names)
    articles = names["articles"]
    assert len(articles) == ARTICLES  # type: ignore[arg-type]
    assert {"canonical_url", "site", "headline", "body", "advice_count"} <= set(
        articles.columns  # type: ignore[attr-defined]
    )


def test_duckdb_attach_snippet(archive_here, tmp_path):
    import duckdb
    import duckdb_extension_sqlite_scanner as scanner

    # The snippet's INSTALL downloads the extension; tests run offline, so it is installed
    # beforehand from the wheel that ships it and INSTALL finds it in place.
    (binary,) = Path(scanner.__file__).parent.glob("extensions/*/sqlite_scanner.duckdb_extension")
    config = {"extension_directory": str(tmp_path / "duckdb-extensions")}
    duckdb.connect(config=config).execute(f"INSTALL '{binary}'")
    connection = duckdb.connect(config=config)
    *setup, select = [s for s in snippet("sql", "TYPE sqlite").split(";") if s.strip()]
    for statement in setup:
        connection.execute(statement)
    rows = connection.execute(select).fetchall()
    assert sum(count for _, _, count in rows) == ARTICLES
    assert {language for _, language, _ in rows} == {"en", "zh"}
