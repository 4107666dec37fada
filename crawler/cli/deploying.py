"""``build-egg``: the egg ``scrapyd-deploy --egg`` uploads to scrapyd."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.common import clear_errors


@click.command("build-egg")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("dist/healtharchive.egg"),
    show_default=True,
)
def build_egg(output: Path) -> None:
    """Build the project's egg for scrapyd, leaving the source tree untouched.

    Run it in the project directory (where scrapy.cfg is), then upload with scrapyd-deploy.

    Example: healtharchive build-egg && scrapyd-deploy --egg dist/healtharchive.egg
    """
    from crawler.deploy import build_egg as build
    from crawler.deploy import project_root

    with clear_errors():
        egg = build(project_root(Path.cwd()), output)
    click.echo(f"egg written to {egg}; deploy it with: scrapyd-deploy --egg {egg}")
