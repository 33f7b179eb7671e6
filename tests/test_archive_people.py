"""People across sites: one author row per person, a profile page per site, institutions as
corporate authors, and a researcher's merges and splits that outlast re-crawls and
re-normalisation."""

from __future__ import annotations

import json

import pytest
import sqlite_utils

from thinkscrape import sites
from thinkscrape.archive.renormalize import renormalize
from thinkscrape.archive.schema import migrations, open_db
from thinkscrape.archive.store import Archive
from thinkscrape.items import Publication
from thinkscrape.normalize.stages import apply, normalize_all

FETCHED = "2026-11-01T02:00:00+00:00"
CRONIN_CNAS = "https://www.cnas.org/people/patrick-m-cronin"  # cnas notes 4 (the byline)
# 38 North's author archive of Patrick M. Cronin: /author/<user-slug>/ (38north notes 2);
# his slug is not in the notes: invented.
CRONIN_38NORTH = "https://www.38north.org/author/patrick-m-cronin/"


def crawled(site: str, url: str, title: str, byline: str | None, contributors=()) -> Publication:
    """A publication as a crawl stores it: the raw half, normalised with its site's rules."""
    pub = Publication(
        url=url,
        site=site,
        title=title,
        byline_raw=byline,
        contributors=[
            {"name": name, "profile_url": profile, "role": None} for name, profile in contributors
        ],
        fetched_at=FETCHED,
    )
    for result in normalize_all(pub.raw(), site=sites.get(site), reference=FETCHED).values():
        apply(pub, result)
    return pub


# Real pages (cnas notes 4.1 #1, 38north notes 8 #11): one person on two sites.
BLINK = (
    "cnas",
    "https://www.cnas.org/publications/commentary/north-korea-and-the-blink-of-war",
    "North Korea and the \u2018Blink\u2019 of War",
    "By Patrick M. Cronin",
    [("Patrick M. Cronin", CRONIN_CNAS)],
)
DECENT_CHANCE = (
    "38north",
    "https://www.38north.org/2019/02/pcroninklee020119/",
    "Preparing for a \u201cDecent Chance\u201d of Success and Failure with North Korea",
    "BY:\u00a0Patrick M. Cronin",
    [("Patrick M. Cronin", CRONIN_38NORTH)],
)
# One person, two spellings on 38 North (38north notes 6.2, 8 #7 and #9).
EDITOR_NOTE = (
    "38north",
    "https://www.38north.org/2018/04/editor041018/",
    "38 North Will Continue",
    "Joel Wit",
    [],
)
PERSPECTIVE = (
    "38north",
    "https://www.38north.org/2019/01/jwit013119/",
    "Let\u2019s Get Perspective",
    "BY:\u00a0Joel S. Wit",
    [],
)
# 38 North's editorial post credited to the user "38 North" (38north notes 4.1, 8 #1).
HUMAN_TORPEDO = (
    "38north",
    "https://www.38north.org/2010/05/the-new-york-times-and-the-human-torpedo-a-close-second-place/",
    "The New York Times and the Human Torpedo \u2013 A Close Second Place",
    "BY:\u00a038 NORTH",
    [("38 NORTH", "https://www.38north.org/author/38-north/")],
)
# Two people of one name on two sites: invented (the notes record no namesakes).
NAMESAKE_CNAS = ("cnas", "https://www.cnas.org/publications/commentary/x", "X", "By Sam Roe", [])
NAMESAKE_38NORTH = ("38north", "https://www.38north.org/2024/01/y/", "Y", "BY:\u00a0Sam Roe", [])


@pytest.fixture
def db():
    database = open_db(":memory:")
    yield database
    database.close()


@pytest.fixture
def archive(db):
    return Archive(db, clock=lambda: FETCHED)


def store(archive: Archive, *pages) -> None:
    crawl = archive.start_crawl("test", {})
    for page in pages:
        archive.store(crawled(*page), crawl)


def bylines(db) -> dict[str, list[int]]:
    """Each publication's URL -> its authors' ids, in byline order."""
    rows = db.execute(
        "SELECT p.url, pa.author_id FROM publications p"
        " JOIN publication_authors pa ON pa.publication_id = p.id ORDER BY p.url, pa.position"
    )
    found: dict[str, list[int]] = {}
    for url, author_id in rows:
        found.setdefault(url, []).append(author_id)
    return found


