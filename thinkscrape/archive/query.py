"""The researcher's questions, as small SQL functions over the archive.

Pure functions over a ``sqlite_utils.Database``: they return plain data and raise
`QueryError` (a message meant for the user) on bad input; the `thinkscrape` command only
formats what they return. The archive opened here is read-only, so nothing a query or a
``--where`` fragment does can change what is archived.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from thinkscrape import search_syntax, sites
from thinkscrape.archive.schema import FTS_COLUMNS, open_read_only

# The view every flat export reads from (one row per publication; see archive/schema.py).
FLAT_VIEW = "publications_flat"
# bm25 weights for the indexed columns (title, subtitle, summary, body): a word in the
# title says more about what a publication is about than the same word in its body.
RANK_WEIGHTS = "10.0, 5.0, 3.0, 1.0"
RECENT_CRAWLS = 10
SQLITE_MAX_INTEGER = 2**63 - 1


class QueryError(ValueError):
    """Bad input from the user (missing archive, bad date, unknown type, bad SQL)."""


# --- opening ------------------------------------------------------------------------


def open_archive(path: str | Path) -> sqlite_utils.Database:
    """Open an existing archive read-only, or explain why it cannot be queried."""
    path = Path(path)
    if not path.is_file():
        raise QueryError(
            f"No archive at {path}. Crawl first (`scrapy crawl NAME`, NAME one of: "
            f"{', '.join(sites.names())}), or try `thinkscrape demo` and then add --db "
            "data/demo.db (the demo's own archive)."
        )
    try:
        # read-only; immutable where the archive's folder cannot be written (shared copies)
        db = sqlite_utils.Database(open_read_only(path))
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


def check_type(value: str | None, known: Iterable[str]) -> str | None:
    """``value`` if it is one of the ``known`` publication types, else a QueryError."""
    known = list(known)
    if value is None or value in known:
        return value
    raise QueryError(f"Unknown type {value!r}; choose one of: {', '.join(known)}.")


def check_site(value: str | None, known: Iterable[str]) -> str | None:
    """The site named ``value`` as the archive spells it (any case), or a QueryError."""
    if value is None:
        return None
    by_folded = {name.casefold(): name for name in known}
    found = by_folded.get(value.strip().casefold())
    if found is None:
        choices = ", ".join(sorted(by_folded.values()))
        raise QueryError(f"Unknown site {value!r}; choose one of: {choices}.")
    return found


def fts_query(text: str, columns: Iterable[str] = FTS_COLUMNS) -> str:
    """What a user typed as one FTS5 query (see `thinkscrape.search_syntax`)."""
    parsed = _parse_search(text, columns)
    return parsed.combined() or f"NOT {parsed.exclude}"


def _parse_search(text: str, columns: Iterable[str]) -> search_syntax.Search:
    if not any(character.isalnum() for character in text):
        raise QueryError("Give some words to search for.")
    return search_syntax.parse(text, columns)


def _like_pattern(text: str) -> str:
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def known_types(db: sqlite_utils.Database) -> list[str]:
    """The types the registered sites declare, then any other type the archive holds (a
    site's no longer registered)."""
    archived = [row["type"] for row in _rows(db, _DISTINCT.format(column="type"))]
    return list(dict.fromkeys([*sites.publication_types(), *archived]))


def known_sites(db: sqlite_utils.Database) -> list[str]:
    """The registered sites' names, then any other site the archive holds."""
    archived = [row["site"] for row in _rows(db, _DISTINCT.format(column="site"))]
    return list(dict.fromkeys([*sites.names(), *archived]))


_DISTINCT = "select distinct {column} from publications where {column} is not null order by 1"


# --- search ---------------------------------------------------------------------------


@dataclass
class _Matching:
    """The publications a search and its filters select, as SQL over ``p`` (publications)."""

    fts_table: str
    match: str | None  # FTS5 expression results must match; None: filters alone
    conditions: list[str]
    params: dict[str, Any]

    @property
    def fts(self) -> str:
        return sqlite_utils.db.quote_identifier(self.fts_table)

    def from_where(self) -> str:
        if self.match is None:
            source = "from publications p"
            conditions = self.conditions
        else:
            source = f"from {self.fts} join publications p on p.id = {self.fts}.rowid"
            conditions = [f"{self.fts} match :q", *self.conditions]
        where = " and ".join(conditions) or "1"
        return f"{source}\nwhere {where}"


def _matching(
    db: sqlite_utils.Database,
    words: str | None,
    *,
    type: str | None = None,
    since: str | None = None,
    until: str | None = None,
    author: str | None = None,
    site: str | None = None,
) -> _Matching:
    fts_table = db["publications"].detect_fts()
    if not fts_table:
        raise QueryError("This archive has no full-text index on publications.")
    fts = sqlite_utils.db.quote_identifier(fts_table)
    params: dict[str, Any] = {}
    conditions = []
    match = None
    if words is not None and words.strip():
        columns = [column.name for column in db[fts_table].columns]
        parsed = _parse_search(words, columns)
        match = parsed.combined()
        if match is not None:
            params["q"] = match
        elif parsed.exclude is not None:
            # Only words to leave out: every publication but those that have them.
            params["x"] = parsed.exclude
            conditions.append(f"p.id not in (select rowid from {fts} where {fts} match :x)")
    if type is not None:
        params["type"] = check_type(type, known_types(db))
        conditions.append("p.type = :type")
    if since is not None:
        params["since"] = check_day(since, "--since")
        conditions.append("p.published >= :since")
    if until is not None:
        params["until"] = check_day(until, "--until")
        conditions.append("p.published <= :until")
    if site is not None:
        params["site"] = site
        conditions.append("p.site = :site")
    if author is not None:
        params["author"] = _like_pattern(author)
        # Any spelling the archive has seen counts: the clean name or a raw alias.
        # People first (a few thousand rows), then their publications through the
        # publication_authors(author_id) index: never a LIKE per byline row.
        conditions.append(
            """p.id in (
                select pa.publication_id from publication_authors pa
                where pa.author_id in (
                    select id from authors where name like :author escape '\\'
                    union
                    select author_id from author_aliases where alias like :author escape '\\'))"""
        )
    if match is None and not conditions:
        raise QueryError("Give words to search for, or a filter (--author, --type, ...).")
    return _Matching(fts_table, match, conditions, params)


def _fetch(db: sqlite_utils.Database, sql: str, params: Any, words: str | None) -> list[Any]:
    try:
        return list(_rows(db, sql, params))
    except sqlite3.OperationalError as error:
        if "fts5" in str(error):
            raise QueryError(
                f"Search syntax error in {words!r}: {error}. AND, OR, NOT and NEAR in capitals "
                'are operators; put a word in double quotes to search for it as typed ("NOT").'
            ) from error
        raise QueryError(f"Search failed: {error}") from error


def count(db: sqlite_utils.Database, query: str | None, **filters: Any) -> int:
    """How many publications match ``query`` and the filters, whatever a search's limit."""
    matching = _matching(db, query, **filters)
    (row,) = _fetch(db, f"select count(*) as n {matching.from_where()}", matching.params, query)
    return row["n"]


def search(
    db: sqlite_utils.Database,
    query: str | None,
    *,
    limit: int = 20,
    highlight: tuple[str, str] = ("[", "]"),
    **filters: Any,
) -> list[dict[str, Any]]:
    """Full-text search, best match first (FTS5 bm25, title words weighing most).

    ``query`` is FTS5 syntax as `thinkscrape.search_syntax` reads it; without one the
    filters alone (type, since, until, author, site) select, newest first. Each result:
    id, published, type, site, title, authors (names in byline order), outlet, url,
    snippet (matched words wrapped in ``highlight``; None without a query) and rank (lower
    is better; None without a query).
    """
    if limit < 1:
        raise QueryError("--limit must be at least 1.")
    limit = min(limit, SQLITE_MAX_INTEGER)  # more than any archive holds: all of them
    matching = _matching(db, query, **filters)
    params = {**matching.params, "limit": limit}
    if matching.match is None:
        sql = f"""
select p.id, p.published, p.type, p.site, p.title, p.outlet, p.url,
       null as snippet, null as rank
{matching.from_where()}
order by p.published desc, p.id desc
limit :limit"""
        rows = _fetch(db, sql, params, query)
        authors = _authors_of(db, [row["id"] for row in rows])
        return [_ordered({**row, "authors": authors.get(row["id"], [])}) for row in rows]
    fts = matching.fts
    # Step one ranks every match but carries only ids; step two fetches columns and
    # snippets for the few ids kept, so a common word costs one bm25 pass, no more.
    ranked_sql = f"""
select {fts}.rowid as id, bm25({fts}, {RANK_WEIGHTS}) as rank
{matching.from_where()}
order by rank
limit :limit"""
    ranks = {row["id"]: row["rank"] for row in _fetch(db, ranked_sql, params, query)}
    marks = ", ".join(str(int(row_id)) for row_id in ranks)
    snippets = ",\n       ".join(
        f"snippet({fts}, {column}, :start, :end, '…', 24) as snippet_{n}"
        for n, column in enumerate(_snippet_columns(db, matching.fts_table))
    )
    details_sql = f"""
select p.id, p.published, p.type, p.site, p.title, p.outlet, p.url,
       {snippets}
from {fts} join publications p on p.id = {fts}.rowid
where {fts} match :q and {fts}.rowid in ({marks})"""
    details_params = {"q": matching.match, "start": highlight[0], "end": highlight[1]}
    details = {
        row["id"]: _with_snippet(row, highlight[0])
        for row in _fetch(db, details_sql, details_params, query)
    }
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


def stats(
    db: sqlite_utils.Database, *, crawls: int = RECENT_CRAWLS, site: str | None = None
) -> dict[str, Any]:
    """Counts by site, type and year, and the health of the latest crawls; of one site's
    publications and crawls only if ``site`` is given. Each site's figures are those of
    ``_site_figures``: its publications, people, date and author coverage, last crawl."""
    params = {"n": crawls, "site": site}
    of_site = "where site = :site" if site is not None else ""
    of_spider = "where spider = :site" if site is not None else ""  # a crawl's site

    def grouped(expression: str, name: str) -> list[dict[str, Any]]:
        sql = f"""
select {expression} as {name}, count(*) as publications from publications {of_site}
group by 1 order by 1"""
        return list(_rows(db, sql, params))

    totals = next(
        _rows(
            db,
            f"""
select count(*) as publications, count(gone_at) as gone,
       count(published) as dated, min(published) as earliest, max(published) as latest
from publications {of_site}""",
            params,
        )
    )
    recent = list(
        _rows(
            db,
            f"""
select id, spider, started, finished, status, finish_reason, items_stored, items_dropped,
       errors, exit_code
from crawls {of_spider}
order by started desc, id desc limit :n""",
            params,
        )
    )
    return {
        **totals,
        "by_site": [_site_figures(db, row["site"]) for row in grouped("site", "site")],
        "by_type": grouped("type", "type"),
        # An integer, as publications_flat.year is.
        "by_year": grouped("cast(substr(published, 1, 4) as integer)", "year"),
        "crawls": recent,
    }


def _site_figures(db: sqlite_utils.Database, site: str) -> dict[str, Any]:
    """One site's publications (dated, signed by a person, credited to an institution,
    gone), its distinct people, date and author coverage (shares of its publications, to
    three places), its date range, and its last crawl: the latest crawl named after it or
    that last saw one of its publications."""
    # an archive written before corporate authors were recorded, read without migrating
    corporate = (
        "corporate_author" if _has_column(db, "publications", "corporate_author") else "null"
    )
    figures = next(
        _rows(
            db,
            f"""
select count(*) as publications, count(published) as dated,
       sum(exists (select 1 from publication_authors pa where pa.publication_id = p.id))
         as with_authors,
       count({corporate}) as corporate_authors, count(gone_at) as gone,
       (select count(distinct pa.author_id) from publication_authors pa
          join publications q on q.id = pa.publication_id where q.site = :site) as authors,
       min(published) as earliest, max(published) as latest
from publications p where site = :site""",
            {"site": site},
        )
    )
    total = figures["publications"] or 1
    last = next(
        _rows(
            db,
            """
select id, spider, started, finished, status from crawls
where spider = :site or id in (select last_crawl_id from publications where site = :site)
order by started desc, id desc limit 1""",
            {"site": site},
        ),
        None,
    )
    return {
        "site": site,
        **figures,
        "date_coverage": round(figures["dated"] / total, 3),
        "author_coverage": round(figures["with_authors"] / total, 3),
        "last_crawl": last,
    }


# --- people -------------------------------------------------------------------------------


def authors(db: sqlite_utils.Database, name: str | None = None) -> list[dict[str, Any]]:
    """The archive's people whose name or any spelling holds ``name`` (all without it), by
    name: id, name, honorific, suffix, how many publications they sign, on which sites,
    their profile pages (site and URL) and their other spellings."""
    where, params = "", {}
    if name is not None and name.strip():
        params["name"] = _like_pattern(name)
        where = """where a.name like :name escape '\\' or a.id in (
            select author_id from author_aliases where alias like :name escape '\\')"""
    # an archive written before profile pages were kept per site, read without migrating
    profiles = "author_profiles" if db["author_profiles"].exists() else _NO_PROFILES
    people = list(
        _rows(
            db,
            f"""
select a.id, a.name, a.honorific, a.suffix,
  (select count(distinct pa.publication_id) from publication_authors pa
     where pa.author_id = a.id) as publications,
  (select json_group_array(site) from (
     select distinct p.site from publication_authors pa
     join publications p on p.id = pa.publication_id
     where pa.author_id = a.id order by p.site)) as sites,
  (select json_group_array(json_object('site', site, 'url', url)) from (
     select site, url from {profiles} where author_id = a.id order by site, url))
    as profiles,
  (select json_group_array(alias) from (
     select alias from author_aliases where author_id = a.id and alias != a.name
     order by alias)) as aliases
from authors a {where}
order by a.name, a.id""",
            params,
        )
    )
    for person in people:
        for column in ("sites", "profiles", "aliases"):
            person[column] = json.loads(person[column])
    return people


_NO_PROFILES = "(select null as site, null as url, null as author_id where 0)"


def _has_column(db: sqlite_utils.Database, table: str, column: str) -> bool:
    return column in db[table].columns_dict


# --- across sites ---------------------------------------------------------------------


def links_by_site(db: sqlite_utils.Database) -> dict[str, int]:
    """How many outbound links each site's publications carry, by site name."""
    sql = """
select p.site as site, count(*) as links from links l
join publications p on p.id = l.publication_id
group by p.site order by p.site"""
    return {row["site"]: row["links"] for row in _rows(db, sql)}


def republications(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """The publications that link to a publication of another archived site (the
    ``republications`` view: id, site, url and title of each side, ``is_full_article``),
    full-article links first; none in an archive written before the view existed."""
    if "republications" not in db.view_names():
        return []
    sql = """
select * from republications
order by is_full_article desc, site, publication_id, elsewhere_site, elsewhere_id"""
    return list(_rows(db, sql))


def shared_authors(db: sqlite_utils.Database, min_sites: int = 2) -> list[dict[str, Any]]:
    """The people who sign publications of ``min_sites`` sites or more: id, name and
    ``sites``, how many publications they sign on each site (by site name); those on most
    sites first, then by name."""
    sql = """
select a.id, a.name, p.site, count(distinct p.id) as publications
from authors a
join publication_authors pa on pa.author_id = a.id
join publications p on p.id = pa.publication_id
where a.id in (
  select pa2.author_id from publication_authors pa2
  join publications p2 on p2.id = pa2.publication_id
  group by pa2.author_id having count(distinct p2.site) >= :n)
group by a.id, a.name, p.site
order by a.id, p.site"""
    people: dict[int, dict[str, Any]] = {}
    for row in _rows(db, sql, {"n": min_sites}):
        person = people.setdefault(row["id"], {"id": row["id"], "name": row["name"], "sites": {}})
        person["sites"][row["site"]] = row["publications"]
    return sorted(people.values(), key=lambda p: (-len(p["sites"]), p["name"], p["id"]))
