"""Record every response a crawl receives into WARC files, as it came off the wire.

Files go to ``THINKSCRAPE_WARC_DIR``, by default a ``warc`` folder beside the archive
(``THINKSCRAPE_DB``); an empty value switches capture off. A page fetched from a mirror of
the site (``-a base_url``) is kept under the site's own URL, the warcinfo record naming the
mirror (``fetched-from``). It sits above
HttpCompressionMiddleware (590) and RedirectMiddleware (600), so its ``process_response``
sees bodies still content-encoded and redirects before they are followed: the WARC holds
what the server sent. Robots.txt responses pass through here too and are kept.

For each response the middleware sets ``response.meta["capture"]`` (where the bytes are
kept) and sends ``thinkscrape.signals.response_captured`` so the archive can index it.
Responses answered by replay are not written again: they carry their original capture.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from thinkscrape import signals as thinkscrape_signals
from thinkscrape.warc.writer import DEFAULT_MAX_SIZE, HttpMessage, WarcWriter

logger = logging.getLogger(__name__)

REPLAY_FLAG = "replay"
# warcinfo field naming the mirror a crawl fetched from, when it crawled one (``-a base_url``):
# the records name the site's own URLs; this says which origin really served them.
FETCHED_FROM_FIELD = "fetched-from"
# The body Scrapy hands over has its transfer coding (chunked) already removed; a WARC reader
# that saw the original header would try to de-chunk it again.
_TRANSFER_CODING_HEADERS = (b"Transfer-Encoding",)
_CAPTURED_SCHEMES = ("http", "https")


def capture_url(spider: Spider | None, fetched_url: str) -> str:
    """The URL a capture is filed under: the spider's canonical URL for it where it has one.

    Spiders that crawl mirrors or follow tracking variants can say which page a fetched URL
    is (``canonical_of``); any other URL is filed as fetched.
    """
    canonical_of = getattr(spider, "canonical_of", None)
    if canonical_of is not None:
        canonical = canonical_of(fetched_url)
        if canonical:
            return canonical
    return fetched_url


def target_url(spider: Spider | None, fetched_url: str) -> str:
    """The WARC-Target-URI of a fetched page: the site's own URL when a mirror served it.

    A copy of the site is kept as the site: replay and WARC tools then find each page by the
    URL researchers cite, whichever origin it was fetched from.
    """
    site_url_of = getattr(spider, "site_url_of", None)
    return site_url_of(fetched_url) if site_url_of is not None else fetched_url


def warc_directory(settings: BaseSettings) -> str:
    """Where a crawl's WARC files go: ``THINKSCRAPE_WARC_DIR``, else ``warc`` beside the archive.

    Keeping each archive's captures beside it means two archives never mix theirs.
    """
    directory = settings.get("THINKSCRAPE_WARC_DIR")
    if directory is None:
        database = settings.get("THINKSCRAPE_DB") or "data/thinktanks.db"
        return str(Path(database).parent / "warc")
    return str(directory)


def header_pairs(headers: Any, drop: tuple[bytes, ...] = ()) -> list[tuple[bytes, bytes]]:
    """Scrapy ``Headers`` as (name, value) pairs, one per value, in received order."""
    dropped = {name.lower() for name in drop}
    return [
        (name, value)
        for name, values in headers.items()
        if name.lower() not in dropped
        for value in values
    ]


def request_message(request: Request) -> HttpMessage:
    """The request as sent: Scrapy's headers plus the Host header the HTTP client adds."""
    pairs = header_pairs(request.headers)
    if not any(name.lower() == b"host" for name, _ in pairs):
        pairs.insert(0, (b"Host", urlsplit(request.url).netloc.encode("ascii", "replace")))
    return HttpMessage(pairs, request.body or b"")


def _command_line_settings(settings: BaseSettings) -> dict[str, str]:
    """Settings given with ``-s NAME=VALUE``: the crawl's arguments, kept in warcinfo."""
    cmdline = SETTINGS_PRIORITIES["cmdline"]
    return {
        name: str(settings[name])
        for name in sorted(settings)
        if settings.getpriority(name) == cmdline
    }


