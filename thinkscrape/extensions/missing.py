"""Holes: publications the crawl asked for and did not store, remembered in the archive.

The spider tells which publications it asked for that were not archived when the crawl
started (``spider.wanted``: new on a listing, or missing since an earlier crawl) and why a
request or its response failed (``spider.failures``). This extension sees what became of
each item (stored, dropped by a pipeline, or failed to store) and, when the spider closes,
records every wanted URL that was neither stored nor genuinely dropped in the archive's
``missing_publications`` (``archive/missing.py``), so the next crawl asks for it again, up
to ``THINKSCRAPE_MISSING_RETRIES`` attempts.

Stats written (read by the health check ``missing``): ``thinkscrape/missing/left`` (holes the
next crawl retries), ``thinkscrape/missing/given_up`` (holes that reached the retry cap in
this crawl), ``thinkscrape/missing/recovered`` (earlier holes filled), and
``thinkscrape/missing/urls`` (the first holes, with their reasons).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from thinkscrape.items import Publication

logger = logging.getLogger(__name__)

LEFT = "thinkscrape/missing/left"
GIVEN_UP = "thinkscrape/missing/given_up"
RECOVERED = "thinkscrape/missing/recovered"
URLS = "thinkscrape/missing/urls"
UNRECORDED = "thinkscrape/missing/unrecorded"
URLS_KEPT = 20  # holes named in the stats; the archive keeps them all

DEFAULT_MAX_ATTEMPTS = 5


class MissingPublications:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_attempts = max(
            crawler.settings.getint("THINKSCRAPE_MISSING_RETRIES", DEFAULT_MAX_ATTEMPTS), 1
        )
        self.stored: set[str] = set()
        self.dropped: set[str] = set()
        self.errors: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MissingPublications:
        extension = cls(crawler)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @staticmethod
    def _urls(item: Any, response: Response | None) -> list[str]:
        """The item's URL and the URL it was listed under (they differ after a redirect)."""
        listed = response.meta.get("listed_url") if response is not None else None
        return [url for url in (item.url, listed) if url]

    def item_scraped(self, item: Any, spider: Spider, response: Response | None = None) -> None:
        if isinstance(item, Publication):
            self._settled(spider, self.stored, self._urls(item, response))

    def item_dropped(self, item: Any, spider: Spider, response: Response | None = None) -> None:
        if isinstance(item, Publication):
            self._settled(spider, self.dropped, self._urls(item, response))

    @staticmethod
    def _settled(spider: Spider, into: set[str], urls: list[str]) -> None:
        into.update(urls)
        # its listing card is no longer needed: the spider's memory stays bounded by what is
        # still outstanding, not by the size of the site
        wanted = getattr(spider, "wanted", {})
        for url in urls:
            wanted.pop(url, None)

    def _shared_crawl(self) -> Any:
        """The crawler's part in a crawl shared through Redis, if it is one."""
        if not self.crawler.settings.get("THINKSCRAPE_REDIS_URL"):
            return None
        from thinkscrape.distributed.worker import worker_of

        worker = worker_of(self.crawler)
        return worker if worker is not None and worker.run else None

    def item_error(self, item: Any, failure: Failure, response: Response | None = None) -> None:
        if isinstance(item, Publication):
            for url in self._urls(item, response):
                self.errors[url] = f"not stored: {failure.value}"[:500]

    def holes(self, spider: Spider, reason: str, settled: set[str] = frozenset()) -> list[Any]:
        """Wanted URLs neither stored nor dropped, by this crawl or in ``settled``."""
        from thinkscrape.archive.missing import Hole

        wanted: dict[str, Any] = getattr(spider, "wanted", {})
        failures: dict[str, str] = {**getattr(spider, "failures", {}), **self.errors}
        listed: set[str] = getattr(spider, "listed", set())
        holes = []
        for url, card in wanted.items():
            if url in self.stored or url in self.dropped or url in settled:
                continue
            error = failures.get(url)
            # A request that never got an answer counts as an attempt only if the crawl ran
            # to its end; one cut short by a stop or a limit simply did not get to it.
            attempt = error is not None or reason == "finished"
            if error is None:
                error = (
                    "no answer: the request was dropped before it was fetched"
                    if reason == "finished"
                    else f"not fetched: the crawl ended first ({reason})"
                )
            holes.append(Hole(url, error, attempt=attempt, listed=url in listed, listing=card))
        return holes

    def spider_closed(self, spider: Spider, reason: str) -> None:
        from thinkscrape.archive import missing
        from thinkscrape.archive.schema import ArchiveError, opened

        shared = self._shared_crawl()
        if shared is not None:
            # Another process of the crawl may have stored what this one found; the writer
            # records the holes of the whole crawl when it ends.
            holes = self.holes(spider, reason, settled=shared.settled())
            shared.holes = holes
            path = None
        else:
            holes = self.holes(spider, reason)
            path = self.crawler.settings.get("THINKSCRAPE_DB")
        figures = {"recovered": 0, "missing": len(holes), "given_up": 0}
        crawl_id = self.stats.get_value("thinkscrape/crawl_id")
        # Without a crawl id the archive pipeline never opened the archive (its lock was
        # held, or it cannot be written): this crawl must not write to it either.
        if path and crawl_id is not None:
            try:
                with opened(path) as db:
                    figures = missing.settle(
                        db,
                        site=spider.name,
                        crawl_id=crawl_id,
                        stored=self.stored,
                        holes=holes,
                        max_attempts=self.max_attempts,
                    )
            except (ArchiveError, sqlite3.Error, OSError) as error:
                # The next crawl then reads every listing page again (see
                # middlewares.incremental.previous_crawl_finished), and so finds these.
                logger.error("Could not record %d missing publication(s): %s", len(holes), error)
                self.stats.set_value(UNRECORDED, len(holes))
        self.stats.set_value(LEFT, figures["missing"])
        self.stats.set_value(GIVEN_UP, figures["given_up"])
        self.stats.set_value(RECOVERED, figures["recovered"])
        self.stats.set_value(URLS, [{"url": h.url, "error": h.error} for h in holes[:URLS_KEPT]])
        for hole in holes:
            logger.warning("Listed but not stored (%s): %s", hole.error, hole.url)
