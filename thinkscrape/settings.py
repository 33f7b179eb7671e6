"""Scrapy settings for thinkscrape.

Defaults are polite for live sites; tests and benchmarks override them per run with
``-s NAME=VALUE``. Project settings are prefixed ``THINKSCRAPE_``.
"""

from pathlib import Path

from thinkscrape.items import FEED_FIELDS

BOT_NAME = "thinkscrape"
SPIDER_MODULES = ["thinkscrape.spiders"]
# `scrapy genspider -t thinktank NAME DOMAIN` writes a site file, thinkscrape/sites/NAME.py;
# the registry gives every site file its spider
NEWSPIDER_MODULE = "thinkscrape.sites"
TEMPLATES_DIR = str(Path(__file__).resolve().parent / "templates")
# `scrapy crawl` checks its spider name, arguments and settings before it starts
COMMANDS_MODULE = "thinkscrape.commands"
# `scrapy check`: @page (a page of the site, wherever the spider reads it) and @fills
SPIDER_CONTRACTS = {
    "thinkscrape.contracts.PageContract": 10,
    "thinkscrape.contracts.FillsContract": 10,
}

# --- politeness (live sites) ------------------------------------------------------
ROBOTSTXT_OBEY = True
# Names no one: operators add where a site can reach them with THINKSCRAPE_CONTACT (an email
# address or web page), or set USER_AGENT whole; a live crawl without either logs a warning.
USER_AGENT = "thinkscrape/0.1 (research archive)"
THINKSCRAPE_CONTACT = ""
# THINKSCRAPE_REDIS_URL shares the crawl between processes (thinkscrape.distributed)
ADDONS = {"thinkscrape.contact.ContactUserAgent": 0, "thinkscrape.distributed.RedisCrawl": 0}
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Items a response's output is processed with at once. Scrapy starts that many workers for
# every response (default 100); a page here yields one item or about 20 requests and the
# pipelines are synchronous, so 100 asyncio tasks per page were pure overhead.
CONCURRENT_ITEMS = 8

# Scrapy's telnet console and its remote-control HTTP server would each listen on a local
# port during every crawl and run any Python sent to them (the telnet password is written to
# the log); nothing here uses them. Turn one on with -s if ever needed.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- robustness -------------------------------------------------------------------
RETRY_ENABLED = True
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024

# --- pipelines: normalise, then store (gaps leave room for more stages) -------------
ITEM_PIPELINES = {
    "thinkscrape.pipelines.required.RequiredFieldsPipeline": 100,
    "thinkscrape.pipelines.dates.DatesPipeline": 200,
    "thinkscrape.pipelines.people.PeoplePipeline": 300,
    "thinkscrape.pipelines.links.LinksPipeline": 400,
    "thinkscrape.pipelines.archive.ArchivePipeline": 900,
}

# --- the archive --------------------------------------------------------------------
THINKSCRAPE_DB = "data/thinktanks.db"

FEED_EXPORT_ENCODING = "utf-8"
# -O/-o feeds carry the public fields only (a publication found gone: url, site, status,
# fetched_at); see thinkscrape.items.FEED_FIELDS
FEED_EXPORT_FIELDS = list(FEED_FIELDS)
LOG_LEVEL = "INFO"
LOG_FORMATTER = "thinkscrape.logformatter.ThinkscrapeLogFormatter"