def file_prefix(settings: BaseSettings, name: str) -> str:
    """The WARC files' name prefix: the spider's name; in a crawl shared by several processes
    (``THINKSCRAPE_REDIS_URL``) also the host and process id, so each crawler writes files
    of its own, which stay apart when gathered from several machines."""
    if not settings.get("THINKSCRAPE_REDIS_URL"):
        return name
    host = socket.gethostname().split(".")[0] or "host"
    return f"{name}-{host}-{os.getpid()}"


class WarcCaptureMiddleware:
    def __init__(self, crawler: Crawler, writer: WarcWriter) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.writer = writer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        directory = warc_directory(settings)
        if not directory:
            raise NotConfigured("THINKSCRAPE_WARC_DIR is empty: responses are not kept as WARC")
        max_size = int(settings.getfloat("THINKSCRAPE_WARC_MAX_SIZE", DEFAULT_MAX_SIZE))
        spider = crawler.spider
        name = spider.name if spider is not None else settings.get("BOT_NAME", "crawl")
        info = {
            "isPartOf": name,
            "http-header-user-agent": settings.get("USER_AGENT"),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "crawl-settings": json.dumps(_command_line_settings(settings), sort_keys=True),
        }
        mirror = getattr(spider, "base_url", None)
        if mirror:
            info[FETCHED_FROM_FIELD] = mirror
        writer = WarcWriter(
            directory,
            file_prefix(settings, name),
            started_at=datetime.now(UTC),
            max_size=max_size,
            info=info,
        )
        middleware = cls(crawler, writer)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request: Request, response: Response) -> Response:
        if REPLAY_FLAG in response.flags:
            # Already kept: replay put the original record's capture on the request.
            capture = request.meta.get("capture")
            if capture:
                self._announce(capture)
            return response
        if "cached" in response.flags:
            # HttpCacheMiddleware's copy of an earlier fetch, not a response from the wire.
            self.stats.inc_value("thinkscrape/warc/skipped_cached")
            return response
        if urlsplit(response.url).scheme not in _CAPTURED_SCHEMES:
            return response

        truncated = None
        if "dataloss" in response.flags:
            # Kept, marked as cut short, so nobody mistakes it for the whole page.
            truncated = "disconnect"
            self.stats.inc_value("thinkscrape/warc/truncated")
            logger.warning(
                "Response body was cut short (connection lost); archived with "
                "WARC-Truncated: disconnect: %s",
                response.url,
            )
        written_before = self.writer.bytes_written
        try:
            capture = self._write(request, response, truncated)
        except OSError as error:
            # The page still reaches the spider; its capture is missing, loudly.
            self.stats.inc_value("thinkscrape/warc/write_errors")
            logger.error("Could not write %s to WARC: %s", response.url, error)
            return response
        capture["url"] = capture_url(self.crawler.spider, response.url)
        request.meta["capture"] = capture
        self.stats.inc_value("thinkscrape/warc/records", 2)
        self.stats.inc_value("thinkscrape/warc/bytes", self.writer.bytes_written - written_before)
        self._announce(capture)
        return response

    def _write(self, request: Request, response: Response, truncated: str | None) -> dict[str, Any]:
        return self.writer.write_exchange(
            target_url(self.crawler.spider, response.url),
            method=request.method,
            request=request_message(request),
            status=response.status,
            response=HttpMessage(
                header_pairs(response.headers, drop=_TRANSFER_CODING_HEADERS), response.body
            ),
            protocol=response.protocol or "HTTP/1.1",
            truncated=truncated,
        )

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return None
        # No complete response arrived (timeout, refused connection, over DOWNLOAD_MAXSIZE,
        # data loss): there are no bytes to keep, only the reason.
        self.stats.inc_value(f"thinkscrape/warc/not_captured/{type(exception).__name__}")
        logger.info("Nothing archived for %s: %s", request.url, exception or type(exception))
        return None

    def spider_closed(self, spider: Spider) -> None:
        self.writer.close()

    def _announce(self, capture: dict[str, Any]) -> None:
        self.crawler.signals.send_catch_log(
            signal=thinkscrape_signals.response_captured, capture=capture
        )
