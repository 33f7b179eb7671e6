"""Stop a crawl at once when the site cannot be reached at all (no network, DNS, firewall).

Without it, a night with no network walks every listing index through its retries and
politeness delays, logs a traceback per request and ends "finished". Here the spider is
closed early with the reason ``unreachable``; the health check's verdict names the last
error.

Waiting for robots.txt's retries, then the listing pages' (with their politeness delays),
would only confirm what the first tries showed. So it sits inside the retry middleware (a
higher order) and counts every failed try: once ``THINKSCRAPE_UNREACHABLE_AFTER`` tries
(default 4: robots.txt's three and the first listing page's first) have failed without one
response from the site, the spider is closed. Any response, whatever its status, shows the
site is reachable and switches it off.

For connection-level errors (refused, DNS, timeouts) the tracebacks Scrapy logs say nothing
the error's one line doesn't, so they are dropped from the log.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import _schedule_coro
from twisted.internet import error as network_errors
from twisted.web._newclient import ResponseNeverReceived

logger = logging.getLogger(__name__)

REASON = "thinkscrape/unreachable/reason"  # stat: the URL and error that stopped the crawl

# Failures to reach a server at all: their traceback is Twisted's plumbing, not a clue.
NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    network_errors.ConnectError,  # refused, DNS lookup, no route, TCP timeout...
    network_errors.DNSLookupError,
    network_errors.TimeoutError,
    network_errors.ConnectionLost,
    ResponseNeverReceived,
    TimeoutError,
    ConnectionError,
)
# The loggers that log such failures with a traceback.
NOISY_LOGGERS = ("scrapy.core.scraper", "scrapy.downloadermiddlewares.robotstxt")


def is_network_error(exception: BaseException | None) -> bool:
    """Whether ``exception``, or the one it was raised from, is a failure to reach a server."""
    while exception is not None:
        if isinstance(exception, NETWORK_ERRORS):
            return True
        exception = exception.__cause__
    return False


class NetworkTracebackFilter(logging.Filter):
    """Keeps the one-line message of a network failure and drops its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and is_network_error(record.exc_info[1]):
            record.exc_info = None
            record.exc_text = None
        return True


def quiet_network_tracebacks() -> None:
    for name in NOISY_LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(f, NetworkTracebackFilter) for f in target.filters):
            target.addFilter(NetworkTracebackFilter())


class UnreachableSiteMiddleware:
    def __init__(self, crawler: Crawler, after: int) -> None:
        self.crawler = crawler
        self.after = after
        self.answered = False
        self.failures = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnreachableSiteMiddleware:
        after = crawler.settings.getint("THINKSCRAPE_UNREACHABLE_AFTER", 4)
        if after <= 0:
            raise NotConfigured("THINKSCRAPE_UNREACHABLE_AFTER is 0: no early stop")
        quiet_network_tracebacks()
        return cls(crawler, after)

    def process_response(self, request: Request, response: Response) -> Response:
        self.answered = True
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if self.answered or isinstance(exception, IgnoreRequest):
            return None
        self.failures += 1
        if self.failures == self.after:
            reason = f"{request.url}: {_one_line(exception)}"
            assert self.crawler.stats is not None
            self.crawler.stats.set_value(REASON, reason)
            logger.error(
                "The site cannot be reached: %d tries failed and none was answered "
                "(last: %s); stopping the crawl",
                self.failures,
                reason,
            )
            assert self.crawler.engine is not None
            _schedule_coro(self.crawler.engine.close_spider_async(reason="unreachable"))
        return None


def _one_line(exception: BaseException) -> str:
    text = str(exception).strip() or type(exception).__name__
    return text.splitlines()[0]
