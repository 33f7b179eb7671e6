"""Turn items into archive rows: idempotent, versioned, one identity per author.

``Archive.store`` upserts a publication by its canonical URL. Storing the same item again
changes no row count; storing changed content keeps the previous version in
``publication_versions``. Nothing is ever deleted: a vanished page only gets ``gone_at``.
Everything a row needs comes from the item; this module never fetches and knows no Scrapy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import sqlite_utils

from thinkscrape.archive.history import RECORD_CHANGE
from thinkscrape.archive.schema import INDEX_NEW, write_transaction
from thinkscrape.items import Publication
from thinkscrape.normalize.people import name_key

logger = logging.getLogger(__name__)

# The same few hundred people sign thousands of publications, and the key of a name never
# changes: computing it once per spelling saves most of the cost of storing a byline.
_cached_name_key = functools.lru_cache(maxsize=65_536)(name_key)

# Publication columns holding the publication's content, as normalised.
CONTENT_COLUMNS = (
    "type",
    "series",
    "title",
    "subtitle",
    "published",
    "published_precision",
    "published_raw",
    "published_ambiguous",
    "date_disagreement",
    "summary",
    "body",
    "outlet",
    "full_article_url",
    "full_article_domain",
    "pdf_url",
    "topics",
    "corporate_author",
)
# A change in any of these (or in the authors or links) is a new version. The raw date
# text, fetch facts and provenance are not: "February 06, 2019" re-spelled "February 6,
# 2019" is the same publication date.
HASHED_COLUMNS = tuple(column for column in CONTENT_COLUMNS if column != "published_raw")
# Content columns held as JSON text in the database.
JSON_COLUMNS = ("date_disagreement", "topics")
# What identifies a person on a byline, as far as versions are concerned; the raw
# spelling is kept in author_aliases instead.
AUTHOR_FIELDS = ("name", "honorific", "suffix", "profile_url", "role")
LINK_FIELDS = ("url", "domain", "text", "kind")

CAPTURE_FIELDS = (
    "url",
    "warc_file",
    "offset",
    "length",
    "record_id",
    "payload_digest",
    "fetched_at",
    "status",
)


class InvalidPublication(ValueError):
    """An item the archive cannot hold (no URL, site or title); nothing was written."""


def utc_now() -> str:
    """The current time as the archive writes it: ISO 8601 UTC to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def to_json(value: Any) -> str:
    """Stable JSON (sorted keys, no ASCII escaping) that never fails on Scrapy stats."""
    return _ENCODER.encode(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str)
    return str(value)


# One encoder for every row: json.dumps would build a new one per call.
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=_json_default)