def test_one_person_on_two_sites_is_one_author_with_a_profile_per_site(archive, db):
    store(archive, BLINK, DECENT_CHANCE)
    assert list(db.query("SELECT id, name, profile_url FROM authors")) == [
        {"id": 1, "name": "Patrick M. Cronin", "profile_url": CRONIN_CNAS}
    ]
    assert list(db.query("SELECT * FROM author_profiles ORDER BY site")) == [
        {"url": CRONIN_38NORTH, "author_id": 1, "site": "38north"},
        {"url": CRONIN_CNAS, "author_id": 1, "site": "cnas"},
    ]
    assert set(map(tuple, bylines(db).values())) == {(1,)}


def test_a_name_without_a_profile_joins_the_same_name_on_another_site(archive, db):
    # RAND's 2014 card and Carnegie's 2024 paper credit one Christopher S. Chivvis (rand
    # notes 4, carnegie notes 3); neither card records a profile link.
    pub = Publication(url="https://www.rand.org/x", site="rand", title="Putting Putin in His Place")
    pub.fetched_at = FETCHED
    pub.authors = [{"name": "Christopher S. Chivvis", "profile_url": None, "role": "author"}]
    paper = Publication(
        url="https://carnegieendowment.org/research/2024/x",
        site="carnegie",
        title="Strategic Change in U.S. Foreign Policy",
        fetched_at=FETCHED,
    )
    paper.authors = [{"name": "Christopher S. Chivvis", "profile_url": None, "role": "author"}]
    crawl = archive.start_crawl("test", {})
    archive.store(pub, crawl)
    archive.store(paper, crawl)
    assert db["authors"].count == 1
    assert set(map(tuple, bylines(db).values())) == {(1,)}


def test_two_profiles_of_one_name_on_one_site_are_namesakes(archive, db):
    first, second = "https://www.cnas.org/people/john-smith", "https://www.cnas.org/people/j-s"
    store(
        archive,
        ("cnas", "https://www.cnas.org/a", "A", "By John Smith", [("John Smith", first)]),
        ("cnas", "https://www.cnas.org/b", "B", "By John Smith", [("John Smith", second)]),
        # a third site's page of that name joins the older of the two
        ("38north", "https://www.38north.org/c/", "C", "BY: John Smith", []),
    )
    assert bylines(db) == {
        "https://www.38north.org/c/": [1],
        "https://www.cnas.org/a": [1],
        "https://www.cnas.org/b": [2],
    }


def test_an_institution_credited_as_author_is_the_corporate_author_not_a_person(archive, db):
    store(archive, HUMAN_TORPEDO)
    row = db.execute("SELECT corporate_author FROM publications").fetchone()
    assert row == ("38 North",)
    assert db["authors"].count == 0
    assert db.execute(
        "SELECT source, raw FROM provenance WHERE field = 'corporate_author'"
    ).fetchone() == (
        "article_header",
        "BY:\u00a038 NORTH",
    )


def test_merge_keeps_two_spellings_together_through_recrawl_and_renormalize(archive, db):
    store(archive, EDITOR_NOTE, PERSPECTIVE)
    wit, wit_s = bylines(db)[EDITOR_NOTE[1]][0], bylines(db)[PERSPECTIVE[1]][0]
    assert wit != wit_s  # "Joel Wit" and "Joel S. Wit" are two keys: two rows by default

    moved = archive.merge_authors(wit_s, wit)
    assert moved["publications"] == 1 and moved["name_keys"] == ["joel wit"]
    assert set(map(tuple, bylines(db).values())) == {(wit_s,)}

    store(archive, EDITOR_NOTE, PERSPECTIVE)  # crawled again
    assert set(map(tuple, bylines(db).values())) == {(wit_s,)}
    assert renormalize(db)["differences"] == []
    assert set(map(tuple, bylines(db).values())) == {(wit_s,)}
    # a fresh archive object (a later crawl) reads the override from the database
    store(Archive(db), EDITOR_NOTE)
    assert [row["id"] for row in db["authors"].rows] == [wit_s]


