"""Metadata benchmark: this project's headline, authors and publication date against trafilatura.

Page set: the article pages of WCXB's development split (``../shared/benchmarks`` by default),
whose ground truth gives each page's ``title``, ``author`` and ``publish_date``. Both extractors
run in the same process, page by page interleaved, so machine noise hits both alike; our time
includes decoding and parsing (``load_document``), trafilatura's its own.

Scoring, applied identically to both:

- **title**: exact match after normalising (casefold, punctuation dropped, whitespace collapsed).
- **author**: the truth is split into names on commas, semicolons, ``&`` and "and"; parts that
  are credentials (all capitals, at most five letters, e.g. "RD", "FAND") are dropped. A
  prediction (ours: each entry of ``authors``; trafilatura: ``author`` split on "; ") matches a
  name when their normalised token sets are equal or one contains the other. A page counts when
  any prediction matches any truth name. Scored over pages whose truth names an author.
- **date**: the predicted publication day (first ten characters) equals ``publish_date``.
  Scored over pages whose truth gives a date.

``found`` columns are the share of scored pages where the extractor returned anything at all.
Example::

    python benchmarks/metadata.py
    python benchmarks/metadata.py --only ours --misses author
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extraction import wcxb_records

from crawler.parsers.document import load_document
from crawler.parsers.errors import ParseError
from crawler.parsers.metadata import extract_metadata

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_DATA = ROOT.parent / "shared" / "benchmarks" / "extraction-wcxb"
TOKEN_RE = re.compile(r"\w+")
NAME_SPLIT_RE = re.compile(r"\s*[,;&]\s*|\s+and\s+", re.I)
CREDENTIAL_RE = re.compile(r"^[A-Z][A-Z-]{0,4}$")
FIELDS = ("title", "author", "date")


@dataclass(frozen=True)
class Page:
    page_id: str
    url: str
    html: bytes
    title: str
    authors: tuple[str, ...]
    date: str | None


@dataclass(frozen=True)
class Prediction:
    title: str
    authors: tuple[str, ...]
    date: str | None


@dataclass
class Scores:
    seconds: float = 0.0
    hits: dict[str, list[bool]] = field(default_factory=lambda: {name: [] for name in FIELDS})
    found: dict[str, list[bool]] = field(default_factory=lambda: {name: [] for name in FIELDS})


def normalise(text: str) -> str:
    return " ".join(TOKEN_RE.findall(text.casefold().replace("_", " ")))


def truth_names(author: str | None) -> tuple[str, ...]:
    """The names in a truth ``author`` string, credentials after a comma left out."""
    parts = (part.strip() for part in NAME_SPLIT_RE.split(author or ""))
    return tuple(part for part in parts if normalise(part) and not CREDENTIAL_RE.match(part))


def title_matches(truth: str, predicted: str) -> bool:
    return normalise(truth) == normalise(predicted)


def author_matches(truth: Sequence[str], predicted: Sequence[str]) -> bool:
    """Token sets equal, or one inside the other ("Jane Doe" vs "Dr. Jane Doe")."""
    wanted = [set(normalise(name).split()) for name in truth]
    given = [set(normalise(name).split()) for name in predicted]
    return any(w and g and (w <= g or g <= w) for w in wanted for g in given)


def date_matches(truth: str, predicted: str | None) -> bool:
    return bool(predicted) and predicted[:10] == truth


def load_pages(folder: Path) -> Iterator[Page]:
    for page_id, record, html in wcxb_records(folder):
        yield Page(
            page_id,
            record.get("url", ""),
            html,
            record.get("title") or "",
            truth_names(record.get("author")),
            record.get("publish_date") or None,
        )


def ours(page: Page) -> Prediction:
    try:
        metadata = extract_metadata(load_document(page.html, page.url))
    except ParseError:
        return Prediction("", (), None)
    return Prediction(metadata.headline, metadata.authors, metadata.datePublished)


def trafilatura_extractor() -> Callable[[Page], Prediction] | None:
    """trafilatura's ``extract_metadata``, or ``None`` (reason printed) when it cannot load."""
    try:
        import trafilatura
    except ImportError as error:
        print(f"trafilatura unavailable ({error}); measuring ours only\n")
        return None

    def theirs(page: Page) -> Prediction:
        found = trafilatura.extract_metadata(page.html, default_url=page.url)
        authors = tuple(part for part in (found.author or "").split("; ") if part)
        return Prediction(found.title or "", authors, found.date)

    return theirs


