"""Re-normalisation from the archived raw halves: report, rewrite, keep what was there."""

from __future__ import annotations

import json

import pytest

from tests.registered import register_site
from thinkscrape import sites
from thinkscrape.archive.renormalize import renormalize
from thinkscrape.archive.schema import open_db
from thinkscrape.archive.store import Archive
from thinkscrape.items import Publication
from thinkscrape.normalize.stages import normalize_all, reference_time

NOW = "2026-11-28T23:00:00+00:00"
FETCHED = "2026-11-01T02:00:00+00:00"

# Site notes 4.1 #10: byline, date and closing sentence as the page shows them.
RUSSIA_URL = (
    "https://www.cnas.org/publications/commentary/"
    "trump-must-send-russia-powerful-message-through-tougher-actions"
)
RUSSIA_SENTENCE = "Read the full article in The Hill."
# The Hill's own address of the piece is not in the notes: invented for the fixture.
RUSSIA_AT_THE_HILL = "https://thehill.com/opinion/national-security/373444-trump-must-send-russia"

# Site notes 4.1 #13: a report by one author, no outlet.
IRAN_URL = (
    "https://www.cnas.org/publications/reports/"
    "u-s-strategy-after-the-iran-deal-seizing-opportunities-and-managing-risks"
)


def russia_raw() -> Publication:
    return Publication(
        url=RUSSIA_URL,
        site="cnas",
        type="commentary",
        title="Trump must send Russia powerful message through tougher actions",
        # the opening sentence is invented; the closing one is the page's own
        body="Moscow has paid little for its interference. " + RUSSIA_SENTENCE,
        published_raw="February 12, 2018",
        byline_raw="By Peter Harrell and Elizabeth Rosenberg",
        links_raw=[{"url": RUSSIA_AT_THE_HILL, "text": "The Hill", "context": RUSSIA_SENTENCE}],
        fetched_at=FETCHED,
    )


def iran_raw() -> Publication:
    return Publication(
        url=IRAN_URL,
        site="cnas",
        type="report",
        title="U.S. Strategy After the Iran Deal: Seizing Opportunities and Managing Risks",
        body="The nuclear deal with Iran changes the strategic landscape of the Middle East.",
        published_raw="June 15, 2015",
        byline_raw="By Ilan Goldenberg",
        fetched_at=FETCHED,
    )


def normalised(pub: Publication) -> Publication:
    """What the pipelines do to an item before it is stored: the three stages, applied."""
    site, reference = sites.get(pub.site), reference_time(pub.fetched_at)
    for result in normalize_all(pub.raw(), site=site, reference=reference).values():
        for name, value in result.fields.items():
            setattr(pub, name, value)
        pub.provenance.update(result.provenance)
    return pub


def everything(db) -> dict[str, list[dict]]:
    tables = [t for t in db.table_names() if not t.startswith(("_", "publications_fts"))]
    return {table: list(db[table].rows) for table in tables}


@pytest.fixture
def db():
    database = open_db(":memory:")
    yield database
    database.close()


@pytest.fixture
def archive(db):
    return Archive(db, clock=lambda: NOW)


def store_stale_russia(archive: Archive) -> None:
    """The piece as an older normaliser archived it: no date, the byline unsplit, no
    outlet and no provenance."""
    stale = russia_raw()
    stale.authors = [
        {
            "name": "Peter Harrell and Elizabeth Rosenberg",
            "name_raw": "Peter Harrell and Elizabeth Rosenberg",
            "honorific": None,
            "suffix": None,
            "profile_url": None,
            "role": "author",
            "position": 0,
        }
    ]
    archive.store(stale, archive.start_crawl("cnas", {}))


def test_an_archive_normalised_by_todays_normalisers_has_no_differences(archive, db):
    crawl = archive.start_crawl("cnas", {})
    archive.store(normalised(russia_raw()), crawl)
    archive.store(normalised(iran_raw()), crawl)
    before = everything(db)

    report = renormalize(db, check=True)
    assert (report["publications"], report["changed"]) == (2, 0)
    assert (report["differences"], report["skipped"]) == ([], [])
    assert renormalize(db) == report
    assert everything(db) == before