def test_split_keeps_namesakes_apart_through_recrawl_and_renormalize(archive, db):
    store(archive, NAMESAKE_CNAS, NAMESAKE_38NORTH)
    assert set(map(tuple, bylines(db).values())) == {(1,)}  # one name key: one row

    new_id = archive.split_author(1, "38north")
    assert bylines(db) == {NAMESAKE_38NORTH[1]: [new_id], NAMESAKE_CNAS[1]: [1]}

    store(archive, NAMESAKE_CNAS, NAMESAKE_38NORTH)
    assert bylines(db) == {NAMESAKE_38NORTH[1]: [new_id], NAMESAKE_CNAS[1]: [1]}
    renormalize(db)
    assert bylines(db) == {NAMESAKE_38NORTH[1]: [new_id], NAMESAKE_CNAS[1]: [1]}
    assert list(db.query("SELECT name_key, site, author_id, action FROM author_overrides")) == [
        {"name_key": "sam roe", "site": "38north", "author_id": new_id, "action": "split"}
    ]


def test_split_moves_the_sites_profile_pages_with_it(archive, db):
    store(archive, BLINK, DECENT_CHANCE)
    new_id = archive.split_author(1, "38north")
    assert list(db.query("SELECT url, author_id FROM author_profiles ORDER BY url")) == [
        {"url": CRONIN_38NORTH, "author_id": new_id},
        {"url": CRONIN_CNAS, "author_id": 1},
    ]
    assert list(db.query("SELECT id, profile_url FROM authors ORDER BY id")) == [
        {"id": 1, "profile_url": CRONIN_CNAS},
        {"id": new_id, "profile_url": CRONIN_38NORTH},
    ]
    store(archive, DECENT_CHANCE)
    assert bylines(db)[DECENT_CHANCE[1]] == [new_id]


def test_merge_and_split_refuse_what_makes_no_sense(archive, db):
    store(archive, BLINK)
    with pytest.raises(ValueError, match="itself"):
        archive.merge_authors(1, 1)
    with pytest.raises(KeyError):
        archive.merge_authors(1, 99)
    with pytest.raises(ValueError, match="no publication on 38north"):
        archive.split_author(1, "38north")
    with pytest.raises(ValueError, match="only"):
        archive.split_author(1, "cnas")


def test_the_migration_joins_one_persons_rows_of_an_older_archive(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m007_people_across_sites")
    # as the earlier rule stored them: one row per profile URL, so one per site
    old["authors"].insert_all(
        [
            {
                "id": 1,
                "name": "Patrick M. Cronin",
                "profile_url": CRONIN_CNAS,
                "name_key": "patrick m cronin",
            },
            {
                "id": 2,
                "name": "Patrick M. Cronin",
                "profile_url": CRONIN_38NORTH,
                "name_key": "patrick m cronin",
            },
            {
                "id": 3,
                "name": "John Smith",
                "profile_url": "https://www.cnas.org/people/a",
                "name_key": "john smith",
            },
            {
                "id": 4,
                "name": "John Smith",
                "profile_url": "https://www.cnas.org/people/b",
                "name_key": "john smith",
            },
        ]
    )
    old["author_aliases"].insert_all(
        [
            {"author_id": 1, "alias": "Patrick M. Cronin"},
            {"author_id": 2, "alias": "Dr. Patrick M. Cronin"},
        ]
    )
    urls = [BLINK[1], DECENT_CHANCE[1], "https://www.cnas.org/a", "https://www.cnas.org/b"]
    for number, (url, site) in enumerate(
        zip(urls, ["cnas", "38north", "cnas", "cnas"], strict=True), 1
    ):
        old["publications"].insert({"id": number, "url": url, "site": site, "title": "T"})
        old["publication_authors"].insert(
            {"publication_id": number, "author_id": number, "position": 0, "role": "author"}
        )
    old.close()

    db = open_db(path)
    assert list(db.query("SELECT id FROM authors ORDER BY id")) == [{"id": 1}, {"id": 3}, {"id": 4}]
    assert bylines(db) == {
        BLINK[1]: [1],
        DECENT_CHANCE[1]: [1],
        "https://www.cnas.org/a": [3],
        "https://www.cnas.org/b": [4],
    }
    assert list(db.query("SELECT url, author_id, site FROM author_profiles ORDER BY url")) == [
        {"url": CRONIN_38NORTH, "author_id": 1, "site": "38north"},
        {"url": "https://www.cnas.org/people/a", "author_id": 3, "site": "cnas"},
        {"url": "https://www.cnas.org/people/b", "author_id": 4, "site": "cnas"},
        {"url": CRONIN_CNAS, "author_id": 1, "site": "cnas"},
    ]
    assert list(
        db.query("SELECT alias FROM author_aliases WHERE author_id = 1 ORDER BY alias")
    ) == [
        {"alias": "Dr. Patrick M. Cronin"},
        {"alias": "Patrick M. Cronin"},
    ]
    assert db.execute(
        "SELECT count(*) FROM publications WHERE corporate_author IS NULL"
    ).fetchone() == (4,)
    db.close()


# --- thinkscrape authors ------------------------------------------------------------------
def cli_run(*args: str):
    from click.testing import CliRunner

    from thinkscrape.cli import cli

    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def archive_file(tmp_path):
    path = tmp_path / "archive.db"
    database = open_db(path)
    store(Archive(database), BLINK, DECENT_CHANCE, EDITOR_NOTE, PERSPECTIVE)
    database.close()
    return str(path)


def test_authors_list_shows_ids_sites_profiles_and_spellings(archive_file):
    result = cli_run("authors", "list", "cronin", "--db", archive_file)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "#1 Patrick M. Cronin: 2 publications (38north, cnas)",
        f"    38north: {CRONIN_38NORTH}",
        f"    cnas: {CRONIN_CNAS}",
    ]
    wit = cli_run("authors", "list", "Wit", "--json", "--db", archive_file)
    assert [(p["id"], p["name"], p["sites"]) for p in json.loads(wit.output)] == [
        (3, "Joel S. Wit", ["38north"]),
        (2, "Joel Wit", ["38north"]),
    ]
    assert cli_run("authors", "list", "nobody", "--db", archive_file).output == (
        "No author matches.\n"
    )


