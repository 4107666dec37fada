"""Article-body extraction benchmark: this project's extractor against trafilatura.

Two page sets, both outside the repository (``../shared/benchmarks`` by default):

- ``dev``: the dev half of scrapinghub's article-extraction-benchmark, scored with its metric
  (4-gram shingle multisets, per-page precision/recall, F1 from the two means).
- ``wcxb``: the article pages of WCXB's development split, scored with WCXB's word-F1 (mean of
  per-page bag-of-words F1) plus the shingle metric and the ``with``/``without`` snippet checks.

Each page is timed in-process with the two extractors interleaved, so machine noise hits both
alike. Our side is the full ``load_document`` + ``main_content`` path, i.e. ``parse_article``'s
body. Example::

    python benchmarks/extraction.py --set all
    python benchmarks/extraction.py --set dev --only ours --worst 15 --dump /tmp/out
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.parsers.content import main_content
from crawler.parsers.document import load_document
from crawler.parsers.errors import ParseError

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_DATA = ROOT.parent / "shared" / "benchmarks"
SETS = {"dev": "extraction", "wcxb": "extraction-wcxb"}
TOKEN_RE = re.compile(r"\w+")
SHINGLE_N = 4
BOOTSTRAP_ROUNDS = 1000


@dataclass(frozen=True)
class Page:
    page_id: str
    url: str
    html: bytes
    truth: str
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shingles:
    """One page's shingle counts, normalised by their sum as the upstream evaluator does."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp > 0 else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn > 0 else None

    @property
    def f1(self) -> float:
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    """Per-page results of one extractor over one set."""

    shingles: list[Shingles] = field(default_factory=list)
    exact: list[bool] = field(default_factory=list)
    word_prf: list[tuple[float, float, float]] = field(default_factory=list)
    with_hits: list[float] = field(default_factory=list)
    without_hits: list[float] = field(default_factory=list)
    seconds: float = 0.0


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(text or "")


def shingle_counts(text: str, n: int = SHINGLE_N) -> Counter[tuple[str, ...]]:
    """4-gram multiset; a text shorter than ``n`` tokens gives one short shingle."""
    toks = tokens(text)
    grams = (tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1)))
    return Counter(gram for gram in grams if gram)


def shingle_match(truth: str, prediction: str) -> Shingles:
    true_counts, pred_counts = shingle_counts(truth), shingle_counts(prediction)
    tp = fp = fn = 0
    for key in true_counts.keys() | pred_counts.keys():
        t, p = true_counts.get(key, 0), pred_counts.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    if total == 0:
        return Shingles(1.0, 0.0, 0.0)
    return Shingles(tp / total, fp / total, fn / total)


