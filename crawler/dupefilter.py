"""A duplicate-request filter whose memory does not grow with the crawl: a Bloom filter.

Scrapy's ``RFPDupeFilter`` keeps every request fingerprint in a set, about 100 bytes per URL for
as long as the crawl runs. This one keeps them in a Bloom filter (rbloom) sized up front, so a
crawl's memory is the same at ten thousand pages as at ten million. The price is a documented
false-drop rate: a URL never requested may be taken for one already seen and not fetched, with
probability at most ``DUPEFILTER_FALSE_DROP_RATE`` per URL while no more than
``DUPEFILTER_CAPACITY`` URLs have been seen (one in a million by default: about two URLs in a
two-million-URL crawl). Past the capacity the rate rises, and the filter says so in the log once.
Dropping a URL never duplicates anything in the archive; a later crawl revisits it.

Settings:

* ``DUPEFILTER_CAPACITY`` (default 2,000,000): URLs the filter is sized for (7 MB at 1e-6).
* ``DUPEFILTER_FALSE_DROP_RATE`` (default 1e-6).
* ``JOBDIR`` works as with Scrapy's filter: seen fingerprints persist in ``requests.seen``.
"""

from __future__ import annotations

from typing import Any

from rbloom import Bloom
from scrapy.crawler import Crawler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import Request
from scrapy.utils.job import job_dir


def _hash(fingerprint: bytes) -> int:
    """The fingerprint is already a cryptographic digest: its first 128 bits are the hash."""
    return int.from_bytes(fingerprint[:16], "big", signed=True)


class BloomDupeFilter(RFPDupeFilter):
    def __init__(
        self,
        path: str | None = None,
        debug: bool = False,
        *,
        capacity: int = 2_000_000,
        false_drop_rate: float = 1e-6,
        **kwargs: Any,
    ) -> None:
        super().__init__(path, debug, **kwargs)
        self.capacity = capacity
        self.seen = len(self._fingerprints)
        bloom = Bloom(capacity, false_drop_rate, hash_func=_hash)
        bloom.update(self._fingerprints)
        self._fingerprints = bloom  # type: ignore[assignment]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BloomDupeFilter:
        settings = crawler.settings
        return cls(
            job_dir(settings),
            settings.getbool("DUPEFILTER_DEBUG"),
            capacity=settings.getint("DUPEFILTER_CAPACITY", 2_000_000),
            false_drop_rate=settings.getfloat("DUPEFILTER_FALSE_DROP_RATE", 1e-6),
            fingerprinter=crawler.request_fingerprinter,
        )

    def request_seen(self, request: Request) -> bool:
        if super().request_seen(request):
            return True
        self.seen += 1
        if self.seen == self.capacity + 1:
            self.logger.warning(
                "duplicate filter past its capacity of %d URLs: its false-drop rate now rises; "
                "raise DUPEFILTER_CAPACITY for crawls this large",
                self.capacity,
            )
        return False
