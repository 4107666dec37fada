"""Signature-feature benchmark: numbered advice lists, previous/next links and related links.

Scores ``parse_article`` against the hand labels in ``benchmarks/labels/*.json``. Each label
names a page of ``../shared/benchmarks`` (outside the repository) and holds what a reader of
the page sees:

- ``lists``: the numbered advice lists, each a list of ``[printed number, item text]``
  (``null`` when the page's lists were left unlabelled); ``trap`` marks pages whose numbered
  lists are sidebars, rankings, references or tables of contents, never advice;
- ``prev`` / ``next``: ``{url, text, also}`` or ``null`` (no sibling link on the page);
  ``also`` lists other URLs accepted for the slot; ``"unlabelled"`` leaves the slot out;
- ``related``: the URLs of the related-article links, ``null`` when unlabelled;
- ``title`` and ``body_start``: the headline and the first words of the body (both compared
  with case and punctuation aside); ``title_also`` lists the page's other wording of its title
  where the visible headline (``<h1>``) and the document title (``<title>``, ``og:title``) differ,
  either being right. The body starts after the headline, the byline and the dateline, which
  the parser reports in their own fields;
- ``split``: ``dev`` (rules may be tuned on it) or ``holdout`` (only to check they generalise).

An item matches a label when the printed number is the same and the text is the same once case,
spaces and punctuation are ignored; an item with an explanation also matches when its text and
the first paragraph of its explanation together are the labelled text. Example::

    python benchmarks/signature.py
    python benchmarks/signature.py --split holdout --verbose
    python benchmarks/signature.py --speed
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

from crawler.parsers.advice import advice_lists
from crawler.parsers.article import parse_article
from crawler.parsers.content import main_content
from crawler.parsers.document import load_document
from crawler.parsers.errors import ParseError
from crawler.parsers.records import AdviceItem, Article, Link
from crawler.parsers.siblings import sibling_links

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "benchmarks" / "labels"
DEFAULT_DATA = ROOT.parent / "shared" / "benchmarks"
NON_WORD_RE = re.compile(r"[\W_]+")
SPEED_ROUNDS = 3
Label = dict[str, Any]


@dataclass
class Tally:
    """Counts behind every measure of the table, summed over pages."""

    lists_exact: int = 0
    lists_total: int = 0
    items_matched: int = 0
    items_found: int = 0
    items_labelled: int = 0
    trap_pages: int = 0
    trap_false_lists: int = 0
    slots_right: int = 0
    slots_total: int = 0
    siblings_found: int = 0
    siblings_total: int = 0
    sibling_text_right: int = 0
    related_matched: int = 0
    related_found: int = 0
    related_labelled: int = 0
    titles_right: int = 0
    titles_total: int = 0
    bodies_found: int = 0
    bodies_total: int = 0
    not_articles: list[str] = field(default_factory=list)


def norm(text: str) -> str:
    return NON_WORD_RE.sub("", text.lower())


def url_key(url: str) -> str:
    return urldefrag(url)[0].rstrip("/")


def load_labels(split: str) -> list[tuple[str, dict[str, Any]]]:
    labels = []
    for path in sorted(LABELS.glob("*.json")):
        label = json.loads(path.read_text(encoding="utf-8"))
        if split == "all" or label["split"] == split:
            labels.append((path.stem, label))
    return labels


def read_page(data: Path, label: dict[str, Any]) -> bytes:
    return gzip.decompress((data / label["page"]).read_bytes())


def extract(html: bytes, url: str) -> tuple[Article | None, str]:
    try:
        return parse_article(html, url), ""
    except ParseError as error:
        return None, f"{type(error).__name__}: {error}"


def runs(items: Iterable[AdviceItem]) -> list[list[AdviceItem]]:
    lists: dict[int, list[AdviceItem]] = {}
    for item in items:
        lists.setdefault(item.list_index, []).append(item)
    return list(lists.values())


def item_keys(item: AdviceItem) -> set[tuple[int, str]]:
    """The item's text, alone or with the rest of its paragraph (a bold lead-in's sentence)."""
    keys = {(item.printed_number, norm(item.text))}
    if item.explanation:
        first_paragraph = item.explanation.split("\n", 1)[0]
        keys.add((item.printed_number, norm(f"{item.text} {first_paragraph}")))
    return keys


def list_matches(found: list[AdviceItem], labelled: list[list[Any]]) -> bool:
    return len(found) == len(labelled) and all(
        (number, norm(text)) in item_keys(item)
        for item, (number, text) in zip(found, labelled, strict=True)
    )


def score_lists(tally: Tally, article: Article | None, label: Label, notes: list[str]) -> None:
    if label["lists"] is None:
        return
    found = runs(article.advice if article else ())
    labelled: list[list[list[Any]]] = label["lists"]
    if label["trap"] and not labelled:
        tally.trap_pages += 1
        tally.trap_false_lists += len(found)
    for expected in labelled:
        tally.lists_total += 1
        if any(list_matches(run, expected) for run in found):
            tally.lists_exact += 1
        else:
            notes.append(
                f"list missed: {[number for number, _ in expected]} {expected[0][1][:50]!r}"
            )
    wanted = Counter((number, norm(text)) for expected in labelled for number, text in expected)
    tally.items_labelled += sum(wanted.values())
    for run in found:
        for item in run:
            tally.items_found += 1
            key = next((key for key in item_keys(item) if wanted[key] > 0), None)
            if key is not None:
                wanted[key] -= 1
                tally.items_matched += 1
            else:
                notes.append(f"extra item {item.printed_number}. {item.text[:60]!r}")


def score_siblings(tally: Tally, article: Article | None, label: Label, notes: list[str]) -> None:
    for slot, link in (
        ("prev", article.previous if article else None),
        ("next", article.next if article else None),
    ):
        expected = label[slot]
        if expected == "unlabelled":
            continue
        tally.slots_total += 1
        if expected is None:
            if link is None:
                tally.slots_right += 1
            else:
                notes.append(f"{slot}: false {link.url} {link.text[:40]!r}")
            continue
        tally.siblings_total += 1
        accepted = {url_key(url) for url in [expected["url"], *expected.get("also", [])]}
        if link is not None and url_key(link.url) in accepted:
            tally.slots_right += 1
            tally.siblings_found += 1
            if norm(_link_text(link)) == norm(expected["text"]) or not expected["text"]:
                tally.sibling_text_right += 1
            else:
                notes.append(f"{slot}: text {_link_text(link)[:50]!r} != {expected['text'][:50]!r}")
        else:
            notes.append(f"{slot}: missed {expected['url']} (got {link.url if link else None})")


def _link_text(link: Link) -> str:
    return link.text or link.title


def score_related(tally: Tally, article: Article | None, label: Label, notes: list[str]) -> None:
    if label["related"] is None:
        return
    wanted = {url_key(url) for url in label["related"]}
    found = {url_key(link.url) for link in (article.related if article else ())}
    tally.related_labelled += len(wanted)
    tally.related_found += len(found)
    tally.related_matched += len(wanted & found)
    for url in sorted(found - wanted):
        notes.append(f"related extra {url}")
    for url in sorted(wanted - found):
        notes.append(f"related missed {url}")


def score_text(tally: Tally, article: Article | None, label: Label, notes: list[str]) -> None:
    if label.get("title"):
        tally.titles_total += 1
        headline = article.headline if article else ""
        # Compared as WCXB compares titles (case and punctuation aside): a typed label has
        # straight quotes where the page prints curly ones.
        titles = [label["title"], *label.get("title_also", [])]
        if norm(headline) in {norm(title) for title in titles}:
            tally.titles_right += 1
        else:
            notes.append(f"title {headline[:60]!r} != {label['title'][:60]!r}")
    if label.get("body_start"):
        tally.bodies_total += 1
        if norm(label["body_start"]) in norm(article.articleBody if article else ""):
            tally.bodies_found += 1
        else:
            notes.append(f"body start missing: {label['body_start'][:40]!r}")


def ratio(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}% ({part}/{whole})" if whole else "n/a"


def report(tally: Tally, pages: int, split: str) -> None:
    rows = [
        ("numbered lists matching exactly", ratio(tally.lists_exact, tally.lists_total)),
        (
            "list items precision / recall",
            f"{ratio(tally.items_matched, tally.items_found)} / "
            f"{ratio(tally.items_matched, tally.items_labelled)}",
        ),
        (
            "trap pages: false lists",
            f"{tally.trap_false_lists} false lists on {tally.trap_pages} pages",
        ),
        ("previous/next slots right", ratio(tally.slots_right, tally.slots_total)),
        (
            "a sibling link found where one exists",
            ratio(tally.siblings_found, tally.siblings_total),
        ),
        ("sibling text right (of found)", ratio(tally.sibling_text_right, tally.siblings_found)),
        (
            "related links precision / recall",
            f"{ratio(tally.related_matched, tally.related_found)} / "
            f"{ratio(tally.related_matched, tally.related_labelled)}",
        ),
        (
            "title exact / body start found",
            f"{ratio(tally.titles_right, tally.titles_total)} / "
            f"{ratio(tally.bodies_found, tally.bodies_total)}",
        ),
    ]
    print(
        f"{pages} labelled pages, split {split}; {len(tally.not_articles)} refused as not articles"
    )
    print("| measure | result |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")


def speed(data: Path, labels: list[tuple[str, dict[str, Any]]]) -> None:
    """Milliseconds per page of the sibling finder and the advice recogniser (the page already
    parsed), and of the whole ``parse_article`` for scale."""
    siblings_ms: list[float] = []
    advice_ms: list[float] = []
    parse_ms: list[float] = []
    for _, label in labels:
        html = read_page(data, label)
        try:
            doc = load_document(html, label["url"])
        except ParseError:
            continue
        content = main_content(doc)
        region, body_chars = (
            (content.node, None) if content.origin is None else (content.origin, len(content.text))
        )
        for _ in range(SPEED_ROUNDS):
            start = time.perf_counter()
            sibling_links(doc)
            middle = time.perf_counter()
            advice_lists(region, body_chars)
            end = time.perf_counter()
            extract(html, label["url"])
            siblings_ms.append(1000 * (middle - start))
            advice_ms.append(1000 * (end - middle))
            parse_ms.append(1000 * (time.perf_counter() - end))
    timings = (
        ("sibling_links", siblings_ms),
        ("advice_lists", advice_ms),
        ("parse_article", parse_ms),
    )
    for name, values in timings:
        print(
            f"{name}: mean {statistics.fmean(values):.2f} ms/page, "
            f"median {statistics.median(values):.2f}, max {max(values):.1f} "
            f"({len(values) // SPEED_ROUNDS} pages x {SPEED_ROUNDS})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", choices=("dev", "holdout", "all"), default="all")
    parser.add_argument("--verbose", action="store_true", help="print every page's misses")
    parser.add_argument("--speed", action="store_true", help="time sibling_links and advice_lists")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"error: page folder {args.data} not found", file=sys.stderr)
        return 2
    labels = load_labels(args.split)
    if not labels:
        print(f"error: no labels in {LABELS}", file=sys.stderr)
        return 2
    if args.speed:
        speed(args.data, labels)
        return 0
    tally = Tally()
    for page_id, label in labels:
        article, refusal = extract(read_page(args.data, label), label["url"])
        if article is None:
            tally.not_articles.append(page_id)
        notes: list[str] = [refusal] if refusal else []
        score_lists(tally, article, label, notes)
        score_siblings(tally, article, label, notes)
        score_related(tally, article, label, notes)
        score_text(tally, article, label, notes)
        if args.verbose and notes:
            print(f"{page_id} ({label['page']}):")
            for note in notes:
                print(f"    {note}")
    report(tally, len(labels), args.split)
    return 0


if __name__ == "__main__":
    sys.exit(main())
