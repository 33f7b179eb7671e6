"""End to end: `scrapy crawl rand` over the offline mirror of www.rand.org (tests/mirrors/rand),
asserting on the archive's rows.

Expected values are the real ones the site notes record (section 5: URLs, titles, dates,
bylines, the outlets of the "originally appeared" sentences), not values read back from the
code. The links on the outlets' names are the mirror's own (the notes do not record them).
"""

from __future__ import annotations

import json

import pytest
import sqlite_utils
from crawling import MIRRORS, byline_names, crawl_mirror, stored

HOME = "https://www.rand.org"
SAMPLE = MIRRORS / "rand"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    path = tmp_path_factory.mktemp("rand") / "archive.db"
    return crawl_mirror("rand", SAMPLE, path)


def row(db: sqlite_utils.Database, path: str) -> dict:
    return stored(db, HOME + path)


def names(db: sqlite_utils.Database, path: str) -> list[str]:
    return byline_names(db, HOME + path)


def test_the_listing_alone_reaches_every_publication(db) -> None:
    # The site offers one listing (/pubs.html?page=N, notes 1.3): no sitemap or feed is
    # read, so all 13 publications came through its three pages.
    urls = {r["url"] for r in db["publications"].rows}
    assert len(urls) == 13
    [stats] = [json.loads(r["stats"]) for r in db["crawls"].rows]
    assert stats["thinkscrape/listing/pages"] == 3


def test_every_publication_is_archived_under_its_canonical_url(db) -> None:
    urls = {r["url"] for r in db["publications"].rows}
    assert all(url.startswith(HOME + "/") and url.endswith(".html") for url in urls)
    assert all("?" not in url for url in urls)
    # the news advisory card, the topic, people and events links are no publications
    assert not [u for u in urls if "/news/" in u or "/topics/" in u or "/about/" in u]
    assert not [u for u in urls if u.endswith(("/pubs.html", "/events.html"))]
    assert {r["site"] for r in db["publications"].rows} == {"rand"}


@pytest.mark.parametrize(
    ("path", "type_", "title", "published", "authors"),
    [
        (
            "/blog/2019/02/the-need-to-think-more-clearly-about-great-power-competition.html",
            "commentary",
            "The Need to Think More Clearly About 'Great-Power Competition'",
            "2019-02-11",
            ["Ali Wyne"],
        ),
        (
            "/blog/2019/02/terrorists-on-the-border-and-government-secrecy.html",
            "commentary",
            "Terrorists on the Border and Government Secrecy",
            "2019-02-13",
            ["Brian Michael Jenkins", "Richard Daddario"],
        ),
        (
            # the slug is cut mid-phrase; the title is the page's, not the slug's
            "/blog/2019/02/americas-national-defense-strategy-and-the-paradox.html",
            "commentary",
            "America's National Defense Strategy and the Paradox of Technology",
            "2019-02-04",
            ["Chad C. Serena", "Colin P. Clarke"],
        ),
        (
            # "by Jason Fagone" in the title is no byline
            "/blog/2019/02/book-review-the-woman-who-smashed-codes-by-jason-fagone.html",
            "commentary",
            "Book Review: 'The Woman Who Smashed Codes' by Jason Fagone",
            "2019-02-19",
            ["Cortney Weinbaum"],
        ),
        (
            "/pubs/research_reports/RR2575z8.html",
            "report",
            "Educator Access to and Use of Data Systems",
            "2019-02-14",
            ["Tiffany Tsai", "Katie Tosh"],
        ),
        (
            "/pubs/external_publications/EP67794.html",
            "report",
            "Market Power and Price Discrimination in the US Market for Higher Education",
            "2019-02-15",
            ["Dennis N Epple", "Richard Romano", "Sinan Sarpca", "Holger Sieg", "Melanie A. Zaber"],
        ),
        (
            # the later commentary page, read by the general page objects
            "/pubs/commentary/2022/12/ten-things-that-inspired-me-in-2022.html",
            "commentary",
            "Ten Things That Inspired Me in 2022",
            "2022-12-15",
            ["Jason Matheny"],
        ),
    ],
)
def test_title_date_type_and_authors(db, path, type_, title, published, authors) -> None:
    got = row(db, path)
    assert (got["type"], got["title"], got["published"]) == (type_, title, published)
    assert names(db, path) == authors


