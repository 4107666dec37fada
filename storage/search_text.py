"""The one meaning of archive search, as pure text functions shared by both backends.

A text is indexed as a string of *tokens* separated by single spaces, computed here in Python so
that SQLite FTS5 and PostgreSQL text search index exactly the same thing:

- Words (runs of letters and digits) are lowercased (``casefold``) and accent-folded (NFKD,
  combining marks dropped, then recomposed): ``Café`` and ``cafe`` are one token.
- Chinese and Japanese characters, written without spaces, become overlapping character
  bigrams, and the last character of each run is also a token of its own: ``失眠症`` is indexed as
  ``失眠 眠症 症``. Every character then starts some token, so a one-character query is a prefix
  query, and a longer one is a phrase of its bigrams.

A query is a list of terms, all of which must match: a word matches that whole word, ``word*``
any word starting with it, ``"two words"`` the words next to each other (``"two wo*"``: the last
one a prefix), and a Chinese term its characters next to each other anywhere. The query is
turned into each backend's syntax here too, from tokens that only hold letters and digits, so
user input never reaches the query language raw.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
TOKEN = re.compile(rf"(?P<cjk>[{CJK_RANGES}]+)|(?P<word>[^\W_{CJK_RANGES}]+)")
WORD = re.compile(rf"[^\W_{CJK_RANGES}]+")
QUERY_PART = re.compile(r'"(?P<phrase>[^"]*)"?(?P<star>\*)?|(?P<term>[^\s"]+)')


@dataclass(frozen=True)
class Token:
    """One indexed token and the span of the original text it came from."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Term:
    """Tokens that must appear next to each other; ``prefix``: the last one may be longer."""

    tokens: tuple[str, ...]
    prefix: bool = False


