"""The one writer of a shared crawl: ``thinkscrape ingest --redis URL --db ARCHIVE``.

SQLite has one writer. The crawlers of a shared crawl send what the archive pipeline would
write (items, gone pages, dropped pages, WARC capture records) to ``thinkscrape:inbox``;
this process, holding the archive's writer lock, writes them, and opens and closes the
crawls themselves (one ``crawls`` row per shared crawl, whatever the number of processes).

Nothing is lost when it is killed: each message is moved (``BLMOVE``) from the inbox to
``thinkscrape:inbox:processing`` and removed from there only after its transaction is
committed. On start the writer first writes what that list still holds; writing a message
twice changes nothing (a publication is stored by URL and content hash, a capture by WARC
file and offset), so a kill between the commit and the removal is harmless too.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import time
from collections.abc import Callable
from typing import Any

from thinkscrape.archive import missing
from thinkscrape.archive.lock import WriterLock
from thinkscrape.archive.schema import open_db
from thinkscrape.archive.store import Archive
from thinkscrape.distributed.worker import INBOX, INBOX_PROCESSING, connect, dumps, loads
from thinkscrape.extensions.coverage import COUNTS, FAILED_CHECKS, FLOORS, coverage_failures
from thinkscrape.extensions.health import MAX_ERRORS, STATUS, health_failures
from thinkscrape.middlewares.incremental import load_state

logger = logging.getLogger(__name__)

DEFAULT_MISSING_RETRIES = 5


class Writer:
    def __init__(self, db_path: str, redis_url: str, *, missing_retries: int = 5) -> None:
        self.db_path = db_path
        self.server = connect(redis_url)
        self.lock = WriterLock(db_path)
        self.archive: Archive | None = None
        self.missing_retries = missing_retries
        self.counts: dict[str, int] = {}
        self.closed_crawls: list[int] = []
        self.stopping = False

    def open(self) -> None:
        """Take the archive's writer lock (``ArchiveLocked`` if a crawl holds it) and open it."""
        self.lock.acquire()
        self.archive = Archive(open_db(self.db_path))

    def close(self) -> None:
        if self.archive is not None:
            self.archive.db.close()
            self.archive = None
        self.lock.release()

    def run(
        self,
        *,
        idle_exit: float | None = None,
        crawls: int | None = None,
        on_message: Callable[[dict[str, Any]], None] | None = None,
    ) -> dict[str, int]:
        """Write messages until stopped (SIGTERM, SIGINT), or ``idle_exit`` seconds without
        one, or once ``crawls`` crawls were closed; the count of each kind written."""
        # what a writer killed before left between its inbox and the archive, first
        for data in self.server.lrange(INBOX_PROCESSING, 0, -1)[::-1]:
            self._handle(data, on_message)
        last = time.monotonic()
        while not self.stopping:
            if crawls is not None and len(self.closed_crawls) >= crawls:
                break
            data = self.server.blmove(INBOX, INBOX_PROCESSING, 0.5, "RIGHT", "LEFT")
            if data is None:
                if idle_exit is not None and time.monotonic() - last > idle_exit:
                    break
                continue
            last = time.monotonic()
            self._handle(data, on_message)
        return dict(self.counts)

    def stop(self, *_: Any) -> None:
        self.stopping = True

    # --- messages --------------------------------------------------------------------------
    def _handle(self, data: bytes, on_message: Callable[[dict[str, Any]], None] | None) -> None:
        message = loads(data)
        op = message["op"]
        getattr(self, f"_{op}")(message)
        # committed: only now does the message leave Redis
        self.server.lrem(INBOX_PROCESSING, 1, data)
        self.counts[op] = self.counts.get(op, 0) + 1
        if on_message is not None:
            on_message(message)

    def _open(self, message: dict[str, Any]) -> None:
        assert self.archive is not None
        spider, token = message["spider"], message["token"]
        run = self.server.hgetall(f"{spider}:run")
        if run and run.get(b"token", b"").decode() == token:
            return  # opened already, by a writer killed before it removed the message
        abandoned = self.archive.close_abandoned_crawls(spider)
        if abandoned:
            logger.warning(
                "%s earlier crawl(s) of %s never finished: marked failed", abandoned, spider
            )
        crawl_id = self.archive.start_crawl(spider, message["args"])
        # the state every process of the crawl reads, whenever it joins
        state = load_state(self.db_path, spider, crawl_id)
        self.server.hset(
            f"{spider}:run", mapping={"token": token, "crawl_id": crawl_id, "state": dumps(state)}
        )
        logger.info("Opened crawl %s of %s", crawl_id, spider)

    def _item(self, message: dict[str, Any]) -> None:
        assert self.archive is not None
        pub, crawl_id = message["item"], message["crawl_id"]
        _, outcome = self.archive.store(pub, crawl_id)
        self.server.hincrby(f"thinkscrape:crawl:{crawl_id}:outcomes", outcome, 1)

    def _gone(self, message: dict[str, Any]) -> None:
        assert self.archive is not None
        item, crawl_id = message["item"], message["crawl_id"]
        if self.archive.mark_gone(item.url, when=item.fetched_at, crawl_id=crawl_id):
            self.server.hincrby(f"thinkscrape:crawl:{crawl_id}:outcomes", "gone", 1)

    def _dropped(self, message: dict[str, Any]) -> None:
        assert self.archive is not None
        self.archive.record_dropped(
            message["url"],
            site=message["site"],
            reason=message["reason"],
            crawl_id=message["crawl_id"],
        )

    def _capture(self, message: dict[str, Any]) -> None:
        assert self.archive is not None
        self.archive.add_capture(message["capture"], crawl_id=message["crawl_id"])

    def _close(self, message: dict[str, Any]) -> None:
        """The last crawler of the crawl left: settle its holes and close its row."""
        assert self.archive is not None
        spider, token, crawl_id = message["spider"], message["token"], message["crawl_id"]
        prefix = f"{spider}:{token}"
        reports = [loads(data) for data in self.server.hvals(f"{prefix}:reports")]
        if not reports:
            return  # closed already
        outcomes = {
            key.decode(): int(value)
            for key, value in self.server.hgetall(f"thinkscrape:crawl:{crawl_id}:outcomes").items()
        }
        stored = {url.decode() for url in self.server.smembers(f"{prefix}:stored")}
        holes = {hole.url: hole for report in reports for hole in report["holes"]}
        holes = {url: hole for url, hole in holes.items() if url not in stored}
        figures = missing.settle(
            self.archive.db,
            site=spider,
            crawl_id=crawl_id,
            stored=stored,
            holes=list(holes.values()),
            max_attempts=self.missing_retries,
        )
        stats = merged_stats([report["stats"] for report in reports])
        for outcome, count in outcomes.items():
            stats[f"thinkscrape/archive/{outcome}"] = count
        stats["thinkscrape/missing/left"] = figures["missing"]
        stats["thinkscrape/missing/given_up"] = figures["given_up"]
        stats["thinkscrape/missing/recovered"] = figures["recovered"]
        stats["thinkscrape/redis/processes"] = len(reports)
        reasons = [report["reason"] for report in reports]
        reason = next((r for r in reasons if r != "finished"), "finished")
        stats[FAILED_CHECKS] = shared_verdict(reports, stats, reason)
        stats[STATUS] = "failed" if stats[FAILED_CHECKS] else "ok"
        self.archive.finish_crawl(
            crawl_id,
            finish_reason=reason,
            items_stored=sum(outcomes.get(k, 0) for k in ("new", "changed", "unchanged")),
            items_dropped=int(stats.get("item_dropped_count", 0)),
            errors=int(stats.get("log_count/ERROR", 0)),
            stats=stats,
            coverage=stats.get("thinkscrape/coverage"),
            status="failed" if stats[FAILED_CHECKS] or reason != "finished" else "ok",
        )
        self.server.delete(
            f"{prefix}:reports",
            f"{prefix}:stored",
            f"{prefix}:dropped",
            f"thinkscrape:crawl:{crawl_id}:outcomes",
        )
        self.closed_crawls.append(crawl_id)
        logger.info(
            "Closed crawl %s of %s (%s process(es), %s)", crawl_id, spider, len(reports), reason
        )


