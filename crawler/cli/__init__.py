"""``healtharchive``: one command with a subcommand per job.

Subcommands are thin: they parse options, call library code, and turn library errors into one
line on stderr and a non-zero exit status. Each lives in a module of this package that is
imported only when that subcommand runs, so ``peek`` or ``extract`` never pay for Scrapy or the
near-duplicate machinery (check with ``python -X importtime -m crawler peek``).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

COMMANDS: dict[str, str] = {
    "crawl": "crawler.cli.crawling:crawl",
    "run-demo": "crawler.cli.crawling:run_demo",
    "demo-site": "crawler.cli.crawling:demo_site",
    "peek": "crawler.cli.reading:peek",
    "stats": "crawler.cli.inspecting:stats",
    "runs": "crawler.cli.inspecting:runs",
    "show": "crawler.cli.inspecting:show",
    "search": "crawler.cli.searching:search",
    "build-search-lists": "crawler.cli.searching:build_search_lists",
    "query": "crawler.cli.querying:query",
    "diff": "crawler.cli.reading:diff",
    "clusters": "crawler.cli.reading:clusters",
    "export": "crawler.cli.exporting:export",
    "import": "crawler.cli.warc:import_warc",
    "extract": "crawler.cli.extracting:extract",
    "save-fixture": "crawler.cli.extracting:save_fixture",
    "reparse": "crawler.cli.maintenance:reparse",
    "db": "crawler.cli.maintenance:db",
    "generate-archive": "crawler.cli.generating:generate_archive",
    "build-egg": "crawler.cli.deploying:build_egg",
}
"""Subcommand name -> ``module:attribute`` of its click command, loaded on first use."""


class LazyGroup(click.Group):
    """A click group whose subcommands are imported only when invoked or listed in help."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, attribute = self.lazy[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module_name), attribute)
            return command
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; a reader that goes away (``peek | head -1``) ends it quietly."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # Point stdout at /dev/null so the interpreter's final flush cannot fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="healtharchive")
def main() -> None:
    """Crawl health-article sites into an SQL archive, then query and export it."""
