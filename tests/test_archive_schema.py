"""The archive's schema: tables, indexes, views, full-text search, migrations, pragmas."""

from __future__ import annotations

import json
import sqlite3

import pytest
import sqlite_utils

from thinkscrape.archive.schema import INDEX_NEW, migrate, migrations, open_db

TABLES = {
    "crawls": [
        "id",
        "spider",
        "started",
        "finished",
        "finish_reason",
        "items_stored",
        "items_dropped",
        "errors",
        "stats",
        "args",
        "coverage",
        "status",
        "exit_code",
    ],
    "publications": [
        "id",
        "url",
        "site",
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
        "raw",
        "content_hash",
        "fetched_at",
        "first_seen",
        "last_seen",
        "gone_at",
        "first_crawl_id",
        "last_crawl_id",
        "corporate_author",
    ],
    "authors": ["id", "name", "honorific", "suffix", "profile_url", "name_key"],
    "author_aliases": ["author_id", "alias"],
    "publication_authors": ["publication_id", "author_id", "position", "role"],
    "links": ["publication_id", "url", "domain", "text", "kind"],
    "provenance": ["publication_id", "field", "source", "raw"],
    "publication_versions": [
        "id",
        "publication_id",
        "content_hash",
        "valid_from",
        "valid_to",
        "data",
    ],
    "captures": [
        "id",
        "publication_id",
        "url",
        "warc_file",
        "offset",
        "length",
        "record_id",
        "payload_digest",
        "fetched_at",
        "status",
        "crawl_id",
    ],
    "http_validators": ["url", "etag", "last_modified", "status", "checked"],
    "author_profiles": ["url", "author_id", "site"],
    "author_overrides": ["id", "name_key", "site", "author_id", "action", "made"],
}

PRIMARY_KEYS = {
    "crawls": ["id"],
    "publications": ["id"],
    "authors": ["id"],
    "author_aliases": ["author_id", "alias"],
    "publication_authors": ["publication_id", "position"],
    "links": ["publication_id", "url", "kind"],
    "provenance": ["publication_id", "field"],
    "publication_versions": ["id"],
    "captures": ["id"],
    "http_validators": ["url"],
    "author_profiles": ["url"],
    "author_overrides": ["id"],
}


@pytest.fixture
def db():
    database = open_db(":memory:")
    yield database
    database.close()


def _insert_publication(db, url="https://www.cnas.org/publications/reports/x", **extra):
    """A row as the store writes one: inserted, then added to the search index."""
    values = {"url": url, "site": "cnas", "title": "A title", **extra}
    pid = db["publications"].insert(values).last_pk
    db.execute(INDEX_NEW, [json.dumps([pid])])
    return pid


def test_tables_and_their_columns(db):
    tables = {name: db[name].columns_dict for name in TABLES}
    assert {name: list(columns) for name, columns in tables.items()} == TABLES
    assert {name: db[name].pks for name in TABLES} == PRIMARY_KEYS


def test_not_null_and_unique_constraints(db):
    columns = {c.name: c for c in db["publications"].columns}
    assert [name for name, c in columns.items() if c.notnull] == ["url", "site", "title"]
    _insert_publication(db)
    with pytest.raises(sqlite3.IntegrityError):
        _insert_publication(db)  # same canonical URL twice
    db["authors"].insert({"name": "Duyeon Kim", "profile_url": "https://www.cnas.org/people/k"})
    db["authors"].insert({"name": "Kristine Lee", "profile_url": None})
    db["authors"].insert({"name": "Lisa Curtis", "profile_url": None})  # many NULLs allowed
    with pytest.raises(sqlite3.IntegrityError):
        db["authors"].insert({"name": "Other", "profile_url": "https://www.cnas.org/people/k"})


def test_indexes(db):
    def indexed(table):
        return sorted((tuple(i.columns), bool(i.unique)) for i in db[table].indexes)

    assert indexed("publications") == [
        (("outlet",), False),
        (("published",), False),
        (("site",), False),
        (("type",), False),
        (("url",), True),
    ]
    assert (("author_id",), False) in indexed("publication_authors")
    assert indexed("authors") == [(("name_key",), False), (("profile_url",), True)]
    assert indexed("captures") == [
        (("publication_id",), False),
        (("url",), False),
        (("warc_file", "offset"), True),
    ]


def test_views_have_the_documented_columns(db):
    assert db.view_names() == ["outlets", "publications_flat", "author_outlets", "republications"]
    assert list(db["outlets"].columns_dict) == ["outlet", "domain", "publications"]
    assert list(db["publications_flat"].columns_dict) == [
        "id",
        "url",
        "site",
        "type",
        "series",
        "title",
        "subtitle",
        "published",
        "year",
        "outlet",
        "full_article_domain",
        "full_article_url",
        "pdf_url",
        "authors",
        "authors_json",
        "summary",
    ]
    assert list(db["author_outlets"].columns_dict) == [
        "author_id",
        "author",
        "outlet",
        "publications",
        "first_published",
        "last_published",
    ]


