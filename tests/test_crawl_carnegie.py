"""End to end: `scrapy crawl carnegie` over the offline mirror of carnegieendowment.org
(tests/mirrors/carnegie), asserting on the archive's rows.

Expected values are the real ones the site notes record (section 4: URLs, titles, dates,
bylines, the outlet of a piece in the media), not values read back from the code. Dates of
migrated pages are the URL's month: they show none (section 2.3).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlite_utils
from crawling import MIRRORS, byline_names, crawl_mirror, stored

HOME = "https://carnegieendowment.org"
SAMPLE = MIRRORS / "carnegie"
RESEARCH_AND_EMISSARY = {
    "/research/2024/06/turkeys-electoral-map-explained-actors-dynamics-and-future-prospects",
    "/research/2024/02/tracing-the-roots-of-chinas-ai-regulations",
    "/research/2023/07/chinas-ai-regulations-and-how-they-get-made",
    "/emissary/2025/12/carnegie-must-read-pieces-2025",
    "/emissary/2024/12/global-year-of-elections-three-conclusions",
    "/emissary/2024/12/south-africa-g20-presidency-developing-countries-debt",
}
POSTS = {
    "/posts/2025/03/deepseek-ai-implications-africa",
    "/posts/2024/05/chinas-race-to-tech-supremacy-shenzhen-speed",
    "/russia-eurasia/posts/2024/07/to-secure-kazakhstans-uranium-chinese-players-were"
    "-compelled-to-accommodate-local-partners",
    "/posts/2023/04/russia-is-winning-in-georgia",
    "/posts/2019/05/nine-reasons-why-declaring-the-muslim-brotherhood-a-terrorist"
    "-organization-would-be-a-mistake",
    "/posts/2016/01/web-of-control-the-future-of-the-russian-internet",
    "/posts/2010/09/chinas-role-in-shaping-the-future-of-afghanistan",
}


def crawl(mirror_root: Path, path: Path) -> sqlite_utils.Database:
    return crawl_mirror("carnegie", mirror_root, path)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    return crawl(SAMPLE, tmp_path_factory.mktemp("carnegie") / "archive.db")


def row(db: sqlite_utils.Database, path: str) -> dict:
    return stored(db, HOME + path)


def names(db: sqlite_utils.Database, path: str) -> list[str]:
    return byline_names(db, HOME + path)


def test_every_publication_is_archived_once_under_its_canonical_url(db) -> None:
    # /en/posts/... (sitemap) and /posts/... (API) are one page; ?lang=en links drop the query
    urls = {r["url"] for r in db["publications"].rows}
    assert urls == {HOME + path for path in RESEARCH_AND_EMISSARY | POSTS}
    # people, programs, the podcast's page, listings, sitemaps and the API are no publications
    assert {r["site"] for r in db["publications"].rows} == {"carnegie"}


def test_the_listings_alone_reach_every_research_and_emissary_piece(tmp_path: Path) -> None:
    # Without the sitemap and the API the crawl reads /research and /emissary, two pages
    # each; the /posts/ pieces are on no listing index (section 1.4: listings of research,
    # Emissary and experts only).
    shutil.copytree(SAMPLE, tmp_path / "site")
    (tmp_path / "site" / "sitemap.xml").unlink()
    shutil.rmtree(tmp_path / "site" / "api")
    got = crawl(tmp_path / "site", tmp_path / "archive.db")
    assert {r["url"] for r in got["publications"].rows} == {
        HOME + path for path in RESEARCH_AND_EMISSARY
    }
    [stats] = [json.loads(r["stats"]) for r in got["crawls"].rows]
    assert stats["thinkscrape/listing/pages"] == 4


@pytest.mark.parametrize(
    ("path", "type_", "title", "published", "authors"),
    [
        (
            "/research/2024/02/tracing-the-roots-of-chinas-ai-regulations",
            "report",  # label "paper"
            "Tracing the Roots of China’s AI Regulations",
            "2024-02-27",
            ["Matt Sheehan"],
        ),
        (
            "/research/2024/06/turkeys-electoral-map-explained-actors-dynamics-and-future"
            "-prospects",
            "report",  # label "article"
            "Turkey’s Electoral Map Explained: Actors, Dynamics, and Future Prospects",
            "2024-06-04",
            ["Sinem Adar"],
        ),
        (
            "/emissary/2024/12/south-africa-g20-presidency-developing-countries-debt",
            "commentary",
            "How South Africa Can Use Its G20 Presidency to Reduce the Cost of Developing "
            "Countries’ Debt",
            "2024-12-13",
            ["David McNair"],
        ),
        (
            # a group byline names nobody; the body's "… by Sylvester Quansah" is no byline
            "/emissary/2025/12/carnegie-must-read-pieces-2025",
            "commentary",
            "Carnegie’s Must-Read Pieces From 2025",
            "2025-12",  # the URL's month (the day is the mirror's)
            [],
        ),
        (
            # migrated: the page-data object's people and type, the URL's month
            "/posts/2023/04/russia-is-winning-in-georgia",
            "in-the-news",  # "legacyinthemedia"
            "Russia Is Winning in Georgia",
            "2023-04-01",
            ["Francis Fukuyama"],
        ),
        (
            "/posts/2019/05/nine-reasons-why-declaring-the-muslim-brotherhood-a-terrorist"
            "-organization-would-be-a-mistake",
            "commentary",
            "Nine Reasons Why Declaring the Muslim Brotherhood a Terrorist Organization Would "
            "Be a Mistake",
            "2019-05-01",
            ["Michele Dunne", "Andrew Miller"],
        ),
        (
            # type "other": the URL's type; the teaser's Matt Sheehan is another piece's
            "/posts/2010/09/chinas-role-in-shaping-the-future-of-afghanistan",
            "commentary",
            "China’s Role in Shaping the Future of Afghanistan",
            "2010-09-01",
            ["Tiffany Ng"],
        ),
    ],
)
def test_type_title_date_and_authors(db, path, type_, title, published, authors) -> None:
    got = row(db, path)
    assert (got["type"], got["title"], got["published"][: len(published)]) == (
        type_,
        title,
        published,
    )
    assert names(db, path) == authors


def test_migrated_pages_are_dated_by_their_urls_month(db) -> None:
    got = row(db, "/posts/2016/01/web-of-control-the-future-of-the-russian-internet")
    assert (got["published"], got["published_precision"]) == ("2016-01-01", "month")
    assert names(db, "/posts/2016/01/web-of-control-the-future-of-the-russian-internet") == []


def test_a_piece_in_the_media_keeps_its_outlet_as_printed_not_the_photo_credit(db) -> None:
    got = row(db, "/posts/2024/05/chinas-race-to-tech-supremacy-shenzhen-speed")
    assert (got["type"], got["outlet"], got["published"]) == (
        "in-the-news",
        "Tech Tonic Podcast (FT)",
        "2024-05-14",
    )
    assert names(db, "/posts/2024/05/chinas-race-to-tech-supremacy-shenzhen-speed") == [
        "Matt Sheehan"
    ]
    # "Source: Getty" under the migrated pages' images is a photo credit, no outlet
    assert {r["outlet"] for r in db["publications"].rows} == {None, "Tech Tonic Podcast (FT)"}


def test_emissary_is_a_series_and_a_centre_path_a_publication(db) -> None:
    assert row(db, "/emissary/2024/12/global-year-of-elections-three-conclusions")["series"] == (
        "Emissary"
    )
    centre = row(
        db,
        "/russia-eurasia/posts/2024/07/to-secure-kazakhstans-uranium-chinese-players-were"
        "-compelled-to-accommodate-local-partners",
    )
    assert centre["title"] == (
        "To Secure Kazakhstan's Uranium, Chinese Players Were Compelled to Accommodate Local "
        "Partners"
    )
    assert centre["published"].startswith("2024-07")


def test_the_sitemap_children_and_the_api_paths_lead_to_publications(db) -> None:
    # /sitemap.xml is a <urlset> of six child files: all are read, and the staff and topic
    # children's pages are counted as no publications; the API's site paths (7 posts, 3
    # research pieces, no titles) resolve to publication URLs.
    [stats] = [json.loads(r["stats"]) for r in db["crawls"].rows]
    assert stats["thinkscrape/discovery/sitemap/pages"] == 7
    assert stats["thinkscrape/discovery/sitemap/publications"] == 13
    assert stats["thinkscrape/discovery/sitemap/not_publications"] == 7
    assert stats["thinkscrape/discovery/api/pages"] == 2
    assert stats["thinkscrape/discovery/api/publications"] == 10
    assert "thinkscrape/discovery/api/not_publications" not in stats