# --- unattended crawls ---
# Retry-After honoured on 429/503 (replaces Scrapy's RetryMiddleware at its own slot);
# conditional re-fetches of pages already stored. Other downloader middlewares join this dict.
DOWNLOADER_MIDDLEWARES = {
    # Right after Scrapy's offsite filter (50), which compares host names only: nothing is
    # fetched, redirects included, outside the site's origins (scheme, host and port).
    "thinkscrape.middlewares.origins.SiteOriginsMiddleware": 55,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "thinkscrape.middlewares.retry_after.RetryAfterMiddleware": 550,
    "thinkscrape.middlewares.conditional.ConditionalRequestMiddleware": 580,
    # inside the retries: counts every failed try, stops a crawl that nothing answers
    "thinkscrape.middlewares.unreachable.UnreachableSiteMiddleware": 560,
}
# Which publications and listing pages a crawl requests, given the archive: the one place of
# the incremental rule (since, full, refresh, overlap, known URLs), whatever the discovery.
SPIDER_MIDDLEWARES = {"thinkscrape.middlewares.incremental.IncrementalCrawl": 600}
# Spidermon counts field coverage per item type; our extensions judge it and the crawl.
EXTENSIONS = {
    "spidermon.contrib.scrapy.extensions.Spidermon": 500,
    "thinkscrape.extensions.coverage.FieldCoverage": 510,
    "thinkscrape.extensions.missing.MissingPublications": 515,
    "thinkscrape.extensions.health.CrawlHealth": 520,
    # a crawl that ended (not paused) leaves no seen requests to filter the next one
    "thinkscrape.extensions.jobdir.FinishedJobdir": 530,
    "thinkscrape.extensions.progress.CrawlProgress": 540,
}
SPIDERMON_ENABLED = True
SPIDERMON_ADD_FIELD_COVERAGE = True
SPIDERMON_FIELD_COVERAGE_SKIP_NONE = True  # a field left None is missing, not covered
SPIDERMON_DICT_FIELDS_COVERAGE_LEVELS = 0  # top-level fields only: floors name those
THINKSCRAPE_MAX_ERRORS = 10  # ERROR log lines a crawl may have and still count as healthy
THINKSCRAPE_COVERAGE_FLOORS: dict[str, float] = {}  # field -> share; overrides the spider's
THINKSCRAPE_RETRY_AFTER_MAX = 300  # seconds: the longest Retry-After wait honoured
THINKSCRAPE_CONDITIONAL = True  # send If-None-Match / If-Modified-Since for stored pages
# the live progress line on stderr (thinkscrape crawl turns it on for a terminal)
THINKSCRAPE_PROGRESS = False
THINKSCRAPE_PROGRESS_INTERVAL = 1.0  # seconds between updates
# where the line goes when not stderr: the terminal of a parent that reads the crawl's stderr
THINKSCRAPE_PROGRESS_FD = -1
# failed tries (retries included), none answered, before the crawl stops as unreachable
THINKSCRAPE_UNREACHABLE_AFTER = 4
# crawls that may fail to store a listed publication before it is no longer asked for
THINKSCRAPE_MISSING_RETRIES = 5
# Pagination traps: pages read per listing index, and empty listing pages in a row, before
# the listing is not followed further (0: no limit). Hitting either fails the crawl's health.
THINKSCRAPE_MAX_LISTING_PAGES = 1000
THINKSCRAPE_MAX_EMPTY_LISTING_PAGES = 3

# --- WARC capture and replay ---
# Replay (THINKSCRAPE_REPLAY=file or folder) answers every request from WARC files, before the
# HTTP cache (900) or the network could. Capture's process_response runs before
# HttpCompressionMiddleware (590) decodes bodies and RedirectMiddleware (600) follows
# redirects, so the WARC keeps what the server sent. THINKSCRAPE_WARC_DIR="" turns capture off.
DOWNLOADER_MIDDLEWARES.update(
    {
        "thinkscrape.warc.replay.WarcReplayMiddleware": 880,
        "thinkscrape.warc.capture.WarcCaptureMiddleware": 890,
    }
)
THINKSCRAPE_WARC_DIR = None  # unset: a "warc" folder beside THINKSCRAPE_DB
THINKSCRAPE_WARC_MAX_SIZE = 1_000_000_000  # bytes per .warc.gz file before the next one
THINKSCRAPE_REPLAY = ""

# --- a crawl shared by several processes (thinkscrape.distributed) ---
# Redis holding the shared frontier, e.g. redis://127.0.0.1:6379/0; empty: one process.
THINKSCRAPE_REDIS_URL = ""
THINKSCRAPE_REDIS_HEARTBEAT = 15.0  # seconds a crawler that stopped beating counts as alive
THINKSCRAPE_REDIS_WRITER_WAIT = 60.0  # seconds to wait for the writer to open a crawl
