"""`thinkscrape demo`: the bundled captures of every site's sample, replayed into the demo's
own archive, and the summary it prints.

Expected values come from the mirrors the captures were recorded from and the site notes
behind them: each mirror's publications (as the site's crawl test counts them), the CNAS
commentary whose full article is the 38 North piece of the same title (38north notes,
section 7), and the two people whose bylines are on both (the 38 North piece is signed by
Patrick M. Cronin and Kristine Lee; both sign CNAS pieces of the cnas notes, 4.1 and 4.2).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from thinkscrape import cli as cli_module
from thinkscrape import sites
from thinkscrape.cli import cli

CNAS = "https://www.cnas.org"
PREPARING = (
    f"{CNAS}/publications/commentary/"
    "preparing-for-a-decent-chance-of-success-and-failure-with-north-korea"
)
PREPARING_38N = "https://www.38north.org/2019/02/pcroninklee020119"
TITLE = "Preparing for a “Decent Chance” of Success and Failure with North Korea"

# Each mirror's publications, as the crawl tests of the same mirrors count them
# (test_crawl_<site>.py); brookings has two mirrors, today's site (13) and its 2019 theme
# (8); the CNAS mirror's 118 pages less its page without a title and its event in no listing.
PUBLICATIONS = {
    "38north": 10,
    "atlanticcouncil": 13,
    "brookings": 13 + 8,
    "carnegie": 13,
    "cnas": 116,
    "csis": 13,
    "rand": 13,
    "stimson": 13,
}


@pytest.fixture(scope="module")
def demo(demo_run: tuple[Path, str]) -> tuple[Path, list[str]]:
    """The demo run once, from a fresh folder, into its default archive: (archive, lines)."""
    db_path, output = demo_run
    return db_path, output.splitlines()


def rows(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def section(lines: list[str], title: str) -> list[str]:
    """The indented lines under ``title`` in the demo's output."""
    start = lines.index(title) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("  ")), None)
    return lines[start:end]


def test_the_demo_writes_its_own_archive_and_replays_one_capture_per_mirror(demo) -> None:
    db_path, lines = demo
    assert db_path.is_file()
    assert not (db_path.parent / "thinktanks.db").exists()  # never the live crawls' archive
    captures = sorted(cli_module.SAMPLE_DIR.glob("*.warc.gz"))
    assert lines[0].startswith(f"Replaying {len(captures)} captures from data/samples/demo")
    crawls = rows(db_path, "select id, spider from crawls order by id")
    # one replay crawl per capture, each by the spider of the site the capture is of
    assert len(crawls) == len(captures) == len(PUBLICATIONS) + 1
    assert sorted(spider for _, spider in crawls) == sorted([*PUBLICATIONS, "brookings"])
    for capture, (crawl_id, spider) in zip(captures, crawls, strict=True):
        (line,) = [line for line in lines if line.split()[:1] == [capture.name]]
        assert line.split()[1:4] == [spider, "crawl", f"#{crawl_id}:"]
    # every publication leads back to its bytes in a bundled capture
    assert rows(db_path, "select count(*) from publications") == [(sum(PUBLICATIONS.values()),)]
    files = rows(db_path, "select distinct warc_file from captures order by 1")
    assert [Path(file).name for (file,) in files] == [capture.name for capture in captures]


def test_the_demo_counts_every_sites_publications(demo) -> None:
    db_path, lines = demo
    stored = dict(rows(db_path, "select site, count(*) from publications group by site"))
    assert stored == PUBLICATIONS
    assert set(stored) == set(sites.names())  # every registered site, none left out
    printed = {line.split()[0]: line.split()[1:] for line in section(lines, "Rows per site:")}
    assert printed.pop("site") == ["publications", "authors", "links"]
    assert {site: int(numbers[0].replace(",", "")) for site, numbers in printed.items()} == (
        PUBLICATIONS
    )
    people = dict(
        rows(
            db_path,
            """select p.site, count(distinct pa.author_id) from publication_authors pa
               join publications p on p.id = pa.publication_id group by p.site""",
        )
    )
    links = dict(
        rows(
            db_path,
            "select p.site, count(*) from links l join publications p on p.id = l.publication_id"
            " group by p.site",
        )
    )
    for site, numbers in printed.items():
        assert numbers[1:] == [f"{people.get(site, 0):,}", f"{links.get(site, 0):,}"]


