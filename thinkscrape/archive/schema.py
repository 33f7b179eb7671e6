"""The archive's database schema, and the only place that changes it.

Every table, index, full-text index and view is created by a numbered migration in
``migrations`` (sqlite-utils' ``Migrations``), so an archive written by any earlier
version is brought up to date by ``open_db`` and a migration never runs twice.
A schema change is a new function appended at the end; applied migrations are never edited.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import sqlite_utils
from sqlite_utils.migrations import Migrations

# How long a write waits for another program's write transaction (the sqlite3 shell, a
# notebook, DB Browser) to end before failing with "database is locked".
BUSY_TIMEOUT_MS = 30_000

# Columns indexed for full-text search, in ``publications_fts``: a new publication is added
# by the store, a batch at a time (``INDEX_NEW``); a change or a deletion by triggers (m010).
FTS_COLUMNS = ("title", "subtitle", "summary", "body")
FTS_TABLE = "publications_fts"
_FTS_LIST = ", ".join(f'"{column}"' for column in FTS_COLUMNS)
INDEX_NEW = (
    f'INSERT INTO "{FTS_TABLE}" (rowid, {_FTS_LIST}) SELECT id, {_FTS_LIST} FROM publications'
    " WHERE id IN (SELECT value FROM json_each(?))"
)

migrations = Migrations("thinkscrape")


class ArchiveError(Exception):
    """The archive cannot be opened for writing; the message says why, for the user."""


class NewerArchive(ArchiveError):
    """The archive has migrations this version does not know: writing could break it."""


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the archive at ``path`` for writing; apply pending migrations.

    ``":memory:"`` gives a private in-memory archive, for tests. Raises ``ArchiveError`` when
    the file cannot be written (a read-only file or folder, not a SQLite database, written
    by a newer thinkscrape, another program's write transaction outlasting the busy timeout).
    Readers open the archive with ``open_read_only`` instead.
    """
    in_memory = str(path) == ":memory:"
    if not in_memory:
        path = Path(path)
        check_writable(path)
    try:
        db = sqlite_utils.Database(memory=True) if in_memory else sqlite_utils.Database(path)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not in_memory:
            # WAL lets researchers read the archive while a crawl writes to it. With WAL,
            # synchronous=NORMAL still never corrupts the file and a crash of the crawl loses
            # nothing committed; only a power cut may undo the last commits (a re-crawl
            # fetches those pages again). It spares an fsync per commit, and a crawl commits
            # per item.
            db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        unknown = unknown_migrations(db)
        if unknown:
            db.close()
            raise NewerArchive(
                f"{path}: this archive was written by a newer thinkscrape (it has had "
                f"{', '.join(unknown)}, which this version does not know); upgrade "
                "thinkscrape to write to it. Reading it (stats, search, export, browse) "
                "still works."
            )
        migrate(db)
    except sqlite3.DatabaseError as error:
        raise ArchiveError(f"cannot open {path} as an archive: {error}") from error
    return db


@contextlib.contextmanager
def opened(path: str | Path) -> Iterator[sqlite_utils.Database]:
    """``open_db`` for one short piece of work: the archive is closed again when it ends."""
    db = open_db(path)
    try:
        yield db
    finally:
        db.close()


def check_writable(path: Path) -> None:
    """Raise ``ArchiveError`` unless an archive at ``path`` can be created or written.

    Writing a WAL archive creates files beside it (``-wal``, ``-shm``, the writers'
    ``.lock``), so its folder must be writable as well as the file. Missing folders are
    created.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ArchiveError(f"cannot create the folder {folder} for {path}: {error}") from error
    if path.is_dir():
        raise ArchiveError(f"{path} is a folder, not an archive file")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ArchiveError(
            f"cannot write to {path}: its folder {folder} is read-only (writing an archive "
            "creates its -wal, -shm and .lock files beside it)"
        )
    if path.exists() and not os.access(path, os.W_OK):
        raise ArchiveError(f"cannot write to {path}: the file is read-only")


def open_read_only(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to the archive at ``path``, for queries and exports.

    ``mode=ro`` reads a WAL archive while a crawl writes to it, but it needs to create the
    ``-shm`` file beside the archive. Where it cannot (a shared archive in a read-only
    folder) the file is opened ``immutable=1``: without locks, which is safe because
    nobody can be writing to it there.
    """
    if needs_immutable(path):
        return _connect(path, "mode=ro&immutable=1")
    return _connect(path, "mode=ro")


