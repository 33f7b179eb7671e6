"""Storing items: idempotence, versions, author identity, gone pages, captures, crawls."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from thinkscrape.archive.schema import open_db
from thinkscrape.archive.store import Archive, InvalidPublication, content_hash
from thinkscrape.items import Publication

NOW = "2026-11-28T23:00:00+00:00"
FIRST_FETCH = "2026-11-01T02:00:00+00:00"
SECOND_FETCH = "2026-11-02T02:00:00+00:00"

BLINK_URL = "https://www.cnas.org/publications/commentary/north-korea-and-the-blink-of-war"
# The outlet's own address of the piece is not in the site notes: invented for the fixture.
BLINK_FULL_ARTICLE = "https://warontherocks.com/2017/08/north-korea-and-the-blink-of-war/"
CRONIN_PROFILE = "https://www.cnas.org/people/patrick-m-cronin"
KIM_PROFILE = "https://www.cnas.org/people/duyeon-kim"


def blink_of_war(**changes) -> Publication:
    """The real commentary page (site notes 4.1 #1), raw and normalised halves filled."""
    closing = "Read the full article in War on the Rocks."
    pub = Publication(
        url=BLINK_URL,
        site="cnas",
        type="commentary",
        title="North Korea and the \u2018Blink\u2019 of War",
        # the body beyond the closing sentence is invented for the fixture
        body="Pyongyang has tested a missile that may reach the continental United States. "
        + closing,
        published_raw="August 02, 2017",
        byline_raw="By Patrick M. Cronin",
        contributors=[{"name": "Patrick M. Cronin", "profile_url": CRONIN_PROFILE, "role": None}],
        links_raw=[{"url": BLINK_FULL_ARTICLE, "text": "War on the Rocks", "context": closing}],
        sources={"published_raw": "article_header", "byline_raw": "article_header"},
        published="2017-08-02",
        published_precision="day",
        authors=[
            {
                "name": "Patrick M. Cronin",
                "name_raw": "Patrick M. Cronin",
                "honorific": None,
                "suffix": None,
                "profile_url": CRONIN_PROFILE,
                "role": "author",
                "position": 0,
            }
        ],
        outlet="War on the Rocks",
        full_article_url=BLINK_FULL_ARTICLE,
        full_article_domain="warontherocks.com",
        links=[
            {
                "url": BLINK_FULL_ARTICLE,
                "domain": "warontherocks.com",
                "text": "War on the Rocks",
                "kind": "full_article",
            }
        ],
        provenance={
            "published": {"source": "article_header", "raw": "August 02, 2017"},
            "outlet": {"source": "body_sentence", "raw": closing},
        },
        fetched_at=FIRST_FETCH,
        status=200,
    )
    for name, value in changes.items():
        setattr(pub, name, value)
    return pub


def harrell_rosenberg(**changes) -> Publication:
    """The real two-author commentary (site notes 4.1 #10): names without profile links."""
    url = (
        "https://www.cnas.org/publications/commentary/"
        "trump-must-send-russia-powerful-message-through-tougher-actions"
    )
    pub = Publication(
        url=url,
        site="cnas",
        type="commentary",
        title="Trump must send Russia powerful message through tougher actions",
        body="Read the full article in The Hill.",
        published_raw="February 12, 2018",
        byline_raw="By Peter Harrell and Elizabeth Rosenberg",
        published="2018-02-12",
        published_precision="day",
        authors=[
            person("Peter Harrell", position=0),
            person("Elizabeth Rosenberg", position=1),
        ],
        outlet="The Hill",
        fetched_at=FIRST_FETCH,
    )
    for name, value in changes.items():
        setattr(pub, name, value)
    return pub


def person(name, *, raw=None, honorific=None, profile_url=None, position=0, role="author"):
    return {
        "name": name,
        "name_raw": raw or name,
        "honorific": honorific,
        "suffix": None,
        "profile_url": profile_url,
        "role": role,
        "position": position,
    }


def card(url: str, title: str, authors: list[dict], **changes) -> Publication:
    pub = Publication(url=url, site="cnas", type="commentary", title=title, authors=authors)
    pub.fetched_at = FIRST_FETCH
    for name, value in changes.items():
        setattr(pub, name, value)
    return pub


@pytest.fixture
def db():
    database = open_db(":memory:")
    yield database
    database.close()


@pytest.fixture
def archive(db):
    return Archive(db, clock=lambda: NOW)


@pytest.fixture
def crawl(archive):
    return archive.start_crawl("cnas", {"base_url": "http://127.0.0.1:8000"})


def counts(db) -> dict[str, int]:
    """Rows per table; FTS5's own shadow tables (index segments) are not archive rows."""
    shadow = ("_sqlite_migrations", "publications_fts_")
    return {name: db[name].count for name in db.table_names() if not name.startswith(shadow)}


def test_a_new_publication_becomes_whole_rows(archive, db, crawl):
    pub = blink_of_war()
    assert archive.store(pub, crawl) == (1, "new")

    row = db["publications"].get(1)
    assert json.loads(row.pop("raw")) == json.loads(json.dumps(pub.raw()))
    assert row == {
        "id": 1,
        "url": BLINK_URL,
        "site": "cnas",
        "type": "commentary",
        "series": None,
        "title": "North Korea and the \u2018Blink\u2019 of War",
        "subtitle": None,
        "published": "2017-08-02",
        "published_precision": "day",
        "published_raw": "August 02, 2017",
        "published_ambiguous": 0,
        "date_disagreement": None,
        "summary": None,
        "body": pub.body,
        "outlet": "War on the Rocks",
        "full_article_url": BLINK_FULL_ARTICLE,
        "full_article_domain": "warontherocks.com",
        "pdf_url": None,
        "topics": "[]",
        "content_hash": content_hash(pub),
        "fetched_at": FIRST_FETCH,
        "first_seen": FIRST_FETCH,
        "last_seen": FIRST_FETCH,
        "gone_at": None,
        "first_crawl_id": crawl,
        "last_crawl_id": crawl,
        "corporate_author": None,
    }
    assert list(db["authors"].rows) == [
        {
            "id": 1,
            "name": "Patrick M. Cronin",
            "honorific": None,
            "suffix": None,
            "profile_url": CRONIN_PROFILE,
            "name_key": "patrick m cronin",
        }
    ]
    assert list(db["author_aliases"].rows) == [{"author_id": 1, "alias": "Patrick M. Cronin"}]
    assert list(db["author_profiles"].rows) == [
        {"url": CRONIN_PROFILE, "author_id": 1, "site": "cnas"}
    ]
    assert list(db["publication_authors"].rows) == [
        {"publication_id": 1, "author_id": 1, "position": 0, "role": "author"}
    ]
    assert list(db["links"].rows) == [
        {
            "publication_id": 1,
            "url": BLINK_FULL_ARTICLE,
            "domain": "warontherocks.com",
            "text": "War on the Rocks",
            "kind": "full_article",
        }
    ]
    assert list(db["provenance"].rows_where(order_by="field")) == [
        {
            "publication_id": 1,
            "field": "outlet",
            "source": "body_sentence",
            "raw": "Read the full article in War on the Rocks.",
        },
        {
            "publication_id": 1,
            "field": "published",
            "source": "article_header",
            "raw": "August 02, 2017",
        },
    ]
    assert db["publication_versions"].count == 0


def test_storing_the_same_page_again_changes_no_row_count(archive, db, crawl):
    archive.store(blink_of_war(), crawl)
    archive.store(harrell_rosenberg(), crawl)
    before = counts(db)
    rows_before = list(db["authors"].rows), list(db["links"].rows)

    second = archive.start_crawl("cnas", {})
    results = [
        archive.store(blink_of_war(fetched_at=SECOND_FETCH), second),
        archive.store(harrell_rosenberg(fetched_at=SECOND_FETCH), second),
    ]
    assert results == [(1, "unchanged"), (2, "unchanged")]
    assert counts(db) == {**before, "crawls": before["crawls"] + 1}
    assert (list(db["authors"].rows), list(db["links"].rows)) == rows_before
    seen = list(
        db.query("SELECT first_seen, last_seen, first_crawl_id, last_crawl_id FROM publications")
    )
    assert seen == 2 * [
        {
            "first_seen": FIRST_FETCH,
            "last_seen": SECOND_FETCH,
            "first_crawl_id": crawl,
            "last_crawl_id": second,
        }
    ]


def test_a_change_keeps_exactly_one_previous_version(archive, db, crawl):
    old = blink_of_war()
    archive.store(old, crawl)
    new_title = "North Korea and the Blink of War"
    changed = blink_of_war(title=new_title, fetched_at=SECOND_FETCH)

    assert archive.store(changed, crawl) == (1, "changed")
    # a third visit with the same content makes no further version
    third = blink_of_war(title=new_title, fetched_at="2026-11-03T02:00:00+00:00")
    assert archive.store(third, crawl) == (1, "unchanged")

    versions = list(db["publication_versions"].rows)
    data = json.loads(versions[0].pop("data"))
    assert versions == [
        {
            "id": 1,
            "publication_id": 1,
            "content_hash": content_hash(old),
            "valid_from": FIRST_FETCH,
            "valid_to": SECOND_FETCH,
        }
    ]
    assert data == {
        "type": "commentary",
        "series": None,
        "title": "North Korea and the \u2018Blink\u2019 of War",
        "subtitle": None,
        "published": "2017-08-02",
        "published_precision": "day",
        "published_raw": "August 02, 2017",
        "published_ambiguous": 0,
        "date_disagreement": None,
        "summary": None,
        "body": old.body,
        "outlet": "War on the Rocks",
        "full_article_url": BLINK_FULL_ARTICLE,
        "full_article_domain": "warontherocks.com",
        "pdf_url": None,
        "topics": [],
        "corporate_author": None,
        "fetched_at": FIRST_FETCH,
        "authors": [
            {
                "name": "Patrick M. Cronin",
                "honorific": None,
                "suffix": None,
                "profile_url": CRONIN_PROFILE,
                "role": "author",
            }
        ],
        "links": [
            {
                "url": BLINK_FULL_ARTICLE,
                "domain": "warontherocks.com",
                "text": "War on the Rocks",
                "kind": "full_article",
            }
        ],
    }
    row = db["publications"].get(1)
    assert (row["title"], row["content_hash"]) == (new_title, content_hash(changed))


def test_a_second_change_starts_where_the_first_version_ended(archive, db, crawl):
    archive.store(blink_of_war(), crawl)
    archive.store(blink_of_war(subtitle="An update", fetched_at=SECOND_FETCH), crawl)
    archive.store(blink_of_war(subtitle="Another", fetched_at="2026-11-05T02:00:00+00:00"), crawl)
    periods = list(db.query("SELECT valid_from, valid_to FROM publication_versions ORDER BY id"))
    assert periods == [
        {"valid_from": FIRST_FETCH, "valid_to": SECOND_FETCH},
        {"valid_from": SECOND_FETCH, "valid_to": "2026-11-05T02:00:00+00:00"},
    ]


def test_a_respelled_date_line_alone_is_not_a_new_version(archive, db, crawl):
    archive.store(blink_of_war(), crawl)
    respelled = blink_of_war(published_raw="August 2, 2017")
    assert archive.store(respelled, crawl) == (1, "unchanged")
    assert db["publications"].get(1)["published_raw"] == "August 2, 2017"
    assert db["publication_versions"].count == 0


def test_a_changed_byline_is_a_new_version(archive, db, crawl):
    archive.store(harrell_rosenberg(), crawl)
    one_author = harrell_rosenberg(authors=[person("Peter Harrell")])
    assert archive.store(one_author, crawl) == (1, "changed")
    assert list(db["publication_authors"].rows) == [
        {"publication_id": 1, "author_id": 1, "position": 0, "role": "author"}
    ]
    assert db["publication_versions"].count == 1


def test_one_author_however_the_byline_spells_them(archive, db, crawl):
    # A card names "Dr. Duyeon Kim" with no link (site notes 3.2); a later page links the
    # same person, without the honorific, to a profile page.
    card_pub = card(
        "https://www.cnas.org/publications/commentary/a",
        "First piece",
        [person("Duyeon Kim", raw="Dr. Duyeon Kim", honorific="Dr.")],
    )
    page_pub = card(
        "https://www.cnas.org/publications/commentary/b",
        "Second piece",
        [person("Duyeon Kim", profile_url=KIM_PROFILE)],
    )
    bare_pub = card(
        "https://www.cnas.org/publications/commentary/c",
        "Third piece",
        [person("Duyeon Kim")],
    )
    for pub in (card_pub, page_pub, bare_pub):
        archive.store(pub, crawl)

    assert list(db["authors"].rows) == [
        {
            "id": 1,
            "name": "Duyeon Kim",
            "honorific": "Dr.",
            "suffix": None,
            "profile_url": KIM_PROFILE,
            "name_key": "duyeon kim",
        }
    ]
    assert list(db["author_aliases"].rows) == [
        {"author_id": 1, "alias": "Dr. Duyeon Kim"},
        {"author_id": 1, "alias": "Duyeon Kim"},
    ]
    assert list(db.query("SELECT publication_id, author_id FROM publication_authors")) == [
        {"publication_id": 1, "author_id": 1},
        {"publication_id": 2, "author_id": 1},
        {"publication_id": 3, "author_id": 1},
    ]


def test_the_profile_url_decides_between_two_people_of_one_name(archive, db, crawl):
    first = "https://www.cnas.org/people/john-smith"
    second = "https://www.cnas.org/people/john-smith-0"
    archive.store(
        card("https://www.cnas.org/x/1", "One", [person("John Smith", profile_url=first)]), crawl
    )
    archive.store(
        card("https://www.cnas.org/x/2", "Two", [person("John Smith", profile_url=second)]), crawl
    )
    rows = list(db.query("SELECT id, profile_url FROM authors"))
    assert rows == [{"id": 1, "profile_url": first}, {"id": 2, "profile_url": second}]


def test_byline_order_comes_from_positions(archive, db, crawl):
    pub = harrell_rosenberg(
        authors=[person("Elizabeth Rosenberg", position=1), person("Peter Harrell", position=0)]
    )
    archive.store(pub, crawl)
    rows = list(db.query("SELECT authors, authors_json FROM publications_flat"))
    assert rows == [
        {
            "authors": "Peter Harrell; Elizabeth Rosenberg",
            "authors_json": '["Peter Harrell","Elizabeth Rosenberg"]',
        }
    ]


def test_views_summarise_outlets_and_authors(archive, db, crawl):
    archive.store(blink_of_war(), crawl)
    archive.store(harrell_rosenberg(), crawl)
    archive.store(
        card(
            "https://www.cnas.org/publications/commentary/beyond-palace-intrigue-how-north-koreas-antics-threaten-us-interests",
            "Beyond palace intrigue: How North Korea's antics threaten US interests",
            [person("Patrick M. Cronin", profile_url=CRONIN_PROFILE)],
            outlet="The Hill",
            published="2017-02-24",
            full_article_domain="thehill.com",
        ),
        crawl,
    )
    assert list(db["outlets"].rows) == [
        {"outlet": "The Hill", "domain": "thehill.com", "publications": 2},
        {"outlet": "War on the Rocks", "domain": "warontherocks.com", "publications": 1},
    ]
    assert list(db["author_outlets"].rows) == [
        {
            "author_id": 3,
            "author": "Elizabeth Rosenberg",
            "outlet": "The Hill",
            "publications": 1,
            "first_published": "2018-02-12",
            "last_published": "2018-02-12",
        },
        {
            "author_id": 1,
            "author": "Patrick M. Cronin",
            "outlet": "The Hill",
            "publications": 1,
            "first_published": "2017-02-24",
            "last_published": "2017-02-24",
        },
        {
            "author_id": 1,
            "author": "Patrick M. Cronin",
            "outlet": "War on the Rocks",
            "publications": 1,
            "first_published": "2017-08-02",
            "last_published": "2017-08-02",
        },
        {
            "author_id": 2,
            "author": "Peter Harrell",
            "outlet": "The Hill",
            "publications": 1,
            "first_published": "2018-02-12",
            "last_published": "2018-02-12",
        },
    ]
    flat = db.execute(
        "SELECT id, type, published, year, outlet, authors FROM publications_flat ORDER BY id"
    ).fetchall()
    assert flat == [
        (1, "commentary", "2017-08-02", 2017, "War on the Rocks", "Patrick M. Cronin"),
        (2, "commentary", "2018-02-12", 2018, "The Hill", "Peter Harrell; Elizabeth Rosenberg"),
        (3, "commentary", "2017-02-24", 2017, "The Hill", "Patrick M. Cronin"),
    ]


def test_full_text_search_finds_body_text_and_follows_changes(archive, db, crawl):
    archive.store(blink_of_war(), crawl)
    archive.store(harrell_rosenberg(), crawl)

    def found(query):
        return [r["url"] for r in db["publications"].search(query, columns=["url"])]

    assert found("continental") == [BLINK_URL]
    archive.store(blink_of_war(body="Read the full article in War on the Rocks."), crawl)
    assert found("continental") == []
    assert found('"war on the rocks"') == [BLINK_URL]


def test_the_search_index_holds_every_stored_publication_as_last_stored(archive, db, crawl):
    # new ones are indexed once per batch: the same page twice in a batch, a change and an
    # unchanged copy all leave the index as FTS5's own check expects it
    stored = archive.store_many(
        [blink_of_war(), harrell_rosenberg(), blink_of_war(body="Continental drift.")], crawl
    )
    assert [outcome for _, outcome in stored] == ["new", "new", "changed"]
    archive.store_many([harrell_rosenberg(), blink_of_war(body="Continental shelf.")], crawl)
    db.execute(
        "INSERT INTO publications_fts (publications_fts, rank) VALUES ('integrity-check', 1)"
    )

    def found(query):
        return [r["url"] for r in db["publications"].search(query, columns=["url"])]

    assert (found("shelf"), found("drift")) == ([BLINK_URL], [])
    assert found("russia") == [harrell_rosenberg().url]


def test_gone_is_marked_never_deleted_and_cleared_when_seen_again(archive, db, crawl):
    archive.store(blink_of_war(), crawl)
    when = "2026-11-10T02:00:00+00:00"
    assert archive.mark_gone(BLINK_URL, when=when, crawl_id=crawl) is True
    assert archive.mark_gone(BLINK_URL, when="2026-11-11T02:00:00+00:00", crawl_id=crawl)
    assert archive.mark_gone("https://www.cnas.org/never-archived", when=when, crawl_id=crawl) is (
        False
    )
    row = db["publications"].get(1)
    assert (row["gone_at"], row["title"], db["publication_authors"].count) == (
        when,  # the first time it was found gone
        "North Korea and the \u2018Blink\u2019 of War",
        1,
    )
    archive.store(blink_of_war(fetched_at="2026-11-12T02:00:00+00:00"), crawl)
    assert db["publications"].get(1)["gone_at"] is None


def test_a_failure_inside_a_batch_keeps_the_batches_committed_before(tmp_path):
    path = tmp_path / "thinktanks.db"
    archive = Archive(open_db(path), clock=lambda: NOW)
    crawl = archive.start_crawl("cnas", {})
    assert archive.store_many([blink_of_war()], crawl) == [(1, "new")]

    untitled = card("https://www.cnas.org/publications/reports/jce-test", None, [])
    with pytest.raises(InvalidPublication, match="jce-test: missing title"):
        archive.store_many(
            [harrell_rosenberg(), blink_of_war(title="Overwritten", fetched_at=NOW), untitled],
            crawl,
        )
    archive.db.close()

    db = open_db(path)  # what a later reader of the file sees
    assert list(db.query("SELECT id, url, title FROM publications")) == [
        {"id": 1, "url": BLINK_URL, "title": "North Korea and the \u2018Blink\u2019 of War"}
    ]
    assert (db["authors"].count, db["publication_versions"].count) == (1, 0)
    db.close()


def test_store_many_returns_each_outcome_in_order(archive, crawl):
    assert archive.store_many([blink_of_war(), harrell_rosenberg()], crawl) == [
        (1, "new"),
        (2, "new"),
    ]
    assert archive.store_many([harrell_rosenberg(), blink_of_war(title="New")], crawl) == [
        (2, "unchanged"),
        (1, "changed"),
    ]


def test_each_change_is_recorded_for_its_crawl_with_the_write_that_makes_it(archive, db, crawl):
    archive.store_many([blink_of_war(), harrell_rosenberg()], crawl)
    later = archive.start_crawl("cnas", {})
    archive.store_many([harrell_rosenberg(), blink_of_war(title="New")], later)
    archive.mark_gone(harrell_rosenberg().url, when=NOW, crawl_id=later)
    recorded = db.execute("SELECT crawl_id, url, change FROM crawl_changes ORDER BY 1, 2")
    harrell = harrell_rosenberg().url
    assert recorded.fetchall() == [
        (crawl, BLINK_URL, "new"),
        (crawl, harrell, "new"),
        (later, BLINK_URL, "changed"),  # the unchanged page is no change
        (later, harrell, "gone"),
    ]

    untitled = card("https://www.cnas.org/publications/reports/jce-test", None, [])
    with pytest.raises(InvalidPublication):
        archive.store_many([blink_of_war(title="Newer"), untitled], archive.start_crawl("cnas", {}))
    # a batch rolled back records none of its changes
    assert db["crawl_changes"].count == 4


def test_crawls_are_opened_and_closed_with_json_stats(archive, db):
    crawl = archive.start_crawl("cnas", {"since": "2026-01-01"}, started="2026-11-28T22:00:00Z")
    assert db["crawls"].get(crawl)["status"] == "running"
    archive.finish_crawl(
        crawl,
        finish_reason="finished",
        items_stored=12,
        items_dropped=1,
        errors=0,
        stats={
            "start_time": dt.datetime(2026, 11, 28, 22, 0, tzinfo=dt.UTC),
            "item_scraped_count": 13,
        },
        coverage={"title": 1.0, "published": 0.92},
        exit_code=0,
    )
    assert db["crawls"].get(crawl) == {
        "id": crawl,
        "spider": "cnas",
        "started": "2026-11-28T22:00:00Z",
        "finished": NOW,
        "finish_reason": "finished",
        "items_stored": 12,
        "items_dropped": 1,
        "errors": 0,
        "stats": '{"item_scraped_count": 13, "start_time": "2026-11-28T22:00:00+00:00"}',
        "args": '{"since": "2026-01-01"}',
        "coverage": '{"published": 0.92, "title": 1.0}',
        "status": "ok",
        "exit_code": 0,
    }


def test_known_urls_and_latest_published(archive, crawl):
    assert (archive.known_urls("cnas"), archive.latest_published("cnas")) == (set(), None)
    archive.store(blink_of_war(), crawl)
    archive.store(harrell_rosenberg(), crawl)
    archive.store(card("https://www.cnas.org/x", "Undated", []), crawl)
    assert archive.known_urls("cnas") == {
        BLINK_URL,
        harrell_rosenberg().url,
        "https://www.cnas.org/x",
    }
    assert archive.known_urls("38north") == set()
    assert archive.latest_published("cnas") == "2018-02-12"


def test_captures_are_kept_once_and_linked_to_their_publication(archive, db, crawl):
    listing = {
        "url": "https://www.cnas.org/articles-multimedia",
        "warc_file": "cnas-20261101T020000Z-00000.warc.gz",
        "offset": 0,
        "length": 5120,
        "record_id": "<urn:uuid:5f1c7f3e-0000-4000-8000-000000000001>",
        "payload_digest": "sha1:AAAA",
        "fetched_at": FIRST_FETCH,
        "status": 200,
    }
    page = {
        **listing,
        "url": BLINK_URL,
        "offset": 5120,
        "length": 7000,
        "record_id": "<urn:uuid:5f1c7f3e-0000-4000-8000-000000000002>",
        "payload_digest": "sha1:BBBB",
    }
    archive.add_capture(listing, crawl_id=crawl)
    archive.add_capture(page, crawl_id=crawl)
    archive.add_capture(page, crawl_id=crawl)  # the same record reported twice
    assert db["captures"].count == 2

    archive.store(blink_of_war(capture=page), crawl)
    assert list(db.query("SELECT id, url, publication_id FROM captures ORDER BY id")) == [
        {"id": 1, "url": "https://www.cnas.org/articles-multimedia", "publication_id": None},
        {"id": 2, "url": BLINK_URL, "publication_id": 1},
    ]
    assert db["captures"].get(2) == {
        "id": 2,
        "publication_id": 1,
        "crawl_id": crawl,
        **page,
    }


def test_link_captures_attaches_only_unlinked_rows(archive, db, crawl):
    archive.store(blink_of_war(), crawl)
    capture = {"url": BLINK_URL, "warc_file": "a.warc.gz", "offset": 0, "status": 200}
    archive.add_capture(capture, crawl_id=crawl)
    assert archive.link_captures(BLINK_URL, 1) == 1
    assert archive.link_captures(BLINK_URL, 1) == 0
    assert db["captures"].get(1)["publication_id"] == 1


def test_a_publication_without_a_title_is_refused_before_any_write(archive, db, crawl):
    before = counts(db)
    with pytest.raises(InvalidPublication, match="missing title"):
        archive.store(card("https://www.cnas.org/x", "  ", []), crawl)
    assert counts(db) == before


def test_an_author_without_a_name_is_skipped_and_the_rest_kept(archive, db, crawl, caplog):
    pub = harrell_rosenberg(
        authors=[person("\u200b", position=0), person("Peter Harrell", position=1)]
    )
    archive.store(pub, crawl)
    byline = db.query(
        "SELECT a.name, pa.position FROM publication_authors pa"
        " JOIN authors a ON a.id = pa.author_id"
    )
    assert list(byline) == [{"name": "Peter Harrell", "position": 0}]
    assert "Author without a name skipped" in caplog.text


def _byline_names(db) -> list[tuple[str, str]]:
    rows = db.execute(
        "SELECT p.title, a.name FROM publication_authors pa"
        " JOIN publications p ON p.id = pa.publication_id"
        " JOIN authors a ON a.id = pa.author_id ORDER BY p.id, pa.position"
    )
    return rows.fetchall()


def test_people_met_in_a_rolled_back_batch_are_looked_up_again(archive, db, crawl):
    curtis = card("https://www.cnas.org/x/1", "One", [person("Lisa Curtis")])
    untitled = card("https://www.cnas.org/x/2", None, [])
    with pytest.raises(InvalidPublication):
        archive.store_many([curtis, untitled], crawl)
    # the rolled-back row id is free again and goes to someone else
    archive.store(card("https://www.cnas.org/x/3", "Three", [person("Kristine Lee")]), crawl)
    archive.store(curtis, crawl)
    assert _byline_names(db) == [("Three", "Kristine Lee"), ("One", "Lisa Curtis")]


def test_people_met_inside_someone_elses_rolled_back_transaction_are_not_remembered(
    archive, db, crawl
):
    curtis = card("https://www.cnas.org/x/1", "One", [person("Lisa Curtis")])
    with pytest.raises(RuntimeError), db.atomic():
        archive.store(curtis, crawl)
        raise RuntimeError("the caller gives up")
    archive.store(card("https://www.cnas.org/x/3", "Three", [person("Kristine Lee")]), crawl)
    archive.store(curtis, crawl)
    assert _byline_names(db) == [("Three", "Kristine Lee"), ("One", "Lisa Curtis")]


def test_a_dropped_page_is_remembered_until_it_is_archived(archive, db, crawl):
    url = "https://www.cnas.org/publications/reports/the-financing-of-wmd-proliferation-jce-test"
    archive.record_dropped(url, site="cnas", reason=f"no title on {url}", crawl_id=crawl)
    archive.record_dropped(url, site="cnas", reason=f"no title on {url}", crawl_id=crawl)
    assert [(r["url"], r["reason"]) for r in db["dropped_pages"].rows] == [
        (url, f"no title on {url}")
    ]
    assert archive.dropped_urls("cnas") == {url}
    assert archive.dropped_urls("brookings") == set()
    archive.store(blink_of_war(url=url), crawl)
    assert archive.dropped_urls("cnas") == set()
