"""Answer a crawl's requests from WARC files instead of the network.

``scrapy crawl cnas -s THINKSCRAPE_REPLAY=data/warc`` runs the spider, the pipelines and the
archive as usual, but every request is answered from the newest ``response`` record kept for
its URL: same status, headers and (still content-encoded) body as the wire gave, so the rest
of the middleware chain behaves exactly as it did live. A URL never captured is ignored with
a logged reason and counted (``thinkscrape/replay/missing``); nothing is ever fetched.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from thinkscrape.warc.capture import REPLAY_FLAG, capture_url

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc.gz", ".warc")

UrlKey = Callable[[str], str]


def warc_files(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    """WARC files named by ``paths``: files as given, folders' ``*.warc(.gz)`` by name.

    Names start with the crawl's start time, so sorting them puts older captures first.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(
                sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(WARC_SUFFIXES))
            )
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"no WARC file or folder at {path}")
    return found


@dataclass(frozen=True)
class IndexEntry:
    """Where one response record is kept, and what the capture row says about it."""

    url: str  # WARC-Target-URI, as fetched
    path: Path
    offset: int
    length: int
    record_id: str
    payload_digest: str | None
    fetched_at: str  # WARC-Date
    status: int | None

    def capture(self, url: str | None = None) -> dict[str, Any]:
        """The capture dict of this record (as the capture middleware made it)."""
        return {
            "url": url or self.url,
            "warc_file": str(self.path.resolve()),
            "offset": self.offset,
            "length": self.length,
            "record_id": self.record_id,
            "payload_digest": self.payload_digest,
            "fetched_at": self.fetched_at,
            "status": self.status,
        }


@dataclass(frozen=True)
class StoredResponse:
    status: int
    protocol: str
    headers: list[tuple[str, str]]
    body: bytes  # as on the wire: still content-encoded
    truncated: str | None


class WarcIndex:
    """URL → newest response record, over one WARC file or a folder of them, read once."""

    def __init__(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        url_key: UrlKey | None = canonicalize_url,
    ) -> None:
        # canonicalize_url sorts query arguments and normalises percent-encoding, so
        # ``?b=2&a=1`` finds ``?a=1&b=2``; url_key=None matches exact URLs only.
        self.url_key: UrlKey = url_key or (lambda url: url)
        self.files = warc_files(paths)
        self._entries: dict[str, IndexEntry] = {}
        for path in self.files:
            self._scan(path)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, url: str) -> bool:
        return self.url_key(url) in self._entries

    def entries(self) -> list[IndexEntry]:
        return list(self._entries.values())

    def lookup(self, url: str) -> IndexEntry | None:
        return self._entries.get(self.url_key(url))

    def _scan(self, path: Path) -> None:
        with open(path, "rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                if record.rec_type != "response":
                    continue
                headers = record.rec_headers
                url = headers.get_header("WARC-Target-URI")
                status = record.http_headers.get_statuscode() if record.http_headers else None
                entry = IndexEntry(
                    url=url,
                    path=path,
                    offset=records.get_record_offset(),
                    length=records.get_record_length(),
                    record_id=headers.get_header("WARC-Record-ID"),
                    payload_digest=headers.get_header("WARC-Payload-Digest"),
                    fetched_at=headers.get_header("WARC-Date"),
                    status=int(status) if status and status.isdigit() else None,
                )
                key = self.url_key(url)
                known = self._entries.get(key)
                # Files are scanned oldest first and records in order, so a later record
                # of the same date is the newer one.
                if known is None or entry.fetched_at >= known.fetched_at:
                    self._entries[key] = entry

    @staticmethod
    def load(entry: IndexEntry) -> StoredResponse:
        """Read one response record back: status line, headers and raw body."""
        with open(entry.path, "rb") as stream:
            stream.seek(entry.offset)
            record = next(iter(ArchiveIterator(stream)))
            http = record.http_headers
            return StoredResponse(
                status=int(http.get_statuscode()),
                protocol=http.protocol or "HTTP/1.1",
                headers=list(http.headers),
                body=record.raw_stream.read(),
                truncated=record.rec_headers.get_header("WARC-Truncated"),
            )


class WarcReplayMiddleware:
    def __init__(self, crawler: Crawler, index: WarcIndex) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.index = index

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcReplayMiddleware:
        # A file or folder, or several separated by commas.
        source = crawler.settings.getlist("THINKSCRAPE_REPLAY")
        if not source:
            # The usual case, a live crawl: no message, so Scrapy logs no warning about it.
            raise NotConfigured
        index = WarcIndex(source)
        logger.info(
            "Replaying %d captured URLs from %d WARC file(s) under %s; no network",
            len(index),
            len(index.files),
            ", ".join(source),
        )
        middleware = cls(crawler, index)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.stats.set_value("thinkscrape/replay/indexed", len(self.index))

    def process_request(self, request: Request) -> Response:
        entry = self.index.lookup(request.url)
        if entry is None:
            self.stats.inc_value("thinkscrape/replay/missing")
            logger.warning("Not in the replayed WARC files, skipped: %s", request.url)
            raise IgnoreRequest(f"not captured: {request.url}")
        try:
            stored = self.index.load(entry)
        except (OSError, ArchiveLoadFailed, StopIteration, ValueError) as error:
            self.stats.inc_value("thinkscrape/replay/unreadable")
            logger.error(
                "Unreadable record for %s at %s offset %d: %s",
                request.url,
                entry.path,
                entry.offset,
                error or type(error).__name__,
            )
            raise IgnoreRequest(f"unreadable capture: {request.url}") from error
        headers = Headers()
        for name, value in stored.headers:
            headers.appendlist(name, value)  # keeps repeated headers such as Set-Cookie
        flags = [REPLAY_FLAG]
        if stored.truncated:
            # As Scrapy marks a body that lost its end when DOWNLOAD_FAIL_ON_DATALOSS is off.
            flags.append("dataloss")
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=stored.body)
        request.meta["capture"] = entry.capture(capture_url(self.crawler.spider, entry.url))
        self.stats.inc_value("thinkscrape/replay/responses")
        return response_class(
            url=request.url,
            status=stored.status,
            headers=headers,
            body=stored.body,
            flags=flags,
            request=request,
            protocol=stored.protocol,
        )
