"""What a user of trafilatura runs to extract saved pages: one JSON record per file, with metadata.

The whole-process peer of ``healtharchive extract --jsonl`` in ``benchmarks/extraction.py``.
Usage: ``python benchmarks/trafilatura_batch.py page.html.gz ...``
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import trafilatura


def main(paths: list[str]) -> int:
    for name in paths:
        data = Path(name).read_bytes()
        html = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
        found = trafilatura.extract(
            html, include_comments=False, with_metadata=True, output_format="json"
        )
        sys.stdout.write((found or "{}").replace("\n", " ") + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