def test_the_demo_finds_the_cnas_commentary_whose_full_article_is_on_38_north(demo) -> None:
    db_path, lines = demo
    ids = dict(
        rows(
            db_path,
            "select url, id from publications where url in (?, ?)",
            (PREPARING, PREPARING_38N),
        )
    )
    assert set(ids) == {PREPARING, PREPARING_38N}
    assert rows(
        db_path,
        "select publication_id, site, elsewhere_id, elsewhere_site, is_full_article"
        " from republications where url = ?",
        (PREPARING,),
    ) == [(ids[PREPARING], "cnas", ids[PREPARING_38N], "38north", 1)]
    printed = section(
        lines, "Cross-site links (a publication -> the same piece on another archived site):"
    )
    at = printed.index(f"  #{ids[PREPARING]} cnas: {TITLE}")
    assert printed[at + 1] == f"    -> #{ids[PREPARING_38N]} 38north: {PREPARING_38N}"


def test_the_demo_names_the_people_who_write_for_several_sites(demo) -> None:
    db_path, lines = demo
    shared = rows(
        db_path,
        """select a.name, group_concat(distinct p.site) from authors a
           join publication_authors pa on pa.author_id = a.id
           join publications p on p.id = pa.publication_id
           group by a.id having count(distinct p.site) > 1 order by a.name""",
    )
    # the mirrors hold no other person of two sites
    assert [(name, set(found.split(","))) for name, found in shared] == [
        ("Kristine Lee", {"cnas", "38north"}),
        ("Patrick M. Cronin", {"cnas", "38north"}),
    ]
    printed = section(lines, "Authors at several sites (publications on each):")
    by_name = dict(re.split(r"\s{2,}", line.strip()) for line in printed)
    assert set(by_name) == {"Kristine Lee", "Patrick M. Cronin"}
    for found in by_name.values():
        # the 38 North piece is the only one of theirs in that mirror
        assert "38north 1" in found.split(", ")
        (cnas,) = [part for part in found.split(", ") if part.startswith("cnas ")]
        assert int(cnas.split()[1]) > 1  # the commentary above and others of theirs


def test_the_demo_still_counts_rows_per_table_and_gives_hints(demo) -> None:
    db_path, lines = demo
    (publications,) = rows(db_path, "select count(*) from publications")[0]
    (people,) = rows(db_path, "select count(*) from authors")[0]
    tables = section(lines, "Rows per table:")
    assert any(line.split() == ["publications", f"{publications:,}"] for line in tables)
    assert any(line.split() == ["authors", f"{people:,}"] for line in tables)
    hints = section(lines, "Try:")
    assert "  thinkscrape search 'north korea' --db data/demo.db" in hints
    assert "  thinkscrape stats --db data/demo.db" in hints
    assert "  thinkscrape authors list Cronin --db data/demo.db" in hints
    # a real report from the cnas notes (4.2 #32), as the sample serves it
    assert rows(
        db_path,
        "select title, subtitle, published, authors from publications_flat where url = ?",
        (f"{CNAS}/publications/reports/negotiating-with-north-korea",),
    ) == [("Negotiating With North Korea", "How Will This End?", "2019-02-12", "Patrick M. Cronin")]


def test_reextracting_a_capture_named_by_another_path_duplicates_nothing(demo, tmp_path) -> None:
    db_path = tmp_path / "demo.db"  # a copy: the other tests read the demo's own crawls
    shutil.copy(demo[0], db_path)
    before = rows(db_path, "select count(*) from captures")
    cnas = os.path.relpath(cli_module.SAMPLE_DIR / "cnas.warc.gz")
    again = CliRunner().invoke(cli, ["reextract", "--db", str(db_path), cnas])
    assert again.exit_code == 0, again.output
    assert f"{PUBLICATIONS['cnas']} unchanged; 0 not in the WARC files." in again.output
    assert rows(db_path, "select count(*) from captures") == before