def test_check_reports_what_would_change_and_writes_nothing(archive, db):
    store_stale_russia(archive)
    before = everything(db)

    report = renormalize(db, check=True)

    assert everything(db) == before
    assert (report["publications"], report["changed"], report["skipped"]) == (1, 1, [])
    assert report["differences"] == [
        {"url": RUSSIA_URL, "field": "published", "old": None, "new": "2018-02-12"},
        {"url": RUSSIA_URL, "field": "published_precision", "old": None, "new": "day"},
        {"url": RUSSIA_URL, "field": "outlet", "old": None, "new": "The Hill"},
        {
            "url": RUSSIA_URL,
            "field": "full_article_url",
            "old": None,
            "new": RUSSIA_AT_THE_HILL,
        },
        {"url": RUSSIA_URL, "field": "full_article_domain", "old": None, "new": "thehill.com"},
        {
            "url": RUSSIA_URL,
            "field": "authors",
            "old": [
                {
                    "name": "Peter Harrell and Elizabeth Rosenberg",
                    "profile_url": None,
                    "role": "author",
                }
            ],
            "new": [
                {"name": "Peter Harrell", "profile_url": None, "role": "author"},
                {"name": "Elizabeth Rosenberg", "profile_url": None, "role": "author"},
            ],
        },
        {
            "url": RUSSIA_URL,
            "field": "links",
            "old": [],
            "new": [
                {
                    "url": RUSSIA_AT_THE_HILL,
                    "domain": "thehill.com",
                    "text": "The Hill",
                    "kind": "full_article",
                }
            ],
        },
        {
            "url": RUSSIA_URL,
            "field": "provenance",
            "old": {},
            "new": {
                "authors": {
                    "source": "article_header",
                    "raw": "By Peter Harrell and Elizabeth Rosenberg",
                },
                "full_article_domain": {"source": "body_sentence", "raw": RUSSIA_SENTENCE},
                "full_article_url": {"source": "body_sentence", "raw": RUSSIA_SENTENCE},
                "outlet": {"source": "body_sentence", "raw": RUSSIA_SENTENCE},
                "published": {"source": "article_header", "raw": "February 12, 2018"},
            },
        },
    ]


def test_renormalising_rewrites_the_row_and_keeps_the_old_reading(archive, db):
    store_stale_russia(archive)
    old_hash = db["publications"].get(1)["content_hash"]

    report = renormalize(db, clock=lambda: NOW)
    assert (report["publications"], report["changed"]) == (1, 1)

    row = db["publications"].get(1)
    assert {k: row[k] for k in ("published", "published_precision", "outlet", "first_seen")} == {
        "published": "2018-02-12",
        "published_precision": "day",
        "outlet": "The Hill",
        "first_seen": FETCHED,  # fetch facts are not normalisation's to change
    }
    flat = list(db.query("SELECT authors, year, full_article_domain FROM publications_flat"))
    assert flat == [
        {
            "authors": "Peter Harrell; Elizabeth Rosenberg",
            "year": 2018,
            "full_article_domain": "thehill.com",
        }
    ]
    version = db["publication_versions"].get(1)
    assert (version["content_hash"], version["valid_from"], version["valid_to"]) == (
        old_hash,
        FETCHED,
        NOW,
    )
    data = json.loads(version["data"])
    assert (data["published"], data["outlet"], data["authors"]) == (
        None,
        None,
        [
            {
                "name": "Peter Harrell and Elizabeth Rosenberg",
                "honorific": None,
                "suffix": None,
                "profile_url": None,
                "role": "author",
            }
        ],
    )
    # a second run finds nothing left to do
    again = renormalize(db)
    assert (again["changed"], again["differences"]) == (0, [])
    assert db["publication_versions"].count == 1


