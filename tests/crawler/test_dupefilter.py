"""The Bloom duplicate filter: same answers as a set under capacity, fixed size, JOBDIR resume."""

from __future__ import annotations

from scrapy import Request
from scrapy.utils.request import RequestFingerprinter

from crawler.dupefilter import BloomDupeFilter

URLS = [f"http://health.example/a-{n}.html?page={n % 7}" for n in range(50_000)]


def make(path: str | None = None, capacity: int = 100_000) -> BloomDupeFilter:
    return BloomDupeFilter(
        path, capacity=capacity, false_drop_rate=1e-7, fingerprinter=RequestFingerprinter()
    )


def test_new_urls_pass_and_repeats_are_dropped():
    dupefilter = make()
    size = dupefilter._fingerprints.size_in_bits
    assert [dupefilter.request_seen(Request(url)) for url in URLS].count(True) == 0
    assert all(dupefilter.request_seen(Request(url)) for url in URLS)
    assert dupefilter._fingerprints.size_in_bits == size


def test_memory_is_sized_by_capacity_not_by_urls_seen():
    small, large = make(capacity=10_000), make(capacity=1_000_000)
    assert large._fingerprints.size_in_bits > 50 * small._fingerprints.size_in_bits


def test_seen_urls_survive_a_restart_with_jobdir(tmp_path):
    first = make(str(tmp_path))
    for url in URLS[:100]:
        first.request_seen(Request(url))
    first.close("shutdown")
    second = make(str(tmp_path))
    assert all(second.request_seen(Request(url)) for url in URLS[:100])
    assert not second.request_seen(Request(URLS[100]))
    second.close("finished")
