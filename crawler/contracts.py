"""Spider contracts that ``scrapy check health`` runs against the bundled demo site.

Scrapy's ``@url`` needs a fixed address; the demo site is served by ``scrapy check`` itself, in
a background thread on a free port, so the contracts run anywhere with no set-up and test the
callbacks on real HTTP responses:

* ``@demo_page /path``: the sample request goes to that path of the demo site.
* ``@article field ...``: the callback yields at least one article, each with those fields of
  the parsed article non-empty.
* ``@records_fetch``: the callback put at least one fetch on record (by signal, not as an item).

Registered in ``SPIDER_CONTRACTS``.
"""

from __future__ import annotations

import atexit
import functools
from typing import Any
from urllib.parse import urlsplit

from scrapy.contracts import Contract
from scrapy.exceptions import ContractFail

from crawler.items import ArticleItem, FetchItem
from crawler.signals import fetch_recorded


@functools.cache
def demo_url() -> str:
    from crawler.demo.server import DemoServer
    from crawler.demo.site import build_site

    server = DemoServer(build_site()).start()
    atexit.register(server.stop)
    return server.url


class DemoPageContract(Contract):
    name = "demo_page"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        args["url"] = demo_url() + self.args[0]
        spider = args["callback"].__self__
        host = urlsplit(args["url"]).hostname
        if host not in spider.allowed_domains:
            spider.allowed_domains.append(host)  # the demo site is in scope for the check
        return args


class ArticleContract(Contract):
    name = "article"

    def post_process(self, output: list[Any]) -> None:
        articles = [item.article for item in output if isinstance(item, ArticleItem)]
        if not articles:
            raise ContractFail("no article yielded")
        for article in articles:
            empty = [field for field in self.args if not getattr(article, field, None)]
            if empty:
                raise ContractFail(f"{article.url}: empty {', '.join(empty)}")


class RecordsFetchContract(Contract):
    name = "records_fetch"

    def __init__(self, method: Any, *args: Any) -> None:
        super().__init__(method, *args)
        self.signals = method.__self__.crawler.signals
        self.recorded: list[FetchItem] = []

    def _keep(self, fetch: FetchItem) -> None:
        self.recorded.append(fetch)

    def pre_process(self, response: Any) -> None:
        self.recorded.clear()
        self.signals.connect(self._keep, signal=fetch_recorded)

    def post_process(self, output: list[Any]) -> None:
        self.signals.disconnect(self._keep, signal=fetch_recorded)
        if not self.recorded:
            raise ContractFail("no fetch recorded")
        if any(isinstance(item, FetchItem) for item in output):
            raise ContractFail("a fetch was yielded as an item")
