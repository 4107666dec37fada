"""SQLite FTS5's bm25, as the archive's index configures it, in plain Python.

The ranked lists (:mod:`storage.search_lists`) store each common word's per-article part of
bm25, and a query of several common words (:mod:`storage.search`) scores its candidates here.
Both must give FTS5's very numbers, so the formula keeps FTS5's order of floating-point
operations (``fts5_aux.c``, ``fts5Bm25Function``): for each phrase of the query, in the query's
order, ``score += idf * (w (k1 + 1)) / (w + k1 (1 - b + b D / avgdl))``, ``w`` the phrase's
weighted count in the article (title hits weigh :data:`TITLE_WEIGHT`), ``D`` the article's
length in tokens. Kept apart from the lists so that ``healtharchive search`` does not import
SQLAlchemy to use it.
"""

from __future__ import annotations

import math

BM25_K1 = 1.2
BM25_B = 0.75
TITLE_WEIGHT = 10.0
"""The title's bm25 column weight, as set on ``articles_fts`` by revision 0005."""


def bm25_impact(title_count: int, body_count: int, length: int, avgdl: float) -> float:
    """bm25 of one word in one article without the IDF factor, in FTS5's order of operations."""
    w = TITLE_WEIGHT * title_count + 1.0 * body_count
    return (w * (BM25_K1 + 1.0)) / (w + BM25_K1 * (1 - BM25_B + BM25_B * length / avgdl))


CLAMPED_IDF = 1e-6
"""FTS5's IDF of a word in at least half of the articles, whose log would be zero or less."""
DEEPER = "+"
"""Suffix of the key of a word's deeper list (``sleep+``): no token holds a ``+``."""


def bm25_idf(rows: int, hits: int) -> float:
    """FTS5's IDF: ``log((N - n + 0.5) / (n + 0.5))``, at least :data:`CLAMPED_IDF`."""
    idf = math.log((rows - hits + 0.5) / (hits + 0.5))
    return idf if idf > 0.0 else CLAMPED_IDF