def shared_verdict(
    reports: list[dict[str, Any]], stats: dict[str, Any], reason: str
) -> list[dict[str, Any]]:
    """The failed checks of a shared crawl, judged on its processes' stats added up.

    Each process judged only its own part, and a part can look wrong when the whole is
    right: a crawler that joined late may read no listing page (the others took them all
    from the frontier), or follow links that the others fetched first and store nothing.
    So the crawl is judged again as one: ``stats`` are ``merged_stats`` with the writer's
    own figures (outcomes, missing), and the coverage counts are added up. Sets
    ``thinkscrape/coverage`` in ``stats`` to the shares over the whole crawl.
    """
    max_errors = max((int(r["stats"].get(MAX_ERRORS, 10)) for r in reports), default=10)
    failures = health_failures(stats, reason, max_errors)
    counts: dict[str, list[int]] = {}
    floors: dict[str, float] = {}
    for report in reports:
        floors.update(report["stats"].get(FLOORS) or {})
        for field, (having, expected) in (report["stats"].get(COUNTS) or {}).items():
            total = counts.setdefault(field, [0, 0])
            total[0] += having
            total[1] += expected
    if any(expected for _, expected in counts.values()):
        stats["thinkscrape/coverage"] = {
            field: round(having / expected, 4)
            for field, (having, expected) in counts.items()
            if expected
        }
        for field, share in stats["thinkscrape/coverage"].items():
            stats[f"thinkscrape/coverage/{field}"] = share
    totals = {field: (having, expected) for field, (having, expected) in counts.items()}
    return [*failures, *coverage_failures(totals, floors)]


def merged_stats(all_stats: list[dict[str, Any]]) -> dict[str, Any]:
    """The stats of a crawl's processes as one: counts added up, the earliest start and the
    latest finish, any other value as the first process that had it."""
    merged: dict[str, Any] = {}
    for stats in all_stats:
        for key, value in stats.items():
            if key not in merged:
                merged[key] = value
            elif isinstance(value, int | float) and not isinstance(value, bool):
                if key.endswith("_time_seconds") or key.startswith("memusage/"):
                    merged[key] = max(merged[key], value)
                else:
                    merged[key] = merged[key] + value
            elif isinstance(value, dt.datetime) and key == "start_time":
                merged[key] = min(merged[key], value)
            elif isinstance(value, dt.datetime):
                merged[key] = max(merged[key], value)
    return merged


def serve(
    db_path: str,
    redis_url: str,
    *,
    idle_exit: float | None = None,
    crawls: int | None = None,
    missing_retries: int = DEFAULT_MISSING_RETRIES,
) -> dict[str, int]:
    """Run the writer (see ``Writer.run``) with SIGTERM and SIGINT stopping it between two
    messages; raises ``ArchiveLocked``, ``ArchiveError`` or ``RedisUnavailable``."""
    writer = Writer(db_path, redis_url, missing_retries=missing_retries)
    writer.open()
    previous = {sig: signal.signal(sig, writer.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return writer.run(idle_exit=idle_exit, crawls=crawls)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        writer.close()
