"""Extraction benchmark: this project's parser against trafilatura, in the same run.

Four page sets, all outside the repository (``../shared/benchmarks`` by default):

- ``dev``: the dev half of scrapinghub's article-extraction-benchmark, scored with its metric
  (4-gram shingle multisets, per-page precision/recall, F1 from the two means).
- ``wcxb``: the article pages of WCXB's development split, scored with WCXB's word-F1 (mean of
  per-page bag-of-words F1) plus the shingle metric and the ``with``/``without`` snippet checks.
- ``zh``: news and blog articles in many languages (about a third Chinese or Japanese), shingle
  metric with one token per CJK character.
- ``other``: WCXB's non-article pages (service, collection, product, forum, listing,
  documentation), word-F1 per page type: the main text a reader sees on any page.

Besides body text it scores **titles** (WCXB truth: exact after casefolding, punctuation dropped
and whitespace collapsed) and **the article decision** (precision and recall of "article" with
the ``wcxb`` pages as articles and the ``other`` pages as non-articles). Every set is split into
halves ``A`` and ``B`` by a hash of the page id: rules are tuned looking at ``A`` only, and ``B``
shows whether a gain carries over to pages not looked at.

Speed, both extractors doing body plus metadata:

- in-process: each page parsed by both, interleaved, so machine noise hits both alike; ours is
  the full ``parse_article`` (body, advice, links, metadata);
- whole process: ``healtharchive extract --jsonl`` over the set's files against
  ``benchmarks/trafilatura_batch.py`` over the same files, start-up included, alternated
  ``--repeat`` times; wall and CPU seconds of the best run of each.

Example::

    python benchmarks/extraction.py --set all
    python benchmarks/extraction.py --set zh --half A --only ours --worst 15 --dump /tmp/out
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.parsers import ParseError, parse_article

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_DATA = ROOT.parent / "shared" / "benchmarks"
SETS = {
    "dev": "extraction",
    "wcxb": "extraction-wcxb",
    "zh": "extraction-zh",
    "other": "extraction-wcxb-other",
}
WHOLE_PROCESS_SETS = ("dev", "wcxb")
TOKEN_RE = re.compile(r"\w+")
CJK_TOKEN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|(?:(?![\u3400-\u9fff\uf900-\ufaff])\w)+")
"""One token per CJK character, else a run of word characters (the ``zh`` set's metric)."""
TITLE_PUNCT_RE = re.compile(r"[^\w\s]")
SHINGLE_N = 4
BOOTSTRAP_ROUNDS = 1000
TRAFILATURA_BATCH = Path(__file__).with_name("trafilatura_batch.py")


@dataclass(frozen=True)
class Page:
    page_id: str
    url: str
    html: bytes
    truth: str
    path: Path
    page_type: str = "article"
    title: str | None = None
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()

    @property
    def half(self) -> str:
        digest = hashlib.sha256(f"half:{self.page_id}".encode()).digest()
        return "A" if digest[0] % 2 == 0 else "B"


@dataclass(frozen=True)
class Result:
    text: str
    title: str = ""
    is_article: bool | None = None


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
class PageScore:
    page: Page
    shingles: Shingles
    word: tuple[float, float, float]
    exact: bool
    title_ok: bool | None
    is_article: bool | None
    with_hits: float | None
    without_hits: float | None


@dataclass
class Scores:
    """Per-page results of one extractor over one set."""

    pages: list[PageScore] = field(default_factory=list)
    seconds: float = 0.0


def tokens(text: str, pattern: re.Pattern[str] = TOKEN_RE) -> list[str]:
    return pattern.findall(text or "")


def shingle_counts(
    text: str, pattern: re.Pattern[str] = TOKEN_RE, n: int = SHINGLE_N
) -> Counter[tuple[str, ...]]:
    """4-gram multiset; a text shorter than ``n`` tokens gives one short shingle."""
    toks = tokens(text, pattern)
    grams = (tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1)))
    return Counter(gram for gram in grams if gram)


