"""A live progress line on the terminal: pages done, publications stored, rate, time left.

    cnas: 57 pages, 40 stored, 112.0 pages/min, 68 queued, ~1 min left

Switched on by ``THINKSCRAPE_PROGRESS`` (``thinkscrape crawl`` and ``thinkscrape reextract``
set it when their stderr is a terminal), so cron and pipes never see it. The line is
rewritten in place every ``THINKSCRAPE_PROGRESS_INTERVAL`` seconds, on stderr or on the file
descriptor ``THINKSCRAPE_PROGRESS_FD`` (a crawl run in a child process whose stderr is read by
its parent). What is left is the requests queued or in flight: the listings queue every
publication they show as the crawl reads them, so the estimate firms up as the listings are
read.

Work that is not a crawl (renormalize, export) counts its items with ``ProgressLine``:

    renormalize: 1,200 of 5,000 publications, 2,400.0/min, ~2 min left
"""

from __future__ import annotations

import os
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


def show_line(stream: TextIO, line: str, final: bool = False) -> None:
    """Write ``line`` over the one shown before; ``final`` ends it for good."""
    stream.write(CLEAR_LINE + line + ("\n" if final else ""))
    stream.flush()


def wanted(quiet: bool = False) -> bool:
    """Whether to show progress: on a terminal (never under cron or into a pipe), unless quiet."""
    return not quiet and sys.stderr.isatty()


def work_line(label: str, done: int, elapsed: float, total: int | None, unit: str) -> str:
    """The line of counted work; the estimate only where the total is known."""
    rate = done / elapsed * 60 if elapsed > 0 else 0.0
    count = f"{done:,} of {total:,} {unit}" if total is not None else f"{done:,} {unit}"
    parts = [f"{label}: {count}", f"{rate:,.1f}/min"]
    if total is not None and rate > 0 and total > done:
        parts.append(f"~{_duration((total - done) / rate * 60)} left")
    return ", ".join(parts)


class ProgressLine:
    """Counted work shown on a live line, redrawn at most every ``interval`` seconds.

    ``advance`` and ``update`` are cheap between redraws, so they can be called once per item.
    """

    def __init__(
        self,
        label: str,
        total: int | None = None,
        unit: str = "publications",
        *,
        stream: TextIO | None = None,
        interval: float = 1.0,
    ) -> None:
        self.label, self.total, self.unit = label, total, unit
        self.stream = stream or sys.stderr
        self.interval = interval
        self.done = 0
        self.started = self.shown = time.monotonic()
        self.draw()

    def advance(self, count: int = 1) -> None:
        self.update(self.done + count)

    def update(self, done: int, total: int | None = None) -> None:
        """``done`` items so far (of ``total``, once the work knows it)."""
        self.done = done
        told = total is not None and total != self.total
        if told:
            self.total = total
        now = time.monotonic()
        if told or now - self.shown >= self.interval:
            self.shown = now
            self.draw()

    def finish(self) -> None:
        self.draw(final=True)

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.finish()  # ends the line, so a message after it starts on its own

    def draw(self, final: bool = False) -> None:
        elapsed = time.monotonic() - self.started
        line = work_line(self.label, self.done, elapsed, None if final else self.total, self.unit)
        show_line(self.stream, line, final)


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
        fd = crawler.settings.getint("THINKSCRAPE_PROGRESS_FD", -1)
        stream = os.fdopen(fd, "w", closefd=False) if fd >= 0 else sys.stderr
        extension = cls(crawler, interval, stream)
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
        show_line(self.stream, line, final)

    def queued(self) -> int | None:
        engine = self.crawler.engine
        scheduler = getattr(engine, "scheduler", None)
        if engine is None or scheduler is None or not hasattr(scheduler, "__len__"):
            return None
        return len(scheduler) + len(engine.downloader.active)
