"""The five SQL queries of the README's "For researchers" section, run on two archives.

The first is written through the archive's API from real CNAS publications recorded in the
site notes (sections 4.1-4.3): URL, type, date, title, byline and outlet as the notes give
them. Bodies, summaries and program labels (topics) are not in the notes and are invented
here; the program names are the ones the notes record on the site. The second is made by
crawling the bundled mirror of cnas.org with ``scrapy crawl`` (the `mirror_crawl` fixture).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from builders import CNAS, person, publication

from thinkscrape.archive import query
from thinkscrape.archive.schema import open_db
from thinkscrape.archive.store import Archive

README = Path(__file__).resolve().parent.parent / "README.md"


def researchers_section() -> str:
    """The README's "For researchers" section, up to the next second-level heading."""
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## For researchers\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def sql_blocks() -> dict[str, str]:
    """Each ```sql block of the section, keyed by the heading it sits under."""
    blocks = {}
    heading = None
    pattern = r"^#+ ([^\n]+)$|^```sql\n(.*?)^```"
    for match in re.finditer(pattern, researchers_section(), re.M | re.S):
        if match.group(1):
            heading = match.group(1).strip()
        else:
            assert heading not in blocks, f"two queries under {heading!r}"
            blocks[heading] = match.group(2)
    return blocks


CRONIN = person("Patrick M. Cronin", 0)
PUBLICATIONS = [
    publication(
        "/publications/commentary/north-korea-and-the-blink-of-war",
        "commentary",
        "North Korea and the ‘Blink’ of War",
        "2017-08-02",
        outlet="War on the Rocks",
        authors=[CRONIN],
    ),
    publication(
        "/publications/commentary/the-ultimate-missile-shield-the-u-s-south-korea-alliance",
        "commentary",
        "The Ultimate Missile Shield: The U.S.-South Korea Alliance?",
        "2017-03-09",
        outlet="The National Interest",
        body="Missile defense on the Korean peninsula faces North Korea.",  # invented
    ),
    publication(
        "/publications/commentary/beyond-palace-intrigue-how-north-koreas-antics-threaten-us-interests",
        "commentary",
        "Beyond palace intrigue: How North Korea's antics threaten US interests",
        "2017-02-24",
        outlet="The Hill",
    ),
    publication(
        "/publications/commentary/trump-must-send-russia-powerful-message-through-tougher-actions",
        "commentary",
        "Trump must send Russia powerful message through tougher actions",
        "2018-02-12",
        outlet="The Hill",
        authors=[person("Peter Harrell", 0), person("Elizabeth Rosenberg", 1)],
        body="Sanctions on Russia, as on North Korea, work when enforced.",  # invented
    ),
    publication(
        "/publications/commentary/how-to-tell-when-north-korea-starts-to-denuclearize",
        "commentary",
        "How to Tell When North Korea Starts to Denuclearize",
        "2018-10-10",
        outlet="The Atlantic",
    ),
    publication(
        "/publications/commentary/for-japan-a-winning-formula-is-cyber-defense",
        "commentary",
        "For Japan, a Winning Formula is Cyber Defense and Innovation Offense",
        "2018-10-12",
        outlet="Sasakawa USA",
        authors=[person("Krista Auchenbach", 0), person("Daniel Kliman", 1)],
    ),
    publication(
        "/publications/commentary/if-you-want-peace-prepare-for-nuclear-war",
        "commentary",
        "If You Want Peace, Prepare for Nuclear War",
        "2018-10-15",
        outlet="Foreign Affairs",
        authors=[person("Elbridge Colby", 0)],
    ),
    publication(
        "/publications/video/amb-nuland-on-n-korea",
        "video",
        "Amb. Nuland on N. Korea: The U.S. 'needs to get back into real diplomacy'",
        "2018-11-13",
        authors=[person("Victoria Nuland", 0)],
    ),
    publication(
        "/press/in-the-news/where-washingtons-north-korea-policy-goes-from-here",
        "in-the-news",
        "Where Washington’s North Korea policy goes from here",
        "2017-11-22",
        outlet="NK News",
        authors=[person("Oliver Hotham", 0, "journalist"), {**CRONIN, "role": "featured"}],
    ),
    publication(
        "/publications/reports/negotiating-with-north-korea",
        "report",
        "Negotiating With North Korea",
        "2019-02-12",
        subtitle="How Will This End?",
        authors=[CRONIN],
        topics=["Indo-Pacific Security"],  # invented
    ),
    publication(
        "/publications/reports/crossed-wires",
        "report",
        "Crossed Wires",
        "2019-12-18",
        authors=[person("Kristine Lee", 0), person("Daniel Kliman", 1), person("Joshua Fitt", 2)],
        topics=["Indo-Pacific Security", "Technology & National Security"],  # invented
    ),
    publication(
        "/publications/reports/financial-networks-of-mass-destruction",
        "report",
        "Financial Networks of Mass Destruction",
        "2019-01-24",
        authors=[person("Elizabeth Rosenberg", 0)],
        topics=["Energy, Economics & Security"],  # invented
    ),
    publication(
        "/publications/reports/u-s-strategy-after-the-iran-deal-seizing-opportunities-and-managing-risks",
        "report",
        "U.S. Strategy After the Iran Deal: Seizing Opportunities and Managing Risks",
        "2015-06-15",
        authors=[person("Ilan Goldenberg", 0)],
        topics=["Middle East Security"],  # invented
    ),
    publication(
        "/publications/commentary/busting-north-koreas-sanctions-evasion",
        "commentary",
        "Busting North Korea’s Sanctions Evasion",
        "2020-03-04",
        authors=[person("Elizabeth Rosenberg", 0), person("Neil Bhatiya", 1)],
    ),
    publication(
        "/publications/commentary/senior-advisor-and-senior-director-of-the-asia-pacific-security-program-pens-an-op-ed-discussing-the-state-of-u-s-japan-relations",
        "commentary",
        "Senior Advisor and Senior Director of the Asia-Pacific Security Program pens an op-ed "
        "discussing the state of U.S.-Japan Relations.",
        "2015-04-03",
        outlet="The National Interest",
        authors=[CRONIN],
    ),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory):
    db = open_db(tmp_path_factory.mktemp("researcher") / "archive.db")
    archive = Archive(db, clock=lambda: "2026-11-03T04:00:00+00:00")
    crawl_id = archive.start_crawl("cnas", {})
    archive.store_many(PUBLICATIONS, crawl_id)
    yield db
    db.close()


