"""Ranked lists for the archive's most common words, so their top hits are read, not computed.

A word in half of all articles makes the full-text index score every one of those articles for
each query (neither FTS5's bm25 nor PostgreSQL's ``ts_rank`` prunes), which grows with the
archive: 0.7 s at 200,000 articles. Yet a one-word query's order never depends on the query
itself, only on each article: with bm25 on the word's weighted count in the article and the
article's length, with ``ts_rank`` on the positions and weights of the word in the article. That
per-article *impact* can be computed when the article is written.

So for each word found in at least :data:`COMMON_DF` articles (``search_common``) the archive
keeps the :data:`LIST_SIZE` articles of highest impact (``search_top``), and a *floor*: every
article holding the word but missing from its list has an impact of at most the floor. Writers
keep that true without reading the lists: a new or changed article enters a word's list only
when its impact beats the floor, and a replaced or removed one leaves the list. The lists may
then grow a little beyond :data:`LIST_SIZE`, never lose the property; :func:`build_lists`
starts them afresh (``healtharchive build-search-lists``, run by the migration that added them
and by ``generate-archive``).

A prefix of at least :data:`PREFIX_MIN` characters found in as many articles (``sle*``) has a
list too, under the key ``sle*``: both backends score a prefix from all the words it starts
taken together (FTS5 as one phrase whose hits are added up, ``ts_rank`` over every matching
lexeme's positions), so its impact is again a per-article value, and no per-word list bounds it.
On SQLite the build counts each prefix's articles exactly. On PostgreSQL ``ts_stat`` counts
lexemes, not prefixes: the sum of the counts of the lexemes a prefix starts over-counts the
articles with two of them, so it only picks candidates, and the build's ranked pass counts
each candidate's articles and drops those under :data:`COMMON_DF`, giving the same lists as
SQLite. (A list kept for such a prefix would still be exact: like any list, it holds the
articles above its floor, and when it holds all of them its floor is 0.)

A one-word query is answered from the list when its ``k``-th entry's impact is above the floor
(or the list holds every article with the word): those ``k`` are then provably the best ``k``.
On SQLite, where bm25 adds up over the words of a query, a query of several common words is
answered from the union of their lists when a bound on the articles outside them proves it
(``storage.search._several``). Otherwise, and for any other query, the full index answers.

That bound is the sum of the words' floors, each weighed by the word's IDF. For words in half
of the articles or more FTS5 clamps the IDF to :data:`storage.search_bm25.CLAMPED_IDF`, so a
query of only such words (``sleep water``) is ranked by the sum of the impacts alone; and with
so many articles to choose from, the 1,000th best impact of each word sits close to bm25's
ceiling of ``k1 + 1`` = 2.2, as does the ``k``-th best sum, which can fall just short of the
sum of floors (at 200,000 articles the 20th best score of ``sleep water`` is 4.3078, the
floors add up to 4.3079). Such a word therefore also keeps a deeper list of
:data:`DEEP_LIST_SIZE` articles under the key ``sleep+`` (:data:`storage.search_bm25.DEEPER`),
with its own lower floor, kept by writers like any list; a query whose words all have one is
bounded by those. Few words qualify (three at 200,000 generated articles), and their
one-word queries still read the short list.

The impact is each backend's own score for the word alone:

- PostgreSQL: ``ts_rank`` itself, computed by the database when a version is written. Exact.
- SQLite: bm25's part that varies per article, ``w (k1 + 1) / (w + k1 (1 - b + b D / avgdl))``
  with ``w`` the title count times 10 plus the body count and ``D`` the article's length in
  tokens, computed here as FTS5 computes it. The average length ``avgdl`` is the one of the
  last build; FTS5 uses the current one, so after the archive has grown the lists rank by
  slightly stale lengths (the benchmark measures the recall). The score shown is the impact
  times the word's bm25 IDF at the last build; a query of several words weighs each word by
  that IDF too, so after growth their relative weights can also differ a little from FTS5's
  until the lists are rebuilt.
- PostgreSQL's lists serve one-word queries only: ``ts_rank`` of an AND query
  (``calc_rank_and``) comes from the distances between the words' positions, not from each
  word's rank, so no sum of per-word impacts bounds it.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from storage.search_bm25 import CLAMPED_IDF, DEEPER, bm25_idf, bm25_impact
from storage.tables import chunks

COMMON_DF = 5000
"""Words in fewer articles than this are fast enough for the full index (under ~20 ms)."""
LIST_SIZE = 1000
"""Articles kept per common word: the largest ``--limit`` the lists answer."""
DEEP_LIST_SIZE = 8000
"""Articles kept in the deeper list of a word in half of the articles or more (SQLite)."""
PREFIX_MIN = 3
"""Shortest prefix (``sle*``) with a list of its own; shorter ones go to the full index."""
BUILD_BATCH = 2000


@dataclass(frozen=True)
class Common:
    """A common word's list bounds: every article missing from its list has impact <= floor."""

    floor: float
    idf: float
    avgdl: float


