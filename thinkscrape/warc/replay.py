"""Answer a crawl's requests from WARC files instead of the network.

``scrapy crawl cnas -s THINKSCRAPE_REPLAY=data/warc`` runs the spider, the pipelines and the
archive as usual, but every request is answered from the newest ``response`` record kept for
its URL: same status, headers and (still content-encoded) body as the wire gave, so the rest
of the middleware chain behaves exactly as it did live. A URL never captured is ignored with
a logged reason and counted (``thinkscrape/replay/missing``); nothing is ever fetched.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders

from thinkscrape.extensions.coverage import FAILED_CHECKS
from thinkscrape.warc.capture import FETCHED_FROM_FIELD, REPLAY_FLAG, capture_url
from thinkscrape.warc.check import FileReport, walk

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


def _resolved(path: Path) -> str:
    """A WARC file's absolute path, symbolic links followed: worked out once for a file
    named by an absolute path (every capture of its records names it; a relative one
    depends on the working folder of the moment)."""
    return _resolved_absolute(path) if path.is_absolute() else str(path.resolve())


@functools.lru_cache(maxsize=1_024)
def _resolved_absolute(path: Path) -> str:
    return str(path.resolve())


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
    site_url: str | None = None  # the site's own URL of a page captured from its mirror
    mirror_origin: str | None = None  # the mirror that served it, when one did

    @classmethod
    def of(
        cls, headers: StatusAndHeaders, path: Path, offset: int, length: int, status: int | None
    ) -> IndexEntry:
        """The entry of the response record with these WARC headers."""
        return cls(
            url=headers.get_header("WARC-Target-URI"),
            path=path,
            offset=offset,
            length=length,
            record_id=headers.get_header("WARC-Record-ID"),
            payload_digest=headers.get_header("WARC-Payload-Digest"),
            fetched_at=headers.get_header("WARC-Date") or "",
            status=status,
        )

    def replaces(self, known: IndexEntry | None) -> bool:
        """Whether this record is the one to read rather than ``known`` (None: no record
        yet). Files are read oldest first and records in order, so a later record of the
        same date is the newer one."""
        return known is None or self.fetched_at >= known.fetched_at

    def capture(self, url: str | None = None) -> dict[str, Any]:
        """The capture dict of this record (as the capture middleware made it)."""
        return {
            "url": url or self.site_url or self.url,
            "warc_file": _resolved(self.path),
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
    """URL → newest response record, over one WARC file or a folder of them, read once.

    Files are walked member by member (``thinkscrape.warc.check``): a damaged record is
    skipped and remembered in ``reports`` instead of ending the file there.

    Given the site's ``home`` and ``site_hosts``, records fetched from a mirror of the site
    are also filed under the site's own URL, so a replay finds them with or without the
    mirror's ``base_url``. The mirror's origin is the one the file's warcinfo record names
    (``fetched-from``); in files without it, the one origin of a file whose records are all
    from elsewhere than the site's hosts.
    """

    def __init__(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        url_key: UrlKey | None = canonicalize_url,
        home: str | None = None,
        site_hosts: Iterable[str] = (),
    ) -> None:
        # canonicalize_url sorts query arguments and normalises percent-encoding, so
        # ``?b=2&a=1`` finds ``?a=1&b=2``; url_key=None matches exact URLs only.
        self.url_key: UrlKey = url_key or (lambda url: url)
        self.home = home.rstrip("/") if home else None
        self.site_hosts = frozenset(site_hosts)
        self.files = warc_files(paths)
        self.reports: list[FileReport] = []
        self._entries: dict[str, IndexEntry] = {}
        for path in self.files:
            self._scan(path)

    def __len__(self) -> int:
        return len({id(entry) for entry in self._entries.values()})

    def __contains__(self, url: str) -> bool:
        return self.lookup(url) is not None

    def entries(self) -> list[IndexEntry]:
        unique = {id(entry): entry for entry in self._entries.values()}
        return list(unique.values())

    def lookup(self, url: str) -> IndexEntry | None:
        return self._entries.get(self.url_key(url))

    @property
    def damaged(self) -> list[FileReport]:
        """Reports of the files that are not sound (damaged records, or not WARC at all)."""
        return [report for report in self.reports if not report.sound]

    def _scan(self, path: Path) -> None:
        report = FileReport(path, size=path.stat().st_size)
        self.reports.append(report)
        mirror_origin = None
        entries: list[IndexEntry] = []
        for found in walk(path):
            record = report.count(found)
            if record is None:
                continue
            if record.type == "warcinfo":
                mirror_origin = mirror_origin or record.info.get(FETCHED_FROM_FIELD)
            if record.type != "response":
                continue
            entries.append(
                IndexEntry.of(
                    record.headers, path, record.offset, record.length, record.http_status
                )
            )
        self._add(entries, mirror_origin)

    def _add(self, entries: list[IndexEntry], mirror_origin: str | None) -> None:
        """File one WARC file's response records (in file order) under their URLs."""
        if mirror_origin is None:
            mirror_origin = self._mirror_origin(entries)
        for entry in entries:
            if mirror_origin:
                entry = replace(entry, mirror_origin=mirror_origin.rstrip("/"))
            keys = {self.url_key(entry.url)}
            site_url = self._site_url(entry.url, mirror_origin)
            if site_url:
                entry = replace(entry, site_url=site_url)
                keys.add(self.url_key(site_url))
            for key in keys:
                if entry.replaces(self._entries.get(key)):
                    self._entries[key] = entry

    def _mirror_origin(self, entries: list[IndexEntry]) -> str | None:
        """The origin of a file captured from a mirror that did not name itself."""
        if not self.home:
            return None
        origins = set()
        for entry in entries:
            parts = urlsplit(entry.url)
            if parts.hostname in self.site_hosts:
                return None
            origins.add(f"{parts.scheme}://{parts.netloc}")
        return origins.pop() if len(origins) == 1 else None

    def _site_url(self, url: str, mirror_origin: str | None) -> str | None:
        """The site's own URL for a record fetched from its mirror, else None."""
        if not (self.home and mirror_origin):
            return None
        mirror_origin = mirror_origin.rstrip("/")
        if url == mirror_origin or url.startswith(mirror_origin + "/"):
            return self.home + url[len(mirror_origin) :]
        return None

    @staticmethod
    def load(entry: IndexEntry) -> StoredResponse:
        """Read one response record back: status line, headers and raw body."""
        with open(entry.path, "rb") as stream:
            stream.seek(entry.offset)
            record = next(iter(ArchiveIterator(stream)))
            # A damaged member may still decompress into something: only the very record the
            # index found there (its id, a response with its status line) is the capture.
            http = record.http_headers
            if record.rec_headers.get_header("WARC-Record-ID") != entry.record_id or http is None:
                raise ValueError("the record at this offset is not the capture indexed there")
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
        spider = crawler.spider
        index = WarcIndex(
            source,
            home=getattr(spider, "home", None),
            site_hosts=getattr(spider, "site_hosts", ()),
        )
        logger.info(
            "Replaying %d captured URLs from %d WARC file(s) under %s; no network",
            len(index),
            len(index.files),
            ", ".join(source),
        )
        for line in damage_lines(index.damaged):
            logger.warning("Damaged WARC file, read past: %s", line)
        middleware = cls(crawler, index)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.stats.set_value("thinkscrape/replay/indexed", len(self.index))
        self.stats.set_value(
            "thinkscrape/replay/files", [str(path.resolve()) for path in self.index.files]
        )
        damaged = self.index.damaged
        if not damaged:
            return
        figures = damage_figures(damaged)
        for name, value in figures.items():
            self.stats.set_value(f"thinkscrape/replay/{name}", value)
        # Replaying damaged files is not a healthy crawl, whatever else went right.
        check = {"check": DAMAGED_CHECK, "message": damage_message(damaged), **figures}
        self.stats.set_value(FAILED_CHECKS, [*(self.stats.get_value(FAILED_CHECKS) or []), check])

    def process_request(self, request: Request) -> Response:
        entry = self.lookup(request.url)
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
            if name.lower() == "location" and entry.mirror_origin:
                value = _same_origin_as(request.url, value, entry.mirror_origin)
            headers.appendlist(name, value)  # keeps repeated headers such as Set-Cookie
        flags = [REPLAY_FLAG]
        if stored.truncated:
            # As Scrapy marks a body that lost its end when DOWNLOAD_FAIL_ON_DATALOSS is off.
            flags.append("dataloss")
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=stored.body)
        request.meta["capture"] = entry.capture(
            capture_url(self.crawler.spider, entry.site_url or entry.url)
        )
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

    def lookup(self, url: str) -> IndexEntry | None:
        """The record for a requested URL, as requested or as the site's own URL."""
        entry = self.index.lookup(url)
        site_url_of = getattr(self.crawler.spider, "site_url_of", None)
        if entry is None and site_url_of is not None:
            entry = self.index.lookup(site_url_of(url))
        return entry


