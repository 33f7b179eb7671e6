"""Re-extraction on several cores gives the rows a replay crawl of the same WARC gives.

The bundled sample (``data/samples/demo/cnas.warc.gz``: 116 publications, a page without a title,
listing pages with the cards the publications were listed with) is re-extracted into fresh
archives by a replay crawl (``reextract``) and by reading its records directly in two
processes and in one (``reextract_direct``); every row a researcher reads must be the same.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawling import CNAS_CAPTURE as SAMPLE_WARC

from thinkscrape.cli import cli
from thinkscrape.warc.parallel import reextract_direct
from thinkscrape.warc.reextract import reextract

# columns that say when or by which crawl a row was written, not what it holds
BOOKKEEPING = {"id", "first_seen", "last_seen", "first_crawl_id", "last_crawl_id"}


def rows(db: Path) -> dict[str, list]:
    """Every row the archive holds about the publications, without ids or crawl times."""
    with sqlite3.connect(db) as conn:
        columns = [
            row[1]
            for row in conn.execute("pragma table_info(publications)")
            if row[1] not in BOOKKEEPING
        ]
        found = {
            "publications": conn.execute(
                f"select {', '.join(columns)} from publications order by url"
            ).fetchall()
        }
        queries = {
            "authors": """select p.url, pa.position, pa.role, a.name
                from publication_authors pa join authors a on a.id = pa.author_id
                join publications p on p.id = pa.publication_id""",
            "links": """select p.url, l.url, l.domain, l.text, l.kind
                from links l join publications p on p.id = l.publication_id""",
            "provenance": """select p.url, v.field, v.source, v.raw
                from provenance v join publications p on p.id = v.publication_id""",
            "captures": """select c.url, c.warc_file, c.offset, c.length, c.record_id, p.url
                from captures c left join publications p on p.id = c.publication_id""",
            "dropped": "select url, site, reason from dropped_pages",
        }
        for name, sql in queries.items():
            found[name] = sorted(conn.execute(sql).fetchall(), key=repr)
    return found


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    db = tmp_path_factory.mktemp("replay") / "archive.db"
    result = reextract(db, [SAMPLE_WARC])
    assert result["items"] == 116
    return rows(db)


@pytest.mark.parametrize(("jobs", "part_min"), [(2, None), (1, None), (2, 100_000)])
def test_direct_reextraction_gives_the_rows_of_a_replay_crawl(
    replayed, tmp_path, monkeypatch, jobs, part_min
):
    from thinkscrape.warc import fast_index

    if part_min:  # the file read in two parts, as a large one is
        monkeypatch.setattr(fast_index, "PART_MIN", part_min)
    db = tmp_path / "archive.db"
    result = reextract_direct(db, [SAMPLE_WARC], jobs=jobs)
    assert result["jobs"] == jobs
    assert result["stored"] == {"new": 116}
    direct = rows(db)
    assert len(direct["publications"]) == 116
    assert len(direct["dropped"]) == 1  # the page without a title, as the crawl drops it
    for table, expected in replayed.items():
        assert direct[table] == expected, table


def test_direct_reextraction_again_changes_nothing_and_duplicates_no_capture(tmp_path):
    db = tmp_path / "archive.db"
    reextract_direct(db, [SAMPLE_WARC], jobs=2)
    before = rows(db)
    again = reextract_direct(db, [SAMPLE_WARC], jobs=2)
    assert again["stored"] == {"unchanged": 116}
    assert rows(db) == before


def test_the_command_reads_the_records_directly_on_every_core_by_default(tmp_path):
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(cli, ["reextract", "--db", str(db), str(SAMPLE_WARC)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Re-extracted 125 pages")
    assert "116 new" in result.output
    result = CliRunner().invoke(
        cli, ["reextract", "--jobs", "1", "--db", str(db), str(SAMPLE_WARC)]
    )
    assert result.exit_code == 0, result.output
    assert "116 unchanged" in result.output
    with sqlite3.connect(db) as conn:
        runs = [json.loads(args) for (args,) in conn.execute("select args from crawls order by id")]
    assert runs == [
        {"reextract": "direct", "jobs": len(os.sched_getaffinity(0))},
        {"reextract": "direct", "jobs": 1},
    ]


def test_the_command_replays_through_the_spider_with_replay(tmp_path):
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(cli, ["reextract", "--replay", "--db", str(db), str(SAMPLE_WARC)])
    assert result.exit_code == 0, result.output
    assert "116 new" in result.output
    with sqlite3.connect(db) as conn:
        (args,) = conn.execute("select args from crawls").fetchone()
    assert "reextract" not in json.loads(args)  # the spider's own crawl


def test_the_fast_index_files_the_records_as_the_checking_walk_does(monkeypatch):
    from thinkscrape import sites
    from thinkscrape.warc.fast_index import FastIndex
    from thinkscrape.warc.replay import WarcIndex

    site = sites.get("cnas")
    walked = WarcIndex([SAMPLE_WARC], home=site.home, site_hosts=site.hosts)

    def no_walk(self, path):
        raise AssertionError("fell back to the checking walk")

    monkeypatch.setattr(WarcIndex, "_scan", no_walk)
    fast = FastIndex([SAMPLE_WARC], home=site.home, site_hosts=site.hosts)
    key = lambda entry: (entry.offset, entry.url)  # noqa: E731
    assert sorted(fast.entries(), key=key) == sorted(walked.entries(), key=key)
    assert len(fast.entries()) == 126


def test_the_index_keeps_each_response_decoded_as_its_record_reads(tmp_path):
    from thinkscrape import sites
    from thinkscrape.warc.fast_index import FastIndex, read_at, read_kept

    site = sites.get("cnas")
    index = FastIndex([SAMPLE_WARC], home=site.home, site_hosts=site.hosts, spool=tmp_path)
    entries = index.entries()
    assert len(index.kept) == len(entries) == 126
    for entry in entries:
        kept = read_kept(index.kept[(entry.path, entry.offset)])
        assert kept == read_at(str(entry.path), entry.offset)


def index_in_parts(path: Path, spool: Path, parts: int):
    """``path`` indexed by the fast index in ``parts`` parts, by two worker processes."""
    from concurrent.futures import ProcessPoolExecutor

    from thinkscrape import sites
    from thinkscrape.warc import fast_index

    site = sites.get("cnas")
    with ProcessPoolExecutor(2) as pool:
        return fast_index.FastIndex(
            [path], home=site.home, site_hosts=site.hosts, spool=spool, pool=pool, parts=parts
        )


@pytest.mark.parametrize("parts", [2, 3, 7])
def test_a_large_file_read_in_parts_by_several_processes_is_indexed_as_in_one_pass(
    tmp_path, monkeypatch, parts
):
    from thinkscrape import sites
    from thinkscrape.warc import fast_index
    from thinkscrape.warc.replay import WarcIndex

    site = sites.get("cnas")
    whole = fast_index.FastIndex(
        [SAMPLE_WARC], home=site.home, site_hosts=site.hosts, spool=tmp_path
    )

    def no_walk(self, path):
        raise AssertionError("fell back to the checking walk")

    monkeypatch.setattr(WarcIndex, "_scan", no_walk)
    # parts of about 300 kB: the cuts fall inside records, as they do in a file of gigabytes
    monkeypatch.setattr(fast_index, "PART_MIN", SAMPLE_WARC.stat().st_size // 7)
    index = index_in_parts(SAMPLE_WARC, tmp_path, parts)
    assert len(index._ranges(SAMPLE_WARC)) == parts
    assert index.entries() == whole.entries()
    assert index.kept.keys() == whole.kept.keys()
    for key, kept in index.kept.items():
        assert fast_index.read_kept(kept) == fast_index.read_kept(whole.kept[key])
    assert index.reports == whole.reports


@pytest.mark.parametrize("parts", [1, 3])
def test_a_damaged_file_is_read_record_by_record_not_from_the_spool(tmp_path, monkeypatch, parts):
    from thinkscrape import sites
    from thinkscrape.warc import fast_index
    from thinkscrape.warc.replay import WarcIndex

    damaged = tmp_path / "damaged.warc.gz"
    data = SAMPLE_WARC.read_bytes()
    middle = len(data) // 2
    damaged.write_bytes(data[:middle] + b"\x00" * 64 + data[middle + 64 :])
    site = sites.get("cnas")
    monkeypatch.setattr(fast_index, "PART_MIN", len(data) // 7)
    index = index_in_parts(damaged, tmp_path, parts)
    walked = WarcIndex([damaged], home=site.home, site_hosts=site.hosts)
    key = lambda entry: (entry.offset, entry.url)  # noqa: E731
    assert index.damaged and sorted(index.entries(), key=key) == sorted(walked.entries(), key=key)
    assert index.kept == {}


@pytest.mark.parametrize("parts", [1, 2])
@pytest.mark.parametrize("stray", [b"\r\n", b"\n\n\n\n"])
def test_blank_lines_between_two_records_send_the_file_to_the_checking_walk(
    tmp_path, monkeypatch, parts, stray
):
    """warcio reads on past bytes between two gzip members without a word, as one record
    of no type that swallows the rest of the file: such a file is walked record by record,
    which reads every record after them and names the bytes skipped."""
    from thinkscrape import sites
    from thinkscrape.warc import fast_index
    from thinkscrape.warc.replay import WarcIndex

    data = SAMPLE_WARC.read_bytes()
    site = sites.get("cnas")
    whole = fast_index.FastIndex([SAMPLE_WARC], home=site.home, site_hosts=site.hosts)
    cut = min((entry.offset for entry in whole.entries()), key=lambda o: abs(o - len(data) // 3))
    spaced = tmp_path / "spaced.warc.gz"
    spaced.write_bytes(data[:cut] + stray + data[cut:])
    monkeypatch.setattr(fast_index, "PART_MIN", 1_000)
    index = index_in_parts(spaced, tmp_path, parts)
    walked = WarcIndex([spaced], home=site.home, site_hosts=site.hosts)
    key = lambda entry: (entry.offset, entry.url)  # noqa: E731
    assert len(index.entries()) == len(whole.entries()) == 126
    assert sorted(index.entries(), key=key) == sorted(walked.entries(), key=key)
    assert [(report.sound, report.skipped_bytes) for report in index.reports] == [
        (False, len(stray))
    ]


def test_a_stray_member_where_the_file_is_cut_sends_it_to_the_checking_walk(tmp_path, monkeypatch):
    """A gzip member that holds no WARC record, near where the file is cut in two: the part
    that reaches it cannot read it, the next one starts after it, and the file is walked
    record by record, which names the damage."""
    import gzip

    from thinkscrape import sites
    from thinkscrape.warc import fast_index
    from thinkscrape.warc.replay import WarcIndex

    data = SAMPLE_WARC.read_bytes()
    site = sites.get("cnas")
    whole = fast_index.FastIndex([SAMPLE_WARC], home=site.home, site_hosts=site.hosts)
    # the record that begins nearest the middle
    cut = min((entry.offset for entry in whole.entries()), key=lambda o: abs(o - len(data) // 2))
    stray = tmp_path / "stray.warc.gz"
    stray.write_bytes(data[:cut] + gzip.compress(b"not a record") + data[cut:])
    monkeypatch.setattr(fast_index, "PART_MIN", 1_000)
    walked = []
    checking_walk = WarcIndex._scan

    def walk(self, path):
        walked.append(path)
        checking_walk(self, path)

    monkeypatch.setattr(WarcIndex, "_scan", walk)
    index = index_in_parts(stray, tmp_path, 2)
    assert len(index._ranges(stray)) == 2
    assert walked == [stray]
    assert index.damaged


def test_a_publication_captured_twice_is_read_once_from_its_newest_record(tmp_path):
    """A later crawl's capture of a page under another spelling of its URL (a trailing
    slash) is the one read, and the older record is not stored again over it: one
    publication, one new row, whatever order the files sort in."""
    from datetime import UTC, datetime

    from thinkscrape import sites
    from thinkscrape.warc.fast_index import FastIndex, read_at
    from thinkscrape.warc.writer import HttpMessage, WarcWriter

    site = sites.get("cnas")
    entries = FastIndex([SAMPLE_WARC], home=site.home, site_hosts=site.hosts).entries()
    entry = next(e for e in entries if site.classify(e.site_url or e.url))
    url = site.canonical_url(entry.site_url or entry.url)
    status, headers, _, body = read_at(str(entry.path), entry.offset)
    html = body.decode("utf-8")
    title = site.extract_article(url, html)["title"]
    later = tmp_path / "later"  # (sorts before the sample's folder)
    with WarcWriter(later, "cnas", started_at=datetime(2030, 1, 1, tzinfo=UTC)) as writer:
        writer.write_exchange(
            url + "/",
            method="GET",
            request=HttpMessage(headers=[]),
            status=status,
            response=HttpMessage(
                headers=headers, body=html.replace(title, f"{title} (revised)").encode()
            ),
            fetched_at=datetime(2030, 1, 1, tzinfo=UTC),
        )
    files = [*later.glob("*.warc.gz"), SAMPLE_WARC]
    db = tmp_path / "direct.db"
    result = reextract_direct(db, files, jobs=1)
    assert result["stored"] == {"new": 116}
    with sqlite3.connect(db) as conn:
        found = conn.execute("select title from publications where url = ?", [url]).fetchall()
        versions = conn.execute("select count(*) from publication_versions").fetchone()[0]
    assert (found, versions) == ([(f"{title} (revised)",)], 0)
