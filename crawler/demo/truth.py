"""Save the demo site's ground truth, the answer key a crawl and its extraction are scored on."""

from __future__ import annotations

import json
from os import PathLike

from crawler.demo.page import DemoSite


def write_truth(site: DemoSite, path: str | PathLike[str]) -> None:
    """Write ``site.truth`` as indented UTF-8 JSON, Chinese titles kept readable."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(site.truth, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