def needs_immutable(path: str | Path) -> bool:
    """True when the archive at ``path`` can only be read opened ``immutable=1``."""
    try:
        connection = _connect(path, "mode=ro")
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.OperationalError:
        return os.path.isfile(path) and not os.access(Path(path).parent, os.W_OK)
    return False


def _connect(path: str | Path, options: str) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(Path(path).resolve()))}?{options}", uri=True)


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """A transaction that takes SQLite's write lock at its start (``BEGIN IMMEDIATE``).

    A plain ``BEGIN`` (sqlite-utils' ``atomic()``) that reads before it writes cannot wait
    for another program's write transaction: SQLite does not call the busy handler when a
    read transaction asks to become a write one, so the write fails at once with "database
    is locked". Taking the write lock first makes it wait up to ``BUSY_TIMEOUT_MS``.
    Nested inside an open transaction it is a savepoint, as ``atomic()`` is.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.rollback()
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise


def lock_path_for(db_path: str | Path) -> Path | None:
    """The lock file that writers of the archive at ``db_path`` share: one writer at a time.

    Every writer takes it (see ``archive.lock``); None for an in-memory archive, which
    nobody else can open.
    """
    if not db_path or str(db_path) == ":memory:":
        return None
    return Path(f"{db_path}.lock")


def migrate(db: sqlite_utils.Database) -> None:
    """Apply every migration ``db`` has not had yet (a no-op on an up-to-date archive)."""
    if not migrations.pending(db):
        return  # nothing to write: no need to wait for the write lock
    with write_transaction(db):
        migrations.apply(db)


def unknown_migrations(db: sqlite_utils.Database) -> list[str]:
    """Migrations ``db`` has had that this version does not know (a newer one wrote it)."""
    # Every migration this version knows is pending on an empty database.
    known = {m.name for m in migrations.pending(sqlite_utils.Database(memory=True))}
    return [m.name for m in migrations.applied(db) if m.name not in known]


@migrations(name="m001_tables")
def m001_tables(db: sqlite_utils.Database) -> None:
    db["crawls"].create(
        {
            "id": int,
            "spider": str,
            "started": str,
            "finished": str,
            "finish_reason": str,
            "items_stored": int,
            "items_dropped": int,
            "errors": int,
            "stats": str,
            "args": str,
            "coverage": str,
            "status": str,
            "exit_code": int,
        },
        pk="id",
    )
    db["publications"].create(
        {
            "id": int,
            "url": str,
            "site": str,
            "type": str,
            "series": str,
            "title": str,
            "subtitle": str,
            "published": str,
            "published_precision": str,
            "published_raw": str,
            "published_ambiguous": int,
            "date_disagreement": str,
            "summary": str,
            "body": str,
            "outlet": str,
            "full_article_url": str,
            "full_article_domain": str,
            "pdf_url": str,
            "topics": str,
            "raw": str,
            "content_hash": str,
            "fetched_at": str,
            "first_seen": str,
            "last_seen": str,
            "gone_at": str,
            "first_crawl_id": int,
            "last_crawl_id": int,
        },
        pk="id",
        not_null=["url", "site", "title"],
        defaults={"published_ambiguous": 0},
        foreign_keys=[("first_crawl_id", "crawls", "id"), ("last_crawl_id", "crawls", "id")],
    )
    db["publications"].create_index(["url"], unique=True)
    for column in ("site", "type", "published", "outlet"):
        db["publications"].create_index([column])

    db["authors"].create(
        {
            "id": int,
            "name": str,
            "honorific": str,
            "suffix": str,
            "profile_url": str,
            "name_key": str,
        },
        pk="id",
    )
    # A unique index allows any number of NULLs: many authors have no profile page.
    db["authors"].create_index(["profile_url"], unique=True)
    db["authors"].create_index(["name_key"])

    db["author_aliases"].create(
        {"author_id": int, "alias": str},
        pk=("author_id", "alias"),
        foreign_keys=[("author_id", "authors", "id")],
    )
    db["publication_authors"].create(
        {"publication_id": int, "author_id": int, "position": int, "role": str},
        pk=("publication_id", "position"),
        foreign_keys=[("publication_id", "publications", "id"), ("author_id", "authors", "id")],
    )
    db["publication_authors"].create_index(["author_id"])

    db["links"].create(
        {"publication_id": int, "url": str, "domain": str, "text": str, "kind": str},
        pk=("publication_id", "url", "kind"),
        foreign_keys=[("publication_id", "publications", "id")],
    )
    db["provenance"].create(
        {"publication_id": int, "field": str, "source": str, "raw": str},
        pk=("publication_id", "field"),
        foreign_keys=[("publication_id", "publications", "id")],
    )
    db["publication_versions"].create(
        {
            "id": int,
            "publication_id": int,
            "content_hash": str,
            "valid_from": str,
            "valid_to": str,
            "data": str,
        },
        pk="id",
        foreign_keys=[("publication_id", "publications", "id")],
    )
    db["publication_versions"].create_index(["publication_id"])

    db["captures"].create(
        {
            "id": int,
            "publication_id": int,
            "url": str,
            "warc_file": str,
            "offset": int,
            "length": int,
            "record_id": str,
            "payload_digest": str,
            "fetched_at": str,
            "status": int,
            "crawl_id": int,
        },
        pk="id",
        foreign_keys=[("publication_id", "publications", "id"), ("crawl_id", "crawls", "id")],
    )
    db["captures"].create_index(["warc_file", "offset"], unique=True)
    db["captures"].create_index(["url"])
    db["captures"].create_index(["publication_id"])

    db["http_validators"].create(
        {"url": str, "etag": str, "last_modified": str, "status": int, "checked": str},
        pk="url",
    )


@migrations(name="m002_full_text_search")
def m002_full_text_search(db: sqlite_utils.Database) -> None:
    # Porter stemming so a search for "sanction" also finds "sanctions" and "sanctioned".
    db["publications"].enable_fts(
        FTS_COLUMNS, fts_version="FTS5", create_triggers=True, tokenize="porter"
    )


# Names in byline order, one subquery per publication: group_concat's own order is
# unspecified, so the names are ordered first and aggregated after.
_ORDERED_AUTHOR_NAMES = """
    SELECT a.name FROM publication_authors pa JOIN authors a ON a.id = pa.author_id
    WHERE pa.publication_id = p.id ORDER BY pa.position