def test_authors_merge_and_split_from_the_command_line_survive_renormalize(archive_file):
    merged = cli_run("authors", "merge", "3", "2", "--db", archive_file)
    assert merged.exit_code == 0, merged.output
    assert merged.output == (
        "Merged #2 into #3: 1 bylines and 0 profile pages moved; names now resolving to #3:"
        " 'joel wit'.\n"
    )
    split = cli_run("authors", "split", "1", "--site", "38north", "--db", archive_file)
    assert split.exit_code == 0, split.output
    assert split.output == "Split #1: its bylines on 38north are now #4.\n"

    assert cli_run("renormalize", "--db", archive_file).exit_code == 0
    database = open_db(archive_file)
    store(Archive(database), BLINK, DECENT_CHANCE, EDITOR_NOTE, PERSPECTIVE)  # crawled again
    assert bylines(database) == {
        BLINK[1]: [1],
        DECENT_CHANCE[1]: [4],
        EDITOR_NOTE[1]: [3],
        PERSPECTIVE[1]: [3],
    }
    database.close()


def test_authors_merge_and_split_explain_a_refusal(archive_file):
    unknown = cli_run("authors", "merge", "1", "99", "--db", archive_file)
    assert (unknown.exit_code, unknown.output) == (1, "Error: no author 99\n")
    same = cli_run("authors", "merge", "1", "1", "--db", archive_file)
    assert "cannot merge author 1 with itself" in same.output
    nothing = cli_run("authors", "split", "2", "--site", "cnas", "--db", archive_file)
    assert nothing.output == "Error: author 2 has no publication on cnas\n"


def test_authors_split_by_profile_page_splits_on_its_site(archive_file):
    split = cli_run("authors", "split", "1", "--profile", CRONIN_38NORTH, "--db", archive_file)
    assert split.output == "Split #1: its bylines on 38north are now #4.\n"
    database = open_db(archive_file)
    assert bylines(database)[DECENT_CHANCE[1]] == [4]
    database.close()
    unknown = cli_run("authors", "split", "1", "--profile", "https://x.org/p", "--db", archive_file)
    assert unknown.output == "Error: author 1 has no profile page https://x.org/p\n"
    neither = cli_run("authors", "split", "1", "--db", archive_file)
    assert neither.exit_code == 2 and "Give either --site or --profile." in neither.output
