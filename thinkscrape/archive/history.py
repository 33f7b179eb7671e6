"""What each crawl did, read back from the archive: the ``crawls`` rows and their stats.

One summary per crawl (``summarise``): how many publications were new, changed, unchanged,
gone or dropped, how many requests and errors it took, its failed checks with their
reasons, and the holes it left. ``thinkscrape crawls`` prints these.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlite_utils

from thinkscrape.archive.schema import write_transaction

# Outcome of each publication a crawl handled -> the stats key that counts it.
OUTCOME_STATS = {
    "new": "thinkscrape/archive/new",
    "changed": "thinkscrape/archive/changed",
    "unchanged": "thinkscrape/archive/unchanged",
    "gone": "thinkscrape/archive/gone",
    "dropped": "item_dropped_count",
}


# Changes recorded per URL in ``crawl_changes``.
RECORDED_CHANGES = ("new", "changed", "gone")
# (crawl_id, url, change); the store runs it in the transaction that makes the change
RECORD_CHANGE = (
    "INSERT INTO crawl_changes (crawl_id, url, change) VALUES (?, ?, ?)"
    " ON CONFLICT (crawl_id, url) DO UPDATE SET change = excluded.change"
)


def record_change(db: sqlite_utils.Database, crawl_id: int, url: str, change: str) -> None:
    """Record that crawl ``crawl_id`` added (``new``), changed or found ``gone`` ``url``."""
    if change not in RECORDED_CHANGES:
        raise ValueError(f"not a recorded change: {change!r}")
    with write_transaction(db):
        db.conn.execute(RECORD_CHANGE, [crawl_id, url, change])


def changes(db: sqlite_utils.Database, crawl_id: int) -> dict[str, list[str]]:
    """The URLs crawl ``crawl_id`` added, changed and found gone (none for an archive
    written before changes were recorded)."""
    found: dict[str, list[str]] = {change: [] for change in RECORDED_CHANGES}
    if not db["crawl_changes"].exists():
        return found
    rows = db.execute(
        "SELECT change, url FROM crawl_changes WHERE crawl_id = ? ORDER BY change, url",
        [crawl_id],
    )
    for change, url in rows:
        found.setdefault(change, []).append(url)
    return found


def outcome_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """new / changed / unchanged / gone / dropped, and ``missing`` (holes left to retry)."""
    counts = {name: int(stats.get(key) or 0) for name, key in OUTCOME_STATS.items()}
    counts["missing"] = int(stats.get("thinkscrape/missing/left") or 0)
    counts["given_up"] = int(stats.get("thinkscrape/missing/given_up") or 0)
    return counts


def outcome_phrase(stats: Mapping[str, Any]) -> str:
    """``3 new, 2 changed, 110 unchanged, 0 gone, 0 dropped; 0 missing``."""
    counts = outcome_counts(stats)
    phrase = (
        f"{counts['new']} new, {counts['changed']} changed, {counts['unchanged']} unchanged, "
        f"{counts['gone']} gone, {counts['dropped']} dropped; {counts['missing']} missing"
    )
    if counts["given_up"]:
        phrase += f", {counts['given_up']} given up"
    return phrase


def summarise(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ``crawls`` row as its figures: counts, requests, errors, failed checks."""
    try:
        stats = json.loads(row.get("stats") or "{}")
    except ValueError:
        stats = {}
    return {
        "id": row["id"],
        # whether the stats count outcomes (archives of older versions only kept a total)
        "counted": any(key in stats for key in ("finish_reason", *OUTCOME_STATS.values())),
        "stored": int(row.get("items_stored") or 0),
        "spider": row["spider"],
        "started": row["started"],
        "finished": row["finished"],
        "finish_reason": row["finish_reason"],
        "status": row["status"],
        "exit_code": row["exit_code"],
        **outcome_counts(stats),
        "dropped": int(stats.get("item_dropped_count") or row.get("items_dropped") or 0),
        "requests": int(stats.get("downloader/request_count") or 0),
        "errors": int(row.get("errors") or stats.get("log_count/ERROR") or 0),
        "failed_checks": [
            {"check": check.get("check"), "message": check.get("message")}
            for check in stats.get("thinkscrape/health/failed_checks") or []
        ],
        "nothing_new": stats.get("thinkscrape/nothing_new"),
        # the first publications it left missing, with why (all are in missing_publications)
        "missing_urls": list(stats.get("thinkscrape/missing/urls") or []),
    }


_CRAWL_COLUMNS = (
    "id, spider, started, finished, finish_reason, status, exit_code, errors, items_stored,"
    " items_dropped, stats"
)


def recent(
    db: sqlite_utils.Database, limit: int = 10, *, spider: str | None = None
) -> list[dict[str, Any]]:
    """The last ``limit`` crawls, of one site's spider if ``spider`` is given, newest first."""
    where, params = ("WHERE spider = ?", [spider]) if spider is not None else ("", [])
    rows = db.query(
        f"SELECT {_CRAWL_COLUMNS} FROM crawls {where} ORDER BY id DESC LIMIT ?",
        [*params, max(limit, 0)],
    )
    return [summarise(row) for row in rows]


def crawl(db: sqlite_utils.Database, crawl_id: int) -> dict[str, Any] | None:
    """One crawl's summary, or None if there is no such crawl."""
    rows = list(db.query(f"SELECT {_CRAWL_COLUMNS} FROM crawls WHERE id = ?", [crawl_id]))
    return summarise(rows[0]) if rows else None


def previous_crawl(
    db: sqlite_utils.Database, spider: str, running: int | None = None
) -> dict[str, Any] | None:
    """The last crawl of ``spider`` before the running one (``running`` is its id, if any):
    its ``started``, ``finish_reason`` and its ``stats`` read back as a dict; None if there
    was none."""
    earlier = crawls_before(db, spider, running, limit=1)
    return earlier[0] if earlier else None


def crawls_before(
    db: sqlite_utils.Database, spider: str, running: int | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """The last ``limit`` crawls of ``spider`` before the running one, newest first, each as
    its ``started``, ``finish_reason`` and ``stats`` (a dict)."""
    rows = db.query(
        "SELECT started, finish_reason, stats FROM crawls WHERE spider = ? AND id < ?"
        " ORDER BY id DESC LIMIT ?",
        [spider, running if running is not None else 2**62, max(limit, 0)],
    )
    return [
        {
            "started": row["started"],
            "finish_reason": row["finish_reason"],
            "stats": json.loads(row["stats"] or "{}"),
        }
        for row in rows
    ]


def last_crawl_stats(db_path: str | os.PathLike[str], spider: str) -> dict[str, Any] | None:
    """The stats of the latest crawl of ``spider`` in the archive file at ``db_path``, read
    without writing; None when there is no such file, crawl or stats."""
    if not Path(db_path).exists():
        return None
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = connection.execute(
            "SELECT stats FROM crawls WHERE spider = ? ORDER BY id DESC LIMIT 1", [spider]
        ).fetchone()
    finally:
        connection.close()
    return json.loads(row[0]) if row and row[0] else None
