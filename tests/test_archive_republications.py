"""Cross-site links: a publication of one archived site that links to a publication of
another is one join away from it, through the ``republications`` view."""

from __future__ import annotations

from thinkscrape.archive.schema import open_db
from thinkscrape.archive.store import Archive
from thinkscrape.items import Publication

# cnas notes (the 38 North pointer) and 38north notes 8: the CNAS excerpt of a 38 North piece
EXCERPT = "https://www.cnas.org/publications/commentary/preparing-for-a-decent-chance-of-success"
ORIGINAL = "https://www.38north.org/2019/02/pcroninklee020119"
WRITTEN = "http://www.38north.org/2019/02/pcroninklee020119/"  # as a page may write it


def excerpt(**fields) -> Publication:
    """The CNAS excerpt, with its links."""
    return Publication(url=EXCERPT, site="cnas", title="Preparing", body="An excerpt.", **fields)


def store(db, pub: Publication) -> None:
    archive = Archive(db, clock=lambda: "2026-11-02T02:00:00+00:00")
    archive.store(pub, archive.start_crawl(pub.site, {}))


def test_a_full_article_on_another_archived_site_is_one_join_away(tmp_path):
    db = open_db(tmp_path / "archive.db")
    store(db, Publication(url=ORIGINAL, site="38north", title="Preparing", body="The piece."))
    store(
        db,
        excerpt(
            outlet="38 North",
            # as the CNAS page writes it: http is fine, the trailing slash too
            full_article_url=WRITTEN,
            links=[
                {
                    "url": f"{ORIGINAL}/",
                    "domain": "38north.org",
                    "text": "x",
                    "kind": "full_article",
                },
                {
                    "url": "https://www.cnas.org/people",
                    "domain": "cnas.org",
                    "text": "y",
                    "kind": "internal",
                },
            ],
        ),
    )
    rows = list(db.query("SELECT * FROM republications"))
    ids = {r["url"]: r["id"] for r in db.query("SELECT id, url FROM publications")}
    assert rows == [
        {
            "publication_id": ids[EXCERPT],
            "site": "cnas",
            "url": EXCERPT,
            "title": "Preparing",
            "elsewhere_id": ids[ORIGINAL],
            "elsewhere_site": "38north",
            "elsewhere_url": ORIGINAL,
            "elsewhere_title": "Preparing",
            "is_full_article": 1,
        }
    ]


def test_links_within_one_site_and_to_unarchived_pages_are_no_republication(tmp_path):
    db = open_db(tmp_path / "archive.db")
    other = "https://www.cnas.org/publications/reports/a-report"
    store(db, Publication(url=other, site="cnas", title="A report", body="Text."))
    store(
        db,
        excerpt(
            links=[
                {"url": other, "domain": "cnas.org", "text": "a", "kind": "internal"},
                {
                    "url": "http://www.38north.org/2019/02/not-archived/",
                    "domain": "38north.org",
                    "text": "b",
                    "kind": "external",
                },
            ],
        ),
    )
    assert list(db.query("SELECT * FROM republications")) == []


def test_a_link_finds_the_piece_with_or_without_www(tmp_path):
    # 38north.org and www.38north.org serve the same pages: a link written either way finds
    # the piece archived on the site's home host (www), and one of a site whose home has no
    # www (carnegieendowment.org) is found from a link that writes one
    carnegie = "https://carnegieendowment.org/research/2024/05/a-piece"
    db = open_db(tmp_path / "archive.db")
    store(db, Publication(url=ORIGINAL, site="38north", title="Preparing", body="The piece."))
    store(db, Publication(url=carnegie, site="carnegie", title="A piece", body="Text."))
    links = [
        {"url": "https://38north.org/2019/02/pcroninklee020119/", "kind": "full_article"},
        {"url": "http://www.carnegieendowment.org/research/2024/05/a-piece", "kind": "external"},
    ]
    store(
        db,
        excerpt(
            links=[{**link, "domain": None, "text": None} for link in links],
        ),
    )
    found = {
        (r["publication_id"], r["elsewhere_url"], r["is_full_article"])
        for r in db.query("SELECT * FROM republications")
    }
    ids = {r["url"]: r["id"] for r in db.query("SELECT id, url FROM publications")}
    assert found == {(ids[EXCERPT], ORIGINAL, 1), (ids[EXCERPT], carnegie, 0)}


def test_the_view_finds_publications_through_the_url_index(tmp_path):
    # one index lookup per link, not a scan of every publication for each link
    db = open_db(tmp_path / "archive.db")
    plan = " ".join(
        row[-1] for row in db.execute("EXPLAIN QUERY PLAN SELECT * FROM republications")
    )
    assert "SCAN q" not in plan and "SEARCH q USING" in plan, plan