@pytest.mark.parametrize(
    ("path", "outlet", "domain"),
    [
        (
            "/blog/2019/02/the-islamic-republics-foreign-policy-at-forty.html",
            "Atlantic Council",
            "atlanticcouncil.org",
        ),
        (
            "/blog/2019/02/the-need-to-think-more-clearly-about-great-power-competition.html",
            "The National Interest",
            "nationalinterest.org",
        ),
        (
            "/blog/2019/02/book-review-the-woman-who-smashed-codes-by-jason-fagone.html",
            "Modern War Institute (West Point)",
            "usma.edu",
        ),
        ("/blog/2019/02/syrian-skills-a-missed-opportunity.html", "RealClearWorld", None),
        ("/pubs/commentary/2026/01/the-israel-iran-detente-wont-last.html", "The Hill", None),
    ],
)
def test_the_originally_appeared_sentence_gives_outlet_and_full_article(
    db, path, outlet, domain
) -> None:
    got = row(db, path)
    assert got["outlet"] == outlet
    assert got["full_article_url"].startswith("https://")
    assert domain is None or got["full_article_domain"] == domain


def test_the_atlantic_council_piece_points_at_the_atlantic_councils_page(db) -> None:
    got = row(db, "/blog/2019/02/the-islamic-republics-foreign-policy-at-forty.html")
    assert got["full_article_url"] == (
        "https://www.atlanticcouncil.org/blogs/iransource/the-islamic-republic-s-foreign-"
        "policy-at-forty/"
    )
    assert names(db, "/blog/2019/02/the-islamic-republics-foreign-policy-at-forty.html") == [
        "Ariane M. Tabatabai"
    ]


def test_the_outside_date_is_not_the_publication_date(db) -> None:
    # appeared on The National Interest January 30, on rand.org February 4 (notes 3.3);
    # appeared on RealClearPolicy February 7, on rand.org February 11
    assert (
        row(db, "/blog/2019/02/americas-national-defense-strategy-and-the-paradox.html")[
            "published"
        ]
        == "2019-02-04"
    )
    shutdown = row(
        db, "/blog/2019/02/what-the-shutdown-revealed-about-the-fragility-of-american.html"
    )
    assert (shutdown["published"], shutdown["outlet"]) == ("2019-02-11", "RealClearPolicy")


def test_the_full_article_url_loses_its_tracking_query(db) -> None:
    got = row(db, "/blog/2019/02/what-the-shutdown-revealed-about-the-fragility-of-american.html")
    assert got["full_article_url"] == (
        "https://www.realclearpolicy.com/articles/2019/02/07/what_the_shutdown_revealed.html"
    )


def test_rand_original_pieces_name_no_outside_outlet(db) -> None:
    for path in (
        "/blog/2019/02/a-new-framework-for-evaluating-counter-violent-extremism.html",
        "/pubs/commentary/2022/12/ten-things-that-inspired-me-in-2022.html",
        "/pubs/research_reports/RR2575z8.html",
    ):
        got = row(db, path)
        assert (got["outlet"], got["full_article_url"]) == (None, None), path


def test_related_products_do_not_leak_into_the_page(db) -> None:
    # every 2019 page lists a related product dated Dec 13, 2018 by "William R. Johnston
    # @WR_Johnston, Goke Akinniranye, et al." (notes 2.3)
    rows = list(db["publications"].rows_where("url like ?", [HOME + "/blog/%"]))
    assert len(rows) == 9
    assert not [r for r in rows if r["published"] < "2019-01-01"]
    every_name = {r["name"] for r in db.query("select name from authors")}
    assert not every_name & {"William R. Johnston", "Goke Akinniranye"}


def test_report_pdf_and_external_publication_journal(db) -> None:
    report = row(db, "/pubs/research_reports/RR2575z8.html")
    assert report["pdf_url"] == (
        HOME + "/content/dam/rand/pubs/research_reports/RR2500/RR2575z8/RAND_RR2575z8.pdf"
    )
    external = row(db, "/pubs/external_publications/EP67794.html")
    assert external["pdf_url"] is None
    assert external["outlet"] == "The RAND Journal of Economics"  # the mirror's "Published in:"