def _dialect(session: Session | Connection) -> str:
    return session.get_bind().dialect.name if isinstance(session, Session) else session.dialect.name


def forget(session: Session | Connection, article_ids: Sequence[int]) -> None:
    """Take these articles out of every list (their current version is being replaced)."""
    for part in chunks(list(article_ids)):
        session.execute(
            text("DELETE FROM search_top WHERE article_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": part},
        )


def enter(session: Session | Connection, rows: Sequence[tuple[int, str, str]]) -> None:
    """Put these (article id, title tokens, body tokens) in the lists whose floor they beat.

    Called after their ``article_search`` rows are written, in the same transaction.
    """
    if not rows:
        return
    if _dialect(session) == "postgresql":
        for part in chunks([article_id for article_id, _, _ in rows]):
            session.execute(POSTGRES_ENTER, {"ids": part})
        return
    common = {
        token: Common(floor, idf, avgdl)
        for token, floor, idf, avgdl in session.execute(
            text("SELECT token, floor, idf, avgdl FROM search_common")
        )
    }
    if not common:
        return
    entries = []
    stems = prefix_stems(common)
    for article_id, title_tokens, body_tokens in rows:
        for token, impact in _impacts(title_tokens, body_tokens, common, 0.0, stems):
            for key in (token, token + DEEPER):
                kept = common.get(key)
                if kept is not None and impact > kept.floor:
                    entries.append({"token": key, "article_id": article_id, "impact": impact})
    if entries:
        session.execute(INSERT_ENTRY, entries)


INSERT_ENTRY = text(
    "INSERT INTO search_top (token, article_id, impact) VALUES (:token, :article_id, :impact)"
)
POSTGRES_SCORED = """
SELECT k.token, s.article_id, k.floor,
       ts_rank(s.document, CAST(
           CASE WHEN k.token LIKE '%*' THEN quote_literal(left(k.token, -1)) || ':*'
                ELSE quote_literal(k.token) END AS tsquery)) AS impact
FROM article_search s
CROSS JOIN LATERAL (
    SELECT DISTINCT c.token, c.floor
    FROM unnest(s.document) AS u
    CROSS JOIN LATERAL generate_series(0, length(u.lexeme)) AS n
    JOIN search_common c
      ON c.token = CASE WHEN n = 0 THEN u.lexeme ELSE left(u.lexeme, n) || '*' END
) k
"""
"""Each search row's impact for every list it belongs to: the list of each of its lexemes,
and the list of each prefix that starts one of them (``n`` characters and a ``*``; ``n = 0``
stands for the lexeme itself). The query is the one :func:`storage.search_text.tsquery` gives
the full index (``'sle':*`` for ``sle*``), so ``ts_rank`` is its very number; an article with
several words of a prefix (``sleep``, ``sleepy``) counts once."""
POSTGRES_ENTER = text(
    f"""
    INSERT INTO search_top (token, article_id, impact)
    SELECT e.token, e.article_id, e.impact FROM ({POSTGRES_SCORED} WHERE s.article_id IN :ids) e
    WHERE e.impact > e.floor
    """
).bindparams(bindparam("ids", expanding=True))


def prefix_stems(common: dict[str, Common] | dict[str, int]) -> frozenset[str]:
    """The stems of the listed prefixes: ``sle`` for the key ``sle*``."""
    return frozenset(key[:-1] for key in common if key.endswith("*"))


