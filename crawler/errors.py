"""Errors the crawler's library code raises with a message fit for one line on a terminal.

Kept apart from :mod:`crawler.crawl` so that the CLI can catch them without importing Scrapy.
"""


class CrawlError(Exception):
    """The crawl could not start or could not archive what it fetched."""
