"""Figures across sites: links per site, publications found again on another archived site,
and the people who sign publications of several sites.

The publications are real: the CNAS commentary that sends its readers to 38 North and the
38 North piece it names (38north notes, section 7; section 8 row 11), a CNAS report of
Patrick M. Cronin (cnas notes 4.2 #32) and the RAND commentary by Ariane M. Tabatabai
(rand notes, row 11). Bodies are invented; so is the 38 North URL as the CNAS page writes it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import CNAS, person

from thinkscrape.archive import query
from thinkscrape.archive.schema import open_db
from thinkscrape.archive.store import Archive
from thinkscrape.items import Publication

PREPARING = (
    f"{CNAS}/publications/commentary/"
    "preparing-for-a-decent-chance-of-success-and-failure-with-north-korea"
)
NORTH38 = "https://www.38north.org/2019/02/pcroninklee020119"
NEGOTIATING = f"{CNAS}/publications/reports/negotiating-with-north-korea"
RAND = "https://www.rand.org/blog/2019/02/the-islamic-republics-foreign-policy-at-forty.html"
TITLE = "Preparing for a “Decent Chance” of Success and Failure with North Korea"


def link(url: str, domain: str, kind: str) -> dict:
    return {"url": url, "domain": domain, "text": "x", "kind": kind}


def publications() -> list[Publication]:
    return [
        Publication(
            url=NORTH38,
            site="38north",
            type="analysis",
            title=TITLE,
            published="2019-02-01",
            authors=[person("Patrick M. Cronin", 0)],
            body="The piece.",  # invented
            links=[
                link("https://www.38north.org/author/patrick-m-cronin/", "38north.org", "internal")
            ],
        ),
        Publication(
            url=PREPARING,
            site="cnas",
            type="commentary",
            title=TITLE,
            published="2019-02-01",
            outlet="38 North",
            body="An excerpt. Read the full article in 38 North.",  # invented excerpt
            # as a page may write it: the trailing slash, plain http
            links=[link(f"{NORTH38.replace('https', 'http')}/", "38north.org", "full_article")],
        ),
        Publication(
            url=NEGOTIATING,
            site="cnas",
            type="report",
            title="Negotiating With North Korea",
            published="2019-02-12",
            authors=[person("Patrick M. Cronin", 0)],
            body="The report.",  # invented
        ),
        Publication(
            url=RAND,
            site="rand",
            type="commentary",
            title="The Islamic Republic's Foreign Policy at Forty",
            published="2019-02-08",
            authors=[person("Ariane M. Tabatabai", 0)],
            body="The commentary.",  # invented
            links=[
                # the Atlantic Council's copy, not archived here: no republication
                link(
                    "https://www.atlanticcouncil.org/blogs/iransource/x/",
                    "atlanticcouncil.org",
                    "full_article",
                ),
                link("https://www.rand.org/about.html", "rand.org", "internal"),
            ],
        ),
    ]


@pytest.fixture
def db(tmp_path: Path):
    written = open_db(tmp_path / "archive.db")
    archive = Archive(written, clock=lambda: "2026-11-02T02:00:00+00:00")
    for publication in publications():
        archive.store(publication, archive.start_crawl(publication.site, {}))
    written.close()
    readable = query.open_archive(tmp_path / "archive.db")
    yield readable
    readable.close()


def ids(db) -> dict[str, int]:
    return {row["url"]: row["id"] for row in db.query("select id, url from publications")}


def test_links_by_site_counts_each_sites_outbound_links(db) -> None:
    assert query.links_by_site(db) == {"38north": 1, "cnas": 1, "rand": 2}


def test_republications_join_a_publication_to_the_same_piece_on_another_site(db) -> None:
    known = ids(db)
    assert query.republications(db) == [
        {
            "publication_id": known[PREPARING],
            "site": "cnas",
            "url": PREPARING,
            "title": TITLE,
            "elsewhere_id": known[NORTH38],
            "elsewhere_site": "38north",
            "elsewhere_url": NORTH38,
            "elsewhere_title": TITLE,
            "is_full_article": 1,
        }
    ]


def test_shared_authors_are_the_people_of_several_sites(db) -> None:
    (cronin,) = query.shared_authors(db)
    assert cronin["name"] == "Patrick M. Cronin"
    # the CNAS report and the 38 North piece
    assert cronin["sites"] == {"38north": 1, "cnas": 1}
    assert [p["name"] for p in query.shared_authors(db, min_sites=1)] == [
        "Patrick M. Cronin",  # two sites come before one
        "Ariane M. Tabatabai",
    ]
    assert query.shared_authors(db, min_sites=3) == []
