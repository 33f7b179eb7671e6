"""Retry 429 and 503 answers no sooner than their ``Retry-After`` header asks.

Scrapy's ``RetryMiddleware`` retries these statuses at once, which a rate-limiting site
reads as the very behaviour it asked us to stop. This subclass keeps everything Scrapy's
middleware does (``RETRY_TIMES``, ``RETRY_HTTP_CODES``, ``dont_retry``, the ``retry/*``
stats, the give-up log line) and only waits before handing back the retry request. The wait
is bounded by ``THINKSCRAPE_RETRY_AFTER_MAX`` seconds so an unattended run is never parked
for hours by one header; a longer ask is waited for at that bound, logged and counted.

Enable it in place of Scrapy's own (the project settings do)::

    DOWNLOADER_MIDDLEWARES = {
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "thinkscrape.middlewares.retry_after.RetryAfterMiddleware": 550,
    }

Stats: ``thinkscrape/retry_after/waits`` (retries that waited),
``thinkscrape/retry_after/seconds`` (total seconds waited),
``thinkscrape/retry_after/capped`` (asks longer than the bound).
"""

from __future__ import annotations

import datetime as dt
import logging
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)

# Statuses whose Retry-After means "come back later" (RFC 9110 §10.2.3, RFC 6585 §4).
RETRY_AFTER_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: str | bytes | None, now: dt.datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header value asks us to wait, or None if it says nothing.

    The header is either a number of seconds (``120``) or an HTTP date; a date in the past
    means "now" (0). ``now`` is the reference for dates (default: the current UTC time).
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT
        when = when.replace(tzinfo=dt.UTC)
    reference = now or dt.datetime.now(dt.UTC)
    return max((when - reference).total_seconds(), 0.0)


class RetryAfterMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings, max_delay: float) -> None:
        super().__init__(settings)
        self.max_delay = max_delay

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        middleware = cls(
            crawler.settings, crawler.settings.getfloat("THINKSCRAPE_RETRY_AFTER_MAX", 300.0)
        )
        middleware.crawler = crawler
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if (
            request.meta.get("dont_retry", False)
            or response.status not in self.retry_http_codes
            or response.status not in RETRY_AFTER_STATUSES
        ):
            return super().process_response(request, response)
        delay = retry_after_seconds(response.headers.get(b"Retry-After"))
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response  # retries exhausted: Scrapy's give-up line was logged
        if delay:
            await self._wait(request, delay)
        return retry

    async def _wait(self, request: Request, asked: float) -> None:
        stats = self.crawler.stats
        delay = asked
        if asked > self.max_delay:
            delay = self.max_delay
            stats.inc_value("thinkscrape/retry_after/capped")
            logger.warning(
                "Retry-After of %.0fs for %s is over THINKSCRAPE_RETRY_AFTER_MAX; waiting %.0fs",
                asked,
                request.url,
                delay,
            )
        stats.inc_value("thinkscrape/retry_after/waits")
        stats.inc_value("thinkscrape/retry_after/seconds", delay)
        logger.info("Waiting %.1fs (Retry-After) before retrying %s", delay, request.url)
        await sleep(delay)
