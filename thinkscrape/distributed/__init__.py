"""One crawl shared by several processes, on one or many machines, through Redis.

With ``-s THINKSCRAPE_REDIS_URL=redis://host:6379/0`` a crawl's scheduler queue and
duplicate filter are scrapy-redis' (``scrapy_redis.scheduler.Scheduler``, a priority queue
and ``RFPDupeFilter`` in Redis): every ``scrapy crawl`` of the same spider against that
Redis database works on one frontier, and each page is requested once across them. The
crawlers keep no archive: items, dropped pages and WARC capture records go through Redis
to the one process that writes the SQLite archive, ``thinkscrape ingest``
(``distributed/ingest.py``). Each crawler writes WARC files of its own, named after its
host and process, and the ``captures`` rows point at them.

Without the setting nothing here is loaded and Redis is never imported: the add-on below
only reads the setting.

The pieces:

- ``worker.py``: a crawler's membership of the shared crawl (the run, opened by the writer
  with the archive's state at its start; heartbeats; requests in flight);
- ``frontier.py``: the scheduler and queue (scrapy-redis' own, with requests in flight kept
  per crawler until their outcome is in Redis, so a killed crawler loses none);
- ``outbox.py``: the item pipeline and extension that send items and captures to the writer
  and decide, with the others, when the crawl is over;
- ``ingest.py``: the writer.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

# The one setting that turns a crawl into a shared one.
REDIS_URL = "THINKSCRAPE_REDIS_URL"


def redis_url(settings: BaseSettings) -> str:
    """The Redis URL of a shared crawl, or "" for a crawl of one process."""
    return (settings.get(REDIS_URL) or "").strip()


class RedisCrawl:
    """A Scrapy add-on (``ADDONS``): with ``THINKSCRAPE_REDIS_URL`` set, the crawl's
    scheduler, duplicate filter, archive pipeline and conditional requests are replaced by
    their shared counterparts before the settings are frozen; without it, nothing changes."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = redis_url(settings)
        if not url:
            return
        # scrapy-redis' own settings; an operator's -s value (a higher priority) wins
        shared = {
            "REDIS_URL": url,
            "SCHEDULER": "thinkscrape.distributed.frontier.SharedFrontier",
            "SCHEDULER_QUEUE_CLASS": "thinkscrape.distributed.frontier.InFlightQueue",
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            # The queue and filter outlive each process: the last crawler of the crawl
            # clears them when the whole crawl is over (see outbox.SharedCrawl).
            "SCHEDULER_PERSIST": True,
        }
        for name, value in shared.items():
            settings.set(name, value, priority="addon")
        pipelines = settings.getdict("ITEM_PIPELINES")
        # Only the writer opens the archive; the normalising pipelines still run here.
        _component(settings, "ITEM_PIPELINES", "thinkscrape.pipelines.archive.ArchivePipeline")
        _component(
            settings,
            "ITEM_PIPELINES",
            "thinkscrape.distributed.outbox.RedisOutbox",
            pipelines.get("thinkscrape.pipelines.archive.ArchivePipeline", 900),
        )
        # Validators live in the archive, which a crawler on another machine cannot read:
        # shared crawls send no conditional requests (full=1 fetches known pages again).
        _component(
            settings,
            "DOWNLOADER_MIDDLEWARES",
            "thinkscrape.middlewares.conditional.ConditionalRequestMiddleware",
        )
        # after the health check (520), so the crawler's report carries its verdict
        _component(settings, "EXTENSIONS", "thinkscrape.distributed.outbox.SharedCrawl", 600)


def _component(settings: BaseSettings, name: str, path: str, order: Any = None) -> None:
    """Set ``path``'s order in the component dict ``name`` (None: off), at the dict's own
    priority, so the project's defaults are changed and an operator's -s dict is kept."""
    components = settings[name]
    components.set(path, order, priority=settings.getpriority(name) or "project")
