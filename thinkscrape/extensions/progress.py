"""A live progress line on the terminal: pages done, publications stored, rate, time left.

    cnas: 57 pages, 40 stored, 112.0 pages/min, 68 queued, ~1 min left

Switched on by ``THINKSCRAPE_PROGRESS`` (``thinkscrape crawl`` sets it when its stderr is a
terminal and the Scrapy log goes to a file), so cron and pipes never see it. The line is
rewritten in place every ``THINKSCRAPE_PROGRESS_INTERVAL`` seconds. What is left is the
requests queued or in flight: the listings queue every publication they show as the crawl
reads them, so the estimate firms up as the listings are read.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from thinkscrape.extensions.health import STORED

CLEAR_LINE = "\r\x1b[K"  # back to the start of the line, erase it


def progress_line(spider: str, pages: int, stored: int, elapsed: float, queued: int | None) -> str:
    """The line shown; the estimate only once a rate and a queue are known."""
    rate = pages / elapsed * 60 if elapsed > 0 else 0.0
    parts = [f"{spider}: {pages} pages", f"{stored} stored", f"{rate:.1f} pages/min"]
    if queued is not None:
        parts.append(f"{queued} queued")
        if rate > 0 and queued:
            parts.append(f"~{_duration(queued / rate * 60)} left")
    return ", ".join(parts)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(round(seconds), 1)} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


class CrawlProgress:
    def __init__(self, crawler: Crawler, interval: float, stream: TextIO) -> None:
        self.crawler = crawler
        self.interval = interval
        self.stream = stream
        self.started = time.monotonic()
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        if not crawler.settings.getbool("THINKSCRAPE_PROGRESS"):
            raise NotConfigured("THINKSCRAPE_PROGRESS is off")
        interval = crawler.settings.getfloat("THINKSCRAPE_PROGRESS_INTERVAL", 1.0)
        extension = cls(crawler, interval, sys.stderr)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.task = create_looping_call(self.show)
        self.task.start(self.interval)

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.show(final=True)

    def show(self, final: bool = False) -> None:
        stats = self.crawler.stats
        assert stats is not None and self.crawler.spider is not None
        line = progress_line(
            self.crawler.spider.name,
            pages=int(stats.get_value("response_received_count", 0)),
            stored=int(stats.get_value(STORED, 0)),
            elapsed=time.monotonic() - self.started,
            queued=None if final else self.queued(),
        )
        self.stream.write(CLEAR_LINE + line + ("\n" if final else ""))
        self.stream.flush()

    def queued(self) -> int | None:
        engine = self.crawler.engine
        scheduler = getattr(engine, "scheduler", None)
        if engine is None or scheduler is None or not hasattr(scheduler, "__len__"):
            return None
        return len(scheduler) + len(engine.downloader.active)
