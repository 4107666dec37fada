"""``generate-archive``: a synthetic archive of N articles for benchmarks and trials at scale."""

from __future__ import annotations

import click

from crawler.cli.common import clear_errors, db_option


@click.command("generate-archive")
@click.argument("count", type=click.IntRange(min=1))
@db_option
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same archive.")
def generate_archive(count: int, db: str, seed: int) -> None:
    """Create a new archive holding COUNT synthetic English and Chinese articles.

    The archive has the real schema, advice items, links, failed fetches, second versions and
    near-duplicate clusters, so every read command and export can be tried at scale.

    Example: healtharchive generate-archive 200000 --db bench.db
    """
    from crawler.progress import Progress
    from storage.db import create_archive_engine
    from storage.generate import generate_archive as generate

    with clear_errors():
        engine = create_archive_engine(db)
        try:
            progress = Progress("generate", unit="articles", total=count, interval=5.0)
            with progress:
                result = generate(engine, count, seed=seed, progress=progress.advance)
        finally:
            engine.dispose()
    click.echo(
        f"generated {result.articles} articles ({result.versions} versions, "
        f"{result.advice_items} advice items, {result.links} links, {result.fetches} fetches, "
        f"{result.clusters} clusters) in {db}"
    )