def run(db, heading: str) -> list[tuple]:
    return [tuple(row) for row in db.execute(sql_blocks()[heading]).fetchall()]


def test_the_document_has_exactly_the_five_questions() -> None:
    assert list(sql_blocks()) == [
        "Everything CNAS published on North Korea in 2018",
        "Which outlets CNAS experts publish op-eds in, by year",
        "Who co-authors with whom",
        "How many reports per program per year",
        "One expert's output, by year and type",
    ]


def test_north_korea_in_2018(db) -> None:
    # "N. Korea" (the Nuland video) is not the phrase; 2017 and 2019 pieces are other years.
    assert run(db, "Everything CNAS published on North Korea in 2018") == [
        (
            "2018-02-12",
            "commentary",
            "Trump must send Russia powerful message through tougher actions",
            "Peter Harrell; Elizabeth Rosenberg",
            "The Hill",
            f"{CNAS}/publications/commentary/trump-must-send-russia-powerful-message-through-tougher-actions",
        ),
        (
            "2018-10-10",
            "commentary",
            "How to Tell When North Korea Starts to Denuclearize",
            None,
            "The Atlantic",
            f"{CNAS}/publications/commentary/how-to-tell-when-north-korea-starts-to-denuclearize",
        ),
    ]


def test_op_ed_outlets_by_year(db) -> None:
    assert run(db, "Which outlets CNAS experts publish op-eds in, by year") == [
        (2015, "The National Interest", 1),
        (2017, "The Hill", 1),
        (2017, "The National Interest", 1),
        (2017, "War on the Rocks", 1),
        (2018, "Foreign Affairs", 1),
        (2018, "Sasakawa USA", 1),
        (2018, "The Atlantic", 1),
        (2018, "The Hill", 1),
    ]


def test_co_authors(db) -> None:
    rows = run(db, "Who co-authors with whom")
    assert {(frozenset(row[:2]), *row[2:]) for row in rows} == {
        (frozenset({"Peter Harrell", "Elizabeth Rosenberg"}), 1, "2018-02-12", "2018-02-12"),
        (frozenset({"Krista Auchenbach", "Daniel Kliman"}), 1, "2018-10-12", "2018-10-12"),
        (frozenset({"Kristine Lee", "Daniel Kliman"}), 1, "2019-12-18", "2019-12-18"),
        (frozenset({"Kristine Lee", "Joshua Fitt"}), 1, "2019-12-18", "2019-12-18"),
        (frozenset({"Daniel Kliman", "Joshua Fitt"}), 1, "2019-12-18", "2019-12-18"),
        (frozenset({"Elizabeth Rosenberg", "Neil Bhatiya"}), 1, "2020-03-04", "2020-03-04"),
    }
    assert len(rows) == 6


def test_reports_per_program_per_year(db) -> None:
    assert run(db, "How many reports per program per year") == [
        ("Energy, Economics & Security", 2019, 1),
        ("Indo-Pacific Security", 2019, 2),
        ("Middle East Security", 2015, 1),
        ("Technology & National Security", 2019, 1),
    ]


def test_one_experts_output(db) -> None:
    # The in-the-news piece features Cronin but is not his: only author roles count.
    assert run(db, "One expert's output, by year and type") == [
        (2015, "commentary", 1),
        (2017, "commentary", 1),
        (2019, "report", 1),
    ]


