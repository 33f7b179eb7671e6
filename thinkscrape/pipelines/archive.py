"""Store items in the SQLite archive and keep a record of every crawl.

Each publication is committed as it arrives, so a crawl killed half-way keeps what it
stored. The crawl's own row in ``crawls`` is opened when the spider opens and closed,
with its finish reason and Scrapy stats, when it closes.

The pipeline holds the archive's writer lock (``<db>.lock``, see ``archive.lock``) from
the spider's opening to its closing, whatever command runs the crawl. If another writer
holds it, or the archive cannot be written (a read-only file or folder, an archive of a
newer version), the crawl closes before its first request, with finish reason
``archive_locked`` or ``archive_unavailable`` and a message saying why: nothing is fetched
and nothing written.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured

from thinkscrape import signals as thinkscrape_signals
from thinkscrape.archive.lock import ArchiveLocked, WriterLock
from thinkscrape.archive.schema import ArchiveError, open_db
from thinkscrape.archive.store import Archive
from thinkscrape.items import Gone, Publication

logger = logging.getLogger(__name__)

# Finish reasons of a crawl that closed before its first request because of its archive.
ARCHIVE_LOCKED = "archive_locked"
ARCHIVE_UNAVAILABLE = "archive_unavailable"


class ArchivePipeline:
    def __init__(self, crawler: Crawler, db_path: str) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = db_path
        self.lock = WriterLock(db_path)
        self.archive: Archive | None = None
        self.crawl_id: int | None = None
        self.stored = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        db_path = crawler.settings.get("THINKSCRAPE_DB")
        if not db_path:
            raise NotConfigured("THINKSCRAPE_DB is empty: not archiving")
        pipeline = cls(crawler, db_path)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(
            pipeline.response_captured, signal=thinkscrape_signals.response_captured
        )
        return pipeline

    def open_spider(self) -> None:
        spider = self.crawler.spider
        try:
            self.lock.acquire()
        except ArchiveLocked as error:
            logger.error(
                "%s This crawl stops before its first request, writing nothing (%s).",
                error,
                ARCHIVE_LOCKED,
            )
            raise CloseSpider(ARCHIVE_LOCKED) from None
        except ArchiveError as error:
            logger.error("Cannot archive: %s. This crawl stops before its first request.", error)
            raise CloseSpider(ARCHIVE_UNAVAILABLE) from None
        try:
            self._open_archive(spider)
        except (ArchiveError, sqlite3.Error) as error:
            if self.archive is not None:
                self.archive.db.close()
                self.archive = None
            self.lock.release()
            logger.error("Cannot archive: %s. This crawl stops before its first request.", error)
            raise CloseSpider(ARCHIVE_UNAVAILABLE) from None

    def _open_archive(self, spider: Any) -> None:
        self.archive = Archive(open_db(self.db_path))
        abandoned = self.archive.close_abandoned_crawls(spider.name)
        if abandoned:
            logger.warning(
                "%s earlier crawl(s) of %s never finished: marked failed (killed).",
                abandoned,
                spider.name,
            )
        args = {
            key: value
            for key, value in vars(spider).items()
            if key in ("base_url", "since", "full", "refresh", "overlap")
        }
        self.crawl_id = self.archive.start_crawl(spider.name, _jsonable(args))
        self.stats.set_value("thinkscrape/crawl_id", self.crawl_id)
        logger.info("Archiving into %s (crawl %s)", self.db_path, self.crawl_id)

    def process_item(self, item: Any) -> Any:
        assert self.archive is not None and self.crawl_id is not None
        if isinstance(item, Gone):
            if self.archive.mark_gone(item.url, when=item.fetched_at, crawl_id=self.crawl_id):
                self.stats.inc_value("thinkscrape/archive/gone")
                logger.warning("Publication gone (HTTP %s): %s", item.status, item.url)
            return item
        if isinstance(item, Publication):
            # the store also records item.capture, links the page's earlier capture rows and
            # records the change in crawl_changes
            _, outcome = self.archive.store(item, self.crawl_id)
            self.stored += 1
            self.stats.inc_value(f"thinkscrape/archive/{outcome}")
        return item

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        if self.archive is not None and isinstance(item, Publication):
            self.archive.record_dropped(
                item.url, site=item.site, reason=str(exception), crawl_id=self.crawl_id
            )

    def response_captured(self, capture: dict[str, Any]) -> None:
        if self.archive is not None:
            self.archive.add_capture(capture, crawl_id=self.crawl_id)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.archive is None or self.crawl_id is None:
            return
        stats = self.stats.get_stats()
        failed = stats.get("thinkscrape/health/failed_checks") or []
        try:
            self.archive.finish_crawl(
                self.crawl_id,
                finish_reason=reason,
                items_stored=self.stored,
                items_dropped=int(stats.get("item_dropped_count", 0)),
                errors=int(stats.get("log_count/ERROR", 0)),
                stats=stats,
                coverage=stats.get("thinkscrape/coverage"),
                status="failed" if failed or reason != "finished" else "ok",
            )
        finally:
            self.archive.db.close()
            self.archive = None
            self.lock.release()


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}