def shingle_match(truth: str, prediction: str, pattern: re.Pattern[str] = TOKEN_RE) -> Shingles:
    true_counts, pred_counts = shingle_counts(truth, pattern), shingle_counts(prediction, pattern)
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


def word_prf(
    truth: str, prediction: str, pattern: re.Pattern[str] = TOKEN_RE
) -> tuple[float, float, float]:
    """WCXB's per-page bag-of-words precision, recall and F1 on lowercased word tokens."""
    true_counts = Counter(tokens(truth.lower(), pattern))
    pred_counts = Counter(tokens(prediction.lower(), pattern))
    overlap = sum((true_counts & pred_counts).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    p = overlap / sum(pred_counts.values())
    r = overlap / sum(true_counts.values())
    return p, r, 2 * p * r / (p + r)


def same_title(truth: str, found: str) -> bool:
    def fold(text: str) -> str:
        return " ".join(TITLE_PUNCT_RE.sub(" ", text.casefold()).split())

    return bool(fold(truth)) and fold(truth) == fold(found)


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


def load_dev(folder: Path, body_field: str = "articleBody") -> Iterator[Page]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        path = folder / "html" / f"{page_id}.html.gz"
        html = gzip.decompress(path.read_bytes())
        yield Page(page_id, truth[page_id]["url"], html, truth[page_id][body_field], path)


def load_zh(folder: Path) -> Iterator[Page]:
    return load_dev(folder, "content")


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
            folder / "html" / f"{page_id}.html.gz",
            record.get("page_type") or "article",
            record.get("title") or None,
            tuple(record.get("with") or ()),
            tuple(record.get("without") or ()),
        )


LOADERS: dict[str, Callable[[Path], Iterator[Page]]] = {
    "dev": load_dev,
    "wcxb": load_wcxb,
    "zh": load_zh,
    "other": load_wcxb,
}


def ours(page: Page) -> Result:
    try:
        article = parse_article(page.html, page.url or "https://example.invalid/", None)
    except ParseError:
        return Result("", "", False)
    return Result(article.articleBody, article.headline, article.decision.is_article)


def trafilatura_extractor() -> Callable[[Page], Result] | None:
    """trafilatura's ``extract`` with metadata, or ``None`` (reason printed) when unavailable."""
    try:
        import trafilatura
    except ImportError as error:
        print(f"trafilatura unavailable ({error}); measuring ours only\n")
        return None

    def theirs(page: Page) -> Result:
        found = trafilatura.extract(
            page.html,
            url=page.url or None,
            include_comments=False,
            with_metadata=True,
            output_format="json",
        )
        if not found:
            return Result("")
        record = json.loads(found)
        return Result(record.get("text") or "", record.get("title") or "")

    return theirs


def score_page(page: Page, result: Result, pattern: re.Pattern[str]) -> PageScore:
    text = result.text
    with_hits = without_hits = None
    if page.with_snippets or page.without_snippets:
        joined = f" {' '.join(tokens(text.lower()))} "
        if page.with_snippets:
            hits = sum(snippet_present(s, joined) for s in page.with_snippets)
            with_hits = hits / len(page.with_snippets)
        if page.without_snippets:
            misses = sum(not snippet_present(s, joined) for s in page.without_snippets)
            without_hits = misses / len(page.without_snippets)
    return PageScore(
        page=page,
        shingles=shingle_match(page.truth, text, pattern),
        word=word_prf(page.truth, text, pattern),
        exact=tokens(page.truth, pattern) == tokens(text, pattern),
        title_ok=same_title(page.title, result.title) if page.title else None,
        is_article=result.is_article,
        with_hits=with_hits,
        without_hits=without_hits,
    )


def run_set(
    set_name: str,
    pages: Sequence[Page],
    extractors: dict[str, Callable[[Page], Result]],
    dump: Path | None,
) -> dict[str, Scores]:
    pattern = CJK_TOKEN_RE if set_name == "zh" else TOKEN_RE
    scores = {name: Scores() for name in extractors}
    for page in pages:
        for name, extract in extractors.items():
            started = time.perf_counter()
            result = extract(page)
            scores[name].seconds += time.perf_counter() - started
            scores[name].pages.append(score_page(page, result, pattern))
            if name == "ours" and dump is not None:
                (dump / f"{page.page_id}.txt").write_text(result.text, encoding="utf-8")
    return scores


