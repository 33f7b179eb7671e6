"""Rebuild an archive's extracted fields from kept WARC files, fetching nothing.

After a selector fix, ``reextract("data/thinktanks.db", "data/warc")`` runs the spider again
in replay mode (``THINKSCRAPE_REPLAY``): the same navigation, extraction, pipelines and
archive as a live crawl, every response read from the WARC files. Publications are updated
in place through the archive (earlier versions kept, as on any re-crawl); captures are linked
to them again; nothing new is written to WARC.

Why a replay crawl and not a loop over the records calling the extraction function: the
crawl gives each article its listing card, resolves mirror URLs, tells listing pages from
articles, decodes content-encoded bodies and handles gone pages exactly as the live crawl
did. ``python -m benchmarks.warc_capture --reextract`` measures both on a generated mirror:
317 pages in 10.0 s (32 pages/s) by replay against 6.6 s for the direct loop on an idle
machine; with 1,000 publications the gap shrinks to 1.17x (12.0 against 14.0 pages/s on a
loaded machine), since most of it is the child process starting. Per page, the time goes to
name normalisation, extraction and SQLite, which both designs share. A second copy of the
spider's logic is not worth that difference: the first draft of the direct loop silently
took 14 press releases for listing pages.

The crawl runs as ``scrapy crawl`` in a child process (Twisted's reactor runs once per
process). The child takes the archive's lock (``<db>.lock``) itself, in its archive pipeline,
as every crawl does: the lock is held by the process that writes, so killing this one leaves
no writer running unlocked.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from thinkscrape import sites
from thinkscrape.archive import history
from thinkscrape.archive.lock import ArchiveLocked, WriterLock
from thinkscrape.archive.schema import open_db
from thinkscrape.pipelines.archive import ARCHIVE_LOCKED
from thinkscrape.warc.check import Record, walk
from thinkscrape.warc.replay import DAMAGED_CHECK, warc_files

logger = logging.getLogger(__name__)

# Settings of the replay crawl: no politeness delays (nothing is fetched), no new WARC.
REPLAY_SETTINGS = {
    "THINKSCRAPE_WARC_DIR": "",
    "THINKSCRAPE_CONDITIONAL": "False",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "RETRY_ENABLED": "False",
}


class ReextractError(RuntimeError):
    pass


def reextract(
    db_path: str | os.PathLike[str],
    warc_paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    site: str | None = None,
    spider_args: Mapping[str, str] | None = None,
    settings: Mapping[str, str] | None = None,
    wait: bool = False,
    progress: bool = False,
) -> dict[str, Any]:
    """Re-extract every captured publication of ``site`` into the archive at ``db_path``.

    ``site`` is a registered site's name; without it, the site whose hosts served the
    captured pages (``site_of_captures``).

    Returns the replay crawl's figures: ``pages`` (responses replayed), ``stored`` (archive
    outcomes, e.g. ``{"unchanged": 290, "updated": 10}``), ``missing`` (URLs the spider
    asked for that were never captured), ``seconds``, ``pages_per_s``, ``crawl_id`` and
    ``finish_reason``, and what damaged WARC files made it skip: ``damaged`` (counts of
    ``damaged_records``, ``skipped_bytes``, ``not_warc_files``) and ``damage`` (a sentence
    naming the files, None when every file was sound). Raises ``ReextractError`` if the
    crawl could not run, ``ArchiveLocked`` if another writer holds the archive's lock
    (unless ``wait``), and ``schema.ArchiveError`` if the archive cannot be written.
    With ``progress``, the crawl's progress line is shown on this process's stderr.
    """
    files = warc_files(warc_paths)
    if not files:
        raise ReextractError(f"no WARC files in {warc_paths}")
    if site is None:
        site = site_of_captures(files)
    else:
        try:
            sites.get(site)
        except sites.UnknownSite as error:
            raise ReextractError(str(error)) from None
    # Replay files records captured from a mirror under the site's own URLs too, so the
    # spider asks for the site's pages whichever origin served them.
    args = {"refresh": "1", **(spider_args or {})}
    crawl_settings = {
        **REPLAY_SETTINGS,
        **(settings or {}),
        "THINKSCRAPE_DB": str(db_path),
        "THINKSCRAPE_REPLAY": ",".join(str(path) for path in files),
    }
    command = [sys.executable, "-m", "scrapy", "crawl", site]
    for name, value in args.items():
        command += ["-a", f"{name}={value}"]
    for name, value in crawl_settings.items():
        command += ["-s", f"{name}={value}"]

    done, seconds = _run_replay(command, db_path, wait=wait, progress=progress)
    if done.returncode != 0:
        raise ReextractError(
            f"replay crawl failed (exit {done.returncode}):\n{done.stderr[-4000:]}"
        )
    stats = history.last_crawl_stats(db_path, site)
    if stats is None:
        raise ReextractError(f"replay crawl left no crawl record:\n{done.stderr[-4000:]}")
    pages = int(stats.get("thinkscrape/replay/responses", 0))
    return {
        "crawl_id": stats.get("thinkscrape/crawl_id"),
        "finish_reason": stats.get("finish_reason"),
        "pages": pages,
        "items": int(stats.get("item_scraped_count", 0)),
        "stored": {
            key.removeprefix("thinkscrape/archive/"): value
            for key, value in stats.items()
            if key.startswith("thinkscrape/archive/")
        },
        "missing": int(stats.get("thinkscrape/replay/missing", 0)),
        # What damaged or foreign WARC files made replay skip; the message names the files.
        "damaged": {
            name: int(stats.get(f"thinkscrape/replay/{name}", 0))
            for name in ("damaged_records", "skipped_bytes", "not_warc_files")
        },
        "damage": next(
            (
                check["message"]
                for check in stats.get("thinkscrape/health/failed_checks") or []
                if check.get("check") == DAMAGED_CHECK
            ),
            None,
        ),
        "seconds": seconds,
        "pages_per_s": pages / seconds if seconds else 0.0,
    }


def site_of_captures(files: Iterable[Path]) -> str:
    """The name of the registered site whose hosts served the pages captured in ``files``.

    A file holds one crawl of one site, so its first page on a registered site's host names
    it. Raises ReextractError when no registered site serves them, or several do.
    """
    by_host = {host: site.name for site in sites.all_sites().values() for host in site.hosts}
    found: set[str] = set()
    unknown: set[str] = set()
    for path in files:
        for record in walk(path):
            if not isinstance(record, Record) or record.type != "response":
                continue
            host = urlsplit(record.headers.get_header("WARC-Target-URI") or "").hostname or ""
            if host in by_host:
                found.add(by_host[host])
                break
            unknown.add(host)
    if len(found) == 1:
        return found.pop()
    if found:
        raise ReextractError(
            f"The WARC files hold pages of several sites ({', '.join(sorted(found))}); "
            "re-extract them one site at a time."
        )
    raise ReextractError(
        f"No registered site serves the captured pages (hosts: {', '.join(sorted(unknown))}); "
        f"name the site they are a capture of (known: {', '.join(sites.names())})."
    )


def _run_replay(
    command: list[str], db_path: str | os.PathLike[str], *, wait: bool, progress: bool = False
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the replay crawl once no other writer holds the archive's lock; (result, seconds).

    The crawl takes the lock itself. Should another writer take it between this check and
    the crawl's start, the crawl stops before writing anything: it is run again after
    that writer with ``wait``, else ``ArchiveLocked`` is raised. An archive that cannot be
    written (not a SQLite file, read-only, of a newer version) raises ``ArchiveError``
    here, with its reason, before the crawl starts.
    """
    lock = WriterLock(db_path)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "thinkscrape.settings"}
    while True:
        lock.acquire(wait=wait)
        try:
            open_db(db_path).close()
        finally:
            lock.release()
        started = time.perf_counter()
        done = _run_child(command, env, progress)
        if f"({ARCHIVE_LOCKED})" not in done.stderr:
            return done, time.perf_counter() - started
        if not wait:
            raise ArchiveLocked(db_path, lock.path)


def _run_child(
    command: list[str], env: dict[str, str], progress: bool
) -> subprocess.CompletedProcess[str]:
    """Run the crawl, its output captured; with ``progress`` its progress line goes to a copy
    of this process's stderr (the child's own stderr is the log, read here)."""
    if not progress:
        return subprocess.run(command, env=env, capture_output=True, text=True)
    terminal = os.dup(sys.stderr.fileno())
    try:
        shown = ["-s", "THINKSCRAPE_PROGRESS=True", "-s", f"THINKSCRAPE_PROGRESS_FD={terminal}"]
        return subprocess.run(
            [*command, *shown], env=env, capture_output=True, text=True, pass_fds=(terminal,)
        )
    finally:
        os.close(terminal)
