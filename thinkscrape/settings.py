"""Scrapy settings for thinkscrape.

Defaults are polite for live sites; tests and benchmarks override them per run with
``-s NAME=VALUE``. Project settings are prefixed ``THINKSCRAPE_``.
"""

BOT_NAME = "thinkscrape"
SPIDER_MODULES = ["thinkscrape.spiders"]
NEWSPIDER_MODULE = "thinkscrape.spiders"

# --- politeness (live sites) ------------------------------------------------------
ROBOTSTXT_OBEY = True
USER_AGENT = "thinkscrape/0.1 (+https://github.com/thinkscrape/thinkscrape; research archive)"
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

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
LOG_LEVEL = "INFO"
