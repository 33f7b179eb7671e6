"""What a crawler of a shared crawl sends to the writer, and how the crawl ends.

``RedisOutbox`` takes the archive pipeline's place (``ITEM_PIPELINES``): it joins the crawl
when the spider opens (the writer opens it: one row in ``crawls`` for all its processes)
and sends each normalised item, each page dropped and each WARC capture record to the
writer's inbox. ``SharedCrawl`` (an extension) keeps the crawler's heartbeat, marks a
request finished once the scraper is done with it, holds an idle crawler open while others
still have requests in flight (their pages may lead to more), and when the spider closes
leaves its report (stats, verdict, publications wanted but not stored) for the writer.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider, NotConfigured
from scrapy.http import Response
from twisted.internet import task

from thinkscrape import signals as thinkscrape_signals
from thinkscrape.distributed.frontier import INFLIGHT
from thinkscrape.distributed.worker import Worker, WriterUnavailable, dumps, worker_of
from thinkscrape.items import Gone, Publication

logger = logging.getLogger(__name__)

# Finish reason of a crawler that found no writer to open the crawl.
WRITER_UNAVAILABLE = "writer_unavailable"
# How often an idle crawler looks at the frontier again (Scrapy's own heartbeat is 5 s).
POLL_INTERVAL = 0.25


class RedisOutbox:
    def __init__(self, crawler: Crawler, worker: Worker) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.worker = worker

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisOutbox:
        worker = worker_of(crawler)
        if worker is None:
            raise NotConfigured("THINKSCRAPE_REDIS_URL is not set")
        pipeline = cls(crawler, worker)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(
            pipeline.response_captured, signal=thinkscrape_signals.response_captured
        )
        return pipeline

    def open_spider(self) -> None:
        spider = self.crawler.spider
        args = {
            key: value.isoformat() if hasattr(value, "isoformat") else value
            for key, value in vars(spider).items()
            if key in ("base_url", "since", "full", "refresh", "overlap")
        }
        self.worker.bind(spider.name)
        try:
            run = self.worker.join(args)
        except WriterUnavailable as error:
            logger.error("Cannot crawl: %s. This crawl stops before its first request.", error)
            raise CloseSpider(WRITER_UNAVAILABLE) from None
        self.stats.set_value("thinkscrape/crawl_id", run["crawl_id"])
        self.stats.set_value("thinkscrape/redis/worker", self.worker.id)
        logger.info(
            "Crawling with the frontier at %s (crawl %s, crawler %s)",
            self.worker.url,
            run["crawl_id"],
            self.worker.id,
        )

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Publication | Gone):
            kind = "item" if isinstance(item, Publication) else "gone"
            self.worker.send({"op": kind, "item": item})
            self.stats.inc_value(f"thinkscrape/redis/sent/{kind}")
        return item

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        if isinstance(item, Publication) and self.worker.run:
            message = {
                "op": "dropped",
                "url": item.url,
                "site": item.site,
                "reason": str(exception),
            }
            self.worker.send(message)
            self.worker.server.sadd(self.worker.run_key("dropped"), item.url)

    def response_captured(self, capture: dict[str, Any]) -> None:
        if self.worker.run:
            self.worker.send({"op": "capture", "capture": capture})


class SharedCrawl:
    def __init__(self, crawler: Crawler, worker: Worker) -> None:
        self.crawler = crawler
        self.worker = worker
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedCrawl:
        worker = worker_of(crawler)
        if worker is None:
            raise NotConfigured("THINKSCRAPE_REDIS_URL is not set")
        extension = cls(crawler, worker)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def engine_started(self) -> None:
        scraper = self.crawler.engine.scraper
        original = scraper.enqueue_scrape
        worker = self.worker

        def enqueue_scrape(result: Any, request: Any) -> Any:
            # done once the spider's output for it is through: items sent, requests queued
            token = request.meta.get(INFLIGHT)
            if token is None:
                return original(result, request)
            worker.scraping.add(token)
            deferred = original(result, request)
            deferred.addBoth(_then, worker.finished, token)
            return deferred

        scraper.enqueue_scrape = enqueue_scrape
        self.loop = task.LoopingCall(self._tick)
        self.loop.start(POLL_INTERVAL, now=False)

    def _tick(self) -> None:
        self.worker.beat()
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            # Requests other crawlers put in the frontier are taken at once, not at Scrapy's
            # next 5-second heartbeat.
            slot.nextcall.schedule()

    def spider_idle(self) -> None:
        if not self.worker.run:
            return
        self.worker.recover_dead()
        if not self.worker.crawl_done():
            raise DontCloseSpider

    def item_scraped(self, item: Any, response: Response | None = None) -> None:
        if isinstance(item, Publication) and self.worker.run:
            listed = response.meta.get("listed_url") if response is not None else None
            urls = [url for url in (item.url, listed) if url]
            self.worker.server.sadd(self.worker.run_key("stored"), *urls)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if not self.worker.run:
            return
        stats = self.crawler.stats.get_stats()
        report = {
            "worker": self.worker.id,
            "reason": reason,
            "stats": stats,
            "holes": self.worker.holes,
        }
        server = self.worker.server
        server.hset(self.worker.run_key("reports"), self.worker.id, dumps(report))
        # requests this crawler took and never finished (a shutdown): for the others
        left = self.worker.release()
        if left:
            logger.info("%d request(s) in flight given back to the frontier", left)
        outcome = self.worker.leave()
        if outcome == 1:
            token = self.worker.run["token"]
            self.worker.send({"op": "close", "token": token, "spider": spider.name})
            logger.info("Last crawler out: the crawl is over; the writer closes it")
        elif outcome == 2:
            logger.info("Last crawler out of a crawl not finished: its frontier is kept in Redis")


def _then(result: Any, function: Any, *args: Any) -> Any:
    function(*args)
    return result
