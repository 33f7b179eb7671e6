"""A crawler's part in a shared crawl: its keys in Redis, joining, heartbeats, leaving.

Keys, for spider NAME (scrapy-redis' own two first, at their default names):

- ``NAME:requests``: the frontier, a sorted set of serialised requests (scrapy-redis);
- ``NAME:dupefilter``: fingerprints of every request scheduled (scrapy-redis);
- ``NAME:run``: the running crawl (a hash: ``token``, ``crawl_id``, ``state``, the archive's
  state as the crawl started, which the incremental rule reads instead of the archive);
- ``NAME:workers``: the crawlers taking part; ``NAME:alive:<worker>`` expires when one stops
  sending heartbeats (killed, or its machine gone);
- ``NAME:processing:<worker>``: requests a crawler took from the frontier and has not
  finished (see ``frontier.py``); a dead crawler's go back to the frontier;
- ``NAME:<token>:stored`` / ``:dropped`` / ``:reports``: what the crawl's processes stored,
  dropped, and reported when they closed, for the writer to settle the crawl;
- ``thinkscrape:inbox``: messages to the writer (``ingest.py``).

A crawl starts when the first crawler finds no ``NAME:run``: it asks the writer to open
the crawl (one row in ``crawls``) and waits for the archive's state; crawlers starting
meanwhile wait for it too. It ends when the frontier is empty and no crawler has a request
in flight: every crawler then closes, and the last one out tells the writer and clears the
crawl's keys, so the next crawl starts with an empty duplicate filter.
"""

from __future__ import annotations

import os
import pickle
import socket
import time
import uuid
import weakref
from typing import Any

import redis
from scrapy.crawler import Crawler

from thinkscrape.distributed import redis_url

INBOX = "thinkscrape:inbox"
INBOX_PROCESSING = "thinkscrape:inbox:processing"
# How long a crawler waits for the writer to open a crawl, and how long a heartbeat lasts.
DEFAULT_WRITER_WAIT = 60.0
DEFAULT_HEARTBEAT = 15.0

_workers: weakref.WeakKeyDictionary[Crawler, Worker] = weakref.WeakKeyDictionary()


class RedisUnavailable(RuntimeError):
    """Redis cannot be reached at the URL given."""


class WriterUnavailable(RuntimeError):
    """No writer opened the crawl in time."""


def connect(url: str) -> redis.Redis:
    """A client for ``url``, checked with a PING; ``RedisUnavailable`` if it does not answer."""
    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
    try:
        client.ping()
    except (redis.RedisError, OSError, ValueError) as error:
        raise RedisUnavailable(f"Redis at {url} does not answer ({error})") from None
    return client


def worker_of(crawler: Crawler) -> Worker | None:
    """The crawler's ``Worker`` in a shared crawl (made on first use), None otherwise."""
    if not redis_url(crawler.settings):
        return None
    worker = _workers.get(crawler)
    if worker is None:
        worker = _workers[crawler] = Worker(crawler)
    return worker


def dumps(message: Any) -> bytes:
    # pickle, as scrapy-redis serialises requests: items are dataclasses of tuples, dicts
    # and strings, and come out exactly as they went in (their content hash with them).
    return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> Any:
    return pickle.loads(data)  # noqa: S301 - written by this project's crawlers only


# Join the running crawl, or become the one that asks the writer to open it.
_JOIN = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('SADD', KEYS[2], ARGV[1])
  return 'joined'
end
if redis.call('SET', KEYS[3], ARGV[1], 'NX', 'EX', ARGV[2]) then
  redis.call('SADD', KEYS[2], ARGV[1])
  return 'open'
end
return 'wait'
"""

# Whether the crawl is over: nothing in the frontier and nothing in flight anywhere.
_DONE = """
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('ZCARD', ARGV[1] .. worker) > 0 then return 0 end
end
return 1
"""

# Give a crawler's requests in flight back to the frontier (and forget a dead crawler).
_RELEASE = """
local members = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
for i = 1, #members, 2 do
  redis.call('ZADD', KEYS[1], members[i + 1], members[i])
