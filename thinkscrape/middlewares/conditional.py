"""Conditional re-fetches: ask "has this page changed?" before downloading it again.

A page already stored is requested with the validators the site gave last time
(``If-None-Match`` from its ETag, ``If-Modified-Since`` from its Last-Modified). A ``304 Not
Modified`` answer means nothing to re-extract: the request ends with ``NotModified`` (an
``IgnoreRequest``, so the spider's callback is never called and no item is made), counted
``thinkscrape/conditional/not_modified``. A spider that wants to know may catch it in an
errback.

Validators live in the archive's ``http_validators`` table (url, etag, last_modified, status,
checked; read and written by ``archive/validators.py``). They are read once when the spider
opens and written once when it closes, after the archive pipeline has closed, so this
middleware never competes with the pipeline for the database's write lock. Only responses
whose item was stored (Scrapy's ``item_scraped``) record validators: a page whose extraction
failed is fetched in full next time, and listing pages, which produce no item, are always
fetched in full so new publications are seen.

Keys are the site's own URL as requested (``spider.site_url_of``), so a crawl of a local
mirror on a different port each run still finds them. ``-a refresh=1`` sends no validators
(a refresh re-reads everything); ``THINKSCRAPE_CONDITIONAL = False`` switches this off, and
``meta={"thinkscrape_unconditional": True}`` skips one request.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

logger = logging.getLogger(__name__)


class NotModified(IgnoreRequest):
    """The site answered 304: the stored copy of ``url`` is current."""

    def __init__(self, url: str) -> None:
        super().__init__(f"Not modified since last crawl: {url}")
        self.url = url


def validator_headers(row: dict[str, Any]) -> dict[str, str]:
    """The conditional request headers for a stored validators row (may be empty)."""
    headers = {}
    if row.get("etag"):
        headers["If-None-Match"] = row["etag"]
    if row.get("last_modified"):
        headers["If-Modified-Since"] = row["last_modified"]
    return headers


def validators_of(response: Response) -> dict[str, str | None]:
    """The validators a response carries: {"etag", "last_modified"} (values may be None)."""

    def header(name: bytes) -> str | None:
        value = response.headers.get(name)
        return value.decode("latin-1") if value else None

    return {"etag": header(b"ETag"), "last_modified": header(b"Last-Modified")}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class ConditionalRequestMiddleware:
    def __init__(self, crawler: Crawler, db_path: str) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = db_path
        self.known: dict[str, dict[str, Any]] = {}
        self.pending: dict[str, dict[str, Any]] = {}
        self.enabled_for_spider = True

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        settings = crawler.settings
        if not settings.getbool("THINKSCRAPE_CONDITIONAL", True):
            raise NotConfigured("THINKSCRAPE_CONDITIONAL is off")
        db_path = settings.get("THINKSCRAPE_DB")
        if not db_path:
            raise NotConfigured("THINKSCRAPE_DB is empty: no validators to read")
        middleware = cls(crawler, db_path)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    # --- signals -------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        self.enabled_for_spider = not getattr(spider, "refresh", False)
        if self.enabled_for_spider:
            self.known = self._load()

    def item_scraped(self, item: Any, response: Response | None, spider: Spider) -> None:
        if response is None or response.status != 200:
            return
        found = validators_of(response)
        if not (found["etag"] or found["last_modified"]):
            return
        requested = response.meta.get("redirect_urls", [response.url])[0]
        url = self._key(requested, spider)
        self.pending[url] = {"url": url, **found, "status": response.status, "checked": _now()}

    def spider_closed(self, spider: Spider) -> None:
        if self.pending:
            self._save(list(self.pending.values()))
            self.stats.inc_value("thinkscrape/conditional/recorded", len(self.pending))
            self.pending = {}

    # --- downloader middleware -------------------------------------------------------------
    def process_request(self, request: Request) -> None:
        if not self.enabled_for_spider or request.method != "GET":
            return
        if request.meta.get("thinkscrape_unconditional"):
            return
        row = self.known.get(self._key(request.url, self.crawler.spider))
        if row is None:
            return
        headers = validator_headers(row)
        for name, value in headers.items():
            request.headers.setdefault(name, value)
        if headers:
            self.stats.inc_value("thinkscrape/conditional/sent")

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status != 304:
            return response
        url = self._key(request.url, self.crawler.spider)
        self.stats.inc_value("thinkscrape/conditional/not_modified")
        row = self.known.get(url)
        if row is not None:
            self.pending[url] = {**row, "checked": _now()}
        raise NotModified(request.url)

    # --- storage ---------------------------------------------------------------------------
    @staticmethod
    def _key(url: str, spider: Spider | None) -> str:
        site_url_of = getattr(spider, "site_url_of", None)
        return site_url_of(url) if site_url_of else url

    def _load(self) -> dict[str, dict[str, Any]]:
        if self.db_path == ":memory:" or not Path(self.db_path).exists():
            return {}  # a first crawl: nothing to validate yet
        from thinkscrape.archive import validators
        from thinkscrape.archive.schema import ArchiveError

        try:
            return validators.read_all(self.db_path)
        except ArchiveError:
            return {}  # the archive pipeline stops this crawl and says why

    def _save(self, rows: list[dict[str, Any]]) -> None:
        if self.db_path == ":memory:":
            return
        from thinkscrape.archive import validators
        from thinkscrape.archive.schema import ArchiveError

        try:
            validators.save(self.db_path, rows)
        except (ArchiveError, sqlite3.Error) as error:
            # Losing validators only costs full downloads next time; say so and carry on.
            self.stats.inc_value("thinkscrape/conditional/save_failed")
            logger.warning("Could not save %d HTTP validators: %s", len(rows), error)