"""

# The views as m003 creates them. To change one later, add a migration that calls
# ``db.create_view(name, new_sql, replace=True)``; editing this text changes no archive.
VIEWS = {
    # An outlet's domain is the one its full-article links point to most often.
    "outlets": """
SELECT
  p.outlet AS outlet,
  (
    SELECT d.full_article_domain FROM publications d
    WHERE d.outlet = p.outlet AND d.full_article_domain IS NOT NULL
    GROUP BY d.full_article_domain ORDER BY count(*) DESC, d.full_article_domain LIMIT 1
  ) AS domain,
  count(*) AS publications
FROM publications p
WHERE p.outlet IS NOT NULL
GROUP BY p.outlet
ORDER BY publications DESC, p.outlet
""",
    "publications_flat": f"""
SELECT
  p.id, p.url, p.site, p.type, p.series, p.title, p.subtitle, p.published,
  CAST(substr(p.published, 1, 4) AS INTEGER) AS year,
  p.outlet, p.full_article_domain, p.full_article_url, p.pdf_url,
  (SELECT group_concat(name, '; ') FROM ({_ORDERED_AUTHOR_NAMES})) AS authors,
  (SELECT json_group_array(name) FROM ({_ORDERED_AUTHOR_NAMES})) AS authors_json,
  p.summary
FROM publications p
""",
    "author_outlets": """
SELECT
  a.id AS author_id,
  a.name AS author,
  p.outlet AS outlet,
  count(DISTINCT p.id) AS publications,
  min(p.published) AS first_published,
  max(p.published) AS last_published
