"""The shared frontier: scrapy-redis' scheduler and priority queue, with requests in flight.

scrapy-redis pops a request from the frontier and forgets it: a crawler killed with requests
in its downloader, or a response half processed, loses them for good. Here a pop moves the
request, in one step (a Lua script), from the frontier to the crawler's own
``NAME:processing:<worker>`` set; it leaves that set only once its outcome is in Redis:

- its response or error has been through the spider and every item it gave through the
  pipelines (items sent to the writer, next requests in the frontier): see
  ``outbox.SharedCrawl``, which wraps the scraper's ``enqueue_scrape``;
- or a retry or redirect took its place: the new request (which carries the old one's meta,
  and with it its token) enters the frontier and the old one leaves the set in one
  transaction, or the old one simply leaves if the duplicate filter drops the new one.

A crawler that dies keeps its set; the others (or a crawler started later) find it has
stopped beating and put its requests back in the frontier (``Worker.recover_dead``). A
request can so be fetched twice (once by the dead crawler, once after), never lost; the
writer stores a publication by URL and content hash, so the archive is the same.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from thinkscrape.distributed.worker import Worker, worker_of

# request.meta key: which request in flight this one is (or, copied by a retry or redirect,
# replaces). A number local to the crawler that popped it.
INFLIGHT = "thinkscrape_inflight"

_POP = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return nil end
redis.call('ZREM', KEYS[1], found[1])
redis.call('ZADD', KEYS[2], found[2], found[1])
return found[1]
"""

# A retry or redirect enters the frontier as the request it replaces leaves the crawler's
# requests in flight, in one step.
_REPLACE = """
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
"""


class InFlightQueue(PriorityQueue):
    """scrapy-redis' priority queue whose pop keeps the request in the crawler's set of
    requests in flight."""

    worker: Worker

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self._pop = server.register_script(_POP)
        self._replace = server.register_script(_REPLACE)

    def push(self, request: Request, replaces: int | None = None) -> None:
        data = self._encode_request(request)
        member = self.worker.inflight.pop(replaces, None) if replaces is not None else None
        if member is None:
            self.server.execute_command("ZADD", self.key, -request.priority, data)
        else:
            self._replace(
                keys=[self.key, self.worker.processing_key()],
                args=[-request.priority, data, member],
            )

    def pop(self, timeout: int = 0) -> Request | None:
        member = self._pop(keys=[self.key, self.worker.processing_key()])
        if member is None:
            return None
        request = self._decode_request(member)
        request.meta[INFLIGHT] = self.worker.track(member)
        return request


class SharedFrontier(Scheduler):
    """scrapy-redis' scheduler over ``InFlightQueue``."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedFrontier:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        return scheduler

    def open(self, spider: Spider) -> None:
        worker = worker_of(self.crawler)
        assert worker is not None
        worker.bind(spider.name)
        super().open(spider)
        self.queue.worker = worker
        self.worker = worker

    def enqueue_request(self, request: Request) -> bool:
        # A retry or redirect of a request in flight carries its token: it replaces it.
        # A request a callback made from one being scraped (a copy of its meta) does not.
        token = request.meta.pop(INFLIGHT, None)
        replaces = token if token is not None and token not in self.worker.scraping else None
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            if replaces is not None:
                self.worker.finished(replaces)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request, replaces=replaces)
        return True

    def next_request(self) -> Request | None:
        request = self.queue.pop()
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def close(self, reason: str) -> None:
        # The frontier is the crawl's, not this process's: the last crawler out clears it.
        return None
