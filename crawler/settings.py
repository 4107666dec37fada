"""Scrapy settings for the health-article crawler: every default lives here.

Politeness comes first: robots.txt obeyed, AutoThrottle on, few concurrent requests per site.
The demo job and tests relax the delays for a site on 127.0.0.1 through ``LOCAL_SITE_SETTINGS``.
"""

import os

BOT_NAME = "healtharchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "healtharchive/0.1 (+https://github.com/healtharchive/healtharchive)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
DOWNLOAD_FAIL_ON_DATALOSS = True
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
"""A page that still fails after its retries is an outcome, not a crawler fault: it is put on
record with its reason code and counted, so it does not log at ERROR."""
RETRY_AFTER_MAX = 120.0
"""Longest ``Retry-After`` wait honoured, in seconds; a longer one ends the retries."""
REDIRECT_MAX_TIMES = 10
DEPTH_LIMIT = 0
CLOSESPIDER_PAGECOUNT = 0
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.logformatter.ItemSummaryLogFormatter"

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.scope.ScopeMiddleware": 30,
    "crawler.robots.RobotsMiddleware": 40,
    "crawler.middlewares.ArchivedPagesMiddleware": 50,
    "crawler.politeness.RetryAfterMiddleware": 560,
    "crawler.conditional.ConditionalRequestMiddleware": 570,
    "crawler.middlewares.RedirectLoopMiddleware": 610,
}

SCOPE_PRIVATE_HOSTS: list[str] = []
"""Hosts that may resolve to private or loopback addresses, besides the start URLs' hosts."""
HOST_MAX_PAGES = 50_000
LINKS_PER_PAGE_MAX = 1000
PARSE_WORKERS = 1 if (os.cpu_count() or 1) > 1 else 0
"""Processes that parse pages beside the crawl (:mod:`crawler.parse_worker`): one when there is
a core to spare, so parsing overlaps downloading; 0 parses in the crawl's own process."""
"""Links followed from one page; a page with more is cut and the cut put on record."""

SCHEDULER = "crawler.scheduler.DiskQueueScheduler"
SCHEDULER_QUEUE_ON_DISK = True
"""Pending requests in disk queues even without ``JOBDIR``; see :mod:`crawler.scheduler`."""

DUPEFILTER_CLASS = "crawler.dupefilter.BloomDupeFilter"
DUPEFILTER_CAPACITY = 2_000_000
DUPEFILTER_FALSE_DROP_RATE = 1e-6
"""Memory flat in crawl size; see :mod:`crawler.dupefilter` for what the rate means."""

ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.normalize.NormalizePipeline": 200,
    "pipelines.dedup.DedupPipeline": 300,
    "pipelines.archive.ArchivePipeline": 800,
    "pipelines.feed.FeedPipeline": 900,
}

FEED_EXPORTERS = {"csv": "crawler.exporters.JsonCellCsvItemExporter"}
FEED_EXPORT_ENCODING = "utf-8"

SPIDER_CONTRACTS = {
    "crawler.contracts.DemoPageContract": 10,
    "crawler.contracts.RecordsFetchContract": 20,
    "crawler.contracts.ArticleContract": 30,
}
"""``scrapy check health`` runs the spider's callbacks against the bundled demo site."""

EXTENSIONS = {"crawler.extensions.CrawlProgress": 500}
PROGRESS_ENABLED = True
PROGRESS_INTERVAL = 30.0
PROGRESS_OUTPUT = "log"

CRAWL_LOCK = True
"""Every crawl holds its site's lock on the archive while it runs; see :mod:`pipelines.archive`."""

ARCHIVE_URL = "sqlite:///archive.db"
ARCHIVE_BATCH_SIZE = 200
ARCHIVE_COMMIT_INTERVAL = 5.0
ARCHIVE_FLUSH_RETRIES = 3

RECRAWL_CONDITIONAL = True
RECRAWL_SITEMAP_LASTMOD = True
RECRAWL_FULL = False
"""``crawl --full``: no conditional requests, no sitemap skips; every page downloaded again."""

VALIDATE_MIN_BODY_CHARS = 80
VALIDATE_MAX_BODY_CHARS = 2_000_000

SITE_PROFILES: dict[str, dict[str, list[str]]] = {}
"""Per-site extraction overrides; see :mod:`crawler.profiles`."""

NEAR_DUP_THRESHOLD = 0.7
NEAR_DUP_NUM_PERM = 128
NEAR_DUP_BANDS = 32

LOCAL_SITE_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_START_DELAY": 0.01,
    "AUTOTHROTTLE_MAX_DELAY": 2.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 8.0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}
"""Overrides for crawling a site on this machine (the demo site): politeness is moot there."""

REDIS_SETTINGS = {
    "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "SCHEDULER_PERSIST": True,
    "CRAWL_LOCK": False,
}
"""Overrides that make several crawl processes share one queue and seen-set in Redis."""