def content_hash(pub: Publication) -> str:
    """SHA-256 over the normalised content, authors and links as stable JSON, then the body.

    The body, by far the largest field, is hashed as its own bytes rather than JSON-escaped.
    """
    content = {column: getattr(pub, column) for column in HASHED_COLUMNS if column != "body"}
    content["published_ambiguous"] = bool(pub.published_ambiguous)
    if pub.corporate_author is None:
        # absent, not null: publications archived before the field existed keep their hash
        del content["corporate_author"]
    content["has_body"] = pub.body is not None
    content["authors"] = [{k: a.get(k) for k in AUTHOR_FIELDS} for a in _ordered(pub.authors)]
    content["links"] = sorted(
        ({k: link.get(k) for k in LINK_FIELDS} for link in pub.links),
        key=lambda link: (link["url"] or "", link["kind"] or ""),
    )
    digest = hashlib.sha256(to_json(content).encode("utf-8"))
    digest.update(b"\x00body\x00")
    digest.update((pub.body or "").encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _ordered(authors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Authors in byline order: by their position where given, else as listed."""
    indexed = enumerate(authors)
    return [a for _, a in sorted(indexed, key=lambda ia: (_position(ia[1], ia[0]), ia[0]))]


def _position(author: dict[str, Any], index: int) -> int:
    position = author.get("position")
    return position if isinstance(position, int) else index


def _column_values(pub: Publication) -> dict[str, Any]:
    values = {column: getattr(pub, column) for column in CONTENT_COLUMNS}
    values["published_ambiguous"] = int(bool(pub.published_ambiguous))
    for column in JSON_COLUMNS:
        if values[column] is not None:
            values[column] = to_json(values[column])
    return values


def _check(pub: Publication) -> None:
    missing = [name for name in ("url", "site", "title") if not (getattr(pub, name) or "").strip()]
    if missing:
        raise InvalidPublication(
            f"cannot archive {pub.url or '<no url>'}: missing {', '.join(missing)}"
        )


class Archive:
    """The archive's write and lookup API over an open database (see ``schema.open_db``)."""

    def __init__(self, db: sqlite_utils.Database, *, clock: Callable[[], str] = utc_now) -> None:
        self.db = db
        # When no fetch time is known (hand-made items, crawl bookkeeping), this says "now".
        self.clock = clock
        # Bylines repeat the same people, so what a person resolved to and the aliases
        # already recorded are remembered. A resolution never changes once committed
        # (profile URLs are unique and never replaced; a name alone resolves to the oldest
        # row of its key), but one made in a transaction that rolls back is void: entries
        # stay pending until this archive commits its own outermost transaction, and inside
        # a transaction opened by someone else nothing is remembered at all.
        self._author_ids: dict[tuple[Any, ...], int] = {}
        self._aliases: set[tuple[int, str]] = set()
        self._pending_author_ids: dict[tuple[Any, ...], int] = {}
        self._pending_aliases: set[tuple[int, str]] = set()
        self._remembering = False

    # --- crawls -----------------------------------------------------------------------
    def start_crawl(self, spider: str, args: dict[str, Any], started: str | None = None) -> int:
        """Open a ``crawls`` row with status 'running' and return its id."""
        with self._transaction():
            cursor = self._execute(
                "INSERT INTO crawls (spider, started, args, status) VALUES (?, ?, ?, 'running')",
                [spider, started or self.clock(), to_json(args)],
            )
        return cursor.lastrowid

    def close_abandoned_crawls(self, spider: str) -> int:
        """Mark ``spider``'s crawls still 'running' as failed ('killed'); how many there were.

        Called by a writer holding the archive's lock, so no crawl of this archive is
        running: a row still 'running' belongs to a crawl killed before it could close it.
        """
        with self._transaction():
            cursor = self._execute(
                "UPDATE crawls SET status = 'failed', finish_reason = 'killed'"
                " WHERE status = 'running' AND spider = ?",
                [spider],
            )
        return cursor.rowcount

    def crawls_that_stored(self) -> list[dict[str, Any]]:
        """The crawls that first stored, or last saw, a publication still archived.

        Each is ``{"id", "args"}`` (its spider arguments) and ``"replayed"``: True for a
        crawl that read kept WARC files instead of fetching (re-extraction, the demo).
        """
        rows = self.db.execute(
            """
            SELECT c.id, c.args,
              json_extract(c.stats, '$."thinkscrape/replay/indexed"') IS NOT NULL
            FROM crawls c
            WHERE EXISTS (
              SELECT 1 FROM publications p WHERE p.first_crawl_id = c.id OR p.last_crawl_id = c.id
            )
            ORDER BY c.id
            """
        )
        return [
            {"id": crawl_id, "args": json.loads(args or "{}"), "replayed": bool(replayed)}
            for crawl_id, args, replayed in rows
        ]

    def record_verdict(self, crawl_id: int, exit_code: int, status: str) -> None:
        """Write a crawl's verdict (exit code and status) into its ``crawls`` row."""
        with self._transaction():
            self._execute(
                "UPDATE crawls SET exit_code = ?, status = ? WHERE id = ?",
                [exit_code, status, crawl_id],
            )

    def finish_crawl(
        self,
        crawl_id: int,
        *,
        finish_reason: str,
        items_stored: int,
        items_dropped: int,
        errors: int,
        stats: dict[str, Any],
        coverage: dict[str, Any] | None = None,
        status: str = "ok",
        exit_code: int | None = None,
    ) -> None:
        """Close a crawl's row with its outcome and Scrapy stats (datetimes as ISO text)."""
        with self._transaction():
            self._execute(
                """
                UPDATE crawls SET finished = ?, finish_reason = ?, items_stored = ?,
                  items_dropped = ?, errors = ?, stats = ?, coverage = ?, status = ?,
                  exit_code = ?
                WHERE id = ?
                """,
                [
                    self.clock(),
                    finish_reason,
                    items_stored,
                    items_dropped,
                    errors,
                    to_json(stats),
                    None if coverage is None else to_json(coverage),
                    status,
                    exit_code,
                    crawl_id,
                ],
            )

    # --- publications -----------------------------------------------------------------
    def store(self, pub: Publication, crawl_id: int) -> tuple[int, str]:
        """Upsert ``pub`` by URL; return (publication id, "new" | "changed" | "unchanged").

        A previous version whose content differs is kept in ``publication_versions``; a new
        or changed publication is recorded in ``crawl_changes``, in the same transaction.
        The publication's authors, links and provenance are replaced together, atomically.
        Raises ``InvalidPublication`` (before writing anything) for an item without a URL,
        site or title.
        """
        return self.store_many([pub], crawl_id)[0]

    def store_many(self, pubs: Iterable[Publication], crawl_id: int) -> list[tuple[int, str]]:
        """Store a batch in one transaction: all of it is committed, or none of it."""
        stored: list[tuple[int, str]] = []
        with self._transaction():
            unindexed: dict[str, int] = {}  # new publications not in the search index yet
            for pub in pubs:
                if pub.url in unindexed:
                    # stored again in this batch: its row is about to change, and the index
                    # must hold what it changes from
                    self._index_for_search(unindexed.values())
                    unindexed.clear()
                publication_id, outcome = self._store(pub, crawl_id)
                if outcome == "new":
                    unindexed[pub.url] = publication_id
                stored.append((publication_id, outcome))
            self._index_for_search(unindexed.values())
        return stored

    def _index_for_search(self, publication_ids: Iterable[int]) -> None:
        """Add new publications to the full-text index, in one statement (see m010)."""
        ids = list(publication_ids)
        if ids:
            self._execute(INDEX_NEW, [to_json(ids)])

    def _store(self, pub: Publication, crawl_id: int) -> tuple[int, str]:
        _check(pub)
        seen = pub.fetched_at or self.clock()
        new_hash = content_hash(pub)
        existing = self._row("SELECT id, content_hash FROM publications WHERE url = ?", [pub.url])
        values = _column_values(pub)
        values.update(
            site=pub.site,
            raw=to_json(pub.raw()),
            content_hash=new_hash,
            fetched_at=pub.fetched_at,
            last_seen=seen,
            last_crawl_id=crawl_id,
            gone_at=None,  # seen again: whatever vanished has come back
        )
        if existing is None:
            values.update(url=pub.url, first_seen=seen, first_crawl_id=crawl_id)
            publication_id = self._insert("publications", values)
            outcome = "new"
        else:
            publication_id = existing["id"]
            outcome = "unchanged"
            if existing["content_hash"] != new_hash:
                self._keep_version(publication_id, valid_to=seen)
                outcome = "changed"
            self._update("publications", publication_id, values)
        self._replace_children(publication_id, pub, new=existing is None)
        if pub.capture:
            capture = {"url": pub.url, **pub.capture}
            self._execute(_ADD_CAPTURE, _capture_params(capture, crawl_id, publication_id))
        self._execute(_LINK_CAPTURES, [publication_id, pub.url])
        if outcome != "unchanged":
            self._execute(RECORD_CHANGE, [crawl_id, pub.url, outcome])
        return publication_id, outcome

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """A write transaction (``schema.write_transaction``: it waits for other writers);
        author resolutions made inside are remembered once it commits."""
        outermost = not self.db.conn.in_transaction
        if outermost:
            self._remembering = True
        try:
            with write_transaction(self.db):
                yield
            if outermost:
                self._author_ids.update(self._pending_author_ids)
                self._aliases.update(self._pending_aliases)
        finally:
            if outermost:
                self._remembering = False
                self._pending_author_ids.clear()
                self._pending_aliases.clear()

    def replace_normalised(self, pub: Publication) -> str:
        """Rewrite an archived publication's normalised half from ``pub`` (re-normalisation).

        Fetch facts (first/last seen, crawls, gone_at) are left as they are. A changed
        content hash keeps the previous version, so no earlier reading is lost.
        Returns "changed" or "unchanged".
        """
        _check(pub)
        new_hash = content_hash(pub)
        with self._transaction():
            existing = self._row(
                "SELECT id, content_hash FROM publications WHERE url = ?", [pub.url]
            )
            if existing is None:
                raise KeyError(f"not archived: {pub.url}")
            outcome = "unchanged"
            if existing["content_hash"] != new_hash:
                self._keep_version(existing["id"], valid_to=self.clock())
                values = _column_values(pub)
                values["content_hash"] = new_hash
                self._update("publications", existing["id"], values)
                outcome = "changed"
            self._replace_children(existing["id"], pub, new=False)
        return outcome

    def mark_gone(self, url: str, *, when: str | None, crawl_id: int) -> bool:
        """Record that an archived publication's page has vanished; never deletes it.

        The first time it was found gone is kept, and the crawl's finding recorded in
        ``crawl_changes``. Returns False for a URL not archived.
        """
        with self._transaction():
            cursor = self._execute(
                "UPDATE publications SET gone_at = coalesce(gone_at, ?) WHERE url = ?",
                [when or self.clock(), url],
            )
            if cursor.rowcount:
                self._execute(RECORD_CHANGE, [crawl_id, url, "gone"])
        if cursor.rowcount:
            logger.info("Marked gone in crawl %s: %s", crawl_id, url)
        return cursor.rowcount > 0

    def known_urls(self, site: str) -> set[str]:
        """Every archived publication URL of ``site``, gone ones included."""
        rows = self.db.execute("SELECT url FROM publications WHERE site = ?", [site])
        return {url for (url,) in rows}

    def record_dropped(self, url: str, *, site: str, reason: str, crawl_id: int | None) -> None:
        """Remember a page that was fetched but not archived, and why."""
        now = self.clock()
        with self._transaction():
            self._execute(
                "INSERT INTO dropped_pages (url, site, reason, first_seen, last_seen, crawl_id)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
                " reason = excluded.reason, last_seen = excluded.last_seen,"
                " crawl_id = excluded.crawl_id",
                [url, site, reason, now, now, crawl_id],
            )

    def dropped_urls(self, site: str) -> set[str]:
        """Pages of ``site`` dropped by an earlier crawl and not archived since."""
        rows = self.db.execute(
            "SELECT url FROM dropped_pages WHERE site = ?"
            " AND url NOT IN (SELECT url FROM publications)",
            [site],
        )
        return {url for (url,) in rows}

    def latest_published(self, site: str) -> str | None:
        """The most recent publication date archived for ``site`` (ISO), if any."""
        row = self.db.execute("SELECT max(published) FROM publications WHERE site = ?", [site])
        return row.fetchone()[0]

    # --- captures ---------------------------------------------------------------------
    def add_capture(
        self, capture: dict[str, Any], *, crawl_id: int | None, publication_id: int | None = None
    ) -> None:
        """Record where a response's bytes are kept. A record already known (same WARC
        file and offset) is not duplicated; it only gains a publication it lacked."""
        with self._transaction():
            self._execute(_ADD_CAPTURE, _capture_params(capture, crawl_id, publication_id))

    def link_captures(self, url: str, publication_id: int) -> int:
        """Attach the captures of ``url`` that have no publication yet; return how many."""
        with self._transaction():
            return self._execute(_LINK_CAPTURES, [publication_id, url]).rowcount

    # --- internals ----------------------------------------------------------------------
    # These run only inside ``_transaction()``, so they talk to the connection directly:
    # the transaction, not each statement, decides what is committed.
    def _execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.db.conn.execute(sql, params)

    def _row(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        cursor = self._execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row, strict=True))

    def _insert(self, table: str, values: dict[str, Any]) -> int:
        cursor = self._execute(_insert_sql(table, tuple(values)), list(values.values()))
        return cursor.lastrowid

    def _update(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        self._execute(_update_sql(table, tuple(values)), [*values.values(), row_id])

    def _keep_version(self, publication_id: int, *, valid_to: str) -> None:
        """Copy the current (about to be replaced) content of a publication into
        ``publication_versions``, valid from when it became current until ``valid_to``."""
        existing = self._row("SELECT * FROM publications WHERE id = ?", [publication_id])
        assert existing is not None
        previous_end = self._execute(
            "SELECT max(valid_to) FROM publication_versions WHERE publication_id = ?",
            [publication_id],
        ).fetchone()[0]
        data = {column: existing[column] for column in CONTENT_COLUMNS}
        for column in JSON_COLUMNS:
            if data[column] is not None:
                data[column] = json.loads(data[column])
        data["fetched_at"] = existing["fetched_at"]
        data["authors"] = [
            dict(zip(("name", "honorific", "suffix", "profile_url", "role"), row, strict=True))
            for row in self._execute(
                """
                SELECT a.name, a.honorific, a.suffix, a.profile_url, pa.role
                FROM publication_authors pa JOIN authors a ON a.id = pa.author_id
                WHERE pa.publication_id = ? ORDER BY pa.position
                """,
                [publication_id],
            )
        ]
        data["links"] = [
            dict(zip(LINK_FIELDS, row, strict=True))
            for row in self._execute(
                "SELECT url, domain, text, kind FROM links WHERE publication_id = ?"
                " ORDER BY url, kind",
                [publication_id],
            )
        ]
        self._execute(
            """
            INSERT INTO publication_versions
              (publication_id, content_hash, valid_from, valid_to, data)
            VALUES (?, ?, ?, ?, ?)
            """,
            [
                publication_id,
                existing["content_hash"],
                previous_end or existing["first_seen"],
                valid_to,
                to_json(data),
            ],
        )

    def _replace_children(self, publication_id: int, pub: Publication, *, new: bool) -> None:
        if not new:  # a new publication has no rows to replace yet
            for table in ("publication_authors", "links", "provenance"):
                self._execute(f"DELETE FROM {table} WHERE publication_id = ?", [publication_id])
        byline = []
        for author in _ordered(pub.authors):
            author_id = self._resolve_author(author, pub.site)
            if author_id is None:
                logger.warning("Author without a name skipped on %s: %r", pub.url, author)
                continue
            byline.append((publication_id, author_id, len(byline), author.get("role")))
        self.db.conn.executemany(
            "INSERT INTO publication_authors (publication_id, author_id, position, role)"
            " VALUES (?, ?, ?, ?)",
            byline,
        )
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO links (publication_id, url, domain, text, kind)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (publication_id, link["url"], link.get("domain"), link.get("text"), link["kind"])
                for link in pub.links
                if link.get("url") and link.get("kind")
            ],
        )
        self.db.conn.executemany(
            "INSERT INTO provenance (publication_id, field, source, raw) VALUES (?, ?, ?, ?)",
            [
                (publication_id, field, origin.get("source"), _as_text(origin.get("raw")))
                for field, origin in pub.provenance.items()
            ],
        )

    def _resolve_author(self, author: dict[str, Any], site: str) -> int | None:
        """The ``authors`` row for this person, created or completed as needed.

        One row per person across sites. Within a site the profile URL identifies a person;
        across sites the name key does: a profile page new to the archive joins the oldest
        row of its name key that has no profile page on this site yet, and a name without
        one joins the row of its key with a profile on this site, else the oldest. Before
        that rule, a researcher's override for the name key (``merge_authors``,
        ``split_author``) decides. Each site's profile URL is kept in ``author_profiles``;
        every raw spelling becomes an alias.
        """
        name = (author.get("name") or "").strip()
        key = _cached_name_key(name) if name else ""
        if not key:
            return None
        profile_url = author.get("profile_url") or None
        honorific = author.get("honorific") or None
        suffix = author.get("suffix") or None
        identity = (site, profile_url, key, honorific, suffix)
        author_id = self._author_ids.get(identity) or self._pending_author_ids.get(identity)
        if author_id is None:
            author_id = self._find_or_add_author(name, key, profile_url, honorific, suffix, site)
            if self._remembering:
                self._pending_author_ids[identity] = author_id
        alias = (author.get("name_raw") or name).strip()
        known = (author_id, alias)
        if known not in self._aliases and known not in self._pending_aliases:
            self._execute(
                "INSERT OR IGNORE INTO author_aliases (author_id, alias) VALUES (?, ?)",
                [author_id, alias],
            )
            if self._remembering:
                self._pending_aliases.add(known)
        return author_id

    def _find_or_add_author(
        self,
        name: str,
        key: str,
        profile_url: str | None,
        honorific: str | None,
        suffix: str | None,
        site: str,
    ) -> int:
        row = None
        if profile_url:
            row = self._row(
                "SELECT a.* FROM author_profiles ap JOIN authors a ON a.id = ap.author_id"
                " WHERE ap.url = ?",
                [profile_url],
            ) or self._row("SELECT * FROM authors WHERE profile_url = ?", [profile_url])
        if row is None:
            row = self._overridden(key, site, profile_url)
        if row is None and profile_url:
            # A profile page new to the archive: the same name elsewhere, unless that row
            # already has a (different) profile page here, which makes them namesakes.
            row = self._row(
                "SELECT * FROM authors a WHERE name_key = ? AND NOT EXISTS ("
                "  SELECT 1 FROM author_profiles ap WHERE ap.author_id = a.id AND ap.site = ?"
                ") ORDER BY id LIMIT 1",
                [key, site],
            )
        elif row is None:
            row = self._row(
                "SELECT * FROM authors a WHERE name_key = ? ORDER BY NOT EXISTS ("
                "  SELECT 1 FROM author_profiles ap WHERE ap.author_id = a.id AND ap.site = ?"
                "), id LIMIT 1",
                [key, site],
            )
        if row is None:
            author_id = self._insert(
                "authors",
                {
                    "name": name,
                    "honorific": honorific,
                    "suffix": suffix,
                    "profile_url": profile_url,
                    "name_key": key,
                },
            )
            if profile_url:
                self._add_profile(author_id, site, profile_url)
            return author_id
        author_id = row["id"]
        # Fill what the row lacks; never overwrite what an earlier byline gave.
        missing = {
            column: value
            for column, value in (("honorific", honorific), ("suffix", suffix))
            if value and not row[column]
        }
        if missing:
            self._update("authors", author_id, missing)
        if profile_url:
            self._add_profile(author_id, site, profile_url)
        return author_id

    def _overridden(self, key: str, site: str, profile_url: str | None) -> dict[str, Any] | None:
        """The author a researcher's override gives this name key on this site (one for
        the site before one for every site), unless the page links a profile and that
        author already has another profile page on this site: a namesake's."""
        row = self._row(
            "SELECT a.* FROM author_overrides o JOIN authors a ON a.id = o.author_id"
            " WHERE o.name_key = ? AND (o.site = ? OR o.site IS NULL)"
            " ORDER BY o.site IS NULL, o.id DESC LIMIT 1",
            [key, site],
        )
        if row is None or profile_url is None:
            return row
        other = self._row(
            "SELECT 1 AS found FROM author_profiles WHERE author_id = ? AND site = ?",
            [row["id"], site],
        )
        return None if other else row

    def _add_profile(self, author_id: int, site: str, url: str) -> None:
        self._execute(
            "INSERT OR IGNORE INTO author_profiles (url, author_id, site) VALUES (?, ?, ?)",
            [url, author_id, site],
        )
        # ``authors.profile_url`` keeps the first profile page seen, whatever the site.
        self._execute(
            "UPDATE authors SET profile_url = ? WHERE id = ? AND profile_url IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM authors WHERE profile_url = ?)",
            [url, author_id, url],
        )

    # --- a researcher's corrections -----------------------------------------------------
    def merge_authors(self, keep: int, other: int) -> dict[str, Any]:
        """Make author ``other`` the same person as ``keep``, for good.

        ``other``'s bylines, profile pages, spellings and overrides move to ``keep`` and its
        row is deleted; each name key it was known by (its own and its spellings') is
        recorded in ``author_overrides`` to resolve to ``keep`` on every site, so later
        crawls and ``renormalize`` keep the two together. Returns what moved.
        """
        if keep == other:
            raise ValueError(f"cannot merge author {keep} with itself")
        with self._transaction():
            kept, gone = self._author(keep), self._author(other)
            keys = self._keys_of(other) - {kept["name_key"]}
            moved = {
                "publications": self._execute(
                    "UPDATE publication_authors SET author_id = ? WHERE author_id = ?",
                    [keep, other],
                ).rowcount,
                "profiles": self._execute(
                    "UPDATE author_profiles SET author_id = ? WHERE author_id = ?", [keep, other]
                ).rowcount,
            }
            self._execute(
                "INSERT OR IGNORE INTO author_aliases (author_id, alias)"
                " SELECT ?, alias FROM author_aliases WHERE author_id = ?",
                [keep, other],
            )
            self._execute("DELETE FROM author_aliases WHERE author_id = ?", [other])
            self._execute(
                "UPDATE author_overrides SET author_id = ? WHERE author_id = ?", [keep, other]
            )
            self._execute("DELETE FROM authors WHERE id = ?", [other])
            self._execute(
                "UPDATE authors SET honorific = coalesce(honorific, ?),"
                " suffix = coalesce(suffix, ?), profile_url = coalesce(profile_url, ?)"
                " WHERE id = ?",
                [gone["honorific"], gone["suffix"], gone["profile_url"], keep],
            )
            for key in sorted(keys):
                self._override(key, None, keep, "merge")
        self._forget_resolutions()
        return {"kept": keep, "merged": other, "name_keys": sorted(keys), **moved}

    def split_author(self, author_id: int, site: str) -> int:
        """Give author ``author_id``'s bylines and profile pages on ``site`` a row of their
        own (a namesake's), for good; return the new row's id.

        Each name key the author is known by is recorded in ``author_overrides`` to resolve
        to the new row on ``site``, so later crawls and ``renormalize`` keep them apart.
        """
        with self._transaction():
            author = self._author(author_id)
            on_site = self._execute(
                "SELECT count(*) FROM publication_authors pa"
                " JOIN publications p ON p.id = pa.publication_id"
                " WHERE pa.author_id = ? AND p.site = ?",
                [author_id, site],
            ).fetchone()[0]
            elsewhere = self._execute(
                "SELECT count(*) FROM publication_authors pa"
                " JOIN publications p ON p.id = pa.publication_id"
                " WHERE pa.author_id = ? AND p.site != ?",
                [author_id, site],
            ).fetchone()[0]
            if not on_site:
                raise ValueError(f"author {author_id} has no publication on {site}")
            if not elsewhere:
                raise ValueError(
                    f"author {author_id} has publications on {site} only: nothing to split"
                )
            keys = self._keys_of(author_id)
            new_id = self._insert(
                "authors",
                {
                    "name": author["name"],
                    "honorific": author["honorific"],
                    "suffix": author["suffix"],
                    "profile_url": None,
                    "name_key": author["name_key"],
                },
            )
            self._execute(
                "UPDATE publication_authors SET author_id = ? WHERE author_id = ?"
                " AND publication_id IN (SELECT id FROM publications WHERE site = ?)",
                [new_id, author_id, site],
            )
            self._execute(
                "UPDATE author_profiles SET author_id = ? WHERE author_id = ? AND site = ?",
                [new_id, author_id, site],
            )
            self._execute(
                "INSERT INTO author_aliases (author_id, alias)"
                " SELECT ?, alias FROM author_aliases WHERE author_id = ?",
                [new_id, author_id],
            )
            # ``authors.profile_url`` follows the profile pages to their row.
            for row_id in (author_id, new_id):
                self._execute("UPDATE authors SET profile_url = NULL WHERE id = ?", [row_id])
            for row_id in (author_id, new_id):
                self._execute(
                    "UPDATE authors SET profile_url = (SELECT url FROM author_profiles"
                    " WHERE author_id = :id ORDER BY rowid LIMIT 1) WHERE id = :id",
                    {"id": row_id},
                )
            for key in sorted(keys):
                self._override(key, site, new_id, "split")
        self._forget_resolutions()
        return new_id

    def profile_site(self, author_id: int, url: str) -> str:
        """The site of author ``author_id``'s profile page ``url`` (what a split by profile
        page splits on), or a ValueError when the author has no such page."""
        row = self._row(
            "SELECT site FROM author_profiles WHERE author_id = ? AND url = ?", [author_id, url]
        )
        if row is None:
            raise ValueError(f"author {author_id} has no profile page {url}")
        return row["site"]

    def _author(self, author_id: int) -> dict[str, Any]:
        row = self._row("SELECT * FROM authors WHERE id = ?", [author_id])
        if row is None:
            raise KeyError(f"no author {author_id}")
        return row

    def _keys_of(self, author_id: int) -> set[str]:
        """Every name key an author is known by: its own, and its spellings'."""
        aliases = self._execute(
            "SELECT alias FROM author_aliases WHERE author_id = ?", [author_id]
        ).fetchall()
        keys = {self._author(author_id)["name_key"]}
        keys.update(_cached_name_key(alias) for (alias,) in aliases)
        return {key for key in keys if key}

    def _override(self, key: str, site: str | None, author_id: int, action: str) -> None:
        self._execute("DELETE FROM author_overrides WHERE name_key = ? AND site IS ?", [key, site])
        self._execute(
            "INSERT INTO author_overrides (name_key, site, author_id, action, made)"
            " VALUES (?, ?, ?, ?, ?)",
            [key, site, author_id, action, self.clock()],
        )

    def _forget_resolutions(self) -> None:
        # A correction changes what a person resolves to: nothing remembered still holds.
        self._author_ids.clear()
        self._aliases.clear()


_ADD_CAPTURE = """
INSERT INTO captures (url, warc_file, "offset", length, record_id, payload_digest,
  fetched_at, status, crawl_id, publication_id)
VALUES (:url, :warc_file, :offset, :length, :record_id, :payload_digest,
  :fetched_at, :status, :crawl_id, :publication_id)
ON CONFLICT (warc_file, "offset") DO UPDATE
  SET publication_id = coalesce(captures.publication_id, excluded.publication_id)
"""
_LINK_CAPTURES = "UPDATE captures SET publication_id = ? WHERE url = ? AND publication_id IS NULL"


def _capture_params(
    capture: dict[str, Any], crawl_id: int | None, publication_id: int | None
) -> dict[str, Any]:
    params = {field: capture.get(field) for field in CAPTURE_FIELDS}
    params.update(crawl_id=crawl_id, publication_id=publication_id)
    return params


@functools.lru_cache(maxsize=64)
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" for _ in columns)})'


@functools.lru_cache(maxsize=64)
def _update_sql(table: str, columns: tuple[str, ...]) -> str:
    assignments = ", ".join('"' + column + '" = ?' for column in columns)
    return f'UPDATE "{table}" SET {assignments} WHERE id = ?'


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return to_json(value)