# --- the same queries on an archive made by crawling the bundled mirror of cnas.org ------
# Expected rows named here are real pages from the site notes (4.1-4.3) that the mirror
# carries; the rest is checked against the archive's own rows, read without SQL.

NOTES = {
    "denuclearize": PUBLICATIONS[4].url,  # how-to-tell-when-north-korea-starts-to-denuclearize
    "negotiating": f"{CNAS}/publications/reports/negotiating-with-north-korea",
    "blink": f"{CNAS}/publications/commentary/north-korea-and-the-blink-of-war",
}


@pytest.fixture(scope="module")
def crawled(mirror_crawl: Path):
    db = query.open_archive(mirror_crawl)  # read-only: the session's crawl is shared
    yield db
    db.close()


def _words(*texts: str | None) -> str:
    """Text as FTS5's default tokenizer sees it: lower-case words between single spaces."""
    return " " + " ".join(re.findall(r"\w+", " ".join(t or "" for t in texts).lower())) + " "


def publications(db) -> list[dict]:
    return [dict(row) for row in db.query("select * from publications")]


def test_crawl_north_korea_in_2018(crawled) -> None:
    rows = crawled.execute(sql_blocks()["Everything CNAS published on North Korea in 2018"])
    found = {row[5] for row in rows}
    expected = {
        pub["url"]
        for pub in publications(crawled)
        if (pub["published"] or "").startswith("2018")
        and " north korea " in _words(pub["title"], pub["subtitle"], pub["summary"], pub["body"])
    }
    assert found == expected
    assert NOTES["denuclearize"] in found  # October 10, 2018, The Atlantic
    assert not {NOTES["negotiating"], NOTES["blink"]} & found  # 2019 and 2017


def test_crawl_op_ed_outlets_by_year(crawled) -> None:
    rows = run(crawled, "Which outlets CNAS experts publish op-eds in, by year")
    counts: dict[tuple, int] = {}
    for pub in publications(crawled):
        if pub["type"] == "commentary" and pub["outlet"]:
            key = (int(pub["published"][:4]) if pub["published"] else None, pub["outlet"])
            counts[key] = counts.get(key, 0) + 1
    assert {row[:2]: row[2] for row in rows} == counts
    assert len(rows) == len(counts)
    for year, outlet in [
        (2017, "War on the Rocks"),
        (2018, "The Atlantic"),
        (2018, "Foreign Affairs"),
        (2019, "CNN Opinion"),
        (2020, "Foreign Policy"),
        (2020, "Defense News"),
    ]:
        assert (year, outlet) in counts


def test_crawl_co_authors(crawled) -> None:
    pairs = {frozenset(row[:2]) for row in run(crawled, "Who co-authors with whom")}
    for names in [
        {"Peter Harrell", "Elizabeth Rosenberg"},
        {"Krista Auchenbach", "Daniel Kliman"},
        {"Kristine Lee", "Daniel Kliman"},
        {"Kristine Lee", "Joshua Fitt"},
        {"Daniel Kliman", "Joshua Fitt"},
        {"Elizabeth Rosenberg", "Neil Bhatiya"},
        {"Ilan Goldenberg", "Eric Brewer"},
    ]:
        assert frozenset(names) in pairs
    bylines: dict[int, set[str]] = {}
    for pub_id, name in crawled.execute(
        "select pa.publication_id, a.name from publication_authors pa"
        " join authors a on a.id = pa.author_id where pa.role = 'author'"
    ):
        bylines.setdefault(pub_id, set()).add(name)
    expected = {
        frozenset((a, b)) for names in bylines.values() for a in names for b in names if a < b
    }
    assert pairs == expected
    journalists = {"Oliver Hotham", "Mike Giglio", "Edward Wong"}
    assert not any(journalists & pair for pair in pairs)


def test_crawl_reports_per_program_per_year(crawled) -> None:
    rows = run(crawled, "How many reports per program per year")
    counts: dict[tuple, int] = {}
    for pub in publications(crawled):
        if pub["type"] == "report":
            for program in json.loads(pub["topics"] or "[]"):
                key = (program, int(pub["published"][:4]) if pub["published"] else None)
                counts[key] = counts.get(key, 0) + 1
    assert {row[:2]: row[2] for row in rows} == counts
    assert len(counts) >= 3  # the mirror's reports are filed under several programs


def test_crawl_one_experts_output(crawled) -> None:
    # Patrick M. Cronin's own pieces in the notes and the mirror's records; the press items
    # that feature him (in-the-news) are not his.
    assert run(crawled, "One expert's output, by year and type") == [
        (2015, "commentary", 1),
        (2017, "commentary", 3),
        (2017, "podcast", 1),
        (2017, "report", 1),
        (2019, "commentary", 1),
        (2019, "report", 1),
    ]