def _impacts(
    title_tokens: str,
    body_tokens: str,
    common: dict[str, Common] | dict[str, int],
    avgdl: float,
    stems: frozenset[str] = frozenset(),
) -> list[tuple[str, float]]:
    """bm25 impact of each common word and listed prefix in one article (SQLite).

    A prefix counts every word it starts, as FTS5 counts the hits of ``sle*``.
    """
    title, body = title_tokens.split(), body_tokens.split()
    length = len(title) + len(body)
    # Counting every token and intersecting afterwards keeps the loops in C.
    in_title, in_body = Counter(title), Counter(body)
    out = []
    for token in (in_title.keys() | in_body.keys()) & common.keys():
        kept = common[token]
        average = kept.avgdl if isinstance(kept, Common) else avgdl
        impact = bm25_impact(in_title[token], in_body[token], length, average)
        out.append((token, impact))
    if stems:
        title_hits, body_hits = _stem_hits(in_title, stems), _stem_hits(in_body, stems)
        for stem in title_hits.keys() | body_hits.keys():
            kept = common[stem + "*"]
            average = kept.avgdl if isinstance(kept, Common) else avgdl
            impact = bm25_impact(title_hits[stem], body_hits[stem], length, average)
            out.append((stem + "*", impact))
    return out


def _stem_hits(counts: Counter[str], stems: frozenset[str]) -> Counter[str]:
    """How many of the counted words each listed stem starts."""
    hits: Counter[str] = Counter()
    for token, count in counts.items():
        for end in range(PREFIX_MIN, len(token) + 1):
            stem = token[:end]
            if stem in stems:
                hits[stem] += count
    return hits


def build_lists(connection: Connection) -> int:
    """Make the lists afresh from the search rows; the number of common words.

    Run in one transaction, so readers see either the old lists or the new ones.
    """
    connection.execute(text("DELETE FROM search_top"))
    connection.execute(text("DELETE FROM search_common"))
    if connection.dialect.name == "postgresql":
        return _build_postgres(connection)
    return _build_sqlite(connection)


def _build_sqlite(connection: Connection) -> int:
    # FTS5's own vocabulary gives each word's article count and, summed, the token count
    # behind its average length, without reading the rows.
    connection.execute(
        text(
            "CREATE VIRTUAL TABLE temp.search_vocab USING fts5vocab('main', 'articles_fts', 'row')"
        )
    )
    try:
        tokens = connection.execute(text("SELECT sum(cnt) FROM temp.search_vocab")).scalar() or 0
        common: dict[str, int] = {}
        # A prefix is in at most as many articles as its words' counts add up to: those that
        # reach COMMON_DF are counted exactly in the pass below.
        reach: Counter[str] = Counter()
        for term, hits in connection.execute(text("SELECT term, doc FROM temp.search_vocab")):
            if hits >= COMMON_DF:
                common[term] = hits
            for end in range(PREFIX_MIN, len(term) + 1):
                reach[term[:end]] += hits
        common.update((stem + "*", hits) for stem, hits in reach.items() if hits >= COMMON_DF)
    finally:
        connection.execute(text("DROP TABLE temp.search_vocab"))
    rows = connection.execute(text("SELECT count(*) FROM article_search")).scalar_one()
    if not common:
        return 0
    avgdl = tokens / rows
    # A word in half of the articles or more also gets a deeper list (see the module's
    # docstring): its heap keeps DEEP_LIST_SIZE + 1 articles, the top of which make its list.
    size = {
        token: DEEP_LIST_SIZE
        if not token.endswith("*") and bm25_idf(rows, hits) == CLAMPED_IDF
        else LIST_SIZE
        for token, hits in common.items()
    }
    best: dict[str, list[tuple[float, int]]] = {token: [] for token in common}
    stems = prefix_stems(common)
    articles: Counter[str] = Counter()
    for article_id, title_tokens, body_tokens in _search_rows(connection):
        for token, impact in _impacts(title_tokens, body_tokens, common, avgdl, stems):
            articles[token] += 1
            heap = best[token]
            # Ties go to the lower article id, as in the full index's order.
            entry = (impact, -article_id)
            if len(heap) <= size[token]:
                heapq.heappush(heap, entry)
            elif entry > heap[0]:
                heapq.heapreplace(heap, entry)
    listed = 0
    for token, heap in best.items():
        if token.endswith("*"):
            # Counted here, not by FTS5: a prefix's articles are only known after the pass.
            common[token] = articles[token]
            if articles[token] < COMMON_DF:
                continue
        if len(heap) <= size[token] < common[token]:
            # FTS5 counted the word in articles whose tokens, split on spaces, lack it: a
            # character FTS5 splits on inside one of ours. No list, rather than a wrong one.
            continue
        ranked = sorted(heap, reverse=True)
        idf = bm25_idf(rows, common[token])
        _insert_list(connection, token, ranked, LIST_SIZE, idf, avgdl)
        if size[token] == DEEP_LIST_SIZE:
            _insert_list(connection, token + DEEPER, ranked, DEEP_LIST_SIZE, idf, avgdl)
        listed += 1
    return listed