def score_page(scores: Scores, page: Page, predicted: Prediction) -> dict[str, bool]:
    checks: dict[str, tuple[bool, bool]] = {}
    if page.title:
        checks["title"] = (title_matches(page.title, predicted.title), bool(predicted.title))
    if page.authors:
        found = bool(predicted.authors)
        checks["author"] = (author_matches(page.authors, predicted.authors), found)
    if page.date:
        checks["date"] = (date_matches(page.date, predicted.date), bool(predicted.date))
    for name, (hit, found) in checks.items():
        scores.hits[name].append(hit)
        scores.found[name].append(found)
    return {name: hit for name, (hit, _) in checks.items()}


def run(
    pages: Sequence[Page], extractors: dict[str, Callable[[Page], Prediction]]
) -> tuple[dict[str, Scores], list[tuple[Page, dict[str, Prediction], dict[str, dict[str, bool]]]]]:
    scores = {name: Scores() for name in extractors}
    rows = []
    for page in pages:
        predictions: dict[str, Prediction] = {}
        results: dict[str, dict[str, bool]] = {}
        for name, extract in extractors.items():
            started = time.perf_counter()
            predictions[name] = extract(page)
            scores[name].seconds += time.perf_counter() - started
            results[name] = score_page(scores[name], page, predictions[name])
        rows.append((page, predictions, results))
    return scores, rows


def share(values: Sequence[bool]) -> str:
    return f"{sum(values) / len(values):.3f} ({sum(values)}/{len(values)})" if values else "-"


def report(pages: Sequence[Page], scores: dict[str, Scores]) -> list[str]:
    lines = [
        f"wcxb articles: {len(pages)} pages",
        f"{'extractor':<12} {'title':>17} {'author':>17} {'author found':>13} "
        f"{'date':>17} {'date found':>11} {'pages/s':>8}",
    ]
    for name, s in scores.items():
        rate = len(pages) / s.seconds if s.seconds else 0.0
        author_found = sum(s.found["author"]) / max(len(s.found["author"]), 1)
        date_found = sum(s.found["date"]) / max(len(s.found["date"]), 1)
        lines.append(
            f"{name:<12} {share(s.hits['title']):>17} {share(s.hits['author']):>17} "
            f"{author_found:13.3f} {share(s.hits['date']):>17} {date_found:11.3f} {rate:8.1f}"
        )
    if "ours" in scores and "trafilatura" in scores:
        ratios = []
        for name in FIELDS:
            theirs = sum(scores["trafilatura"].hits[name])
            ratios.append(
                f"{name} {sum(scores['ours'].hits[name]) / theirs:.2f}x" if theirs else ""
            )
        if scores["ours"].seconds:
            ratios.append(f"speed {scores['trafilatura'].seconds / scores['ours'].seconds:.2f}x")
        lines.append("ours / trafilatura: " + ", ".join(ratio for ratio in ratios if ratio))
    return lines


def print_misses(field_name: str, rows: Sequence, limit: int) -> None:
    """Pages where ours missed ``field_name``, with the truth and both predictions."""
    shown = 0
    for page, predictions, results in rows:
        if results["ours"].get(field_name, True) or shown >= limit:
            continue
        shown += 1
        truth = {"title": page.title, "author": page.authors, "date": page.date}[field_name]
        print(f"{page.page_id} {page.url}\n  truth: {truth}")
        for name, predicted in predictions.items():
            value = {
                "title": predicted.title,
                "author": predicted.authors,
                "date": predicted.date,
            }[field_name]
            mark = "ok" if results[name].get(field_name) else "--"
            print(f"  {mark} {name}: {value}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="WCXB articles folder")
    parser.add_argument("--limit", type=int, default=0, help="first N pages only")
    parser.add_argument("--only", choices=["ours"], help="skip trafilatura")
    parser.add_argument("--misses", choices=FIELDS, help="list pages where ours missed a field")
    parser.add_argument("--max-misses", type=int, default=40, help="how many misses to list")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data} not found")
        return 1
    extractors: dict[str, Callable[[Page], Prediction]] = {"ours": ours}
    theirs = trafilatura_extractor() if args.only != "ours" else None
    if theirs is not None:
        extractors["trafilatura"] = theirs
    pages = list(load_pages(args.data))
    pages = pages[: args.limit] if args.limit else pages
    scores, rows = run(pages, extractors)
    print("\n".join(report(pages, scores)))
    if args.misses:
        print()
        print_misses(args.misses, rows, args.max_misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
