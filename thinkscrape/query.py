"""The researcher's questions, as small SQL functions over the archive.

Pure functions over a ``sqlite_utils.Database``: they return plain data and raise
`QueryError` (a message meant for the user) on bad input; the `thinkscrape` command only
formats what they return. The archive opened here is read-only, so nothing a query or a
``--where`` fragment does can change what is archived.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import operator
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import sqlite_utils

from thinkscrape.items import PUBLICATION_TYPES

# The view every flat export reads from (one row per publication; see archive/schema.py).
FLAT_VIEW = "publications_flat"
# bm25 weights for the indexed columns (title, subtitle, summary, body): a word in the
# title says more about what a publication is about than the same word in its body.
RANK_WEIGHTS = "10.0, 5.0, 3.0, 1.0"
RECENT_CRAWLS = 10


class QueryError(ValueError):
    """Bad input from the user (missing archive, bad date, unknown type, bad SQL)."""


# --- opening ------------------------------------------------------------------------


def open_archive(path: str | Path) -> sqlite_utils.Database:
    """Open an existing archive read-only, or explain why it cannot be queried."""
    path = Path(path)
    if not path.is_file():
        raise QueryError(
            f"No archive at {path}. Crawl first (`scrapy crawl cnas`), or try `thinkscrape "
            "demo` and then add --db data/demo.db (the demo's own archive)."
        )
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        db = sqlite_utils.Database(sqlite3.connect(uri, uri=True))
        tables = set(db.table_names())
    except sqlite3.DatabaseError as error:
        raise QueryError(f"{path} is not a readable SQLite database: {error}") from error
    if "publications" not in tables:
        raise QueryError(f"{path} is not a thinkscrape archive (it has no publications table).")
    return db


# --- input checks ---------------------------------------------------------------------


def check_day(value: str | None, option: str = "date") -> str | None:
    """``value`` as an ISO day (YYYY-MM-DD), or a QueryError naming the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise QueryError(f"{option} must be a date written YYYY-MM-DD, got {value!r}.") from None


def check_type(value: str | None) -> str | None:
    if value is None or value in PUBLICATION_TYPES:
        return value
    raise QueryError(f"Unknown type {value!r}; choose one of: {', '.join(PUBLICATION_TYPES)}.")


def fts_query(text: str, db: sqlite_utils.Database | None = None) -> str:
    """Quote what a user typed so FTS5 reads it as plain terms (all must match).

    Each word becomes a quoted FTS5 string, so punctuation ("U.S.-China") and operator
    words (AND, NOT) are searched as text; a "quoted phrase" stays a phrase and a stray
    quote is closed. sqlite-utils' `quote_fts` does exactly this.
    """
    quoted = (db or sqlite_utils.Database(memory=True)).quote_fts(text)
    if not quoted.replace('"', "").strip():
        raise QueryError("Give some words to search for.")
    return quoted


def _like_pattern(text: str) -> str:
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- search ---------------------------------------------------------------------------


def search(
    db: sqlite_utils.Database,
    query: str,
    *,
    type: str | None = None,
    since: str | None = None,
    until: str | None = None,
    author: str | None = None,
    site: str | None = None,
    limit: int = 20,
    highlight: tuple[str, str] = ("[", "]"),
) -> list[dict[str, Any]]:
    """Full-text search, best match first (FTS5 bm25, title words weighing most).

    Each result: id, published, type, site, title, authors (names in byline order), outlet,
    url, snippet (matched words wrapped in ``highlight``) and rank (lower is better).
    """
    fts_table = db["publications"].detect_fts()
    if not fts_table:
        raise QueryError("This archive has no full-text index on publications.")
    if limit < 1:
        raise QueryError("--limit must be at least 1.")
    params: dict[str, Any] = {
        "q": fts_query(query, db),
        "limit": limit,
        "start": highlight[0],
        "end": highlight[1],
    }
    filters = []
    if type is not None:
        params["type"] = check_type(type)
        filters.append("p.type = :type")
    if since is not None:
        params["since"] = check_day(since, "--since")
        filters.append("p.published >= :since")
    if until is not None:
        params["until"] = check_day(until, "--until")
        filters.append("p.published <= :until")
    if site is not None:
        params["site"] = site
        filters.append("p.site = :site")
    if author is not None:
        params["author"] = _like_pattern(author)
        # Any spelling the archive has seen counts: the clean name or a raw alias.
        # People first (a few thousand rows), then their publications through the
        # publication_authors(author_id) index: never a LIKE per byline row.
        filters.append(
            """p.id in (
                select pa.publication_id from publication_authors pa
                where pa.author_id in (
                    select id from authors where name like :author escape '\\'
                    union
                    select author_id from author_aliases where alias like :author escape '\\'))"""
        )
    fts = sqlite_utils.db.quote_identifier(fts_table)
    # Step one ranks every match but carries only ids; step two fetches columns and
    # snippets for the few ids kept, so a common word costs one bm25 pass, no more.
    join = f"\njoin publications p on p.id = {fts}.rowid" if filters else ""
    where = "".join(f"\n  and {condition}" for condition in filters)
    ranked_sql = f"""
select {fts}.rowid as id, bm25({fts}, {RANK_WEIGHTS}) as rank
from {fts}{join}
where {fts} match :q{where}
order by rank
limit :limit"""
    try:
        ranks = {row["id"]: row["rank"] for row in _rows(db, ranked_sql, params)}
        marks = ", ".join(str(int(row_id)) for row_id in ranks)
        snippets = ",\n       ".join(
            f"snippet({fts}, {column}, :start, :end, '…', 24) as snippet_{n}"
            for n, column in enumerate(_snippet_columns(db, fts_table))
        )
        details_sql = f"""
select p.id, p.published, p.type, p.site, p.title, p.outlet, p.url,
       {snippets}
from {fts} join publications p on p.id = {fts}.rowid
where {fts} match :q and {fts}.rowid in ({marks})"""
        details = {
            row["id"]: _with_snippet(row, highlight[0]) for row in _rows(db, details_sql, params)
        }
    except sqlite3.OperationalError as error:
        raise QueryError(f"Search failed: {error}") from error
    authors = _authors_of(db, list(ranks))
    return [
        _ordered({**details[row_id], "authors": authors.get(row_id, []), "rank": rank})
        for row_id, rank in ranks.items()
    ]