end
redis.call('DEL', KEYS[2])
if ARGV[2] == '1' then redis.call('SREM', KEYS[3], ARGV[1]) end
return #members / 2
"""

# Leave the crawl. 0: others go on; 1: the last crawler out of a finished crawl, whose keys
# are cleared; 2: the last out of a crawl not finished (stopped), whose frontier is kept
# for the next crawler to resume.
_LEAVE = """
redis.call('SREM', KEYS[1], ARGV[1])
if redis.call('SCARD', KEYS[1]) > 0 then return 0 end
if redis.call('ZCARD', KEYS[3]) > 0 then return 2 end
for i = 2, #KEYS do redis.call('DEL', KEYS[i]) end
return 1
"""


class Worker:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.url = redis_url(settings)
        self.server = connect(self.url)
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.heartbeat = settings.getfloat("THINKSCRAPE_REDIS_HEARTBEAT", DEFAULT_HEARTBEAT)
        self.writer_wait = settings.getfloat("THINKSCRAPE_REDIS_WRITER_WAIT", DEFAULT_WRITER_WAIT)
        self.run: dict[str, Any] = {}
        self.holes: list[Any] = []  # what this crawler wanted and no one stored, at its close
        self.spider_name = ""
        # requests in flight: token -> the queue member it came from
        self.inflight: dict[int, bytes] = {}
        self.scraping: set[int] = set()
        self._tokens = 0
        self._last_beat = 0.0
        self._join = self.server.register_script(_JOIN)
        self._done = self.server.register_script(_DONE)
        self._release = self.server.register_script(_RELEASE)
        self._leave = self.server.register_script(_LEAVE)

    # --- keys ----------------------------------------------------------------------------
    def key(self, suffix: str) -> str:
        return f"{self.spider_name}:{suffix}"

    def bind(self, spider_name: str) -> None:
        self.spider_name = spider_name

    @property
    def queue_key(self) -> str:
        return self.crawler.settings.get("SCHEDULER_QUEUE_KEY", "%(spider)s:requests") % {
            "spider": self.spider_name
        }

    @property
    def dupefilter_key(self) -> str:
        return self.crawler.settings.get("SCHEDULER_DUPEFILTER_KEY", "%(spider)s:dupefilter") % {
            "spider": self.spider_name
        }

    def processing_key(self, worker: str | None = None) -> str:
        return self.key(f"processing:{worker or self.id}")

    def run_key(self, suffix: str) -> str:
        return self.key(f"{self.run['token']}:{suffix}")

    # --- joining -------------------------------------------------------------------------
    def join(self, args: dict[str, Any]) -> dict[str, Any]:
        """Join the running crawl, asking the writer to open one if none runs; the run
        (``token``, ``crawl_id``, ``state``). ``WriterUnavailable`` after
        ``THINKSCRAPE_REDIS_WRITER_WAIT`` seconds without a writer's answer."""
        self.beat(force=True)
        self.recover_dead()
        deadline = time.monotonic() + self.writer_wait
        asked: bytes | None = None
        while True:
            outcome = self._join(
                keys=[self.key("run"), self.key("workers"), self.key("opening")],
                args=[self.id, int(self.writer_wait) + 1],
            ).decode()
            if outcome == "open" and asked is None:
                token = uuid.uuid4().hex
                message = {"op": "open", "spider": self.spider_name, "token": token, "args": args}
                asked = dumps(message)
                self.server.lpush(INBOX, asked)
            run = self.server.hgetall(self.key("run"))
            if run:
                self.server.sadd(self.key("workers"), self.id)
                self.run = {
                    "token": run[b"token"].decode(),
                    "crawl_id": int(run[b"crawl_id"]),
                    "state": loads(run[b"state"]),
                }
                return self.run
            if time.monotonic() > deadline:
                # a writer started later must not open a crawl no one is waiting for
                if asked is not None:
                    self.server.lrem(INBOX, 1, asked)
                    self.server.delete(self.key("opening"))
                self.server.srem(self.key("workers"), self.id)
                raise WriterUnavailable(
                    f"no writer opened the crawl within {self.writer_wait:g} s: start "
                    f"`thinkscrape ingest --redis {self.url} --db ARCHIVE` (it writes the "
                    "archive for every crawler)"
                )
            self.beat()
            time.sleep(0.05)

    # --- heartbeats and dead crawlers ------------------------------------------------------
    def beat(self, *, force: bool = False) -> None:
        """Say this crawler is alive (at most every third of the heartbeat's life)."""
        now = time.monotonic()
        if force or now - self._last_beat >= self.heartbeat / 3:
            self.server.set(self.key(f"alive:{self.id}"), 1, px=int(self.heartbeat * 1000))
            if self.run:
                # A crawler too busy to beat in time was taken for dead and its requests in
                # flight given to others (fetched twice, not lost); it takes part again, so
                # the crawl is not over while it still works.
                self.server.sadd(self.key("workers"), self.id)
            self._last_beat = now

    def recover_dead(self) -> int:
        """Give the requests in flight of crawlers that stopped beating back to the
        frontier; how many."""
        recovered = 0
        for member in self.server.smembers(self.key("workers")):
            worker = member.decode()
            if worker == self.id or self.server.exists(self.key(f"alive:{worker}")):
                continue
            recovered += self.release(worker)
        if recovered:
            self.crawler.stats.inc_value("thinkscrape/redis/recovered", recovered)
        return recovered

    def release(self, worker: str | None = None) -> int:
        """Put a crawler's requests in flight back in the frontier: a dead crawler's (it is
        dropped from the crawl), or this one's, at a close that left some unfinished."""
        return int(
            self._release(
                keys=[self.queue_key, self.processing_key(worker), self.key("workers")],
                args=[worker or self.id, "1" if worker else "0"],
            )
        )

    # --- requests in flight ----------------------------------------------------------------
    def track(self, member: bytes) -> int:
        self._tokens += 1
        self.inflight[self._tokens] = member
        return self._tokens

    def finished(self, token: int) -> None:
        """A request's outcome (its items and next requests) is in Redis."""
        self.scraping.discard(token)
        member = self.inflight.pop(token, None)
        if member is not None:
            self.server.zrem(self.processing_key(), member)

    def settled(self) -> set[str]:
        """URLs any process of the crawl stored or dropped."""
        found = self.server.sunion(self.run_key("stored"), self.run_key("dropped"))
        return {url.decode() for url in found}

    def crawl_done(self) -> bool:
        return bool(
            self._done(
                keys=[self.queue_key, self.key("workers")],
                args=[self.key("processing:")],
            )
        )

    # --- leaving ---------------------------------------------------------------------------
    def leave(self) -> int:
        """Leave the crawl: 0 while others go on, 1 for the last crawler out of a finished
        crawl (its keys are cleared), 2 for the last out of a stopped one."""
        self.server.delete(self.key(f"alive:{self.id}"))
        return int(
            self._leave(
                keys=[
                    self.key("workers"),
                    self.key("run"),
                    self.queue_key,
                    self.dupefilter_key,
                    self.key("opening"),
                ],
                args=[self.id],
            )
        )

    def send(self, message: dict[str, Any]) -> None:
        self.server.lpush(INBOX, dumps({**message, "crawl_id": self.run["crawl_id"]}))
