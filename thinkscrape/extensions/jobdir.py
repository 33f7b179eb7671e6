"""A JOBDIR that serves night after night: a crawl that ended leaves nothing to filter the next.

Scrapy keeps a ``JOBDIR``'s seen-requests file (``requests.seen``) after a crawl that
finished, so the next crawl with the same ``JOBDIR`` drops its own start pages as duplicates
and fetches nothing. Only a paused crawl (closed with reason ``shutdown``, on SIGINT or
SIGTERM) needs its queue and seen requests to resume; any other close means the crawl is
over, and what it did not get to is remembered in the archive instead (missing
publications, and a next crawl that reads every listing page again after one that did not
finish). So on every other close the scheduler's state is removed; ``spider.state`` is kept.

Scrapy closes the scheduler (and with it the seen-requests file) before it sends
``spider_closed``, so the files are complete and closed when this runs.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.job import job_dir

logger = logging.getLogger(__name__)

# What Scrapy's scheduler keeps in a JOBDIR: needed to resume a paused crawl, and only that.
SCHEDULER_STATE = ("requests.queue", "requests.seen")
PAUSED_REASONS = frozenset({"shutdown"})


def clear_scheduler_state(directory: Path) -> list[str]:
    """Remove the scheduler's files from ``directory``; the names of those removed."""
    removed = []
    for name in SCHEDULER_STATE:
        path = directory / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        else:
            continue
        removed.append(name)
    return removed


class FinishedJobdir:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FinishedJobdir:
        directory = job_dir(crawler.settings)
        if not directory:
            raise NotConfigured("no JOBDIR")
        extension = cls(Path(directory))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if reason in PAUSED_REASONS:
            return  # paused: the same JOBDIR resumes it
        if clear_scheduler_state(self.directory):
            logger.info(
                "Crawl over (%s): cleared the scheduler state in JOBDIR %s so the next crawl "
                "starts afresh",
                reason,
                self.directory,
            )
