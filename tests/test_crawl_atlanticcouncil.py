"""End to end: `scrapy crawl atlanticcouncil` over the offline mirror of
www.atlanticcouncil.org (tests/mirrors/atlanticcouncil), asserting on the archive's rows.

Expected values are the real ones the site notes record (section 5: titles, dates, bylines,
labels; section 3.3: the outlets In the News items name), not values read back from the code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlite_utils
from crawling import MIRRORS, byline_names, crawl_mirror, stored

HOME = "https://www.atlanticcouncil.org"
SAMPLE = MIRRORS / "atlanticcouncil"
NA = "/blogs/new-atlanticist/"
ITN = "/insight-impact/in-the-news/"
REPORT = (
    "/in-depth-research-reports/report/how-nato-can-integrate-ai-to-prevail-in-future"
    "-algorithmic-warfare"
)


def crawl(mirror_root: Path, path: Path) -> sqlite_utils.Database:
    return crawl_mirror("atlanticcouncil", mirror_root, path)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    return crawl(SAMPLE, tmp_path_factory.mktemp("atlanticcouncil") / "archive.db")


def row(db: sqlite_utils.Database, path: str) -> dict:
    return stored(db, HOME + path)


def names(db: sqlite_utils.Database, path: str) -> list[str]:
    return byline_names(db, HOME + path)


def test_every_publication_is_archived_once_under_its_canonical_url(db) -> None:
    urls = {r["url"] for r in db["publications"].rows}
    assert len(urls) == 13  # nine New Atlanticist posts, three In the News items, a report
    assert all(u.startswith(HOME + "/") and not u.endswith("/") and "?" not in u for u in urls)
    # experts, events, categories, program collections and pills are no publications
    others = ("/expert/", "/event/", "/category/", "/programs/", "/issue/")
    assert [u for u in urls if any(part in u for part in others)] == []
    assert {r["site"] for r in db["publications"].rows} == {"atlanticcouncil"}


@pytest.mark.parametrize(
    ("path", "type_", "title", "published", "authors"),
    [
        (
            f"{NA}nato-allies-need-a-better-approach-to-industrial-strategy",
            "commentary",
            "NATO allies need a better approach to industrial strategy",
            "2024-07-01",
            ["Kristen Taylor"],  # the Related Experts line adds no author
        ),
        (
            f"{NA}the-deter-act-will-not-deter-russia-it-will-instead-hurt-us-eu-economies",
            "commentary",
            "The DETER Act Will Not Deter Russia. It Will Instead Hurt US, EU Economies",
            "2018-06-18",
            ["Daniel Fried", "Brian O'Toole"],
        ),
        (
            f"{NA}the-united-states-needs-its-allies-mattis-tells-naval-war-college-graduates",
            "commentary",
            "The United States Needs Its Allies, Mattis Tells Naval War College Graduates",
            "2018-06-19",
            ["David Wemer"],
        ),
        (
            f"{NA}the-case-for-extending-new-start",
            "commentary",
            "The case for extending New START",
            "2020-02-05",
            ["Alexander Vershbow"],  # the embedded expert card is no author
        ),
        (
            f"{NA}here-s-what-to-expect-from-yet-another-putin-presidency",
            "commentary",
            "Here’s What to Expect From Yet Another Putin Presidency",
            "2018-03-16",
            ["Anders Åslund"],
        ),
        (
            f"{NA}can-an-eu-army-be-more-than-just-a-pipe-dream",
            "commentary",
            "Can an EU Army Be More Than Just a Pipe Dream?",
            "2016-10-05",
            ["Lukas Trakimavičius"],
        ),
        (
            f"{NA}south-sudan-free-at-last-now-what",
            "commentary",
            "South Sudan: Free at Last! Now What?",
            "2011-07-11",
            ["Peter Pham"],
        ),
        (
            f"{ITN}deni-in-the-washington-post-on-the-upcoming-nato-summit",
            "in-the-news",
            "Deni in The Washington Post on the upcoming NATO Summit",
            "2024-07-04",
            ["John R. Deni"],
        ),
        (
            REPORT,
            "report",
            "How NATO can integrate AI to prevail in future algorithmic warfare",
            "2025-06-03",
            [],
        ),
    ],
)
def test_type_title_date_and_authors(db, path, type_, title, published, authors) -> None:
    got = row(db, path)
    assert (got["type"], got["title"], got["published"]) == (type_, title, published)
    assert names(db, path) == authors


def test_every_publication_keeps_the_listing_card_it_was_shown_with(db) -> None:
    # the sitemaps and feed are read after the listings, which list every publication
    cards = {r["url"]: json.loads(r["raw"])["listing"] for r in db["publications"].rows}
    assert [url for url, card in cards.items() if not card] == []
    deter = cards[
        f"{HOME}{NA}the-deter-act-will-not-deter-russia-it-will-instead-hurt-us-eu-economies"
    ]
    assert (deter["type"], deter["date_raw"], deter["byline_raw"]) == (
        "New Atlanticist",
        "Jun 18, 2018",
        "By Daniel Fried and Brian O'Toole",
    )


def test_the_site_label_is_kept_beside_the_type(db) -> None:
    labels = {
        r["url"][len(HOME) :]: json.loads(r["raw"])["type_label"] for r in db["publications"].rows
    }
    assert labels[f"{NA}the-case-for-extending-new-start"] == "New Atlanticist"
    assert labels[f"{ITN}deni-in-the-washington-post-on-the-upcoming-nato-summit"] == "In the News"


@pytest.mark.parametrize(
    ("slug", "outlet", "full_article_url"),
    [
        (
            "deni-in-breaking-defense-on-the-economic-argument-for-us-troops-in-europe",
            "Breaking Defense",
            "https://breakingdefense.com/2025/08/the-economic-argument-for-us-troops-in-europe/",
        ),
        (
            "taylor-in-breaking-defense-on-how-nato-allies-should-communicate-defense-spending"
            "-hikes",
            "Breaking Defense",
            None,
        ),
        ("deni-in-the-washington-post-on-the-upcoming-nato-summit", "The Washington Post", None),
    ],
)
def test_in_the_news_items_name_their_outlet_in_the_lead(
    db, slug, outlet, full_article_url
) -> None:
    got = row(db, ITN + slug)
    assert (got["type"], got["outlet"], got["full_article_url"]) == (
        "in-the-news",
        outlet,
        full_article_url,
    )


def test_posts_name_no_outlet_and_the_report_keeps_its_pdf(db) -> None:
    posts = [r for r in db["publications"].rows if NA in r["url"]]
    assert len(posts) == 9
    assert [r["url"] for r in posts if r["outlet"] or r["full_article_url"]] == []
    assert row(db, REPORT)["pdf_url"] == (
        f"{HOME}/wp-content/uploads/2025/06/How-NATO-can-integrate-AI.pdf"
    )
    body = row(db, f"{NA}the-case-for-extending-new-start")["body"]
    assert "Distinguished Fellow" not in body and "Alexander Vershbow" not in body


def test_the_listings_alone_reach_every_publication(tmp_path: Path) -> None:
    # Without its sitemaps and feed the site is crawled through the New Atlanticist category
    # (/page/N) and the two program collections (?ac-page-collection-block_<id>=N).
    shutil.copytree(SAMPLE, tmp_path / "site")
    for sitemap in (tmp_path / "site").glob("*sitemap*.xml"):
        sitemap.unlink()
    shutil.rmtree(tmp_path / "site" / "feed")
    got = crawl(tmp_path / "site", tmp_path / "archive.db")
    assert got["publications"].count == 13
    [stats] = [json.loads(r["stats"]) for r in got["crawls"].rows]
    assert stats["thinkscrape/listing/pages"] == 7  # 3 category pages, 2 + 2 collection pages