FROM authors a
JOIN publication_authors pa ON pa.author_id = a.id
JOIN publications p ON p.id = pa.publication_id
WHERE p.outlet IS NOT NULL
GROUP BY a.id, p.outlet
ORDER BY a.name, publications DESC, p.outlet
""",
}


@migrations(name="m003_views")
def m003_views(db: sqlite_utils.Database) -> None:
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip())


@migrations(name="m004_dropped_pages")
def m004_dropped_pages(db: sqlite_utils.Database) -> None:
    # Pages that were fetched but could not be archived (no title: a block page, a test
    # entry leaked onto the site), with the reason. An incremental crawl does not fetch them
    # again every night; a full or refresh crawl does, and stores them once they are fixed.
    db["dropped_pages"].create(
        {
            "url": str,
            "site": str,
            "reason": str,
            "first_seen": str,
            "last_seen": str,
            "crawl_id": int,
        },
        pk="url",
        foreign_keys=[("crawl_id", "crawls", "id")],
    )


@migrations(name="m005_missing_publications")
def m005_missing_publications(db: sqlite_utils.Database) -> None:
    # Publications a crawl was shown but did not store, so the next crawls ask for them again
    # (see archive/missing.py); rows stay after the hole is filled.
    db["missing_publications"].create(
        {
            "url": str,
            "site": str,
            "status": str,
            "attempts": int,
            "last_error": str,
            "first_listed": str,
            "last_listed": str,
            "first_crawl_id": int,
            "last_crawl_id": int,
            "resolved_crawl_id": int,
            "listing": str,
        },
        pk="url",
        not_null=["site", "status"],
        defaults={"attempts": 0},
    )
    db["missing_publications"].create_index(["site", "status"])


@migrations(name="m006_crawl_changes")
def m006_crawl_changes(db: sqlite_utils.Database) -> None:
    # What each crawl changed in the archive: the publications it added, changed or found
    # gone (unchanged ones are only counted, in the crawl's stats).
    db["crawl_changes"].create(
        {"crawl_id": int, "url": str, "change": str},
        pk=("crawl_id", "url"),
        not_null=["change"],
    )


@migrations(name="m007_people_across_sites")
def m007_people_across_sites(db: sqlite_utils.Database) -> None:
    # An institution credited as author instead of a person ("38 North").
    db["publications"].add_column("corporate_author", str)
    # Every site's profile page of a person: one ``authors`` row per person across sites.
    db["author_profiles"].create(
        {"url": str, "author_id": int, "site": str},
        pk="url",
        not_null=["author_id", "site"],
        foreign_keys=[("author_id", "authors", "id")],
    )
    db["author_profiles"].create_index(["author_id", "site"])
    # A researcher's corrections: a name key (on one site, or on every site when ``site``
    # is NULL) that resolves to this author, whatever the matching rule would say.
    db["author_overrides"].create(
        {"id": int, "name_key": str, "site": str, "author_id": int, "action": str, "made": str},
        pk="id",
        not_null=["name_key", "author_id", "action"],
        foreign_keys=[("author_id", "authors", "id")],
    )
    db["author_overrides"].create_index(["name_key", "site"])

    # An author row's profile URL is on the site of the publications it signed.
    db.execute(
        """
        INSERT INTO author_profiles (url, author_id, site)
        SELECT a.profile_url, a.id, (
          SELECT p.site FROM publication_authors pa JOIN publications p ON p.id = pa.publication_id
          WHERE pa.author_id = a.id GROUP BY p.site ORDER BY count(*) DESC, p.site LIMIT 1
        ) AS site
        FROM authors a WHERE a.profile_url IS NOT NULL AND site IS NOT NULL
        """
    )
    _m007_join_people_across_sites(db)


def _m007_join_people_across_sites(db: sqlite_utils.Database) -> None:
    """One row per person: rows of one name key whose profiles are on different sites
    become the oldest row they do not clash with (a row without a profile joins the oldest).
    Two rows with profiles on the same site stay apart: namesakes on one site."""
    rows = db.execute(
        """
        SELECT a.id, a.name_key, group_concat(ap.site, char(31))
        FROM authors a LEFT JOIN author_profiles ap ON ap.author_id = a.id
        WHERE a.name_key IN (
          SELECT name_key FROM authors WHERE name_key IS NOT NULL
          GROUP BY name_key HAVING count(*) > 1
        )
        GROUP BY a.id ORDER BY a.name_key, a.id
        """
    ).fetchall()
    kept: dict[str, list[tuple[int, set[str]]]] = {}
    for author_id, key, site_list in rows:
        row_sites = set(site_list.split("\x1f")) if site_list else set()
        targets = kept.setdefault(key, [])
        target = next((t for t in targets if not (t[1] & row_sites)), None)
        if target is None:
            targets.append((author_id, row_sites))
            continue
        target[1].update(row_sites)
        keep = target[0]
        db.execute(
            "UPDATE publication_authors SET author_id = ? WHERE author_id = ?", [keep, author_id]
        )
        db.execute(
            "UPDATE author_profiles SET author_id = ? WHERE author_id = ?", [keep, author_id]
        )
        db.execute(
            "INSERT OR IGNORE INTO author_aliases (author_id, alias)"
            " SELECT ?, alias FROM author_aliases WHERE author_id = ?",
            [keep, author_id],
        )
        db.execute("DELETE FROM author_aliases WHERE author_id = ?", [author_id])
        gone = db.execute(
            "SELECT honorific, suffix, profile_url FROM authors WHERE id = ?", [author_id]
        ).fetchone()
        db.execute("DELETE FROM authors WHERE id = ?", [author_id])
        db.execute(
            "UPDATE authors SET honorific = coalesce(honorific, ?), suffix = coalesce(suffix, ?),"
            " profile_url = coalesce(profile_url, ?) WHERE id = ?",
            [*gone, keep],
        )


# A piece of one archived site whose body links to (or names as its full article) a
# publication of another archived site: the CNAS excerpt and the 38 North article behind it,
# the RAND republication and the Atlantic Council original. Links are stored as written
# (http, a trailing slash, with or without "www."); archived URLs are canonical https
# without a trailing slash, on the host their site calls home, with or without "www.". So a
# link's host and path ("target") are matched against both forms, each an index lookup.
REPUBLICATIONS_VIEW = """
SELECT
  p.id AS publication_id,
  p.site AS site,
  p.url AS url,
  p.title AS title,
  q.id AS elsewhere_id,
  q.site AS elsewhere_site,
  q.url AS elsewhere_url,
  q.title AS elsewhere_title,
  l.kind = 'full_article' AS is_full_article
