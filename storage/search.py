"""Full-text search over the archive's current articles, with the same answers on every backend.

What a query means is defined once, in :mod:`storage.search_text`; here each backend's own index
is asked for the best matches: SQLite FTS5 ranked by bm25 (``ORDER BY rank``, title matches
weighing ten times body matches), PostgreSQL by ``ts_rank`` (title weight A, body B), both over
the same tokens. Only the top ``limit`` hits are read back, and their snippets are cut and
highlighted here from the stored text, so they are identical on both backends.

A one-word query for one of the archive's most common words or prefixes (``sle*``) is answered
from its ranked list (:mod:`storage.search_lists`) when the list provably holds the top
``limit``: the same articles in the same order as the full index, without scoring every article
holding the word.
On SQLite, a query of several such words is answered from the union of their lists when a
bound proves no other article can enter the top ``limit`` (:func:`_several`); on PostgreSQL
it goes to the full index, whose AND rank no per-word list bounds.

Queries go through the driver-only :class:`storage.reader.Reader`, so ``healtharchive search``
starts without SQLAlchemy.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from storage.reader import Reader, bind, placeholders
from storage.search_bm25 import DEEPER, bm25_impact
from storage.search_text import Term, fts5_query, query_terms, snippet, tsquery

SNIPPET_WIDTH = 160

SQLITE_HITS = (
    "SELECT rowid AS article_id, -rank AS score FROM articles_fts "
    "WHERE articles_fts MATCH :match ORDER BY rank"
)
POSTGRES_HITS = (
    "SELECT article_id, ts_rank(document, CAST(:match AS tsquery)) AS score "
    "FROM article_search WHERE document @@ CAST(:match AS tsquery)"
)
LISTED = """
SELECT t.article_id, t.impact, c.floor FROM search_common c
JOIN search_top t ON t.token = c.token
JOIN article_search s ON s.article_id = t.article_id
JOIN articles a ON a.id = t.article_id
JOIN article_versions v ON v.id = s.version_id
WHERE c.token = :token {where}
ORDER BY t.impact DESC, t.article_id LIMIT :limit
"""
LISTED_HITS = (
    "SELECT t.article_id, {score} AS score FROM search_top t "
    "JOIN search_common c ON c.token = t.token WHERE t.token = :token"
)
LISTED_SCORE = {"sqlite": "t.impact * c.idf", "postgresql": "CAST(t.impact AS real)"}
"""The backend's score: bm25 is the impact times the word's IDF; ts_rank is the impact (a
``real``, read back as the full index's is)."""
COMMON = "SELECT token, floor, idf, avgdl FROM search_common WHERE token IN ({tokens})"
ENTRIES = "SELECT token, article_id, impact FROM search_top WHERE token IN ({tokens})"
CANDIDATES = "SELECT s.article_id, s.title_tokens, s.body_tokens FROM article_search s{joins} "
FILTER_JOINS = (
    " JOIN articles a ON a.id = s.article_id JOIN article_versions v ON v.id = s.version_id"
)
Stats = tuple[float, float, float]
"""A common word's floor, IDF and average length, as ``search_common`` keeps them."""
FIRST_READ = 64
"""Candidates whose tokens are read first (or twice ``limit``); each further read doubles."""
HIT_ROWS = """
SELECT a.canonical_url, v.headline, v.body, s.body_tokens, v.language, h.score
FROM ({hits}) h
JOIN article_search s ON s.article_id = h.article_id
JOIN articles a ON a.id = h.article_id
JOIN article_versions v ON v.id = s.version_id
{where}
ORDER BY h.score DESC, h.article_id
LIMIT :limit
"""


@dataclass(frozen=True)
class SearchFilters:
    """Narrow a search, as ``export`` narrows its rows: ``site`` a host name or a URL prefix,
    ``language`` a language code, ``since`` first seen in the archive at or after (UTC); and
    ``has_advice``, the current version has an advice list."""

    site: str | None = None
    language: str | None = None
    since: datetime | None = None
    has_advice: bool = False


@dataclass(frozen=True)
class Hit:
    url: str
    title: str
    snippet: str
    score: float
    """Higher is better; comparable within one search, not across backends."""
    language: str | None


def search(
    reader: Reader,
    query: str,
    limit: int = 20,
    filters: SearchFilters | None = None,
    marks: tuple[str, str] = ("[", "]"),
    ranked_lists: bool = True,
) -> list[Hit]:
    """The ``limit`` best current articles matching every term of ``query``, best first.

    ``ranked_lists=False`` always asks the full index (to check the lists against it).
    """
    terms = query_terms(query)
    if not terms:
        raise ValueError(f"nothing to search for in {query!r}: give a word or a character")
    filters = filters or SearchFilters()
    where, params = _conditions(reader, filters)
    listed = _listed(reader, terms, limit, where, params) if ranked_lists else None
    several = _several(reader, terms, limit, where, params) if ranked_lists else None
    if listed is not None:
        # Only the k listed articles that pass the filters are read back.
        hits = LISTED_HITS.format(score=LISTED_SCORE[reader.dialect])
        hits += f" AND t.article_id IN ({placeholders(listed) or 'NULL'})"
        params.update(bind(listed), token=list_key(terms))
    elif several is not None:
        if not several:
            return []
        rows = ", ".join(f"(:a{i}, :s{i})" for i in range(len(several)))
        hits = f"SELECT column1 AS article_id, column2 AS score FROM (VALUES {rows})"
        for i, (article_id, score) in enumerate(several):
            params[f"a{i}"], params[f"s{i}"] = article_id, score
    elif reader.dialect == "postgresql":
        hits, params["match"] = POSTGRES_HITS + " ORDER BY score DESC, article_id", tsquery(terms)
    else:
        hits, params["match"] = SQLITE_HITS, fts5_query(terms)
    if not where and listed is None and several is None:
        # Unfiltered, only the best k leave the index: the joins then touch k rows.
        hits += " LIMIT :limit"
    params["limit"] = limit
    sql = HIT_ROWS.format(hits=hits, where="WHERE " + " AND ".join(where) if where else "")
    return [
        Hit(
            url=url,
            title=headline,
            snippet=snippet(body, terms, SNIPPET_WIDTH, marks, indexed),
            score=round(float(score), 6),
            language=language,
        )
        for url, headline, body, indexed, language, score in reader.rows(sql, params)
    ]


def _listed(
    reader: Reader,
    terms: list[Term],
    limit: int,
    where: list[str] | None = None,
    params: dict[str, Any] | None = None,
) -> list[int] | None:
    """Whether the word's ranked list holds the true top ``limit``: its ``limit``-th entry
    (passing the filters) is above the floor every unlisted article stays under, or the list
    holds every article with the word (floor 0). Filters only remove articles, so the listed
    ones that pass, in order, are still the best that pass.

    The ids of those best articles when the list answers, else ``None``.
    """
    key = list_key(terms)
    if key is None:
        return None
    rows = reader.rows(
        LISTED.format(where="".join(f" AND {condition}" for condition in where or [])),
        {**(params or {}), "token": key, "limit": limit},
    )
    if not rows:
        return None
    _, impact, floor = rows[-1]
    if impact > floor if len(rows) == limit else floor == 0.0:
        return [article_id for article_id, _, _ in rows]
    return None


def list_key(terms: list[Term]) -> str | None:
    """The ranked list a query could be answered from: its one word, or its one prefix as
    ``sle*``, else ``None``."""
    if len(terms) != 1 or len(terms[0].tokens) != 1:
        return None
    token = terms[0].tokens[0]
    return token + "*" if terms[0].prefix else token


def _several(
    reader: Reader, terms: list[Term], limit: int, where: list[str], params: dict[str, Any]
) -> list[tuple[int, float]] | None:
    """The best ``limit`` (article id, bm25 score) for several common words, when provable.

    bm25 of an AND query is a sum over its words of ``idf * impact`` (:mod:`storage.search_bm25`),
    and an article missing from a word's list has an impact of at most that word's floor. So
    an article in none of the lists scores at most the sum of ``idf * floor`` (the *bound*), and
    an article in some list (a *candidate*) at most its *ceiling*: the sum with its listed
    impacts and the other words' floors. Candidates are scored exactly from their tokens, by
    falling ceiling, dropped if they miss a word or fail the filters, until the ``limit``-th
    best score is strictly above the next ceiling: no candidate left can enter the top
    ``limit``. If that score is also strictly above the bound, no article outside the lists can
    either: those are the answer, ordered as the full index orders them (score, then article
    id). If a word's list holds every article with it (floor 0), every match is a candidate
    and no bound is needed. Otherwise ``None``: the full index answers. When every word is in
    half of the articles or more, their deeper lists (``sleep+``) are read instead: with IDFs
    clamped alike and floors near bm25's ceiling, only their lower floors make a bound the
    ``limit``-th score can clear.

    SQLite only, with the lists' IDFs and average length (those of their last build, see
    :mod:`storage.search_lists`): FTS5's scores as of then, bit for bit. PostgreSQL's
    ``ts_rank`` of an AND query (``calc_rank_and``) is built from the distances between the
    words' positions, not from each word's rank, so no per-word list bounds it.
    """
    if reader.dialect != "sqlite" or len(terms) < 2 or limit < 1:
        return None
    if any(len(term.tokens) != 1 or term.prefix for term in terms):
        return None
    # FTS5 scores each term of the query, a repeated word twice: so do the sums here.
    words = [term.tokens[0] for term in terms]
    distinct = sorted(set(words))
    keys = {f"w{i}": key for i, key in enumerate([*distinct, *(w + DEEPER for w in distinct)])}
    names = ", ".join(f":{name}" for name in keys)
    kept: dict[str, Stats] = {
        key: (floor, idf, avgdl)
        for key, floor, idf, avgdl in reader.rows(COMMON.format(tokens=names), keys)
    }
    if any(word not in kept for word in distinct):
        return None
    # Words all in half of the articles or more weigh alike (FTS5 clamps their IDF) and their
    # lists' floors sit near bm25's ceiling: their deeper lists' lower floors make the bound.
    # With one rarer word, its far larger IDF outweighs theirs and their own lists will do.
    deeper = all(word + DEEPER in kept for word in distinct)
    word_of = {word + DEEPER if deeper else word: word for word in distinct}
    common = {word: kept[key] for key, word in word_of.items()}
    chosen = {f"w{i}": key for i, key in enumerate(word_of)}
    names = ", ".join(f":{name}" for name in chosen)
    listed: dict[int, dict[str, float]] = {}
    for key, article_id, impact in reader.rows(ENTRIES.format(tokens=names), chosen):
        listed.setdefault(article_id, {})[word_of[key]] = impact
    ceiling = {}
    for article_id, impacts in listed.items():
        total = 0.0
        for word in words:
            floor, idf, _ = common[word]
            total += idf * impacts.get(word, floor)
        ceiling[article_id] = total
    order = sorted(ceiling, key=lambda article_id: (-ceiling[article_id], article_id))
    complete = any(common[word][0] == 0.0 for word in words)
    bound = 0.0
    for word in words:
        floor, idf, _ = common[word]
        bound += idf * floor
    # The best so far as (score, -article id): the heap's first is the worst of them.
    best: list[tuple[float, int]] = []
    candidates = CANDIDATES.format(joins=FILTER_JOINS if where else "")
    candidates += "WHERE s.article_id IN ({ids})" + "".join(f" AND {part}" for part in where)
    done, batch = 0, max(FIRST_READ, 2 * limit)
    while done < len(order):
        kth = best[0][0] if len(best) == limit else float("-inf")
        if not complete and max(kth, ceiling[order[done]]) <= bound:
            # No candidate left can lift the limit-th score above the bound: not provable.
            return None
        ids = order[done : done + batch]
        done, batch = done + len(ids), batch * 2
        sql = candidates.format(ids=placeholders(ids))
        for article_id, title_tokens, body_tokens in reader.rows(sql, {**params, **bind(ids)}):
            score = _score(title_tokens, body_tokens, words, common, listed[article_id])
            if score is not None:
                heapq.heappush(best, (score, -article_id))
                if len(best) > limit:
                    heapq.heappop(best)
        if len(best) == limit and done < len(order) and best[0][0] > ceiling[order[done]]:
            break
    answer = [(-negative_id, score) for score, negative_id in sorted(best, reverse=True)]
    if complete or (len(answer) == limit and answer[-1][1] > bound):
        return answer
    return None


def _score(
    title_tokens: str,
    body_tokens: str,
    words: list[str],
    common: dict[str, Stats],
    impacts: dict[str, float],
) -> float | None:
    """FTS5's bm25 of these words in one article (the lists' statistics); ``None`` if one is
    missing. A word's listed impact is taken as is: the lists computed it from these tokens
    with the same counts (:func:`storage.search_lists._impacts`) and formula, so it is the
    very number. The other words are looked for, then counted, with ``str`` searches on the
    stored token strings, whose tokens are separated by single spaces
    (:func:`storage.search_text.index_text`): several times faster than splitting them, and
    most candidates of a query of several words miss one of them."""
    unlisted = [word for word in words if word not in impacts]
    if unlisted:
        text = f" {title_tokens} {body_tokens} "
        if any(f" {word} " not in text for word in unlisted):
            return None
        # Doubled spaces give every token its own pair, so " word " counts each occurrence.
        title = f"  {title_tokens.replace(' ', '  ')}  "
        body = f"  {body_tokens.replace(' ', '  ')}  "
    length = _length(title_tokens) + _length(body_tokens)
    score = 0.0
    for word in words:
        _, idf, avgdl = common[word]
        impact = impacts.get(word)
        if impact is None:
            in_title, in_body = title.count(f" {word} "), body.count(f" {word} ")
            impact = bm25_impact(in_title, in_body, length, avgdl)
        score += idf * impact
    return score


def _length(tokens: str) -> int:
    return tokens.count(" ") + 1 if tokens else 0


def _conditions(reader: Reader, filters: SearchFilters) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    if filters.site:
        site = re.sub(r"([\\%_])", r"\\\1", filters.site.strip().rstrip("/"))
        prefixes = [site] if "://" in site else [f"http://{site}", f"https://{site}"]
        likes = []
        for number, prefix in enumerate(prefixes):
            params[f"site{number}"] = prefix + "/%"
            likes.append(f"a.canonical_url LIKE :site{number} ESCAPE '\\'")
        where.append("(" + " OR ".join(likes) + ")")
    if filters.language:
        where.append("v.language = :language")
        params["language"] = filters.language
    if filters.since:
        since = filters.since
        utc = since.astimezone(timezone.utc) if since.tzinfo else since.replace(tzinfo=timezone.utc)
        where.append("a.first_seen >= :since")
        params["since"] = (
            utc.strftime("%Y-%m-%d %H:%M:%S.%f") if reader.dialect == "sqlite" else utc
        )
    if filters.has_advice:
        where.append("EXISTS (SELECT 1 FROM advice_items i WHERE i.version_id = v.id)")
    return where, params
