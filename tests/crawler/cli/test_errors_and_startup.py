"""Every read command: one line for a bad --db, and no heavy imports at start-up."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from crawler.cli import main
from storage.db import create_archive_engine
from storage.generate import generate_archive

READ_COMMANDS = [
    ["peek"],
    ["stats"],
    ["runs"],
    ["show", "1"],
    ["export", "-"],
    ["search", "sleep"],
    ["diff", "http://x/a.html"],
    ["clusters"],
]
HEAVY = ("sqlalchemy", "alembic", "scrapy", "twisted", "datasketch", "scipy", "numpy", "lxml")


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("small") / "archive.db"
    engine = create_archive_engine(str(path))
    generate_archive(engine, 60)
    engine.dispose()
    return path


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize(
    ("db", "message"),
    [
        ("garbage://nope", "error: not a supported database URL: 'garbage://nope'"),
        ("missing.db", "error: no archive at missing.db: run a crawl first"),
    ],
)
def test_bad_database_is_one_line(command, db, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*command, "--db", db])
    assert result.exit_code == 1
    assert result.output.startswith(message)
    assert result.output.count("\n") == 1


@pytest.mark.parametrize(
    "command",
    [c for c in READ_COMMANDS if c[0] in ("peek", "stats", "runs", "show", "export")],
    ids=lambda c: c[0],
)
def test_read_commands_import_no_heavy_library(command, small_archive):
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "crawler", *command, "--db", str(small_archive)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-1000:]
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert not imported & set(HEAVY)


def test_help_with_dash_h():
    result = CliRunner().invoke(main, ["export", "-h"])
    assert result.exit_code == 0 and "--columns" in result.output
