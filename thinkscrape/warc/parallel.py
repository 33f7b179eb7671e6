"""Re-extraction on every core: WARC records read directly, extracted in N processes.

``thinkscrape reextract [--jobs N]`` (``reextract_direct``) does what a replay crawl of the
same files does (``reextract.py``), without the crawl: this process indexes the response
records (``WarcIndex``: damaged records skipped and reported; each one kept decoded in a
temporary spool file, so that it is decompressed once), reads the site's listing pages for
the card each publication was listed with, and hands the publication records, by file and
offset, to N worker processes. Each worker reads its records from the spool (a record of a
damaged file with warcio, content encoding undone), extracts the page with the site's rules
and normalises it with the stages the pipelines run (``normalize.stages.normalize_all``);
this process, the one writer, holds the archive's lock and stores what they return, in
record order, in batches.
A replay crawl's rows and these are the same (``tests/test_reextract_parallel.py``).

What the replay crawl does and this does not: it follows the redirects kept in the files
(here a redirect's target is read from its own record, without the card of the URL
listed), and it reads only the pages its navigation reaches (here every record of a
publication URL is read).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes
from w3lib.encoding import html_to_unicode
from warcio.archiveiterator import ArchiveIterator

from thinkscrape import sites
from thinkscrape.archive.lock import WriterLock
from thinkscrape.archive.schema import open_db
from thinkscrape.archive.store import Archive
from thinkscrape.extensions import progress as progress_line
from thinkscrape.extensions.coverage import FAILED_CHECKS
from thinkscrape.extract.common import PARSE_TRUNCATED
from thinkscrape.items import Gone, Publication
from thinkscrape.normalize import stages
from thinkscrape.site import Site
from thinkscrape.warc.capture import FETCHED_FROM_FIELD
from thinkscrape.warc.check import FileReport
from thinkscrape.warc.reextract import ReextractError, site_of_captures
from thinkscrape.warc.replay import (
    DAMAGED_CHECK,
    IndexEntry,
    WarcIndex,
    damage_figures,
    damage_message,
    warc_files,
)

GONE_STATUSES = (404, 410)
# Publications stored per transaction: one commit per page would cost more than storing it.
BATCH = 64
# Records handed to a worker at a time: fewer round trips, still an even share at the end.
CHUNK = 8


class FastIndex(WarcIndex):
    """``WarcIndex`` reading each file with warcio's own iterator, several times faster
    than the member-by-member walk that finds damage; a file warcio cannot read through is
    walked that way instead, so its damage is skipped and reported as replay reports it.

    With ``spool`` (an open binary file), each response record's status line, headers and
    decoded body are written there as the index reads them (``kept``: where, by the record's
    file and offset), so that the record is not decompressed a second time to be extracted:
    decompressing is most of what reading a record costs."""

    def __init__(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        home: str | None = None,
        site_hosts: Iterable[str] = (),
        spool: BinaryIO | None = None,
    ) -> None:
        self.spool = spool
        self.kept: dict[tuple[Path, int], Kept] = {}
        super().__init__(paths, home=home, site_hosts=site_hosts)

    def _scan(self, path: Path) -> None:
        # warcio reports a member it cannot decompress on stderr and reads on: that, a
        # failure or a file without one record is damage the careful walk names
        complaints = io.StringIO()
        try:
            with contextlib.redirect_stderr(complaints):
                entries, mirror_origin, records = self._records(path)
        except Exception:  # noqa: BLE001 - any failure: the careful walk says what it is
            records = 0
        if not records or complaints.getvalue():
            # what was kept of a damaged file is not read: its records are read one by one
            for key in [key for key in self.kept if key[0] == path]:
                del self.kept[key]
            super()._scan(path)
            return
        self.reports.append(FileReport(path, path.stat().st_size, records, responses=len(entries)))
        self._add(entries, mirror_origin)

    def _records(self, path: Path) -> tuple[list[IndexEntry], str | None, int]:
        """The file's response records, the mirror its warcinfo names, and how many records."""
        entries: list[IndexEntry] = []
        mirror_origin = None
        count = 0
        with open(path, "rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                count += 1
                headers = record.rec_headers
                if record.rec_type == "warcinfo" and mirror_origin is None:
                    info = record.content_stream().read().decode("utf-8", "replace")
                    for line in info.splitlines():
                        name, _, value = line.partition(":")
                        if name.strip() == FETCHED_FROM_FIELD:
                            mirror_origin = value.strip()
                http = record.http_headers if record.rec_type == "response" else None
                kept = (
                    self._keep(record, http)
                    if http is not None and self.spool is not None
                    else None
                )
                # (asking for the offset reads the record to its end: the body is read first)
                offset = records.get_record_offset()
                records.read_to_end(record)
                if kept is not None:
                    self.kept[(path, offset)] = kept
                if record.rec_type != "response":
                    continue
                entries.append(
                    IndexEntry(
                        url=headers.get_header("WARC-Target-URI"),
                        path=path,
                        offset=offset,
                        length=records.get_record_length(),
                        record_id=headers.get_header("WARC-Record-ID"),
                        payload_digest=headers.get_header("WARC-Payload-Digest"),
                        fetched_at=headers.get_header("WARC-Date") or "",
                        status=int(http.get_statuscode()) if http is not None else None,
                    )
                )
        return entries, mirror_origin, count

    def _keep(self, record: Any, http: Any) -> Kept:
        """Write a response's status, headers, WARC-Date and decoded body to the spool."""
        assert self.spool is not None
        body = record.content_stream().read()  # chunking and content encoding undone
        read = (
            int(http.get_statuscode()),
            list(http.headers),
            record.rec_headers.get_header("WARC-Date") or "",
            body,
        )
        data = pickle.dumps(read, protocol=pickle.HIGHEST_PROTOCOL)
        position = self.spool.tell()
        self.spool.write(data)
        return Kept(self.spool.name, position, len(data))


@dataclass(frozen=True)
class Kept:
    """Where the index pass kept a response record, decoded (``FastIndex.spool``)."""

    spool: str
    position: int
    length: int


@dataclass(frozen=True)
class Task:
    """One publication record to read: where, under which URL, with which listing card."""

    site: str
    url: str  # canonical
    path: str
    offset: int
    card: dict[str, Any] | None
    capture: dict[str, Any]
    kept: Kept | None = None


@dataclass(frozen=True)
class Outcome:
    kind: str  # "item", "gone", "dropped" or "skipped"
    url: str
    item: Publication | Gone | None = None
    reason: str = ""


def default_jobs() -> int:
    """Every core this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def reextract_direct(
    db_path: str | os.PathLike[str],
    warc_paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    site: str | None = None,
    jobs: int | None = None,
    wait: bool = False,
    progress: bool = False,
) -> dict[str, Any]:
    """Re-extract every captured publication of ``site`` (default: the registered site
    serving the captured pages) into the archive at ``db_path``, in ``jobs`` processes
    (default: every core; 1 runs in this process). Returns the figures ``reextract`` does:
    ``pages``, ``items``, ``stored`` (outcomes), ``missing`` (0: nothing is asked for),
    ``seconds``, ``pages_per_s``, ``crawl_id``, ``finish_reason``, ``damaged``, ``damage``,
    and ``jobs``. With ``progress``, a live progress line is shown on stderr. Raises
    ``ReextractError``, ``ArchiveLocked`` (unless ``wait``) and ``schema.ArchiveError`` as
    ``reextract`` does."""
    files = warc_files(warc_paths)
    if not files:
        raise ReextractError(f"no WARC files in {warc_paths}")
    name = site or site_of_captures(files)
    try:
        record = sites.get(name)
    except sites.UnknownSite as error:
        raise ReextractError(str(error)) from None
    jobs = jobs or default_jobs()
    lock = WriterLock(db_path)
    lock.acquire(wait=wait)
    try:
        started = time.perf_counter()
        # the records as the index read them, decoded, for the workers (about the files'
        # uncompressed size, on the temporary folder's disk, removed when done)
        with tempfile.NamedTemporaryFile(prefix="thinkscrape-reextract-") as spool:
            index = FastIndex(files, home=record.home, site_hosts=record.hosts, spool=spool)
            spool.flush()
            archive = Archive(open_db(db_path))
            try:
                return _run(archive, index, record, jobs, started, progress)
            finally:
                archive.db.close()
    finally:
        lock.release()


def _run(
    archive: Archive, index: WarcIndex, site: Site, jobs: int, started: float, progress: bool
) -> dict[str, Any]:
    crawl_id = archive.start_crawl(site.name, {"reextract": "direct", "jobs": jobs})
    known = archive.known_urls(site.name)
    listings, publications = _sort(index, site)
    with contextlib.ExitStack() as stack:
        stack.enter_context(_collector_spared())
        pool = None
        if jobs > 1 and len(publications) > CHUNK:
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=jobs))
        found = (listings, publications)
        shown = _Progress(site.name, len(listings) + len(publications)) if progress else None
        return _write(archive, index, site, crawl_id, known, found, pool, jobs, started, shown)


def _write(
    archive: Archive,
    index: WarcIndex,
    site: Site,
    crawl_id: int,
    known: set[str],
    found: tuple[list[tuple[str, IndexEntry]], list[tuple[str, IndexEntry]]],
    pool: Any,
    jobs: int,
    started: float,
    shown: _Progress | None = None,
) -> dict[str, Any]:
    listings, publications = found
    cards = _cards(listings, site, pool, index)
    kept = index.kept if isinstance(index, FastIndex) else {}
    tasks = [
        Task(
            site.name,
            url,
            str(entry.path),
            entry.offset,
            cards.get(url),
            entry.capture(url),
            kept.get((entry.path, entry.offset)),
        )
        for url, entry in publications
    ]
    stats: dict[str, Any] = {"thinkscrape/replay/responses": len(listings) + len(tasks)}
    items = 0
    batch: list[Publication] = []

    def flush() -> None:
        for _, outcome in archive.store_many(batch, crawl_id):
            _count(stats, f"thinkscrape/archive/{outcome}")
        batch.clear()

    for done, outcome in enumerate(_extracted(tasks, pool), start=len(listings) + 1):
        if shown is not None:
            shown.update(done, items)
        if outcome.kind == "item":
            items += 1
            batch.append(outcome.item)
            if len(batch) >= BATCH:
                flush()
        elif outcome.kind == "gone" and outcome.url in known:
            gone = outcome.item
            if archive.mark_gone(gone.url, when=gone.fetched_at, crawl_id=crawl_id):
                _count(stats, "thinkscrape/archive/gone")
        elif outcome.kind == "dropped":
            archive.record_dropped(
                outcome.url, site=site.name, reason=outcome.reason, crawl_id=crawl_id
            )
            _count(stats, "item_dropped_count")
        else:
            _count(stats, f"thinkscrape/reextract/skipped/{outcome.reason}")
    flush()
    if shown is not None:
        shown.update(len(listings) + len(tasks), items, final=True)

    damaged = damage_figures(index.damaged)
    damage = damage_message(index.damaged) if index.damaged else None
    stats.update({f"thinkscrape/replay/{key}": value for key, value in damaged.items()})
    if damage:
        # as a replay crawl of damaged files: not healthy, whatever else went right
        stats[FAILED_CHECKS] = [{"check": DAMAGED_CHECK, "message": damage, **damaged}]
    seconds = time.perf_counter() - started
    archive.finish_crawl(
        crawl_id,
        finish_reason="finished",
        items_stored=items,
        items_dropped=int(stats.get("item_dropped_count", 0)),
        errors=0,
        stats=stats,
        status="failed" if damage else "ok",
    )
    pages = stats["thinkscrape/replay/responses"]
    return {
        "crawl_id": crawl_id,
        "finish_reason": "finished",
        "pages": pages,
        "items": items,
        "stored": {
            key.removeprefix("thinkscrape/archive/"): value
            for key, value in stats.items()
            if key.startswith("thinkscrape/archive/")
        },
        "missing": 0,
        "damaged": damaged,
        "damage": damage,
        "seconds": seconds,
        "pages_per_s": pages / seconds if seconds else 0.0,
        "jobs": jobs,
    }


class _Progress:
    """The crawl's progress line (pages, stored, rate, what is left), redrawn every second."""

    def __init__(self, site: str, pages: int) -> None:
        self.site, self.pages = site, pages
        self.started = self.shown = time.monotonic()

    def update(self, done: int, stored: int, *, final: bool = False) -> None:
        now = time.monotonic()
        if final or now - self.shown >= 1.0:
            self.shown = now
            left = None if final else self.pages - done
            line = progress_line.progress_line(self.site, done, stored, now - self.started, left)
            progress_line.show_line(sys.stderr, line, final)


@contextlib.contextmanager
def _collector_spared() -> Iterator[None]:
    """Leave the objects alive now (modules, the sites' rules, the index) out of the garbage
    collector's full passes while pages are read: each page makes and drops thousands of
    objects, and every full pass would walk all of those again (a tenth of a page's time).
    Worker processes forked inside inherit it."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _count(stats: dict[str, Any], key: str) -> None:
    stats[key] = stats.get(key, 0) + 1


def _sort(
    index: WarcIndex, site: Site
) -> tuple[list[tuple[str, IndexEntry]], list[tuple[str, IndexEntry]]]:
    """The site's listing pages and its publications among the records, in file order,
    each under its canonical URL (the newest record of a URL, as replay reads)."""
    listings, publications = [], []
    for entry in sorted(index.entries(), key=lambda e: (str(e.path), e.offset)):
        url = site.canonical_url(entry.site_url or entry.url)
        if url is None:
            continue
        if site.listing_index(url) is not None:
            listings.append((url, entry))
        elif site.classify(url) is not None:
            publications.append((url, entry))
    return listings, publications


def _cards(
    listings: list[tuple[str, IndexEntry]], site: Site, pool: Any, index: WarcIndex
) -> dict[str, Any]:
    """Each publication's listing card, from the first listing page that shows it."""
    kept = index.kept if isinstance(index, FastIndex) else {}
    pages = [
        (
            site.name,
            entry.site_url or entry.url,
            str(entry.path),
            entry.offset,
            kept.get((entry.path, entry.offset)),
        )
        for _, entry in listings
    ]
    cards: dict[str, dict[str, Any]] = {}
    found_pages = pool.map(listing_cards, pages) if pool is not None else map(listing_cards, pages)
    for found in found_pages:
        for link, card in found:
            cards.setdefault(link, card)
    return cards


def listing_cards(
    page: tuple[str, str, str, int, Kept | None],
) -> list[tuple[str, dict[str, Any]]]:
    """(publication URL, card) of one listing page, in page order (in a worker process)."""
    name, fetched, path, offset, kept = page
    # the page's site URL as fetched (not canonical), as the spider reads it
    read = _read(path, offset, fetched, kept)
    if read is None or read[0] != 200 or not isinstance(read[3], str):
        return []
    site = _site(name)
    # only the cards and the links they are matched with: the pager and the "Showing" line
    # (what the spider's navigation reads) would cost a third of the page's time
    page = site.listing_page(site, fetched, read[3])
    if page.blocked:
        return []
    shown = {card["url"]: card for card in page.cards()}
    return [
        (link, {**shown[link], "listing_url": fetched})
        for link in page.publication_links()
        if link in shown
    ]


def _extracted(tasks: list[Task], pool: Any) -> Iterator[Outcome]:
    """Each task's outcome, in task order."""
    if pool is None:
        return map(extract_task, tasks)
    return pool.map(extract_task, tasks, chunksize=CHUNK)


@cache
def _site(name: str) -> Site:
    return sites.get(name)


def extract_task(task: Task) -> Outcome:
    """Read one publication record, extract and normalise it (in a worker process)."""
    page = _read(task.path, task.offset, task.url, task.kept)
    if page is None:
        return Outcome("skipped", task.url, reason="unreadable")
    status, headers, warc_date, text = page
    fetched_at = _fetched_at(headers, warc_date)
    if status in GONE_STATUSES:
        site = _site(task.site)
        return Outcome("gone", task.url, Gone(task.url, site.name, status, fetched_at))
    if not isinstance(text, str):
        return Outcome("skipped", task.url, reason="not_html")
    site = _site(task.site)
    fields = site.extract_article(task.url, text)
    fields.pop(PARSE_TRUNCATED, None)
    pub = Publication(
        **fields, listing=task.card, fetched_at=fetched_at, status=status, capture=task.capture
    )
    if not (pub.title or "").strip():
        return Outcome("dropped", pub.url, reason=f"no title on {pub.url}")
    reference = stages.reference_time(pub.fetched_at)
    for result in stages.normalize_all(pub.raw(), site=site, reference=reference).values():
        stages.apply(pub, result)
    return Outcome("item", pub.url, pub)


def _read(
    path: str, offset: int, url: str, kept: Kept | None = None
) -> tuple[int, Headers, str, str | None] | None:
    """A response record's status, headers, WARC-Date and text (None: not text), from
    where the index kept it, else from its WARC file."""
    found = _kept(kept) if kept is not None else _record(path, offset)
    if found is None:
        return None
    status, pairs, warc_date, body = found
    headers = Headers()
    for name, value in pairs:
        headers.appendlist(name, value)
    # the class Scrapy would make of it: a page the spider would read as text, or not
    kind = responsetypes.from_args(headers=headers, url=url, body=body)
    if not issubclass(kind, TextResponse):
        return status, headers, warc_date, None
    content_type = headers.get(b"Content-Type")
    text = html_to_unicode(content_type.decode("latin-1") if content_type else None, body)[1]
    return status, headers, warc_date, text


Read = tuple[int, list[tuple[str, str]], str, bytes]  # status, headers, WARC-Date, body


def _record(path: str, offset: int) -> Read | None:
    """A response record read from its WARC file (None: unreadable, or no HTTP response)."""
    try:
        with open(path, "rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))
            http = record.http_headers
            if http is None:
                return None
            body = record.content_stream().read()  # chunking and content encoding undone
            warc_date = record.rec_headers.get_header("WARC-Date") or ""
    except (OSError, StopIteration, ValueError):
        return None
    return int(http.get_statuscode()), list(http.headers), warc_date, body


def _kept(kept: Kept) -> Read | None:
    """A response record as the index pass kept it."""
    try:
        with open(kept.spool, "rb") as stream:
            stream.seek(kept.position)
            return pickle.loads(stream.read(kept.length))
    except (OSError, pickle.UnpicklingError, EOFError):
        return None


def _fetched_at(headers: Headers, warc_date: str) -> str:
    """The response's Date, as the spider reads it; else the record's WARC-Date."""
    header = headers.get(b"Date")
    if header:
        try:
            when = parsedate_to_datetime(header.decode("latin-1"))
            return when.astimezone(dt.UTC).isoformat(timespec="seconds")
        except (TypeError, ValueError):
            pass
    when = dt.datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")