def _same_origin_as(request_url: str, location: str, mirror_origin: str) -> str:
    """A redirect a mirror sent to itself, pointed at the origin being replayed instead.

    Replayed by the site's URL (or another mirror's), a redirect naming the recording
    mirror would lead the crawl off its own origins.
    """
    if location == mirror_origin or location.startswith(mirror_origin + "/"):
        parts = urlsplit(request_url)
        return f"{parts.scheme}://{parts.netloc}{location[len(mirror_origin) :]}"
    return location


DAMAGED_CHECK = "damaged_warc"


def damage_figures(reports: Iterable[FileReport]) -> dict[str, int]:
    """Counts of what damaged files made a reader skip (the ``thinkscrape/replay/`` stats)."""
    reports = list(reports)
    warc = [report for report in reports if not report.not_warc]
    return {
        "damaged_records": sum(len(report.damage) for report in warc),
        "skipped_bytes": sum(report.skipped_bytes for report in warc),
        "not_warc_files": sum(1 for report in reports if report.not_warc),
    }


def damage_message(reports: Iterable[FileReport]) -> str:
    """One sentence on what was skipped, naming the files."""
    reports = list(reports)
    figures = damage_figures(reports)
    parts = []
    if figures["damaged_records"]:
        names = ", ".join(str(r.path) for r in reports if not r.not_warc)
        parts.append(
            f"{figures['damaged_records']} damaged stretch(es) of WARC records skipped "
            f"({figures['skipped_bytes']:,} bytes) in {names}"
        )
    if figures["not_warc_files"]:
        names = ", ".join(str(r.path) for r in reports if r.not_warc)
        parts.append(f"{figures['not_warc_files']} file(s) are not WARC files: {names}")
    return "; ".join(parts) + " (thinkscrape warc check FILE names each problem)"


def damage_lines(reports: Iterable[FileReport], limit: int = 20) -> list[str]:
    """The problems of damaged files, one per line, at most ``limit`` and a count of the rest."""
    lines = [line for report in reports for line in report.problems()]
    if len(lines) > limit:
        lines = [*lines[:limit], f"... and {len(lines) - limit} more"]
    return lines
