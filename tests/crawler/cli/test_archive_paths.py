"""A ``--db`` path is the file as written, for every command, whatever characters it holds.

A plain path reaches SQLite by three routes: the fast reader (a ``file:`` URI), SQLAlchemy
engines (a ``sqlite:///`` URL, which decodes ``%xx``) and the crawl's settings (the URL as text,
read back by the pipelines). ``50%.db``, ``100%25.db`` or ``my%20dir/a.db`` must not become
``100%.db`` or ``my dir/a.db`` on any of them, nor ``what?.db`` become ``what``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from storage.db import archive_url, database_url

NAMES = ["50%.db", "100%25.db", "my%20dir/a.db", "what?.db", "a#b.db"]


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", NAMES)
def test_every_command_opens_the_literal_file(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path(name).parent.mkdir(exist_ok=True)
    runner = CliRunner()
    generated = runner.invoke(main, ["generate-archive", "20", "--db", name])
    assert generated.exit_code == 0, generated.output
    shown = runner.invoke(main, ["show", "1", "--json", "--db", name])
    assert shown.exit_code == 0, shown.output
    url = json.loads(shown.output)["canonical_url"]
    commands = [
        ["peek"],
        ["stats"],
        ["runs"],
        ["export", "-", "--table", "runs"],
        ["search", "sleep"],
        ["query", "SELECT count(*) AS n FROM articles"],
        ["diff", url],
        ["clusters"],
        ["db", "upgrade"],
    ]
    for command in commands:
        result = runner.invoke(main, [*command, "--db", name])
        assert result.exit_code == 0, (command, result.output)
    assert (
        "20" in runner.invoke(main, ["query", "SELECT count(*) FROM articles", "--db", name]).output
    )
    assert files_under(tmp_path) <= {name, f"{name}-wal", f"{name}-shm"}
    assert name in files_under(tmp_path)


@pytest.mark.parametrize("name", NAMES)
def test_the_url_of_a_path_names_that_path(name):
    """What the crawl passes on in its settings opens the same file again."""
    assert archive_url(database_url(name)).database == name
    assert archive_url(name).database == name


def test_a_crawl_writes_into_the_literal_file(tmp_path):
    name = tmp_path / "100%25 of it" / "a.db"
    name.parent.mkdir()
    with DemoServer(build_site(articles=216)) as server:
        result = subprocess.run(
            [sys.executable, "-m", "crawler", "crawl", server.url + "/", "--db", str(name)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    written = files_under(tmp_path)
    archive = str(name.relative_to(tmp_path))
    assert archive in written
    assert all(path.startswith(archive) for path in written), written
    runs = json.loads(CliRunner().invoke(main, ["runs", "--json", "--db", str(name)]).output)
    assert runs[0]["status"] == "finished" and runs[0]["new_versions"] > 0