def _insert_list(
    connection: Connection,
    key: str,
    ranked: list[tuple[float, int]],
    size: int,
    idf: float,
    avgdl: float,
) -> None:
    """Keep the best ``size`` of these (impact, -article id), best first, as the list ``key``.

    The floor is the impact of the best article left out, and entries tied with it are left
    out too, so that "above the floor" is strict and provable. With every article of the word
    ranked, the floor is 0: the list is complete.
    """
    floor = ranked[size][0] if len(ranked) > size else 0.0
    connection.execute(
        text(
            "INSERT INTO search_common (token, floor, idf, avgdl) "
            "VALUES (:token, :floor, :idf, :avgdl)"
        ),
        {"token": key, "floor": floor, "idf": idf, "avgdl": avgdl},
    )
    kept = [
        {"token": key, "article_id": -negative_id, "impact": impact}
        for impact, negative_id in ranked[:size]
        if impact > floor
    ]
    if kept:
        connection.execute(INSERT_ENTRY, kept)


def _search_rows(connection: Connection) -> Iterator[tuple[int, str, str]]:
    """Every search row, read a batch at a time by article id, so memory stays flat."""
    after = 0
    while batch := connection.execute(
        text(
            "SELECT article_id, title_tokens, body_tokens FROM article_search "
            "WHERE article_id > :after ORDER BY article_id LIMIT :size"
        ),
        {"after": after, "size": BUILD_BATCH},
    ).all():
        yield from ((row[0], row[1], row[2]) for row in batch)
        after = batch[-1][0]


def _build_postgres(connection: Connection) -> int:
    # ts_stat counts each lexeme's articles; a prefix's count is bounded by the sum over the
    # lexemes it starts (an article with two of them counts twice), so every common prefix is
    # a candidate here, and the ranked pass below counts each one exactly.
    connection.execute(
        text(
            """
            WITH stat AS (SELECT word, ndoc FROM ts_stat('SELECT document FROM article_search'))
            INSERT INTO search_common (token, floor, idf, avgdl)
            SELECT word, 0, 0, 0 FROM stat WHERE ndoc >= :common_df
            UNION ALL
            SELECT left(word, n) || '*', 0, 0, 0
            FROM stat CROSS JOIN LATERAL generate_series(:prefix_min, length(word)) AS n
            GROUP BY left(word, n) HAVING sum(ndoc) >= :common_df
            """
        ),
        {"common_df": COMMON_DF, "prefix_min": PREFIX_MIN},
    )
    connection.execute(
        text(
            f"""
            CREATE TEMPORARY TABLE search_ranked AS
            SELECT token, article_id, impact,
                   row_number() OVER (PARTITION BY token ORDER BY impact DESC, article_id) AS n
            FROM ({POSTGRES_SCORED}) scored
            """
        )
    )
    # A candidate prefix in fewer articles than COMMON_DF goes, as on SQLite. Kept, its list
    # would still be exact (its floor 0 if it holds every article of the prefix): this only
    # keeps the same lists on both backends.
    connection.execute(
        text(
            """
            DELETE FROM search_common c WHERE c.token LIKE '%*' AND NOT EXISTS (
                SELECT 1 FROM search_ranked r WHERE r.token = c.token AND r.n = :common_df
            )
            """
        ),
        {"common_df": COMMON_DF},
    )
    connection.execute(
        text(
            """
            UPDATE search_common c SET floor = r.impact
            FROM search_ranked r WHERE r.token = c.token AND r.n = :past
            """
        ),
        {"past": LIST_SIZE + 1},
    )
    connection.execute(
        text(
            """
            INSERT INTO search_top (token, article_id, impact)
            SELECT r.token, r.article_id, r.impact FROM search_ranked r
            JOIN search_common c ON c.token = r.token
            WHERE r.n <= :size AND r.impact > c.floor
            """
        ),
        {"size": LIST_SIZE},
    )
    connection.execute(text("DROP TABLE search_ranked"))
    # Fresh statistics for the planner: with none yet on the rebuilt tables, a filtered list
    # query was planned from the articles outward until autovacuum came by (330 ms against
    # 17 ms at 200k articles).
    connection.execute(text("ANALYZE search_common, search_top"))
    return connection.execute(text("SELECT count(*) FROM search_common")).scalar_one()
