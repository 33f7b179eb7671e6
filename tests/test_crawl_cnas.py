"""End to end: `scrapy crawl cnas` over the offline mirror, asserting on the archive's rows.

Expected values are the real ones recorded in the site notes (titles, dates, bylines,
outlets, PDF links of real CNAS pages), not values read back from the code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlite_utils
from crawling import run_crawl

from thinkscrape import sites

CNAS = "https://www.cnas.org"


def publication(db: sqlite_utils.Database, path: str) -> dict:
    rows = list(db["publications"].rows_where("url = ?", [CNAS + path]))
    assert len(rows) == 1, f"{path} archived {len(rows)} times"
    return rows[0]


def people(db: sqlite_utils.Database, path: str) -> list[tuple[str, str, str | None]]:
    return [
        (row["name"], row["role"], row["honorific"])
        for row in db.query(
            """select a.name, pa.role, a.honorific from publication_authors pa
               join authors a on a.id = pa.author_id
               join publications p on p.id = pa.publication_id
               where p.url = ? order by pa.position""",
            [CNAS + path],
        )
    ]


@pytest.fixture(scope="module")
def db(mirror_crawl: Path) -> sqlite_utils.Database:
    return sqlite_utils.Database(mirror_crawl)


def test_commentary_with_outlet_and_single_author(db):
    path = "/publications/commentary/north-korea-and-the-blink-of-war"
    row = publication(db, path)
    assert (row["type"], row["title"], row["published"], row["published_raw"]) == (
        "commentary",
        "North Korea and the ‘Blink’ of War",
        "2017-08-02",
        "August 02, 2017",
    )
    assert (row["outlet"], row["full_article_domain"]) == ("War on the Rocks", "warontherocks.com")
    # the page's "More from CNAS" cards name Van Jackson and others: none of them leak in
    assert people(db, path) == [("Patrick M. Cronin", "author", None)]


def test_two_authors_joined_by_and_keep_byline_order(db):
    path = (
        "/publications/commentary/trump-must-send-russia-powerful-message-through-tougher-actions"
    )
    row = publication(db, path)
    assert (row["published"], row["outlet"]) == ("2018-02-12", "The Hill")
    assert people(db, path) == [
        ("Peter Harrell", "author", None),
        ("Elizabeth Rosenberg", "author", None),
    ]


def test_in_the_news_roles_and_outlet(db):
    path = "/press/in-the-news/trumps-chance-to-take-the-high-road-with-iran"
    row = publication(db, path)
    assert (row["type"], row["published"], row["outlet"]) == (
        "in-the-news",
        "2020-01-08",
        "The Atlantic",
    )
    assert people(db, path) == [
        ("Ilan Goldenberg", "featured", None),
        ("Mike Giglio", "journalist", None),
    ]


def test_outlet_named_only_on_the_source_line(db):
    path = "/press/in-the-news/where-washingtons-north-korea-policy-goes-from-here"
    row = publication(db, path)
    assert (row["published"], row["outlet"]) == ("2017-11-22", "NK News")
    assert ("Oliver Hotham", "journalist", None) in people(db, path)


def test_visit_the_website_sentence(db):
    row = publication(db, "/publications/commentary/preventing-nuclear-war-with-north-korea")
    assert (row["published"], row["outlet"]) == ("2016-09-11", "Foreign Affairs")


def test_report_with_subtitle_and_protocol_relative_pdf(db):
    path = "/publications/reports/negotiating-with-north-korea"
    row = publication(db, path)
    assert (row["type"], row["title"], row["subtitle"], row["published"]) == (
        "report",
        "Negotiating With North Korea",
        "How Will This End?",
        "2019-02-12",
    )
    assert row["pdf_url"] == (
        "https://s3.amazonaws.com/files.cnas.org/documents/"
        "CNAS-Report_North-Korea-How-Does-This-End_Final-WEB-1.pdf?mtime=20190204114900"
    )
    assert row["outlet"] is None
    assert json.loads(row["topics"]) == ["Indo-Pacific Security"]  # the header's program link
    assert people(db, path) == [("Patrick M. Cronin", "author", None)]


def test_series_are_recognised(db):
    sharper = publication(db, "/publications/commentary/sharper-nato-75")
    assert (sharper["type"], sharper["series"], sharper["published"]) == (
        "commentary",
        "Sharper",
        "2024-04-17",
    )
    insights = publication(
        db,
        "/publications/cnas-insights/cnas-insights-sovereign-ais-second-wave-is-coming-into-view",
    )
    assert (insights["type"], insights["series"], insights["published"]) == (
        "commentary",
        "CNAS Insights",
        "2026-08-20",
    )


def test_every_content_type_is_archived(db):
    types = {row["type"] for row in db.query("select distinct type from publications")}
    assert types == set(sites.get("cnas").types)


def test_urls_are_canonical_and_unique(db):
    urls = [row["url"] for row in db.query("select url from publications")]
    assert len(urls) == len(set(urls))
    for url in urls:
        assert url.startswith(CNAS + "/"), url
        assert "?" not in url and "#" not in url and not url.endswith("/"), url


def test_author_names_are_clean_and_one_row_per_person(db):
    for row in db["authors"].rows:
        name = row["name"]
        assert not name.startswith(("By ", "Dr. ", "Dr ", "CDR ")), name
        assert "\u200b" not in name and "," not in name and name == name.strip(), name
    keys = [row["name_key"] for row in db["authors"].rows]
    assert len(keys) == len(set(keys))


def test_leaked_test_entry_without_title_is_dropped_and_counted(db):
    rows = list(db["publications"].rows_where("title like '%JCE TEST%' or url like '%jce-test%'"))
    assert rows == []
    crawl = next(db["crawls"].rows)
    assert crawl["items_dropped"] == 1
    stats = json.loads(crawl["stats"])
    assert stats["thinkscrape/required/dropped/no_title"] == 1


def test_crawl_is_recorded(db):
    (crawl,) = list(db["crawls"].rows)
    assert crawl["spider"] == "cnas"
    assert crawl["finish_reason"] == "finished"
    assert crawl["status"] == "ok"  # every coverage floor met on the mirror
    assert json.loads(crawl["coverage"])["authors"] >= 0.9
    assert crawl["items_stored"] == db["publications"].count
    assert crawl["finished"] >= crawl["started"]


def test_full_text_search_finds_body_words(db):
    hits = [
        row["url"]
        for row in db.query(
            "select p.url from publications_fts f join publications p on p.rowid = f.rowid "
            "where publications_fts match ? order by rank",
            ["Blink"],
        )
    ]
    assert CNAS + "/publications/commentary/north-korea-and-the-blink-of-war" in hits


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    tables = ("publications", "authors", "author_aliases", "publication_authors", "links")
    return {name: db[name].count for name in tables}


def test_recrawl_changes_no_row_counts(mirror_crawl: Path, cnas_mirror: str, tmp_path: Path):
    db_path = tmp_path / "again.db"
    shutil.copy(mirror_crawl, db_path)
    before = counts(sqlite_utils.Database(db_path))
    # full=1 refresh=1: every listing page and every article fetched and stored again
    result = run_crawl(cnas_mirror, db_path, spider_args={"full": "1", "refresh": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite_utils.Database(db_path)
    assert counts(db) == before
    assert db["publication_versions"].count == 0
    last = list(db.query("select * from crawls order by id desc limit 1"))[0]
    assert last["items_stored"] == before["publications"]
    assert json.loads(last["stats"])["thinkscrape/archive/unchanged"] == before["publications"]


def test_incremental_recrawl_reads_only_the_listing_indexes(
    mirror_crawl: Path, cnas_mirror: str, tmp_path: Path
):
    db_path = tmp_path / "nightly.db"
    shutil.copy(mirror_crawl, db_path)
    result = run_crawl(cnas_mirror, db_path)
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite_utils.Database(db_path)
    stats = json.loads(
        list(db.query("select stats from crawls order by id desc limit 1"))[0]["stats"]
    )
    # robots.txt plus one page per listing index; the page dropped last time (no title) is
    # remembered with its reason and not fetched again
    assert stats["downloader/request_count"] == 4
    assert stats.get("item_scraped_count", 0) == 0
    (dropped,) = list(db["dropped_pages"].rows)
    assert (
        dropped["url"] == CNAS + "/publications/reports/the-financing-of-wmd-proliferation-jce-test"
    )
    assert dropped["reason"] == "no title on " + dropped["url"]
    last = list(db.query("select status, exit_code from crawls order by id desc limit 1"))[0]
    assert last["status"] == "ok"


def test_renormalising_the_stored_raw_values_reproduces_the_archive(mirror_crawl: Path, tmp_path):
    from thinkscrape.archive.renormalize import renormalize
    from thinkscrape.archive.schema import open_db

    db_path = tmp_path / "renormalise.db"
    shutil.copy(mirror_crawl, db_path)
    report = renormalize(open_db(db_path), check=True)
    assert report["publications"] == sqlite_utils.Database(mirror_crawl)["publications"].count
    assert report["differences"] == []
    assert report["skipped"] == []
