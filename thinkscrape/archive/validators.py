"""The HTTP validators of pages already stored: the ``http_validators`` table.

One row per page (url, etag, last_modified, status, checked), read whole when a crawl
opens and written once when it closes (``middlewares/conditional.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from thinkscrape.archive.schema import open_db, opened, write_transaction

TABLE = "http_validators"


def read_all(db_path: str | Path) -> dict[str, dict[str, Any]]:
    """Every stored page's validators row by its URL. Raises ArchiveError for an archive
    that cannot be opened."""
    db = open_db(db_path)
    try:
        return {row["url"]: row for row in db[TABLE].rows}
    finally:
        db.close()


def save(db_path: str | Path, rows: list[dict[str, Any]]) -> None:
    """Insert or replace these rows, keyed by URL, in one transaction. Raises ArchiveError
    or sqlite3.Error when the archive cannot take them."""
    with opened(db_path) as db, write_transaction(db):
        db[TABLE].upsert_all(rows, pk="url")
