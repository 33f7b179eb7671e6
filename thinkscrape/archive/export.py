"""One row per publication, for spreadsheets, pandas and R: CSV, JSON lines and Parquet.

Rows are those of the ``publications_flat`` view, plus any other normalised field of
``publications`` on request (``--columns``). Pure functions over a read-only
``sqlite_utils.Database`` writing to a file object; `thinkscrape.outfile` decides where.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import operator
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

import sqlite_utils

from thinkscrape.archive.query import FLAT_VIEW, QueryError

# The flat view's columns: what an export holds unless told otherwise.
DEFAULT_COLUMNS = (
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
)
# Every other normalised field of a publication. Not `raw` (the whole extraction, kept for
# re-normalisation) and not `content_hash` (bookkeeping).
EXTRA_COLUMNS = (
    "body",
    "topics",
    "published_precision",
    "published_raw",
    "published_ambiguous",
    "date_disagreement",
    "fetched_at",
    "first_seen",
    "last_seen",
    "gone_at",
    "first_crawl_id",
    "last_crawl_id",
    "corporate_author",
)
ALL_COLUMNS = DEFAULT_COLUMNS + EXTRA_COLUMNS
INTEGER_COLUMNS = frozenset(
    {"id", "year", "published_ambiguous", "first_crawl_id", "last_crawl_id"}
)
LIST_COLUMNS = frozenset({"authors_json", "topics"})  # JSON arrays of strings
JSON_COLUMNS = LIST_COLUMNS | {"date_disagreement"}
TIMESTAMP_COLUMNS = frozenset({"fetched_at", "first_seen", "last_seen", "gone_at"})
# Told of each row written (a progress line counts them).
Progress = Callable[[int], None] | None

# Every exportable column as computed for all publications at once: the flat view gathers
# each publication's authors with two correlated subqueries per row, right for a filtered
# query but the bottleneck of a whole export. Here the authors are grouped in one pass
# (read in byline order, so group_concat keeps it), and only when asked for.
# tests/test_query.py checks that the default columns are exactly the view's rows.
EXPRESSIONS = {
    **{column: f"p.{column}" for column in ALL_COLUMNS},
    "year": "CAST(substr(p.published, 1, 4) AS INTEGER)",
    "authors": "g.authors",
    "authors_json": "coalesce(g.authors_json, '[]')",
}
AUTHORS_GROUPED = """
WITH named AS (
  SELECT pa.publication_id AS publication_id, a.name AS name
  FROM publication_authors pa JOIN authors a ON a.id = pa.author_id
  ORDER BY pa.publication_id, pa.position
), grouped AS (
  SELECT publication_id, group_concat(name, '; ') AS authors,
         json_group_array(name) AS authors_json
  FROM named GROUP BY publication_id
)"""


def flat_export_sql(columns: Sequence[str] = ALL_COLUMNS) -> str:
    """One row per publication with ``columns``, the authors grouped only if among them."""
    select = ", ".join(f"{EXPRESSIONS[column]} AS {column}" for column in columns)
    if {"authors", "authors_json"}.isdisjoint(columns):
        return f"SELECT {select} FROM publications p"
    return (
        f"{AUTHORS_GROUPED}\nSELECT {select}\n"
        "FROM publications p LEFT JOIN grouped g ON g.publication_id = p.id"
    )


def check_columns(text: str | None) -> list[str]:
    """``--columns`` as a list: names separated by commas, or ``all``; default the view's."""
    if text is None or not text.strip():
        return list(DEFAULT_COLUMNS)
    names = [name.strip() for name in text.split(",") if name.strip()]
    if names == ["all"]:
        return list(ALL_COLUMNS)
    for name in names:
        if name not in ALL_COLUMNS:
            raise QueryError(
                f"Unknown column {name!r}; choose from: {', '.join(ALL_COLUMNS)} (or all)."
            )
    return names


def _flat_cursor(
    db: sqlite_utils.Database, select: str, where: str | None, columns: Sequence[str]
) -> sqlite3.Cursor:
    filtered = bool(where and where.strip())
    # --where may name any exportable column; without it only the chosen ones are computed.
    rows = flat_export_sql(ALL_COLUMNS if filtered else list(dict.fromkeys([*columns, "id"])))
    sql = f"select {select} from ({rows}) as {FLAT_VIEW}"
    if filtered:
        sql += f" where ({where})"
    sql += " order by id"
    try:
        return db.execute(sql)
    except sqlite3.Error as error:
        raise QueryError(f"Bad --where {where!r}: {error}") from error


def _select(columns: Sequence[str]) -> str:
    return ", ".join(sqlite_utils.db.quote_identifier(column) for column in columns)