def _mean(values: Sequence[float | None]) -> str:
    present = [v for v in values if v is not None]
    return f"{statistics.fmean(present):.3f}" if present else "-"


def report(set_name: str, scores: dict[str, Scores]) -> list[str]:
    first = next(iter(scores.values())).pages
    halves = sorted({row.page.half for row in first})
    lines = [
        f"set {set_name}: {len(first)} pages "
        f"({', '.join(f'{h} {sum(r.page.half == h for r in first)}' for h in halves)})",
        f"{'extractor':<12} {'part':<14} {'F1':>12} {'P':>6} {'R':>6} {'acc':>6} {'wordF1':>7} "
        f"{'with':>6} {'without':>7} {'title':>6}",
    ]
    types = sorted({row.page.page_type for row in first})
    parts: list[tuple[str, Callable[[PageScore], bool]]] = [("all", lambda row: True)]
    parts += [(f"half {h}", lambda row, h=h: row.page.half == h) for h in halves]
    if len(types) > 1:
        parts += [(t, lambda row, t=t: row.page.page_type == t) for t in types]
    for name, s in scores.items():
        for label, keep in parts:
            rows = [row for row in s.pages if keep(row)]
            shingles = [row.shingles for row in rows]
            p, r, f1 = shingle_prf(shingles)
            f1_cell = f"{f1:.3f}"
            if label == "all":
                f1_cell += f"±{bootstrap_f1_std(shingles):.3f}"
            titles = [None if row.title_ok is None else float(row.title_ok) for row in rows]
            lines.append(
                f"{name:<12} {label:<14} {f1_cell:>12} {p:6.3f} {r:6.3f} "
                f"{statistics.fmean(row.exact for row in rows):6.3f} "
                f"{statistics.fmean(row.word[2] for row in rows):7.3f} "
                f"{_mean([row.with_hits for row in rows]):>6} "
                f"{_mean([row.without_hits for row in rows]):>7} "
                f"{_mean(titles):>6}"
            )
    if "ours" in scores and "trafilatura" in scores and scores["ours"].seconds:
        ratio = scores["trafilatura"].seconds / scores["ours"].seconds
        rate = len(first) / scores["ours"].seconds
        lines.append(
            f"in-process speed: ours {rate:.1f} pages/s, {ratio:.2f}x trafilatura's pages/s "
            "(both with metadata)"
        )
    return lines


def decision_report(results: dict[str, list[PageScore]]) -> list[str]:
    """Precision and recall of "article": WCXB articles are positives, other WCXB pages not."""
    positives = results.get("wcxb", [])
    negatives = results.get("other", [])
    lines = []
    if positives:
        lines.append(f"wcxb articles judged articles: {_judged(positives)}")
    if negatives:
        lines.append(f"other pages judged articles: {_judged(negatives)}")
    if positives and negatives:
        for half in ("all", "A", "B"):
            pos = [r for r in positives if half in ("all", r.page.half)]
            neg = [r for r in negatives if half in ("all", r.page.half)]
            tp = sum(bool(r.is_article) for r in pos)
            fp = sum(bool(r.is_article) for r in neg)
            precision = tp / (tp + fp) if tp + fp else 0.0
            lines.append(
                f"article decision ({half}): precision {precision:.3f} recall "
                f"{tp / len(pos):.3f} ({tp}/{len(pos)} articles kept, {fp}/{len(neg)} others "
                "taken for articles)"
            )
    if negatives:
        by_type: dict[str, list[bool]] = defaultdict(list)
        for row in negatives:
            by_type[row.page.page_type].append(bool(row.is_article))
        lines.append(
            "taken for articles, per type: "
            + ", ".join(f"{t} {sum(v)}/{len(v)}" for t, v in sorted(by_type.items()))
        )
    for name in ("dev", "zh"):
        rows = results.get(name, [])
        if rows:
            kept = sum(bool(r.is_article) for r in rows)
            lines.append(f"article recall on {name}: {kept}/{len(rows)}")
    return lines


