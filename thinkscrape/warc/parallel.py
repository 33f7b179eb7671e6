"""Re-extraction on every core: WARC records read directly, extracted in N processes.

``thinkscrape reextract [--jobs N]`` (``reextract_direct``) does what a replay crawl of the
same files does (``reextract.py``), without the crawl: the response records are indexed
(``fast_index.FastIndex``: a large file in N parts by the worker processes; damaged records
skipped and reported; each one kept decoded in a temporary spool file, so that it is
decompressed once), this process reads the site's listing pages for the card each
publication was listed with, and hands the publication records, by file and offset, to N
worker processes. Each worker reads its records from the spool (a record of a
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
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any

from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes
from w3lib.encoding import html_to_unicode

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
from thinkscrape.warc.fast_index import FastIndex, Kept, read_at, read_kept
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
        with contextlib.ExitStack() as stack:
            # the records as the index read them, decoded, for the workers (about the
            # files' uncompressed size, on the temporary folder's disk, removed when done)
            spool = stack.enter_context(tempfile.TemporaryDirectory(prefix="thinkscrape-"))
            stack.enter_context(_collector_spared())
            # (its processes start with the first task given them: none for a small run)
            pool = stack.enter_context(ProcessPoolExecutor(jobs)) if jobs > 1 else None
            # records filed under their exact URLs: the publications' newest records are
            # picked by canonical URL below (a canonicalised key per record cost a tenth of
            # the index pass)
            index = FastIndex(
                files,
                home=record.home,
                site_hosts=record.hosts,
                spool=spool,
                pool=pool,
                parts=jobs,
                url_key=None,
            )
            archive = Archive(open_db(db_path))
            stack.callback(archive.db.close)
            return _run(archive, index, record, pool, jobs, started, progress)
    finally:
        lock.release()


def _run(
    archive: Archive,
    index: WarcIndex,
    site: Site,
    pool: Any,
    jobs: int,
    started: float,
    progress: bool,
) -> dict[str, Any]:
    crawl_id = archive.start_crawl(site.name, {"reextract": "direct", "jobs": jobs})
    known = archive.known_urls(site.name)
    listings, publications = _sort(index, site)
    with _collector_spared():  # again: what the index pass made is spared too
        if len(publications) <= CHUNK:
            pool = None  # not worth a process
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
    each under its canonical URL: every listing page, and each publication's newest record
    (as replay reads it; of two records the same day, the later in the files)."""
    listings: list[tuple[str, IndexEntry]] = []
    publications: dict[str, IndexEntry] = {}
    for entry in sorted(index.entries(), key=lambda e: (str(e.path), e.offset)):
        url = site.canonical_url(entry.site_url or entry.url)
        if url is None:
            continue
        if site.listing_index(url) is not None:
            listings.append((url, entry))
        elif site.classify(url) is not None:
            if entry.replaces(publications.get(url)):
                publications[url] = entry
    return listings, list(publications.items())


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
    # (a card's title link is one of the page's publication links, so the cards alone
    # are what the spider matches them with)
    return [(card["url"], {**card, "listing_url": fetched}) for card in page.cards()]


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
    found = read_kept(kept) if kept is not None else read_at(path, offset)
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