FROM (
  SELECT publication_id, kind,
    rtrim(CASE WHEN substr(rest, 1, 4) = 'www.' THEN substr(rest, 5) ELSE rest END, '/')
      AS target
  FROM (SELECT publication_id, kind, substr(url, instr(url, '://') + 3) AS rest FROM links)
) l
JOIN publications p ON p.id = l.publication_id
JOIN publications q
  ON q.url IN ('https://' || l.target, 'https://www.' || l.target) AND q.site <> p.site
"""


@migrations(name="m008_republications")
def m008_republications(db: sqlite_utils.Database) -> None:
    db.create_view("republications", REPUBLICATIONS_VIEW.strip())


@migrations(name="m009_republications_with_or_without_www")
def m009_republications_with_or_without_www(db: sqlite_utils.Database) -> None:
    # The view of m008 matched "http://" and a trailing slash only: now a link to
    # 38north.org finds the piece archived at www.38north.org too, and the reverse.
    db.create_view("republications", REPUBLICATIONS_VIEW.strip(), replace=True)


def _fts_row(prefix: str) -> str:
    return ", ".join(f'{prefix}."{column}"' for column in FTS_COLUMNS)


@migrations(name="m010_search_index_written_per_batch")
def m010_search_index_written_per_batch(db: sqlite_utils.Database) -> None:
    # Once FTS5 is written in a transaction it writes its pending terms out at every
    # statement savepoint, and every statement with a trigger takes one: an insert trigger
    # made each publication a segment of its own, a third of what storing it cost. The store
    # adds new publications in one statement per batch (INDEX_NEW) instead.
    db.execute("DROP TRIGGER IF EXISTS publications_ai")
    # A publication's entry is rewritten only when its indexed text changes, not when a
    # re-crawl or a page gone from its site updates the row.
    changed = " OR ".join(f'old."{column}" IS NOT new."{column}"' for column in FTS_COLUMNS)
    db.execute("DROP TRIGGER IF EXISTS publications_au")
    db.execute(
        f"""
        CREATE TRIGGER publications_au
        AFTER UPDATE OF {_FTS_LIST} ON publications WHEN {changed}
        BEGIN
          INSERT INTO "{FTS_TABLE}" ("{FTS_TABLE}", rowid, {_FTS_LIST})
            VALUES ('delete', old.rowid, {_fts_row("old")});
          INSERT INTO "{FTS_TABLE}" (rowid, {_FTS_LIST}) VALUES (new.rowid, {_fts_row("new")});
        END
        """
    )