def _judged(rows: Sequence[PageScore]) -> str:
    """How many pages were judged articles, overall and per half."""
    parts = []
    for half in ("all", "A", "B"):
        kept = [r for r in rows if half in ("all", r.page.half)]
        parts.append(f"{half} {sum(bool(r.is_article) for r in kept)}/{len(kept)}")
    return ", ".join(parts)


def _run_timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one child process, output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def whole_process(set_name: str, pages: Sequence[Page], repeat: int) -> list[str]:
    """Best of ``repeat`` alternated runs of each command over the set's files."""
    files = [str(page.path) for page in pages]
    commands = {
        "ours": [sys.executable, "-m", "crawler", "extract", "--jsonl", *files],
        "trafilatura": [sys.executable, str(TRAFILATURA_BATCH), *files],
    }
    best: dict[str, tuple[float, float]] = {}
    for _ in range(repeat):
        for name, command in commands.items():
            wall, cpu = _run_timed(command)
            old = best.get(name, (float("inf"), float("inf")))
            best[name] = (min(old[0], wall), min(old[1], cpu))
    (our_wall, our_cpu), (their_wall, their_cpu) = best["ours"], best["trafilatura"]
    return [
        f"whole process, {set_name} ({len(files)} pages, best of {repeat}): "
        f"ours {len(files) / our_wall:.1f} pages/s wall ({our_cpu:.2f} s CPU), "
        f"trafilatura {len(files) / their_wall:.1f} pages/s wall ({their_cpu:.2f} s CPU); "
        f"ratio {their_wall / our_wall:.2f}x wall, {their_cpu / our_cpu:.2f}x CPU"
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=[*SETS, "all"], default="all")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmarks folder")
    parser.add_argument("--half", choices=["A", "B"], help="score one half of each set only")
    parser.add_argument("--limit", type=int, default=0, help="first N pages of each set")
    parser.add_argument("--only", choices=["ours"], help="skip trafilatura")
    parser.add_argument("--dump", type=Path, help="write our extracted text per page here")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages by F1")
    parser.add_argument(
        "--repeat", type=int, default=3, help="whole-process runs per command (0: skip)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    extractors: dict[str, Callable[[Page], Result]] = {"ours": ours}
    theirs = trafilatura_extractor() if args.only != "ours" else None
    if theirs is not None:
        extractors["trafilatura"] = theirs
    names = list(SETS) if args.set == "all" else [args.set]
    ours_by_set: dict[str, list[PageScore]] = {}
    timing: list[str] = []
    for set_name in names:
        folder = args.data / SETS[set_name]
        if not folder.is_dir():
            print(f"set {set_name}: {folder} not found, skipped")
            continue
        pages = [p for p in LOADERS[set_name](folder) if args.half in (None, p.half)]
        pages = pages[: args.limit] if args.limit else pages
        dump = args.dump / set_name if args.dump is not None else None
        if dump is not None:
            dump.mkdir(parents=True, exist_ok=True)
        scores = run_set(set_name, pages, extractors, dump)
        ours_by_set[set_name] = scores["ours"].pages
        print("\n".join(report(set_name, scores)))
        worst = sorted(scores["ours"].pages, key=lambda row: row.word[2])
        for row in worst[: args.worst]:
            print(
                f"  wordF1 {row.word[2]:.3f} P={row.word[0]:.3f} R={row.word[1]:.3f} "
                f"{row.page.page_type} {row.page.page_id[:16]} {row.page.url}"
            )
        print()
        if theirs is not None and args.repeat and set_name in WHOLE_PROCESS_SETS:
            timing += whole_process(set_name, pages, args.repeat)
    print("\n".join([*decision_report(ours_by_set), *timing]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