def test_an_unreadable_raw_half_is_skipped_with_its_reason(archive, db):
    crawl = archive.start_crawl("cnas", {})
    archive.store(normalised(iran_raw()), crawl)
    store_stale_russia(archive)
    db.execute("UPDATE publications SET raw = '{not json' WHERE url = ?", [IRAN_URL])

    report = renormalize(db)

    assert report["skipped"] == [
        {
            "url": IRAN_URL,
            "reason": "unreadable raw half (Expecting property name enclosed in double quotes:"
            " line 1 column 2 (char 1))",
        }
    ]
    assert (report["publications"], report["changed"]) == (2, 1)
    assert db["publications"].get(2)["published"] == "2018-02-12"


def test_a_raw_half_of_an_unexpected_shape_is_skipped_and_the_rest_rewritten(archive, db):
    crawl = archive.start_crawl("cnas", {})
    archive.store(normalised(iran_raw()), crawl)
    store_stale_russia(archive)
    raw = json.loads(db["publications"].get(1)["raw"])
    raw["contributors"] = "Ilan Goldenberg"  # a string where a list of people belongs
    db["publications"].update(1, {"raw": json.dumps(raw)})

    report = renormalize(db, clock=lambda: NOW)

    assert [skip["url"] for skip in report["skipped"]] == [IRAN_URL]
    assert report["skipped"][0]["reason"].startswith("normalisation failed (")
    assert report["changed"] == 1
    assert db["publications"].get(1)["published"] == "2015-06-15"  # left as it was
    assert db["publications"].get(2)["outlet"] == "The Hill"


def test_each_site_is_renormalised_with_its_own_date_conventions(archive, db, monkeypatch):
    # a site that writes day-first dates in French: its site record says so, not a default
    register_site(monkeypatch, "exemple", date_order="DMY", languages=("fr",))
    pub = Publication(
        url="https://www.exemple.org/analyses/une-note",
        site="exemple",
        title="Une note",
        body="Un texte.",
        published_raw="05/03/2019",
        fetched_at=FETCHED,
    )
    archive.store(pub, archive.start_crawl("exemple", {}))

    report = renormalize(db, clock=lambda: NOW)

    assert report["skipped"] == []
    assert db["publications"].get(1)["published"] == "2019-03-05"


def test_a_site_no_longer_registered_is_skipped_unless_told_its_date_conventions(archive, db):
    pub = Publication(
        url="https://www.gone.example/note",
        site="gone",
        title="A note",
        body="Text.",
        published_raw="05/03/2019",
        fetched_at=FETCHED,
    )
    archive.store(pub, archive.start_crawl("gone", {}))

    report = renormalize(db, clock=lambda: NOW)
    assert report["skipped"] == [{"url": pub.url, "reason": "no site named 'gone' is registered"}]
    assert db["publications"].get(1)["published"] is None

    report = renormalize(db, date_order="DMY", languages=("en",), clock=lambda: NOW)
    assert report["skipped"] == []
    assert db["publications"].get(1)["published"] == "2019-03-05"


def test_a_sites_own_links_are_typed_by_its_own_domains_when_renormalised(archive, db, monkeypatch):
    register_site(monkeypatch, "38north", hosts=("www.38north.org", "38north.org"))
    # A 38 North commentary archived as a CNAS-only normaliser read it: the site's own
    # report taken for the full article elsewhere, its own links external.
    sentence = "Read the full report at 38 North."
    own_report = "https://www.38north.org/reports/2019/02/a-report/"
    stale = Publication(
        url="https://www.38north.org/2019/02/a-commentary/",
        site="38north",
        type="commentary",
        title="A commentary",
        body="The summit changed little. " + sentence,
        links_raw=[{"url": own_report, "text": "full report", "context": sentence}],
        fetched_at=FETCHED,
        outlet="38 North",
        full_article_url=own_report,
        full_article_domain="38north.org",
        links=[
            {
                "url": own_report,
                "domain": "38north.org",
                "text": "full report",
                "kind": "full_article",
            }
        ],
    )
    archive.store(stale, archive.start_crawl("38north", {}))

    renormalize(db, clock=lambda: NOW)
    row = db["publications"].get(1)
    assert (row["full_article_url"], row["full_article_domain"]) == (None, None)
    kinds = [link["kind"] for link in db["links"].rows_where("publication_id = ?", [1])]
    assert kinds == ["internal"]
