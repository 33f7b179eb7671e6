"""End to end: `scrapy crawl csis` over the offline mirror of www.csis.org
(tests/mirrors/csis), asserting on the archive's rows.

Expected values are the real ones the site notes record (section 4: URLs, titles, dates,
bylines, the type labels of the cards), not values read back from the code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils
from crawling import MIRRORS, byline_names, crawl_mirror, stored

HOME = "https://www.csis.org"
SAMPLE = MIRRORS / "csis"


def crawl(mirror_root: Path, path: Path) -> sqlite_utils.Database:
    return crawl_mirror("csis", mirror_root, path)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    return crawl(SAMPLE, tmp_path_factory.mktemp("csis") / "archive.db")


def stats(db: sqlite_utils.Database) -> dict:
    [found] = [json.loads(r["stats"]) for r in db["crawls"].rows]
    return found


def test_the_listings_alone_reach_every_publication(tmp_path: Path) -> None:
    # Without the sitemap, /analysis and its ?page=1, ?page=2 reach all thirteen pieces.
    site = tmp_path / "site"
    site.mkdir()
    for path in SAMPLE.rglob("*"):
        if path.is_file() and not path.name.startswith("sitemap.xml"):
            (site / path.relative_to(SAMPLE)).parent.mkdir(parents=True, exist_ok=True)
            (site / path.relative_to(SAMPLE)).write_bytes(path.read_bytes())
    got = crawl(site, tmp_path / "archive.db")
    assert got["publications"].count == 13
    # /analysis, ?page=1 and ?page=2: the pager's "?page=0" is /analysis itself
    assert stats(got)["thinkscrape/listing/pages"] == 3


def row(db: sqlite_utils.Database, slug: str) -> dict:
    return stored(db, f"{HOME}/analysis/{slug}")


def names(db: sqlite_utils.Database, slug: str) -> list[str]:
    return byline_names(db, f"{HOME}/analysis/{slug}")


def test_only_analysis_pages_are_archived_under_their_canonical_urls(db) -> None:
    urls = {r["url"] for r in db["publications"].rows}
    assert len(urls) == 13
    assert all(u.startswith(HOME + "/analysis/") and "?" not in u for u in urls)
    # event and digital-feature cards, people and programs in the sitemap: no publications
    assert {r["site"] for r in db["publications"].rows} == {"csis"}


@pytest.mark.parametrize(
    ("slug", "type_", "title", "published", "authors"),
    [
        (
            "globalization-chameleon",
            "commentary",
            "The Globalization Chameleon",
            "2019-02-05",
            # the credit's name, not the bio's shorter "William Reinsch"
            ["William Alan Reinsch"],
        ),
        (
            "asia-reassurance-initiative-act-reassuring-australia",
            "commentary",
            "The Asia Reassurance Initiative Act: Reassuring for Australia?",
            "2019-02-06",
            ["Rohana Prince"],
        ),
        (
            "ending-cycle-crisis-and-complacency-us-global-health-security",
            "report",
            "Ending the Cycle of Crisis and Complacency in U.S. Global Health Security",
            "2019-11-20",
            ["J. Stephen Morrison"],
        ),
        (
            "spaceports-world",
            "report",
            "Spaceports of the World",
            "2019-03-13",
            ["Thomas G. Roberts"],
        ),
        (
            "nato-and-cyber-outrunning-bear",
            "commentary",
            "NATO and Cyber: Outrunning the Bear",
            "2024-07-08",
            ["Suzanne Spaulding", "Mark Montgomery"],
        ),
        (
            "demographic-dilemma-why-military-support-must-consider-population-trends",
            "commentary",
            "The Demographic Dilemma: Why Military Support Must Consider Population Trends",
            "2024-12-16",
            ["Benjamin Jensen", "Mark Montgomery"],
        ),
        (
            "what-know-about-signed-us-ukraine-minerals-deal",
            "commentary",
            "What to Know About the Signed U.S.-Ukraine Minerals Deal",
            "2025-05-01",
            ["Gracelin Baskaran", "Meredith Schwartz"],
        ),
        # pieces crediting no one: the related cards' names do not become theirs
        ("state-trading-union", "podcast", "State of the Trading Union", "2019-02-06", []),
        (
            "kremlin-playbook-2-enablers",
            "transcript",
            "The Kremlin Playbook 2: The Enablers",
            "2019-03-13",
            [],
        ),
        (
            "evening-isis-south-korea-running-empty-and-more",
            "commentary",  # the newsletter "The Evening"
            "The Evening: ISIS, South Korea, Running On Empty and More",
            "2019-02-04",
            [],
        ),
    ],
)
def test_type_title_date_and_authors(db, slug, type_, title, published, authors) -> None:
    got = row(db, slug)
    assert (got["type"], got["title"], got["published"]) == (type_, title, published)
    assert names(db, slug) == authors


def test_the_type_is_the_cards_label_though_the_sitemap_lists_the_pages_too(db) -> None:
    # The sitemap (read after the listings) lists every piece; each still kept its card.
    labels = {
        r["url"].rsplit("/", 1)[1]: json.loads(r["raw"])
        for r in db.query("select url, raw from publications")
    }
    assert all(raw["listing"] is not None for raw in labels.values())
    assert labels["evening-isis-south-korea-running-empty-and-more"]["type_label"] == "Newsletter"
    assert labels["state-trading-union"]["sources"]["type"] == "listing"
    assert stats(db)["thinkscrape/discovery/sitemap/publications"] == 13


def test_report_pdfs_keep_their_version_id_and_nothing_appeared_elsewhere(db) -> None:
    report = row(
        db, "assessing-impact-china-russia-security-coordination-latin-america-and-caribbean"
    )
    assert report["type"] == "report"
    assert report["pdf_url"] == (
        "https://csis-website-prod.s3.amazonaws.com/s3fs-public/2025-02/"
        "250210_Scholar_China_Russia_LatAm.pdf?VersionId=Qm3xYp0aLk7TzR2wVn8sDf4Gh6Jc1Eb9"
    )
    assert names(db, report["url"].rsplit("/", 1)[1]) == ["A. Scholar", "B. Scholar", "C. Scholar"]
    # notes 2.4: no "originally published in" sentence on any csis.org page
    assert [r["url"] for r in db["publications"].rows if r["outlet"] or r["full_article_url"]] == []
    commentary = row(db, "globalization-chameleon")
    assert commentary["pdf_url"] is None  # the body's cited PDF is not its own