def export_cursor(
    db: sqlite_utils.Database,
    where: str | None = None,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    progress: Progress = None,
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """Column names and a streaming cursor over the chosen columns, optionally filtered."""
    cursor = _flat_cursor(db, _select(columns), where, columns)
    return list(columns), _guarded(cursor, where, progress)


def row_count(db: sqlite_utils.Database, where: str | None) -> int | None:
    """How many rows an export without ``where`` holds; None with one (counting would cost
    a second pass over the filter)."""
    return None if where and where.strip() else db["publications"].count


def _guarded(cursor: sqlite3.Cursor, where: str | None, progress: Progress = None) -> Iterator[Any]:
    # Some SQL errors (a bad function argument, say) only surface while stepping rows.
    try:
        if progress is None:
            yield from cursor
            return
        for row in cursor:
            progress(1)
            yield row
    except sqlite3.Error as error:
        raise QueryError(f"Export stopped on --where {where!r}: {error}") from error


def iter_export(
    db: sqlite_utils.Database,
    where: str | None = None,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    progress: Progress = None,
) -> Iterator[dict[str, Any]]:
    """One dict per publication, streamed; JSON columns (authors_json, topics) as JSON."""
    names, rows = export_cursor(db, where, columns, progress)
    parsed = [name for name in names if name in JSON_COLUMNS]
    for values in rows:
        row = dict(zip(names, values, strict=True))
        for name in parsed:
            if row[name] is not None:
                row[name] = json.loads(row[name])
        yield row


# --- CSV ------------------------------------------------------------------------------

CSV_LINE_END = "\r\n"  # csv.writer's default, as RFC 4180 has it
# A cell starting with one of these is run as a formula by spreadsheets (OWASP, "CSV
# Injection"); a single quote before it makes the cell text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value_sql(column: str) -> str:
    value = sqlite_utils.db.quote_identifier(column)
    if column in INTEGER_COLUMNS:
        return value
    starts = ", ".join(f"char({ord(character)})" for character in FORMULA_STARTS)
    return f"case when substr({value}, 1, 1) in ({starts}) then '''' || {value} else {value} end"


def csv_line_sql(columns: Sequence[str]) -> str:
    """A SQL expression giving one CSV line (no line end) of ``columns``.

    Every value is quoted with its own quotes doubled (RFC 4180), NULL is left empty, and a
    text starting like a formula gets a single quote in front. Any CSV reader (csv, pandas,
    R) parses it as csv.writer's output. SQLite builds the line in C, about twice as fast as
    csv.writer over the same rows, for the same file.
    """
    quoted = (
        f"""coalesce('"' || replace({_csv_value_sql(column)}, '"', '""') || '"', '')"""
        for column in columns
    )
    return " || ',' || ".join(quoted)


def write_csv(
    db: sqlite_utils.Database,
    out: IO[str],
    where: str | None = None,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    progress: Progress = None,
) -> int:
    """The chosen columns as CSV with a header row; returns the number of data rows."""
    csv.writer(out, lineterminator=CSV_LINE_END).writerow(columns)
    line_end = "char(" + ", ".join(str(ord(c)) for c in CSV_LINE_END) + ")"
    cursor = _flat_cursor(db, f"{csv_line_sql(columns)} || {line_end}", where, columns)
    # Lines go from the cursor to the file without a Python statement per row; zip with a
    # counter counts them on the way (zip stops at the cursor's end before taking a count).
    counter = itertools.count()
    first = operator.itemgetter(0)
    rows = _guarded(cursor, where, progress)
    out.writelines(map(first, map(first, zip(rows, counter, strict=False))))
    return next(counter)


# --- JSON lines -----------------------------------------------------------------------

_C1_RE = re.compile("[\x7f-\x9f]")


def json_text(value: Any, **options: Any) -> str:
    """``value`` as JSON with every control character escaped (``\\u001b``, ``\\u009b``).

    ``json.dumps`` escapes C0 characters already; DEL and C1 characters, which some
    terminals obey, are escaped too. The text reads back as the same value.
    """
    text = json.dumps(value, ensure_ascii=False, **options)
    return _C1_RE.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def write_jsonl(
    db: sqlite_utils.Database,
    out: IO[str],
    where: str | None = None,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    progress: Progress = None,
) -> int:
    """One JSON object per line, values as archived; returns the row count."""
    count = 0
    for row in iter_export(db, where, columns, progress):
        out.write(json_text(row))
        out.write("\n")
        count += 1
    return count


# --- Parquet --------------------------------------------------------------------------

PARQUET_BATCH = 2_000


def parquet_available() -> bool:
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def _timestamp(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def write_parquet(
    db: sqlite_utils.Database,
    out: IO[bytes],
    where: str | None = None,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    progress: Progress = None,
) -> int:
    """The chosen columns as Parquet (needs pyarrow); returns the row count.

    Types a reader needs no help with: integers as int64 (``year`` read by pandas as the
    nullable Int64, not float), ``published`` as a date, fetch times as UTC timestamps,
    authors_json and topics as lists of strings, everything else as text.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    def arrow_type(name: str) -> Any:
        if name in INTEGER_COLUMNS:
            return pa.int64()
        if name == "published":
            return pa.date32()
        if name in TIMESTAMP_COLUMNS:
            return pa.timestamp("us", tz="UTC")
        if name in LIST_COLUMNS:
            return pa.list_(pa.string())
        return pa.string()

    converters = {
        "published": dt.date.fromisoformat,
        **dict.fromkeys(TIMESTAMP_COLUMNS, _timestamp),
    }
    # pandas reads an int64 column holding nulls as float unless the file says Int64.
    pandas_columns = [
        {"name": name, "field_name": name, "pandas_type": "int64", "numpy_type": "Int64"}
        for name in columns
        if name in INTEGER_COLUMNS and name != "id"
    ]
    pandas = {"index_columns": [], "column_indexes": [], "columns": pandas_columns}
    schema = pa.schema([(name, arrow_type(name)) for name in columns]).with_metadata(
        {"pandas": json.dumps(pandas)}
    )
    count = 0
    with pq.ParquetWriter(out, schema) as writer:
        rows = iter_export(db, where, columns, progress)
        while batch := list(itertools.islice(rows, PARQUET_BATCH)):
            data = {name: [row[name] for row in batch] for name in columns}
            for name, convert in converters.items():
                if name in data:
                    try:
                        data[name] = [None if v is None else convert(v) for v in data[name]]
                    except ValueError as error:
                        raise QueryError(f"Cannot write {name} as Parquet: {error}") from error
            writer.write_batch(pa.RecordBatch.from_pydict(data, schema=schema))
            count += len(batch)
    return count
