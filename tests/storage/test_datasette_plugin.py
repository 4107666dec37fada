"""The datasette plugin's SQL on a plain SQLite connection: no server needed."""

from __future__ import annotations

import sqlite3

import pytest

from storage.db import create_archive_engine

from .test_archive import crawl

plugin = pytest.importorskip("storage.datasette_plugin", reason="datasette is not installed")


@pytest.fixture
def connection(tmp_path):
    path = tmp_path / "archive.db"
    engine = create_archive_engine(str(path))
    crawl(
        engine,
        {
            "http://one.example/a": "Sleep on a regular schedule. " * 5,
            "https://two.example:8080/b": "Rest well and sleep early. " * 5,
            "http://one.example/zh": "长期失眠怎么办？" * 5,
        },
    )
    engine.dispose()
    conn = sqlite3.connect(path)
    plugin.prepare_connection(conn)
    yield conn
    conn.close()


def test_match_function_follows_the_search_rules(connection):
    rows = connection.execute(plugin.SEARCH_SQL, {"q": "SLEEP"}).fetchall()
    assert {row[0] for row in rows} == {"http://one.example/a", "https://two.example:8080/b"}
    rows = connection.execute(plugin.SEARCH_SQL, {"q": "失眠怎"}).fetchall()
    assert [row[:3] for row in rows] == [("http://one.example/zh", "Title", "one.example")]
    assert connection.execute(plugin.SEARCH_SQL, {"q": "%%"}).fetchall() == []


def test_same_advice_on_several_sites(connection):
    rows = connection.execute(plugin.SAME_ADVICE_SQL).fetchall()
    assert [(advice, sites) for advice, sites, *_ in rows] == [("tip 1", 2), ("tip 2", 2)]
    assert set(rows[0][3].split(",")) == {"one.example", "two.example:8080"}