# Where a snippet is most useful, in order: the results already show the title, so the
# text around a match in the body or summary comes first when there is a match there.
SNIPPET_PREFERENCE = ("body", "summary")


def _snippet_columns(db: sqlite_utils.Database, fts_table: str) -> list[int]:
    """FTS column numbers to take snippets from, in order of preference; -1 = best match."""
    columns = [column.name for column in db[fts_table].columns]
    return [columns.index(name) for name in SNIPPET_PREFERENCE if name in columns] + [-1]


def _with_snippet(row: dict[str, Any], start_mark: str) -> dict[str, Any]:
    """Keep the first snippet that shows a match (the last, best-match one, otherwise)."""
    candidates = [row.pop(key) for key in sorted(key for key in row if key.startswith("snippet_"))]
    matching = [text for text in candidates if start_mark and text and start_mark in text]
    row["snippet"] = matching[0] if matching else candidates[-1]
    return row


_RESULT_ORDER = ("id", "published", "type", "site", "title", "authors", "outlet", "url")


def _ordered(row: dict[str, Any]) -> dict[str, Any]:
    keys = [*_RESULT_ORDER, *(key for key in row if key not in _RESULT_ORDER)]
    return {key: row[key] for key in keys}


def _authors_of(db: sqlite_utils.Database, ids: Sequence[int]) -> dict[int, list[str]]:
    """Author names in byline order for a few publications, as the flat view lists them."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    sql = f"select id, authors_json from {FLAT_VIEW} where id in ({marks})"
    return {row["id"]: json.loads(row["authors_json"] or "[]") for row in _rows(db, sql, ids)}


def _rows(db: sqlite_utils.Database, sql: str, params: Any = None) -> Iterator[dict[str, Any]]:
    cursor = db.execute(sql, params or [])
    columns = [description[0] for description in cursor.description]
    for values in cursor:
        yield dict(zip(columns, values, strict=True))


# --- stats ----------------------------------------------------------------------------


def table_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Rows per table of data: no full-text index, shadow or bookkeeping (``_*``) tables."""
    fts_tables = [name for name in db.table_names() if db[name].virtual_table_using]
    counts = {}
    for name in db.table_names():
        if name.startswith("_") or name in fts_tables:
            continue
        if any(name.startswith(f"{fts}_") for fts in fts_tables):
            continue
        counts[name] = db[name].count
    return counts


def stats(db: sqlite_utils.Database, *, crawls: int = RECENT_CRAWLS) -> dict[str, Any]:
    """Counts by site, type and year, and the health of the latest crawls."""

    def grouped(expression: str, name: str) -> list[dict[str, Any]]:
        sql = f"""
select {expression} as {name}, count(*) as publications from publications
group by 1 order by 1"""
        return list(_rows(db, sql))

    totals = next(
        _rows(
            db,
            """
select count(*) as publications, count(gone_at) as gone,
       count(published) as dated, min(published) as earliest, max(published) as latest
from publications""",
        )
    )
    recent = list(
        _rows(
            db,
            """
select id, spider, started, finished, status, finish_reason, items_stored, items_dropped,
       errors, exit_code
from crawls order by started desc, id desc limit :n""",
            {"n": crawls},
        )
    )
    return {
        **totals,
        "by_site": grouped("site", "site"),
        "by_type": grouped("type", "type"),
        # An integer, as publications_flat.year is.
        "by_year": grouped("cast(substr(published, 1, 4) as integer)", "year"),
        "crawls": recent,
    }


