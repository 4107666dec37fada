"""``healtharchive``: one command with a subcommand per job.

Subcommands are thin: they parse options, call library code, and turn library errors into one
line on stderr and a non-zero exit status. Each lives in a module of this package that is
imported only when that subcommand runs, so ``peek`` or ``extract`` never pay for Scrapy or the
near-duplicate machinery (check with ``python -X importtime -m crawler peek``).
"""

from __future__ import annotations

import importlib
from typing import Any

import click

COMMANDS: dict[str, str] = {
    "crawl": "crawler.cli.crawling:crawl",
    "run-demo": "crawler.cli.crawling:run_demo",
    "demo-site": "crawler.cli.crawling:demo_site",
    "peek": "crawler.cli.reading:peek",
    "search": "crawler.cli.reading:search",
    "show": "crawler.cli.reading:show",
    "diff": "crawler.cli.reading:diff",
    "clusters": "crawler.cli.reading:clusters",
    "export": "crawler.cli.exporting:export",
    "extract": "crawler.cli.extracting:extract",
    "save-fixture": "crawler.cli.extracting:save_fixture",
    "reparse": "crawler.cli.maintenance:reparse",
    "db": "crawler.cli.maintenance:db",
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


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="healtharchive")
def main() -> None:
    """Crawl health-article sites into an SQL archive, then query and export it."""
