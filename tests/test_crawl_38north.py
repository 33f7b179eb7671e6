"""End to end: `scrapy crawl 38north` over the offline mirror of www.38north.org
(tests/mirrors/38north), asserting on the archive's rows.

Expected values are the real ones the site notes record (section 8: URLs, titles, dates,
bylines), not values read back from the code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlite_utils
from crawling import MIRRORS, byline_names, crawl_mirror, stored

HOME = "https://www.38north.org"
SAMPLE = MIRRORS / "38north"


def crawl(mirror_root: Path, path: Path) -> sqlite_utils.Database:
    return crawl_mirror("38north", mirror_root, path)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    return crawl(SAMPLE, tmp_path_factory.mktemp("38north") / "archive.db")


def test_the_listings_alone_reach_every_publication(tmp_path: Path) -> None:
    # Without its sitemaps and feed the site is crawled through /articles/page/N/ and
    # /reports/ only (four cards a page).
    shutil.copytree(SAMPLE, tmp_path / "site")
    for sitemap in (tmp_path / "site").glob("*sitemap*.xml"):
        sitemap.unlink()
    shutil.rmtree(tmp_path / "site" / "feed")
    got = crawl(tmp_path / "site", tmp_path / "archive.db")
    assert got["publications"].count == 10
    [stats] = [json.loads(r["stats"]) for r in got["crawls"].rows]
    assert stats["thinkscrape/listing/pages"] == 4  # /articles/ pages 1-3, /reports/


def row(db: sqlite_utils.Database, path: str) -> dict:
    return stored(db, HOME + path)


def names(db: sqlite_utils.Database, path: str) -> list[str]:
    return byline_names(db, HOME + path)


def test_every_listed_publication_is_archived_under_its_canonical_url(db) -> None:
    urls = {r["url"] for r in db["publications"].rows}
    assert len(urls) == 10
    assert all(url.startswith(HOME + "/") and not url.endswith("/") for url in urls)
    assert HOME + "/reports/2023/04/deterring-a-nuclear-north-korea" in urls
    # author archives, topics and listings are no publications
    assert not [u for u in urls if "/author/" in u or "/topics/" in u or "/articles" in u]
    assert {r["site"] for r in db["publications"].rows} == {"38north"}


@pytest.mark.parametrize(
    ("path", "title", "published", "authors"),
    [
        (
            "/2019/01/jwit013119",
            "Let’s Get Perspective",
            "2019-01-31",
            ["Joel S. Wit"],
        ),
        (
            "/2019/01/ddepetris011819",
            "Advancing Peace and Security on the Korean Peninsula: The Case for Koreanization",
            "2019-01-18",
            ["Daniel R. DePetris"],
        ),
        (
            # an evening piece: Yoast's and the feed's UTC dates fall on the next day
            "/2019/02/bkatzeffsilberstein020119",
            "China’s Sanctions Enforcement and Fuel Prices in North Korea: What the Data Tells Us",
            "2019-02-01",
            ["Benjamin Katzeff Silberstein"],
        ),
        (
            "/2023/04/yongbyon-nuclear-scientific-research-center-expansion-work-continues",
            "Yongbyon Nuclear Scientific Research Center: Expansion Work Continues",
            "2023-04-28",
            ["Peter Makowsky", "Jack Liu", "Olli Heinonen"],
        ),
        (
            # credited to the organisation: no person
            "/2010/05/the-new-york-times-and-the-human-torpedo-a-close-second-place",
            "The New York Times and the Human Torpedo – A Close Second Place",
            "2010-05-02",
            [],
        ),
    ],
)
def test_title_date_and_authors(db, path, title, published, authors) -> None:
    got = row(db, path)
    assert (got["type"], got["title"], got["published"]) == ("commentary", title, published)
    assert names(db, path) == authors


def test_the_organisation_credited_as_author_is_the_corporate_author(db) -> None:
    # "BY: 38 NORTH" names the site's own user (site notes 6.2): no person, one institution;
    # the mirror's report is credited to it too (its byline is invented in sitegen)
    credited = {
        r["url"][len(HOME) :]: r["corporate_author"]
        for r in db["publications"].rows
        if r["corporate_author"]
    }
    assert credited == {
        "/2010/05/the-new-york-times-and-the-human-torpedo-a-close-second-place": "38 North",
        "/reports/2023/04/deterring-a-nuclear-north-korea": "38 North",
    }


def test_the_sidebar_cards_do_not_leak_into_an_article(db) -> None:
    # Every page's sidebar shows the NATO piece by Daniel R. DePetris, dated July 21, 2023.
    path = (
        "/2023/04/yongbyon-nuclear-research-center-growing-activity-at-the-experimental"
        "-light-water-reactor"
    )
    assert row(db, path)["published"] == "2023-04-01"
    assert names(db, path) == ["Peter Makowsky", "Jack Liu"]


def test_own_links_are_internal_and_the_own_report_is_no_full_article_elsewhere(db) -> None:
    assert [r for r in db["publications"].rows if r["full_article_url"] or r["outlet"]] == []
    links = {
        (r["url"].rstrip("/"), r["kind"])
        for r in db.query(
            """select l.url, l.kind from links l join publications p on p.id = l.publication_id
               where p.url = ?""",
            [HOME + "/2019/02/bkatzeffsilberstein020119"],
        )
    }
    assert links == {
        (HOME + "/reports/2023/04/deterring-a-nuclear-north-korea", "internal"),
        ("https://www.dailynk.com/english", "external"),
    }


def test_report_is_typed_by_its_path(db) -> None:
    assert row(db, "/reports/2023/04/deterring-a-nuclear-north-korea")["type"] == "report"