# --- export ---------------------------------------------------------------------------


# The rows of the publications_flat view, computed for every publication at once: the view
# gathers each publication's authors with two correlated subqueries per row, right for a
# filtered query but the bottleneck of a whole export. Here the authors are grouped in one
# pass (read in byline order, so group_concat keeps it). tests/test_query.py checks that
# this gives exactly the view's rows.
FLAT_EXPORT = """
WITH named AS (
  SELECT pa.publication_id AS publication_id, a.name AS name
  FROM publication_authors pa JOIN authors a ON a.id = pa.author_id
  ORDER BY pa.publication_id, pa.position
), grouped AS (
  SELECT publication_id, group_concat(name, '; ') AS authors,
         json_group_array(name) AS authors_json
  FROM named GROUP BY publication_id
)
SELECT p.id, p.url, p.site, p.type, p.series, p.title, p.subtitle, p.published,
  CAST(substr(p.published, 1, 4) AS INTEGER) AS year,
  p.outlet, p.full_article_domain, p.full_article_url, p.pdf_url,
  g.authors, coalesce(g.authors_json, '[]') AS authors_json, p.summary
FROM publications p LEFT JOIN grouped g ON g.publication_id = p.id
"""


def _flat_cursor(db: sqlite_utils.Database, select: str, where: str | None) -> sqlite3.Cursor:
    sql = f"select {select} from ({FLAT_EXPORT}) as {FLAT_VIEW}"
    if where and where.strip():
        sql += f" where ({where})"
    sql += " order by id"
    try:
        return db.execute(sql)
    except sqlite3.Error as error:
        raise QueryError(f"Bad --where {where!r}: {error}") from error


def export_cursor(
    db: sqlite_utils.Database, where: str | None = None
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """Column names and a streaming cursor over the flat view, optionally filtered by SQL."""
    cursor = _flat_cursor(db, "*", where)
    columns = [description[0] for description in cursor.description]
    return columns, _guarded(cursor, where)


def _guarded(cursor: sqlite3.Cursor, where: str | None) -> Iterator[Any]:
    # Some SQL errors (a bad function argument, say) only surface while stepping rows.
    try:
        yield from cursor
    except sqlite3.Error as error:
        raise QueryError(f"Export stopped on --where {where!r}: {error}") from error


def iter_export(db: sqlite_utils.Database, where: str | None = None) -> Iterator[dict[str, Any]]:
    """One dict per publication from the flat view, streamed; authors_json as a real list."""
    columns, rows = export_cursor(db, where)
    for values in rows:
        row = dict(zip(columns, values, strict=True))
        if "authors_json" in row:
            row["authors_json"] = json.loads(row["authors_json"] or "[]")
        yield row


CSV_LINE_END = "\r\n"  # csv.writer's default, as RFC 4180 has it


def csv_line_sql(columns: Sequence[str]) -> str:
    """A SQL expression giving one CSV line (no line end) of ``columns``.

    Every value is quoted with its own quotes doubled (RFC 4180) and NULL is left empty,
    which any CSV reader (csv, pandas, R) parses as csv.writer's output. SQLite builds the
    line in C, about twice as fast as csv.writer over the same rows, for the same file.
    """
    quoted = (
        f"""coalesce('"' || replace({sqlite_utils.db.quote_identifier(column)}, '"', '""')"""
        """ || '"', '')"""
        for column in columns
    )
    return " || ',' || ".join(quoted)


def write_csv(db: sqlite_utils.Database, out: IO[str], where: str | None = None) -> int:
    """The flat view as CSV with a header row; returns the number of data rows."""
    columns = [d[0] for d in db.execute(f"select * from {FLAT_VIEW} limit 0").description]
    csv.writer(out, lineterminator=CSV_LINE_END).writerow(columns)
    line_end = "char(" + ", ".join(str(ord(c)) for c in CSV_LINE_END) + ")"
    cursor = _flat_cursor(db, f"{csv_line_sql(columns)} || {line_end}", where)
    # Lines go from the cursor to the file without a Python statement per row; zip with a
    # counter counts them on the way (zip stops at the cursor's end before taking a count).
    counter = itertools.count()
    first = operator.itemgetter(0)
    out.writelines(map(first, map(first, zip(_guarded(cursor, where), counter, strict=False))))
    return next(counter)


def write_jsonl(db: sqlite_utils.Database, out: IO[str], where: str | None = None) -> int:
    """The flat view as JSON lines (authors_json a real array); returns the row count."""
    count = 0
    for row in iter_export(db, where):
        out.write(json.dumps(row, ensure_ascii=False))
        out.write("\n")
        count += 1
    return count