def fold_word(word: str) -> str:
    """Lowercase and strip accents: ``Éclair`` -> ``eclair``."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def tokens(text: str) -> Iterator[Token]:
    """Index tokens of ``text`` in order, each with the span of the text it stands for."""
    for match in TOKEN.finditer(text):
        start, run = match.start(), match.group()
        if match.lastgroup == "cjk":
            for offset in range(len(run) - 1):
                yield Token(run[offset : offset + 2], start + offset, start + offset + 2)
            yield Token(run[-1], start + len(run) - 1, start + len(run))
            continue
        for part in WORD.findall(fold_word(run)):
            yield Token(part, start, match.end())


def index_text(text: str) -> str:
    """The token string stored in the search table for ``text``: :func:`tokens` without the
    spans, in one pass (the archive writer runs this on every new version)."""
    out: list[str] = []
    for match in TOKEN.finditer(text):
        run = match.group()
        if match.lastgroup == "cjk":
            out.extend([run[i : i + 2] for i in range(len(run) - 1)])
            out.append(run[-1])
        elif run.isascii():
            out.append(run.lower())
        else:
            out.extend(WORD.findall(fold_word(run)))
    return " ".join(out)


def query_terms(query: str) -> list[Term]:
    """The terms of a user query; an empty list when it holds no letters or digits."""
    terms: list[Term] = []
    for part in QUERY_PART.finditer(query):
        phrase = part.group("phrase")
        if phrase is not None:
            term = _phrase_term(phrase)
            if term and (part.group("star") or phrase.rstrip().endswith("*")):
                term = Term(term.tokens, term.prefix or bool(WORD.fullmatch(term.tokens[-1])))
            if term:
                terms.append(term)
            continue
        raw, before = part.group("term"), len(terms)
        for match in TOKEN.finditer(raw):
            if match.lastgroup == "cjk":
                terms.append(_cjk_term(match.group()))
            else:
                terms.extend(Term((word,)) for word in WORD.findall(fold_word(match.group())))
        last = terms[-1] if len(terms) > before else None
        if raw.endswith("*") and last and WORD.fullmatch(last.tokens[-1]):
            terms[-1] = Term(last.tokens, prefix=True)
    return terms


def _phrase_term(text: str) -> Term | None:
    """A quoted phrase: the tokens as indexed, except that the last CJK run of the phrase may
    continue in the text (its lone last character is left out, or is a prefix)."""
    pieces = list(TOKEN.finditer(text))
    out: list[str] = []
    prefix = False
    for position, match in enumerate(pieces):
        run = match.group()
        if match.lastgroup != "cjk":
            out.extend(WORD.findall(fold_word(run)))
        elif position < len(pieces) - 1:
            out.extend([run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]])
        else:
            term = _cjk_term(run)
            out.extend(term.tokens)
            prefix = term.prefix
    return Term(tuple(out), prefix) if out else None


def _cjk_term(run: str) -> Term:
    if len(run) == 1:
        return Term((run,), prefix=True)
    return Term(tuple(run[i : i + 2] for i in range(len(run) - 1)))


def fts5_query(terms: list[Term]) -> str:
    """SQLite FTS5 MATCH expression: every term, each a quoted phrase."""
    return " AND ".join(
        '"' + " ".join(term.tokens) + '"' + (" *" if term.prefix else "") for term in terms
    )


def tsquery(terms: list[Term]) -> str:
    """PostgreSQL ``tsquery`` literal (for a ``::tsquery`` cast, which keeps lexemes as given)."""
    parts = []
    for term in terms:
        lexemes = [f"'{token}'" for token in term.tokens]
        if term.prefix:
            lexemes[-1] += ":*"
        parts.append("(" + " <-> ".join(lexemes) + ")")
    return " & ".join(parts)


def matched_spans(text: str, terms: list[Term]) -> Iterator[tuple[int, int]]:
    """Spans of ``text`` where a term matches, in order, for highlighting a snippet.

    Lazy, so a snippet reads the text only as far as it shows.
    """
    words = {t.tokens[0] for t in terms if len(t.tokens) == 1 and not t.prefix}
    prefixes = tuple(t.tokens[0] for t in terms if len(t.tokens) == 1 and t.prefix)
    phrases = [t for t in terms if len(t.tokens) > 1]
    longest = max((len(t.tokens) for t in phrases), default=1)
    recent: deque[Token] = deque(maxlen=longest)
    for token in tokens(text):
        recent.append(token)
        found = None
        for phrase in phrases:
            size = len(phrase.tokens)
            if size > len(recent):
                continue
            window = list(recent)[-size:]
            last, wanted = window[-1].text, phrase.tokens[-1]
            if not (last == wanted or (phrase.prefix and last.startswith(wanted))):
                continue
            if all(w.text == t for w, t in zip(window, phrase.tokens[:-1], strict=False)):
                found = window[0].start if found is None else min(found, window[0].start)
        if found is None and (
            token.text in words or (prefixes and token.text.startswith(prefixes))
        ):
            found = token.start
        if found is not None:
            yield found, token.end


def first_match(indexed: str, terms: list[Term]) -> int | None:
    """Position (in tokens) of the first match in a stored token string, found with one regular
    expression search instead of walking the original text."""
    alternatives = [
        " ".join(re.escape(t) for t in term.tokens) + (r"\S*" if term.prefix else "")
        for term in terms
    ]
    found = re.search(rf"(?:^| )(?:{'|'.join(alternatives)})(?= |$)", indexed)
    if found is None:
        return None
    return indexed.count(" ", 0, found.start() + (indexed[found.start()] == " "))


def _char_offset(text: str, token_index: int) -> int:
    """Where the ``token_index``-th token of ``text`` starts."""
    seen = 0
    for match in TOKEN.finditer(text):
        run = match.group()
        if match.lastgroup == "cjk":
            count = len(run)
        else:
            count = 1 if run.isascii() else len(WORD.findall(fold_word(run)))
        if seen + count > token_index:
            return match.start() + (token_index - seen if match.lastgroup == "cjk" else 0)
        seen += count
    return len(text)


def snippet(
    text: str,
    terms: list[Term],
    width: int = 160,
    marks: tuple[str, str] = ("[", "]"),
    indexed: str | None = None,
) -> str:
    """About ``width`` characters of ``text`` from a little before its first match, matches
    marked; the start of the text when nothing matches (a match in the title only).

    ``indexed``, the text's stored tokens, lets a long text be skipped to its first match.
    """
    skip = 0
    if indexed is not None:
        position = first_match(indexed, terms)
        if position is None:
            return _shorten(text, 0, width)
        skip = _char_offset(text, max(0, position - 1))
    first = next(matched_spans(text[skip:], terms), None)
    if first is None:
        return _shorten(text, 0, width)
    begin = max(0, first[0] + skip - width // 4)
    space = text.rfind(" ", 0, begin)
    if begin and space > begin - 20:
        begin = space + 1
    end = min(len(text), begin + width)
    origin = first[0] + skip
    spans: list[tuple[int, int]] = []
    for start, stop in (
        (a + origin, b + origin) for a, b in matched_spans(_through_word(text, origin, end), terms)
    ):
        if stop > end:
            break
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], stop))
        else:
            spans.append((start, stop))
    out, cursor = [], begin
    for start, stop in spans:
        out += [text[cursor:start], marks[0], text[start:stop], marks[1]]
        cursor = stop
    out.append(text[cursor:end])
    body = " ".join("".join(out).split())
    return ("…" if begin else "") + body + ("…" if end < len(text) else "")


def _through_word(text: str, start: int, end: int) -> str:
    """``text[start:end]``, not cutting the token at ``end`` short (up to a few characters more)."""
    stop = end
    while stop < min(len(text), end + 40) and text[stop].isalnum():
        stop += 1
    return text[start:stop]


def _shorten(text: str, begin: int, width: int) -> str:
    body = " ".join(text[begin : begin + width].split())
    return body + ("…" if len(text) > begin + width else "")