def shingle_prf(results: Sequence[Shingles]) -> tuple[float, float, float]:
    """Precision and recall are means over pages; F1 comes from those means, not per page."""
    precisions = [s.precision for s in results if s.precision is not None]
    recalls = [s.recall for s in results if s.recall is not None]
    p = statistics.fmean(precisions) if precisions else 0.0
    r = statistics.fmean(recalls) if recalls else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def word_prf(truth: str, prediction: str) -> tuple[float, float, float]:
    """WCXB's per-page bag-of-words precision, recall and F1 on lowercased word tokens."""
    true_counts = Counter(tokens(truth.lower()))
    pred_counts = Counter(tokens(prediction.lower()))
    overlap = sum((true_counts & pred_counts).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    p = overlap / sum(pred_counts.values())
    r = overlap / sum(true_counts.values())
    return p, r, 2 * p * r / (p + r)


def snippet_present(snippet: str, text_tokens: str) -> bool:
    """Match on word tokens so punctuation and whitespace differences do not count."""
    needle = " ".join(tokens(snippet.lower()))
    return bool(needle) and f" {needle} " in text_tokens


def bootstrap_f1_std(results: Sequence[Shingles], seed: int = 0) -> float:
    rng = random.Random(seed)
    values = []
    for _ in range(BOOTSTRAP_ROUNDS):
        sample = [results[rng.randrange(len(results))] for _ in results]
        values.append(shingle_prf(sample)[2])
    return statistics.pstdev(values)


def load_dev(folder: Path) -> Iterator[Page]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        html = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
        yield Page(page_id, truth[page_id]["url"], html, truth[page_id]["articleBody"])


def wcxb_records(folder: Path) -> Iterator[tuple[str, dict[str, Any], bytes]]:
    """``(page id, ground-truth record, page bytes)`` for every page, in id order."""
    for truth_file in sorted((folder / "ground-truth").glob("*.json")):
        record = json.loads(truth_file.read_text(encoding="utf-8"))
        html = gzip.decompress((folder / "html" / f"{truth_file.stem}.html.gz").read_bytes())
        yield truth_file.stem, record, html


def load_wcxb(folder: Path) -> Iterator[Page]:
    for page_id, record, html in wcxb_records(folder):
        yield Page(
            page_id,
            record.get("url", ""),
            html,
            record["main_content"],
            tuple(record.get("with") or ()),
            tuple(record.get("without") or ()),
        )


LOADERS: dict[str, Callable[[Path], Iterator[Page]]] = {"dev": load_dev, "wcxb": load_wcxb}


def ours(page: Page) -> str:
    try:
        return main_content(load_document(page.html, page.url, None)).text
    except ParseError:
        return ""


def trafilatura_extractor() -> Callable[[Page], str] | None:
    """trafilatura's ``extract``, or ``None`` (with the reason printed) when it cannot load."""
    try:
        import trafilatura
    except ImportError as error:
        print(f"trafilatura unavailable ({error}); measuring ours only\n")
        return None

    def theirs(page: Page) -> str:
        return trafilatura.extract(page.html, include_comments=False) or ""

    return theirs


def score_page(scores: Scores, page: Page, text: str, seconds: float) -> Shingles:
    result = shingle_match(page.truth, text)
    scores.shingles.append(result)
    scores.exact.append(tokens(page.truth) == tokens(text))
    scores.word_prf.append(word_prf(page.truth, text))
    scores.seconds += seconds
    if page.with_snippets or page.without_snippets:
        joined = f" {' '.join(tokens(text.lower()))} "
        if page.with_snippets:
            hits = sum(snippet_present(s, joined) for s in page.with_snippets)
            scores.with_hits.append(hits / len(page.with_snippets))
        if page.without_snippets:
            misses = sum(not snippet_present(s, joined) for s in page.without_snippets)
            scores.without_hits.append(misses / len(page.without_snippets))
    return result


def run_set(pages: Sequence[Page], extractors: dict[str, Callable[[Page], str]], dump: Path | None):
    scores = {name: Scores() for name in extractors}
    worst: list[tuple[float, Shingles, Page]] = []
    for page in pages:
        for name, extract in extractors.items():
            started = time.perf_counter()
            text = extract(page)
            elapsed = time.perf_counter() - started
            result = score_page(scores[name], page, text, elapsed)
            if name == "ours":
                worst.append((result.f1, result, page))
                if dump is not None:
                    (dump / f"{page.page_id}.txt").write_text(text, encoding="utf-8")
    return scores, sorted(worst, key=lambda row: row[0])


def report(set_name: str, pages: Sequence[Page], scores: dict[str, Scores]) -> list[str]:
    lines = [
        f"set {set_name}: {len(pages)} pages",
        f"{'extractor':<12} {'F1':>12} {'P':>6} {'R':>6} {'acc':>6} {'wordF1':>7} "
        f"{'with':>6} {'without':>7} {'pages/s':>8}",
    ]
    for name, s in scores.items():
        p, r, f1 = shingle_prf(s.shingles)
        f1_cell = f"{f1:.3f}±{bootstrap_f1_std(s.shingles):.3f}"
        word_f1 = statistics.fmean(x[2] for x in s.word_prf)
        with_share = f"{statistics.fmean(s.with_hits):.3f}" if s.with_hits else "-"
        without_share = f"{statistics.fmean(s.without_hits):.3f}" if s.without_hits else "-"
        rate = len(pages) / s.seconds if s.seconds else 0.0
        lines.append(
            f"{name:<12} {f1_cell:>12} {p:6.3f} {r:6.3f} {statistics.fmean(s.exact):6.3f} "
            f"{word_f1:7.3f} {with_share:>6} {without_share:>7} {rate:8.1f}"
        )
    if "ours" in scores and "trafilatura" in scores and scores["ours"].seconds:
        ratio = scores["trafilatura"].seconds / scores["ours"].seconds
        lines.append(f"speed: ours is {ratio:.2f}x trafilatura's pages/s")
    return lines


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=["dev", "wcxb", "all"], default="all")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmarks folder")
    parser.add_argument("--limit", type=int, default=0, help="first N pages of each set")
    parser.add_argument("--only", choices=["ours"], help="skip trafilatura")
    parser.add_argument("--dump", type=Path, help="write our extracted text per page here")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages by F1")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    extractors: dict[str, Callable[[Page], str]] = {"ours": ours}
    theirs = trafilatura_extractor() if args.only != "ours" else None
    if theirs is not None:
        extractors["trafilatura"] = theirs
    if args.dump is not None:
        args.dump.mkdir(parents=True, exist_ok=True)
    names = ["dev", "wcxb"] if args.set == "all" else [args.set]
    for set_name in names:
        folder = args.data / SETS[set_name]
        if not folder.is_dir():
            print(f"set {set_name}: {folder} not found, skipped")
            continue
        pages = list(LOADERS[set_name](folder))
        pages = pages[: args.limit] if args.limit else pages
        dump = args.dump / set_name if args.dump is not None else None
        if dump is not None:
            dump.mkdir(parents=True, exist_ok=True)
        scores, worst = run_set(pages, extractors, dump)
        print("\n".join(report(set_name, pages, scores)))
        for f1, result, page in worst[: args.worst]:
            print(
                f"  {f1:.3f} P={result.precision or 0:.3f} R={result.recall or 0:.3f} "
                f"{page.page_id[:16]} {page.url}"
            )
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
