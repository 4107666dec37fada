"""``generate-archive`` from the command line."""

from __future__ import annotations

from click.testing import CliRunner

from crawler.cli import main


def test_generate_archive_command(tmp_path):
    db = tmp_path / "bench.db"
    result = CliRunner().invoke(main, ["generate-archive", "30", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("generated 30 articles")
    again = CliRunner().invoke(main, ["generate-archive", "30", "--db", str(db)])
    assert again.exit_code == 1
    assert again.output.strip().endswith("generate into a new archive")
