"""Publications a crawl was shown but did not store: remembered, retried, never forgotten.

A listing shows a publication; fetching or storing it fails (an HTTP error after Scrapy's
retries, a redirect that was not followed, a write SQLite refused). Nothing else in the archive
would remember it: an incremental crawl stops paginating at the first listing page that
shows archived publications, so a publication deeper in a listing would never be asked for
again. Each such URL gets a row in ``missing_publications``:

- ``status``: ``missing`` (the next crawl asks for it again), ``given_up`` (it failed
  ``attempts`` times, the retry cap; only a ``full=1`` or ``refresh=1`` crawl asks again),
  ``stored`` or ``dropped`` (a later crawl stored it, or found it genuinely unarchivable);
- ``attempts``: crawls whose request for it failed; ``last_error``: why, the last time;
- ``first_listed`` / ``last_listed``, ``first_crawl_id`` / ``last_crawl_id``,
  ``resolved_crawl_id``: when and by which crawls it was listed, and stored or dropped;
- ``listing``: the listing card it was shown with (JSON), so a retry stores the same row a
  crawl that never failed would have stored.

Rows are never deleted: a hole that was filled stays on record with the crawl that filled it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from thinkscrape.archive.schema import write_transaction
from thinkscrape.archive.store import to_json, utc_now

TABLE = "missing_publications"
MISSING = "missing"
GIVEN_UP = "given_up"
STORED = "stored"
DROPPED = "dropped"


@dataclass(frozen=True)
class Hole:
    """A URL a crawl wanted and did not store, and what is known about why."""

    url: str
    error: str
    attempt: bool  # False when it was never asked for (the crawl stopped first)
    listed: bool  # shown on a listing in this crawl (not only asked for again)
    listing: dict[str, Any] | None = None


def to_retry(db: sqlite_utils.Database, site: str) -> list[tuple[str, dict[str, Any] | None]]:
    """URLs of ``site`` still missing (not given up), each with its listing card."""
    rows = db.execute(
        f"SELECT url, listing FROM {TABLE} WHERE site = ? AND status = ?"
        " AND url NOT IN (SELECT url FROM publications) ORDER BY first_listed, url",
        [site, MISSING],
    )
    return [(url, json.loads(listing) if listing else None) for url, listing in rows]


def given_up(db: sqlite_utils.Database, site: str) -> set[str]:
    """URLs of ``site`` no longer asked for by default: they failed too many times."""
    rows = db.execute(f"SELECT url FROM {TABLE} WHERE site = ? AND status = ?", [site, GIVEN_UP])
    return {url for (url,) in rows}


def settle(
    db: sqlite_utils.Database,
    *,
    site: str,
    crawl_id: int | None,
    stored: Iterable[str],
    holes: Iterable[Hole],
    max_attempts: int,
) -> dict[str, int]:
    """Record what a crawl of ``site`` left missing and what it filled; figures for its stats.

    ``stored`` are the listed URLs this crawl stored (also under another URL after a
    redirect); rows of URLs now in ``publications`` or ``dropped_pages`` are resolved too,
    whichever crawl archived them. Returns ``recovered`` (rows resolved now), ``missing``
    (holes left to retry) and ``given_up`` (holes that reached ``max_attempts`` now).
    """
    now = utc_now()
    figures = {"recovered": 0, "missing": 0, "given_up": 0}
    with write_transaction(db):
        execute = db.conn.execute
        stored = list(stored)
        figures["recovered"] += execute(
            f"UPDATE {TABLE} SET status = ?, resolved_crawl_id = ?"
            f" WHERE status IN (?, ?) AND url IN (SELECT value FROM json_each(?))",
            [STORED, crawl_id, MISSING, GIVEN_UP, json.dumps(stored)],
        ).rowcount
        for status, table in ((STORED, "publications"), (DROPPED, "dropped_pages")):
            figures["recovered"] += execute(
                f"UPDATE {TABLE} SET status = ?, resolved_crawl_id = ? WHERE site = ?"
                f" AND status IN (?, ?) AND url IN (SELECT url FROM {table})",
                [status, crawl_id, site, MISSING, GIVEN_UP],
            ).rowcount
        for hole in holes:
            attempt = int(hole.attempt)
            execute(
                f"""
                INSERT INTO {TABLE} (url, site, status, attempts, last_error, first_listed,
                  last_listed, first_crawl_id, last_crawl_id, listing)
                VALUES (:url, :site, :status, :attempt, :error, :now, :listed, :crawl,
                  :crawl, :listing)
                ON CONFLICT (url) DO UPDATE SET
                  attempts = attempts + :attempt, last_error = :error,
                  last_listed = coalesce(:listed, last_listed), last_crawl_id = :crawl,
                  listing = coalesce(:listing, listing), resolved_crawl_id = NULL,
                  status = CASE WHEN attempts + :attempt >= :cap THEN :gave_up ELSE :status END
                """,
                {
                    "url": hole.url,
                    "site": site,
                    "status": MISSING if attempt < max_attempts else GIVEN_UP,
                    "attempt": attempt,
                    "error": hole.error,
                    "now": now,
                    "listed": now if hole.listed else None,
                    "crawl": crawl_id,
                    "listing": None if hole.listing is None else to_json(hole.listing),
                    "cap": max_attempts,
                    "gave_up": GIVEN_UP,
                },
            )
            status = execute(f"SELECT status FROM {TABLE} WHERE url = ?", [hole.url]).fetchone()
            figures["given_up" if status[0] == GIVEN_UP else "missing"] += 1
    return figures


def unresolved(db: sqlite_utils.Database, site: str | None = None) -> list[dict[str, Any]]:
    """Every URL still missing or given up (of ``site``, or of every site), oldest first.

    An archive written before holes were recorded has none on record.
    """
    if not db[TABLE].exists():
        return []
    where = "status IN (?, ?)" + (" AND site = ?" if site else "")
    params: list[Any] = [MISSING, GIVEN_UP, *([site] if site else [])]
    cursor = db.execute(
        f"SELECT url, site, status, attempts, last_error, first_listed, last_listed,"
        f" last_crawl_id FROM {TABLE} WHERE {where} ORDER BY status DESC, first_listed, url",
        params,
    )
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor]