def test_publications_flat_year_matches_a_number_or_a_query_parameter(db):
    _insert_publication(db, published="2018-03-01")
    rows = [
        list(db.query("SELECT url, year FROM publications_flat WHERE year = 2018")),
        # Datasette and the CLI pass named parameters as text
        list(db.query("SELECT url, year FROM publications_flat WHERE year = ?", ["2018"])),
    ]
    expected = [{"url": "https://www.cnas.org/publications/reports/x", "year": 2018}]
    assert rows == [expected, expected]


def test_foreign_keys_are_enforced(db):
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    with pytest.raises(sqlite3.IntegrityError):
        db["publication_authors"].insert(
            {"publication_id": 999, "author_id": 999, "position": 0, "role": "author"}
        )
    with pytest.raises(sqlite3.IntegrityError):
        _insert_publication(db, first_crawl_id=42)  # no such crawl


def test_full_text_search_follows_inserts_updates_and_deletes(db):
    pid = _insert_publication(
        db,
        title="Preventing Nuclear War with North Korea",
        body="Deterrence on the peninsula depends on sanctions.",
    )
    assert db["publications"].detect_fts() == "publications_fts"

    def found(query):
        return [row["id"] for row in db["publications"].search(query, columns=["id"])]

    assert found("peninsula") == [pid]
    assert found("sanction") == [pid]  # stemmed: "sanctions"
    db["publications"].update(pid, {"body": "A new body about alliances."})
    assert (found("peninsula"), found("alliances")) == ([], [pid])
    db["publications"].delete(pid)
    assert found("alliances") == []


def _integrity_check(db) -> None:
    """FTS5's own check of the index against the publications it indexes (raises if not)."""
    db.execute(
        "INSERT INTO publications_fts (publications_fts, rank) VALUES ('integrity-check', 1)"
    )


def test_an_update_rewrites_the_index_only_when_the_indexed_text_changes(db):
    pid = _insert_publication(db, body="Deterrence on the peninsula.")
    segments = db.execute("SELECT count(*) FROM publications_fts_data").fetchone()[0]
    db["publications"].update(pid, {"gone_at": "2026-12-01T00:00:00+00:00", "title": "A title"})
    # nothing the index holds changed: not one page of it written
    assert db.execute("SELECT count(*) FROM publications_fts_data").fetchone()[0] == segments
    db["publications"].update(pid, {"summary": "Sanctions and alliances."})
    assert [r["id"] for r in db["publications"].search("alliance", columns=["id"])] == [pid]
    _integrity_check(db)


def test_an_older_archive_keeps_its_index_and_indexes_new_publications_after_m010(tmp_path):
    old = sqlite_utils.Database(tmp_path / "old.db")
    migrations.apply(old, stop_before="m010_search_index_written_per_batch")
    # indexed by the insert trigger the archive had then
    old["publications"].insert(
        {"url": "https://a.example/1", "site": "cnas", "title": "T", "body": "Sanctions."}
    )
    old.close()
    db = open_db(tmp_path / "old.db")
    triggers = {
        row["name"] for row in db.query("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    assert triggers == {"publications_ad", "publications_au"}
    pid = _insert_publication(db, url="https://a.example/2", body="Alliances.")
    db["publications"].update(1, {"body": "Tariffs."})

    def found(query):
        return [row["id"] for row in db["publications"].search(query, columns=["id"])]

    assert (found("sanction"), found("tariffs"), found("alliances")) == ([], [1], [pid])
    _integrity_check(db)
    db.close()


def test_open_db_on_a_file_creates_folders_and_uses_wal(tmp_path):
    path = tmp_path / "nested" / "archive" / "thinktanks.db"
    db = open_db(path)
    assert path.exists()
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone() == (30000,)
    db.close()


def test_migrations_rerun_safely_on_an_existing_file(tmp_path):
    path = tmp_path / "thinktanks.db"
    db = open_db(path)
    _insert_publication(db, body="kept across reopening")
    applied = [(m.name, m.applied_at) for m in migrations.applied(db)]
    db.close()

    db = open_db(str(path))
    migrate(db)  # and once more, explicitly
    assert [(m.name, m.applied_at) for m in migrations.applied(db)] == applied
    assert [name for name, _ in applied] == [
        "m001_tables",
        "m002_full_text_search",
        "m003_views",
        "m004_dropped_pages",
        "m005_missing_publications",
        "m006_crawl_changes",
        "m007_people_across_sites",
        "m008_republications",
        "m009_republications_with_or_without_www",
        "m010_search_index_written_per_batch",
    ]
    assert migrations.pending(db) == []
    rows = list(db.query("SELECT url, body FROM publications"))
    assert rows == [
        {"url": "https://www.cnas.org/publications/reports/x", "body": "kept across reopening"}
    ]
    assert [r["id"] for r in db["publications"].search("reopening", columns=["id"])] == [1]
    db.close()
