"""Folding the summary counts of finished writers into one row per group (PostgreSQL).

On PostgreSQL the summary tables of revision ``0008_summaries`` are split by the writing
connection's backend pid, so that concurrent crawl workers never wait on one counter row. Each
connection that ever wrote leaves its own rows, and the read commands add up every slot: a year
of daily crawls would leave thousands of rows per site. Rows of connections that have ended are
therefore moved into slot 0 in one statement per table; since every count is a sum of signed
deltas, a writer that reuses an ended pid meanwhile only waits on the deleted row and starts a
new one, and the totals never change. SQLite writes slot 0 only: nothing to do.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

FOLDS = {
    "summary_articles": (("site", "language", "status"), ("articles", "versions", "advice_items")),
    "summary_failures": (("reason", "site"), ("fetches",)),
}


def _fold(table: str, keys: tuple[str, ...], counts: tuple[str, ...]) -> str:
    """Delete the ended slots' rows and add their sums to slot 0, as one statement."""
    key_list = ", ".join(keys)
    count_list = ", ".join(counts)
    sums = ", ".join(f"sum({c})" for c in counts)
    add = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counts)
    return (
        f"WITH ended AS (DELETE FROM {table} WHERE slot <> 0 AND slot NOT IN "
        f"(SELECT pid FROM pg_stat_activity) RETURNING {key_list}, {count_list}), "
        f"added AS (INSERT INTO {table} (slot, {key_list}, {count_list}) "
        f"SELECT 0, {key_list}, {sums} FROM ended GROUP BY {key_list} "
        f"ON CONFLICT (slot, {key_list}) DO UPDATE SET {add}) "
        "SELECT count(*) FROM ended"
    )


def compact_summaries(connection: Connection) -> int:
    """Fold ended connections' summary rows into slot 0; the number of rows folded."""
    if connection.dialect.name != "postgresql":
        return 0
    return sum(
        connection.scalar(text(_fold(table, keys, counts))) or 0
        for table, (keys, counts) in FOLDS.items()
    )
