"""URL canonicalization shared by the spider (before requesting) and the normalize pipeline."""

from __future__ import annotations

import re

from w3lib.url import canonicalize_url, url_query_cleaner

TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|yclid|igshid|_hsenc|_hsmi|ref_src|spm)$",
    re.I,
)


def strip_tracking(url: str) -> str:
    """Drop analytics parameters that never change what a page shows."""
    if "?" not in url:
        return url.split("#", 1)[0]
    query = url.split("?", 1)[1].split("#", 1)[0]
    names = {pair.split("=", 1)[0] for pair in query.split("&") if pair}
    tracking = [name for name in names if TRACKING_PARAMS.match(name)]
    if not tracking:
        return url.split("#", 1)[0]
    return url_query_cleaner(url, tracking, remove=True, keep_fragments=False)


def canonical_url(url: str) -> str:
    """The archive's identity for a URL: tracking stripped, query sorted, fragment dropped."""
    return canonicalize_url(strip_tracking(url))
