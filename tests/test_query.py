"""The researcher's queries over an archive written through the archive's own API.

The publications are real CNAS pages from the site notes (sections 4.1-4.3): URL, type,
date, title, byline and outlet as recorded there. Bodies and summaries are not in the
notes; the short texts below are invented, as are the outlets' article URLs.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import CNAS, person
from builders import publication as _publication

from thinkscrape.archive import export, query
from thinkscrape.archive.schema import open_db
from thinkscrape.archive.store import Archive
from thinkscrape.items import Publication

FETCHED_AT = "2026-11-01T02:00:00+00:00"


def publication(path: str, type_: str, title: str, published: str, **fields) -> Publication:
    return _publication(path, type_, title, published, fetched_at=FETCHED_AT, **fields)


RUSSIA = publication(
    "/publications/commentary/trump-must-send-russia-powerful-message-through-tougher-actions",
    "commentary",
    "Trump must send Russia powerful message through tougher actions",
    "2018-02-12",
    published_raw="February 12, 2018",
    byline_raw="By Peter Harrell and Elizabeth Rosenberg",
    authors=[person("Peter Harrell", 0), person("Elizabeth Rosenberg", 1)],
    outlet="The Hill",
    body="Sanctions on Russia must be tougher. Read the full article in The Hill.",
)
DENUCLEARIZE = publication(
    "/publications/commentary/how-to-tell-when-north-korea-starts-to-denuclearize",
    "commentary",
    "How to Tell When North Korea Starts to Denuclearize",
    "2018-10-10",
    outlet="The Atlantic",
    body="Verification comes before any deal.",  # invented
)
SANCTIONS_EVASION = publication(
    "/publications/commentary/busting-north-koreas-sanctions-evasion",
    "commentary",
    "Busting North Korea’s Sanctions Evasion",
    "2020-03-04",
    byline_raw="By Elizabeth Rosenberg & Neil Bhatiya",
    authors=[person("Elizabeth Rosenberg", 0), person("Neil Bhatiya", 1)],
    # invented body: one mention of the phrase, far from the title's wording
    body="Shipping records show how U.S.-China trade hides transfers to North Korea.",
)
NEGOTIATING = publication(
    "/publications/reports/negotiating-with-north-korea",
    "report",
    "Negotiating With North Korea",
    "2019-02-12",
    subtitle="How Will This End?",
    published_raw="February 12, 2019",
    authors=[person("Patrick M. Cronin", 0)],
    pdf_url="https://s3.amazonaws.com/files.cnas.org/documents/"
    "CNAS-Report_North-Korea-How-Does-This-End_Final-WEB-1.pdf",
    topics=["Indo-Pacific Security"],  # invented
    summary="North Korea talks: how will this end?",  # invented
    body="North Korea negotiations need a plan for North Korea's arsenal.",  # invented
)
WHERE_NEXT = publication(
    "/press/in-the-news/where-washingtons-north-korea-policy-goes-from-here",
    "in-the-news",
    "Where Washington’s North Korea policy goes from here",
    "2017-11-22",
    authors=[
        person("Oliver Hotham", 0, role="journalist"),
        person("Duyeon Kim", 1, role="featured", raw="Dr. Duyeon Kim"),
    ],
    outlet="NK News",
    body="Read the full interview here.",
)
ALL = [RUSSIA, DENUCLEARIZE, SANCTIONS_EVASION, NEGOTIATING, WHERE_NEXT]


def build(db) -> dict[str, int]:
    """Store ALL in one crawl; return publication ids by URL."""
    archive = Archive(db, clock=lambda: "2026-11-01T02:00:00+00:00")
    crawl_id = archive.start_crawl("cnas", {}, started="2026-11-01T01:00:00+00:00")
    ids = {pub.url: archive.store(pub, crawl_id)[0] for pub in ALL}
    archive.finish_crawl(
        crawl_id,
        finish_reason="finished",
        items_stored=5,
        items_dropped=1,
        errors=0,
        stats={"item_scraped_count": 5},
    )
    return ids


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    db = open_db(path)
    build(db)
    db.close()
    return path


@pytest.fixture
def db(archive_path: Path):
    db = query.open_archive(archive_path)
    yield db
    db.close()


def urls(results: list[dict]) -> list[str]:
    return [row["url"] for row in results]


# --- opening --------------------------------------------------------------------------


def test_open_archive_explains_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(query.QueryError, match=r"No archive at .*missing\.db"):
        query.open_archive(tmp_path / "missing.db")


def test_open_archive_rejects_a_database_that_is_not_an_archive(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    with pytest.raises(query.QueryError, match="not a thinkscrape archive"):
        query.open_archive(other)


def test_open_archive_rejects_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database " * 100)
    with pytest.raises(query.QueryError, match="not a readable SQLite database"):
        query.open_archive(notes)


def test_the_archive_is_opened_read_only(db) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.execute("delete from publications")


# --- search ---------------------------------------------------------------------------


def test_search_returns_whole_results_with_a_highlighted_snippet(db) -> None:
    results = query.search(db, "arsenal")
    assert len(results) == 1
    result = results[0]
    assert result.pop("rank") < 0  # bm25: lower is better, and a match is below zero
    assert result == {
        "id": 4,
        "published": "2019-02-12",
        "type": "report",
        "site": "cnas",
        "title": "Negotiating With North Korea",
        "authors": ["Patrick M. Cronin"],
        "outlet": None,
        "url": f"{CNAS}/publications/reports/negotiating-with-north-korea",
        "snippet": "North Korea negotiations need a plan for North Korea's [arsenal].",
    }


def test_search_ranks_title_matches_above_body_matches(db) -> None:
    # Both texts are short; one says "Sanctions" in its title, the other only in its body.
    assert urls(query.search(db, "sanctions")) == [SANCTIONS_EVASION.url, RUSSIA.url]


def test_search_results_are_in_rank_order_with_authors_in_byline_order(db) -> None:
    results = query.search(db, "north korea")
    assert set(urls(results)) == {
        NEGOTIATING.url,
        DENUCLEARIZE.url,
        SANCTIONS_EVASION.url,
        WHERE_NEXT.url,
    }
    by_url = {row["url"]: row for row in results}
    assert by_url[SANCTIONS_EVASION.url]["authors"] == ["Elizabeth Rosenberg", "Neil Bhatiya"]
    assert by_url[WHERE_NEXT.url]["authors"] == ["Oliver Hotham", "Duyeon Kim"]
    ranks = [row["rank"] for row in results]
    assert ranks == sorted(ranks)


def test_search_finds_stemmed_words(db) -> None:
    # "sanction" finds "Sanctions" (the archive indexes with Porter stemming).
    assert set(urls(query.search(db, "sanction"))) == {RUSSIA.url, SANCTIONS_EVASION.url}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("U.S.-China", [SANCTIONS_EVASION.url]),
        ('"north korea" shipping', [SANCTIONS_EVASION.url]),
        ('stray "quote', []),
        ('"', None),
        ("NOT", None),
        ("russia AND OR", None),
        ("(russia", None),
        ("russia*", [RUSSIA.url]),
        # lower-case operator words are plain words, as in FTS5
        ("russia or arsenal", []),
        # Both apostrophes ' and ’ separate words, so either spelling finds both.
        ("korea's", [NEGOTIATING.url, SANCTIONS_EVASION.url]),
        ("north-korea", [NEGOTIATING.url, DENUCLEARIZE.url, SANCTIONS_EVASION.url, WHERE_NEXT.url]),
    ],
)
def test_search_accepts_whatever_a_user_types(db, typed: str, expected: list | None) -> None:
    if expected is None:
        # Nothing to search for, or operators out of place: a message, never a traceback.
        with pytest.raises(query.QueryError):
            query.search(db, typed)
        return
    assert sorted(urls(query.search(db, typed))) == sorted(expected)


def test_search_filters(db) -> None:
    assert urls(query.search(db, "korea", type="report")) == [NEGOTIATING.url]
    assert set(urls(query.search(db, "korea", since="2018-01-01", until="2018-12-31"))) == {
        DENUCLEARIZE.url
    }
    assert set(urls(query.search(db, "korea", since="2019-02-12"))) == {
        NEGOTIATING.url,
        SANCTIONS_EVASION.url,
    }
    assert urls(query.search(db, "korea", author="rosenberg")) == [SANCTIONS_EVASION.url]
    # A spelling seen only in a byline (the alias) finds the person too.
    assert urls(query.search(db, "korea", author="Dr. Duyeon")) == [WHERE_NEXT.url]
    assert urls(query.search(db, "korea", site="rand")) == []
    assert len(query.search(db, "korea", limit=2)) == 2


def test_search_author_filter_treats_like_wildcards_as_text(db) -> None:
    assert query.search(db, "korea", author="%") == []
    assert query.search(db, "korea", author="_") == []


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"since": "2018-13-01"}, r"--since must be a date written YYYY-MM-DD, got '2018-13-01'"),
        ({"until": "last year"}, r"--until must be a date"),
        ({"type": "op-ed"}, r"Unknown type 'op-ed'; choose one of: report, commentary"),
        ({"limit": 0}, r"--limit must be at least 1"),
    ],
)
def test_search_rejects_bad_filters_with_a_message(db, filters: dict, message: str) -> None:
    with pytest.raises(query.QueryError, match=message):
        query.search(db, "korea", **filters)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("russia OR arsenal", [RUSSIA.url, NEGOTIATING.url]),
        ("korea NOT sanctions", [DENUCLEARIZE.url, NEGOTIATING.url, WHERE_NEXT.url]),
        # a leading minus leaves a word out, as in a web search engine
        ("korea -sanctions", [DENUCLEARIZE.url, NEGOTIATING.url, WHERE_NEXT.url]),
        ("-sanctions korea", [DENUCLEARIZE.url, NEGOTIATING.url, WHERE_NEXT.url]),
        ("russia OR arsenal -tougher", [NEGOTIATING.url]),
        ("denuc*", [DENUCLEARIZE.url]),
        (
            '"north korea"',
            [NEGOTIATING.url, DENUCLEARIZE.url, SANCTIONS_EVASION.url, WHERE_NEXT.url],
        ),
        ("(russia OR arsenal) AND tougher", [RUSSIA.url]),
        ("NEAR(plan arsenal, 5)", [NEGOTIATING.url]),
        ("NEAR(verification deal, 1)", []),
        ("title:sanctions", [SANCTIONS_EVASION.url]),
        ('body:"north korea"', [NEGOTIATING.url, SANCTIONS_EVASION.url]),
        ("summary:talk*", [NEGOTIATING.url]),
        ("^negotiating", [NEGOTIATING.url]),
        ("^korea", []),
    ],
)
def test_search_passes_fts5_syntax_through(db, typed: str, expected: list) -> None:
    assert sorted(urls(query.search(db, typed))) == sorted(expected)


@pytest.mark.parametrize("typed", ["russia AND", "NOT russia", "(russia", "NEAR(russia"])
def test_fts5_syntax_errors_are_a_message(db, typed: str) -> None:
    with pytest.raises(query.QueryError, match=r"Search syntax error in .*: fts5: syntax error"):
        query.search(db, typed)


def test_fts_query_quotes_words_and_keeps_operators() -> None:
    assert query.fts_query("north korea sanctions") == '"north" "korea" "sanctions"'
    assert query.fts_query('"north korea" NOT') == '"north korea" NOT'
    assert query.fts_query('stray "quote') == '"stray" "quote"'
    assert query.fts_query("U.S.-China OR korea's") == '"U.S.-China" OR "korea\'s"'
    assert query.fts_query("sanc* -russia title:iran") == '("sanc"* title : "iran") NOT "russia"'
    assert query.fts_query("NEAR(a b, 10)") == 'NEAR("a" "b", 10)'
    with pytest.raises(query.QueryError, match="Give some words"):
        query.fts_query("   ")


def test_search_by_filters_alone_lists_newest_first(db) -> None:
    results = query.search(db, None, author="rosenberg")
    assert urls(results) == [SANCTIONS_EVASION.url, RUSSIA.url]
    assert results[0]["snippet"] is None and results[0]["rank"] is None
    assert urls(query.search(db, "", type="report")) == [NEGOTIATING.url]
    assert query.count(db, None, author="rosenberg") == 2


def test_search_by_exclusions_alone_keeps_everything_else(db) -> None:
    assert urls(query.search(db, "-korea")) == [RUSSIA.url]
    assert urls(query.search(db, "-korea -russia")) == []
    assert query.count(db, "-korea") == 1


def test_search_without_words_or_filters_is_a_message(db) -> None:
    with pytest.raises(query.QueryError, match="Give words to search for, or a filter"):
        query.search(db, None)


def test_count_is_every_match_whatever_the_limit(db) -> None:
    assert len(query.search(db, "korea", limit=2)) == 2
    assert query.count(db, "korea") == 4
    assert query.count(db, "korea", since="2019-01-01") == 2
    assert query.count(db, "nothing-like-this") == 0


@pytest.mark.parametrize(
    ("typed", "known", "expected"),
    [("cnas", ["cnas"], "cnas"), ("CNAS", ["cnas"], "cnas"), (" Cnas ", ["cnas", "rand"], "cnas")],
)
def test_check_site_is_case_insensitive(typed: str, known: list, expected: str) -> None:
    assert query.check_site(typed, known) == expected


def test_check_site_lists_the_known_sites() -> None:
    with pytest.raises(
        query.QueryError, match=r"Unknown site 'brookings'; choose one of: cnas, rand"
    ):
        query.check_site("brookings", ["rand", "cnas"])
    assert query.check_site(None, ["cnas"]) is None


def test_search_limit_beyond_sqlite_integers_means_all(db) -> None:
    assert len(query.search(db, "korea", limit=99999999999999999999)) == 4


# --- stats ----------------------------------------------------------------------------


def test_stats(db) -> None:
    assert query.stats(db) == {
        "publications": 5,
        "gone": 0,
        "dated": 5,
        "earliest": "2017-11-22",
        "latest": "2020-03-04",
        "by_site": [
            {
                "site": "cnas",
                "publications": 5,
                "dated": 5,
                "with_authors": 4,
                "corporate_authors": 0,
                "gone": 0,
                "authors": 6,
                "earliest": "2017-11-22",
                "latest": "2020-03-04",
                "date_coverage": 1.0,
                "author_coverage": 0.8,
                "last_crawl": {
                    "id": 1,
                    "spider": "cnas",
                    "started": "2026-11-01T01:00:00+00:00",
                    "finished": "2026-11-01T02:00:00+00:00",
                    "status": "ok",
                },
            }
        ],
        "by_type": [
            {"type": "commentary", "publications": 3},
            {"type": "in-the-news", "publications": 1},
            {"type": "report", "publications": 1},
        ],
        "by_year": [
            {"year": 2017, "publications": 1},
            {"year": 2018, "publications": 2},
            {"year": 2019, "publications": 1},
            {"year": 2020, "publications": 1},
        ],
        "crawls": [
            {
                "id": 1,
                "spider": "cnas",
                "started": "2026-11-01T01:00:00+00:00",
                "finished": "2026-11-01T02:00:00+00:00",
                "status": "ok",
                "finish_reason": "finished",
                "items_stored": 5,
                "items_dropped": 1,
                "errors": 0,
                "exit_code": None,
            }
        ],
    }


def test_table_counts_cover_data_tables_only(db) -> None:
    assert query.table_counts(db) == {
        "crawls": 1,
        "publications": 5,
        "authors": 6,  # Elizabeth Rosenberg is one person on two bylines
        "author_aliases": 6,
        "publication_authors": 7,
        "links": 0,
        "provenance": 0,
        "publication_versions": 0,
        "captures": 0,
        "http_validators": 0,
        "dropped_pages": 0,
        "missing_publications": 0,
        "crawl_changes": 5,  # each store records its publication as new
        "author_profiles": 0,
        "author_overrides": 0,
    }


# --- export ---------------------------------------------------------------------------

FLAT_RUSSIA = {
    "id": 1,
    "url": RUSSIA.url,
    "site": "cnas",
    "type": "commentary",
    "series": None,
    "title": "Trump must send Russia powerful message through tougher actions",
    "subtitle": None,
    "published": "2018-02-12",
    "year": 2018,
    "outlet": "The Hill",
    "full_article_domain": None,
    "full_article_url": None,
    "pdf_url": None,
    "authors": "Peter Harrell; Elizabeth Rosenberg",
    "authors_json": ["Peter Harrell", "Elizabeth Rosenberg"],
    "summary": None,
}


def test_iter_export_streams_flat_rows_with_authors_as_a_list(db) -> None:
    rows = export.iter_export(db)
    assert isinstance(rows, Iterator)  # a generator over the cursor, not a list
    assert next(rows) == FLAT_RUSSIA
    rest = list(rows)
    assert [row["url"] for row in rest] == [pub.url for pub in ALL[1:]]
    assert rest[0]["authors"] is None and rest[0]["authors_json"] == []
    assert rest[-1]["authors_json"] == ["Oliver Hotham", "Duyeon Kim"]


def test_iter_export_where(db) -> None:
    rows = list(export.iter_export(db, "year = 2018 and outlet = 'The Hill'"))
    assert rows == [FLAT_RUSSIA]


@pytest.mark.parametrize("where", ["year = 2018 and", "no_such_column = 1", "1; drop table x"])
def test_iter_export_bad_where_is_a_message(db, where: str) -> None:
    with pytest.raises(query.QueryError, match="Bad --where"):
        list(export.iter_export(db, where))


def test_write_csv_round_trips(db) -> None:
    out = io.StringIO(newline="")
    assert export.write_csv(db, out, "type = 'report'") == 1
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert rows == [
        {
            "id": "4",
            "url": NEGOTIATING.url,
            "site": "cnas",
            "type": "report",
            "series": "",
            "title": "Negotiating With North Korea",
            "subtitle": "How Will This End?",
            "published": "2019-02-12",
            "year": "2019",
            "outlet": "",
            "full_article_domain": "",
            "full_article_url": "",
            "pdf_url": NEGOTIATING.pdf_url,
            "authors": "Patrick M. Cronin",
            "authors_json": '["Patrick M. Cronin"]',
            "summary": "North Korea talks: how will this end?",
        }
    ]


def test_write_jsonl_has_one_object_per_line(db) -> None:
    out = io.StringIO()
    assert export.write_jsonl(db, out) == 5
    lines = out.getvalue().splitlines()
    assert len(lines) == 5
    assert json.loads(lines[0]) == FLAT_RUSSIA
    # Non-ASCII stays readable in the file.
    assert "Busting North Korea’s Sanctions Evasion" in lines[2]


def test_snippet_falls_back_to_the_title_when_only_the_title_matches(db) -> None:
    (result,) = query.search(db, "denuclearize")
    assert result["snippet"] == "How to Tell When North Korea Starts to [Denuclearize]"


def test_snippet_markers_can_be_chosen(db) -> None:
    (result,) = query.search(db, "arsenal", highlight=("<b>", "</b>"))
    assert (
        result["snippet"]
        == "North Korea negotiations need a plan for North Korea's <b>arsenal</b>."
    )


def test_csv_reads_back_as_the_csv_module_writes_it_for_awkward_values() -> None:
    # Invented values, chosen to need quoting: quotes, commas, line breaks, non-ASCII,
    # an empty subtitle next to a missing one.
    memory = open_db(":memory:")
    archive = Archive(memory, clock=lambda: "2026-11-01T02:00:00+00:00")
    crawl_id = archive.start_crawl("cnas", {})
    archive.store(
        publication(
            "/publications/commentary/quotes",
            "commentary",
            'He said "no", then left',
            "2021-05-06",
            subtitle="",
            summary="Line one\nline two, with a comma\r\nand “curly” quotes; ünïcode …",
            authors=[person('Dr. "Duyeon" Kim', 0), person("Neil Bhatiya, Jr.", 1)],
        ),
        crawl_id,
    )
    archive.store(publication("/publications/blog/plain", "blog", "Plain", "2011-10-05"), crawl_id)
    out = io.StringIO(newline="")
    assert export.write_csv(memory, out) == 2
    written = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    by_csv_module = io.StringIO(newline="")
    columns, rows = export.export_cursor(memory)
    csv.writer(by_csv_module).writerows([columns, *rows])
    assert written == list(csv.reader(io.StringIO(by_csv_module.getvalue(), newline="")))
    header, quotes, plain = written
    row = dict(zip(header, quotes, strict=True))
    assert (row["title"], row["subtitle"], row["series"], row["year"]) == (
        'He said "no", then left',
        "",
        "",
        "2021",
    )
    assert row["summary"] == "Line one\nline two, with a comma\r\nand “curly” quotes; ünïcode …"
    assert row["authors"] == 'Dr. "Duyeon" Kim; Neil Bhatiya, Jr.'
    assert json.loads(row["authors_json"]) == ['Dr. "Duyeon" Kim', "Neil Bhatiya, Jr."]
    assert dict(zip(header, plain, strict=True))["title"] == "Plain"
    memory.close()


def test_export_rows_are_exactly_the_flat_views_rows(db) -> None:
    view = [tuple(row) for row in db.execute("select * from publications_flat order by id")]
    columns, rows = export.export_cursor(db)
    assert columns == [d[0] for d in db.execute("select * from publications_flat").description]
    assert [tuple(row) for row in rows] == view
    # several authors and none at all both occur, so byline order and NULL are both checked
    assert {len(json.loads(row[columns.index("authors_json")])) for row in view} >= {0, 2}


def test_stats_break_figures_down_per_site() -> None:
    # One person on two sites (Patrick M. Cronin: cnas notes 4.1 #1, 38north notes 8 #11),
    # 38 North's post credited to "38 North" (38north notes 8 #1), and a CNAS page
    # without date or byline (invented). A generic crawl sees the CNAS piece last.
    db = open_db(":memory:")
    archive = Archive(db, clock=lambda: "2026-11-03T00:00:00+00:00")
    cronin = {"name": "Patrick M. Cronin", "role": "author", "position": 0}

    def stored(spider: str, started: str, *pubs: Publication) -> None:
        crawl_id = archive.start_crawl(spider, {}, started=started)
        for pub in pubs:
            archive.store(pub, crawl_id)
        archive.finish_crawl(
            crawl_id,
            finish_reason="finished",
            items_stored=len(pubs),
            items_dropped=0,
            errors=0,
            stats={},
        )

    blink = Publication(
        url="https://www.cnas.org/publications/commentary/north-korea-and-the-blink-of-war",
        site="cnas",
        title="North Korea and the \u2018Blink\u2019 of War",
        published="2017-08-02",
        authors=[cronin],
    )
    unsigned = Publication(url="https://www.cnas.org/press/x", site="cnas", title="X")
    decent = Publication(
        url="https://www.38north.org/2019/02/pcroninklee020119/",
        site="38north",
        title="Preparing for a Decent Chance",
        published="2019-02-01",
        authors=[cronin],
    )
    torpedo = Publication(
        url="https://www.38north.org/2010/05/the-new-york-times-and-the-human-torpedo/",
        site="38north",
        title="The New York Times and the Human Torpedo",
        published="2010-05-02",
        corporate_author="38 North",
    )
    stored("cnas", "2026-11-01T01:00:00+00:00", blink, unsigned)
    stored("38north", "2026-11-02T01:00:00+00:00", decent, torpedo)
    stored("generic", "2026-11-03T01:00:00+00:00", blink)

    by_site = {row["site"]: row for row in query.stats(db)["by_site"]}
    figures = ("publications", "dated", "with_authors", "corporate_authors", "authors")
    assert {site: [row[name] for name in figures] for site, row in by_site.items()} == {
        "38north": [2, 2, 1, 1, 1],
        "cnas": [2, 1, 1, 0, 1],
    }
    assert {
        site: (row["date_coverage"], row["author_coverage"]) for site, row in by_site.items()
    } == {
        "38north": (1.0, 0.5),
        "cnas": (0.5, 0.5),
    }
    assert (by_site["38north"]["earliest"], by_site["38north"]["latest"]) == (
        "2010-05-02",
        "2019-02-01",
    )
    last = {
        site: (row["last_crawl"]["id"], row["last_crawl"]["spider"])
        for site, row in by_site.items()
    }
    assert last == {"38north": (2, "38north"), "cnas": (3, "generic")}
    assert query.table_counts(db)["authors"] == 1  # one person across the two sites
    assert query.stats(db, site="cnas")["by_site"] == [by_site["cnas"]]
    db.close()
