"""The `thinkscrape` command, run through click's CliRunner on a small archive.

Publications are real CNAS pages from the site notes (4.1, 4.3): title, date, type,
byline and outlet as recorded there; bodies are invented.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from builders import CNAS, publication
from click.testing import CliRunner

from tests.registered import register_site
from thinkscrape import cli as cli_module
from thinkscrape import sites
from thinkscrape.archive.schema import open_db
from thinkscrape.archive.store import Archive
from thinkscrape.cli import cli
from thinkscrape.items import Publication
from thinkscrape.site import TypeRule

COLONEL = publication(
    "/publications/commentary/if-you-want-peace-prepare-for-nuclear-war",
    "commentary",
    "If You Want Peace, Prepare for Nuclear War",
    "2018-10-15",
    outlet="Foreign Affairs",
    authors=[{"name": "Elbridge Colby", "name_raw": "Elbridge Colby", "position": 0}],
    body="Deterrence of Russia and China rests on nuclear forces.",  # invented
)
CROSSED_WIRES = publication(
    "/publications/reports/crossed-wires",
    "report",
    "Crossed Wires",
    "2019-12-18",
    authors=[
        {"name": "Kristine Lee", "position": 0, "role": "author"},
        {"name": "Daniel Kliman", "position": 1, "role": "author"},
        {"name": "Joshua Fitt", "position": 2, "role": "author"},
    ],
    summary="China's digital ambitions and U.S.-China rivalry.",  # invented
)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    db = open_db(path)
    store = Archive(db, clock=lambda: "2026-11-01T02:00:00+00:00")
    crawl_id = store.start_crawl("cnas", {}, started="2026-11-01T01:00:00+00:00")
    store.store(COLONEL, crawl_id)
    store.store(CROSSED_WIRES, crawl_id)
    store.finish_crawl(
        crawl_id, finish_reason="finished", items_stored=2, items_dropped=0, errors=1, stats={}
    )
    db.close()
    return path


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env)


def test_search_prints_dated_results_with_byline_and_url(archive: Path) -> None:
    result = run("search", "china", "--db", str(archive))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "2019-12-18  report  Crossed Wires",
        "            Kristine Lee; Daniel Kliman; Joshua Fitt",
        f"            {CNAS}/publications/reports/crossed-wires",
        # Bold marks the matches on a terminal; click drops it when output is not one.
        "            China's digital ambitions and U.S.-China rivalry.",
        "",
        "2018-10-15  commentary  If You Want Peace, Prepare for Nuclear War",
        "            Elbridge Colby · Foreign Affairs",
        f"            {CNAS}/publications/commentary/if-you-want-peace-prepare-for-nuclear-war",
        "            Deterrence of Russia and China rests on nuclear forces.",
        "",
        "2 matches.",
    ]


def test_search_json(archive: Path) -> None:
    result = run("search", "nuclear", "--json", "--type", "commentary", "--db", str(archive))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    rows[0].pop("rank")
    assert rows[0] == {
        "id": 1,
        "published": "2018-10-15",
        "type": "commentary",
        "site": "cnas",
        "title": "If You Want Peace, Prepare for Nuclear War",
        "authors": ["Elbridge Colby"],
        "outlet": "Foreign Affairs",
        "url": COLONEL.url,
        # The title is shown anyway: the snippet is the body's text around the match.
        "snippet": "Deterrence of Russia and China rests on [nuclear] forces.",
    }


def test_search_with_filters_and_no_match(archive: Path) -> None:
    result = run(
        "search", "china", "--since", "2019-01-01", "--author", "kliman", "--db", str(archive)
    )
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "2019-12-18  report  Crossed Wires"
    result = run("search", "china", "--until", "2000-01-01", "--db", str(archive))
    assert result.exit_code == 0
    assert result.output == "No matches.\n"


def test_search_says_when_results_are_cut_at_the_limit(archive: Path) -> None:
    result = run("search", "china", "--limit", "1", "--db", str(archive))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "2019-12-18  report  Crossed Wires"
    assert result.output.splitlines()[-1] == "Showing 1 of 2 matches; --limit 2 shows them all."
    as_json = run("search", "china", "--limit", "1", "--json", "--db", str(archive))
    assert len(json.loads(as_json.stdout)) == 1
    assert as_json.stderr == "Showing 1 of 2 matches; --limit 2 shows them all.\n"


def test_search_by_filters_alone(archive: Path) -> None:
    result = run("search", "--author", "Kliman", "--db", str(archive))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "2019-12-18  report  Crossed Wires"
    assert result.output.splitlines()[-1] == "1 match."
    nothing = run("search", "--db", str(archive))
    assert nothing.exit_code == 1
    assert "Error: Give words to search for, or a filter" in nothing.output


@pytest.mark.parametrize(
    ("args", "titles"),
    [
        (["china", "-nuclear"], ["Crossed Wires"]),
        (["-nuclear"], ["Crossed Wires"]),
        (["-china"], []),
        (["--", "-nuclear", "china"], ["Crossed Wires"]),
        (["nuclear OR digital"], ["Crossed Wires", "If You Want Peace, Prepare for Nuclear War"]),
        (["title:crossed"], ["Crossed Wires"]),
    ],
)
def test_search_words_with_a_leading_minus_are_left_out(
    archive: Path, args: list, titles: list
) -> None:
    result = run("search", "--json", "--db", str(archive), *args)
    assert result.exit_code == 0, result.output
    assert sorted(row["title"] for row in json.loads(result.stdout)) == titles


def test_search_mistyped_option_is_a_usage_error(archive: Path) -> None:
    result = run("search", "china", "--sinse", "2019-01-01", "--db", str(archive))
    assert result.exit_code == 2
    assert "No such option: --sinse" in result.output


def test_search_syntax_error_is_a_message(archive: Path) -> None:
    result = run("search", "china AND", "--db", str(archive))
    assert result.exit_code == 1
    assert "Error: Search syntax error in 'china AND'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("typed", ["cnas", "CNAS", "Cnas"])
def test_search_site_is_a_spider_name_in_any_case(archive: Path, typed: str) -> None:
    result = run("search", "china", "--site", typed, "--json", "--db", str(archive))
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 2


def test_search_unknown_site_lists_the_spiders(archive: Path) -> None:
    result = run("search", "china", "--site", "nosuchsite", "--db", str(archive))
    assert result.exit_code == 1
    known = ", ".join(sorted(sites.names()))  # the message names them in name order
    assert f"Error: Unknown site 'nosuchsite'; choose one of: {known}." in result.output


def test_search_limit_beyond_any_archive_shows_all(archive: Path) -> None:
    result = run("search", "china", "--limit", "99999999999999999999", "--db", str(archive))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "2 matches."


def test_database_path_from_the_environment(archive: Path) -> None:
    result = run("search", "deterrence", "--json", env={"THINKSCRAPE_DB": str(archive)})
    assert result.exit_code == 0, result.output
    assert [row["url"] for row in json.loads(result.stdout)] == [COLONEL.url]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "china", "--since", "2018-02-30"], "Error: --since must be a date written"),
        (["search", "china", "--type", "op-ed"], "Error: Unknown type 'op-ed'"),
        (["search", '"'], "Error: Give some words to search for."),
        (["export", "--where", "year ="], "Error: Bad --where 'year ='"),
        (["export", "--where", "colour = 'red'"], "no such column: colour"),
    ],
)
def test_bad_input_is_a_message_not_a_traceback(archive: Path, args: list, message: str) -> None:
    result = run(*args, "--db", str(archive))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("command", ["stats", "search x", "export", "browse"])
def test_missing_database_is_a_message(tmp_path: Path, command: str) -> None:
    result = run(*command.split(), "--db", str(tmp_path / "nothing.db"))
    assert result.exit_code == 3  # could not start
    assert f"Error: No archive at {tmp_path / 'nothing.db'}." in result.output
    assert not (tmp_path / "nothing.db").exists()  # nothing created on the way


@pytest.mark.parametrize("command", ["stats", "search x", "export"])
def test_a_file_that_is_no_archive_is_a_message(tmp_path: Path, command: str) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not an archive\n" * 100)
    result = run(*command.split(), "--db", str(notes))
    assert result.exit_code == 3, result.output
    assert f"Error: {notes} is not a readable SQLite database" in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("command", ["stats", "search x", "export"])
def test_a_folder_as_archive_is_a_usage_error(tmp_path: Path, command: str) -> None:
    result = run(*command.split(), "--db", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "is a directory" in result.output
    assert isinstance(result.exception, SystemExit)


def test_stats(archive: Path) -> None:
    result = run("stats", "--db", str(archive))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "2 publications (2 dated, 2018-10-15 to 2019-12-18; 0 gone from the site)",
        "",
        "By site:",
        "  cnas                   2",
        "      4 authors; dated 100%, with authors 100%, 0 credited to an institution; "
        "2018-10-15 to 2019-12-18; last crawl #1 cnas 2026-11-01T01:00:00+00:00 ok",
        "",
        "By type:",
        "  commentary             1",
        "  report                 1",
        "",
        "By year:",
        "  2018                   1",
        "  2019                   1",
        "",
        "Latest crawls:",
        "  #1 cnas 2026-11-01T01:00:00+00:00  ok (finished): 2 stored, 0 dropped, 1 errors",
    ]
    as_json = json.loads(run("stats", "--json", "--db", str(archive)).output)
    assert as_json["by_type"] == [
        {"type": "commentary", "publications": 1},
        {"type": "report", "publications": 1},
    ]


def test_export_csv_to_a_file(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports.csv"
    result = run("export", "--where", "type = 'report'", "--out", str(out), "--db", str(archive))
    assert result.exit_code == 0, result.output
    assert "Wrote 1 publications to" in result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert [(r["title"], r["year"], r["authors"], r["authors_json"]) for r in rows] == [
        (
            "Crossed Wires",
            "2019",
            "Kristine Lee; Daniel Kliman; Joshua Fitt",
            '["Kristine Lee","Daniel Kliman","Joshua Fitt"]',
        )
    ]


def test_export_jsonl_to_stdout(archive: Path) -> None:
    result = run("export", "--format", "jsonl", "--db", str(archive))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["title"], r["outlet"], r["authors_json"]) for r in rows] == [
        ("If You Want Peace, Prepare for Nuclear War", "Foreign Affairs", ["Elbridge Colby"]),
        ("Crossed Wires", None, ["Kristine Lee", "Daniel Kliman", "Joshua Fitt"]),
    ]


def test_bad_where_leaves_an_existing_output_file_alone(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "keep.csv"
    out.write_text("earlier export\n")
    result = run("export", "--where", "nope(", "--out", str(out), "--db", str(archive))
    assert result.exit_code == 1
    assert out.read_text() == "earlier export\n"


def test_browse_without_datasette_names_the_extra(archive: Path, monkeypatch) -> None:
    real_find_spec = cli_module.importlib.util.find_spec
    monkeypatch.setattr(
        cli_module.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "datasette" else real_find_spec(name, *a),
    )
    result = run("browse", "--db", str(archive))
    assert result.exit_code == 1
    assert "Datasette is not installed" in result.output
    assert "pip install -e '.[datasette]'" in result.output


def test_demo_explains_missing_samples(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cli_module, "SAMPLE_DIR", tmp_path / "samples" / "demo")
    result = run("demo", "--db", str(tmp_path / "demo.db"))
    assert result.exit_code == 1
    assert (
        f"The bundled samples are missing (looked for {tmp_path / 'samples' / 'demo'}/*.warc.gz)"
        in (result.output)
    )


@pytest.fixture
def one_capture(tmp_path: Path, monkeypatch) -> Path:
    """The demo's captures reduced to RAND's, the smallest site sample: for the tests of
    what the demo does with any archive, not of what it finds across sites."""
    folder = tmp_path / "captures"
    folder.mkdir()
    shutil.copy(cli_module.SAMPLE_DIR / "rand.warc.gz", folder)
    monkeypatch.setattr(cli_module, "SAMPLE_DIR", folder)
    return folder


def test_demo_keeps_out_of_an_archive_of_the_live_site(archive: Path) -> None:
    before = archive.read_bytes()
    result = run("demo", "--db", str(archive))
    assert result.exit_code == 1
    assert f"Error: {archive.resolve()} holds publications crawled from a live site" in (
        result.output
    )
    assert archive.read_bytes() == before


def test_a_live_crawl_that_stored_nothing_does_not_keep_the_demo_out(
    tmp_path: Path, one_capture: Path
) -> None:
    # what `scrapy crawl cnas` leaves in an archive without a network: a row, no publication
    db_path = tmp_path / "demo.db"
    store = Archive(open_db(db_path))
    crawl_id = store.start_crawl("cnas", {})
    store.finish_crawl(
        crawl_id, finish_reason="finished", items_stored=0, items_dropped=0, errors=8, stats={}
    )
    store.db.close()
    result = run("demo", "--db", str(db_path))
    assert result.exit_code == 0, result.output
    db = open_db(db_path)
    assert db["publications"].count > 0
    db.close()


def test_demo_refuses_a_held_lock_with_75(tmp_path: Path) -> None:
    from filelock import FileLock

    db_path = tmp_path / "demo.db"
    with FileLock(f"{db_path}.lock"):
        result = run("demo", "--db", str(db_path))
    assert result.exit_code == 75, result.output
    assert f"Another crawl or archive job is writing to {db_path}" in result.output


def test_renormalize_check_reports_a_value_that_drifted(mirror_crawl: Path, tmp_path: Path) -> None:
    archive = tmp_path / "crawled.db"
    shutil.copy(mirror_crawl, archive)
    db = open_db(archive)
    # as an older normaliser would have left it: another outlet, hashed as such
    db.execute(
        "update publications set outlet = 'Somewhere Else', content_hash = 'old'"
        " where outlet is not null"
    )
    drifted = db.execute("select count(*) from publications where outlet is not null").fetchone()[0]
    db.conn.commit()
    db.close()
    result = run("renormalize", "--check", "--db", str(archive))
    assert result.exit_code == 0, result.output
    assert result.output.count("outlet: 'Somewhere Else' -> ") == drifted > 0
    assert f"; {drifted} values would change." in result.output
    fixed = run("renormalize", "--db", str(archive))
    assert fixed.exit_code == 0, fixed.output
    again = run("renormalize", "--check", "--db", str(archive))
    assert again.output.rstrip().endswith("; 0 values would change.")


def test_renormalize_waits_for_no_crawl(archive: Path) -> None:
    from filelock import FileLock

    with FileLock(f"{archive}.lock"):
        result = run("renormalize", "--db", str(archive))
    assert result.exit_code == 75
    assert f"Another crawl or archive job is writing to {archive}" in result.output


HOSTILE = publication(
    "/publications/commentary/hostile",
    "commentary",
    # invented: what a page could carry before extraction dropped control characters
    "Clear\x1b[2J\x1b]0;owned\x07 screen\x9b31m China",
    "2020-01-02",
    outlet="The\x1b[8m Outlet",
    authors=[{"name": "A\x1b[5m Person", "position": 0}],
    body="China\x1b[2J and\x7f\x85 more.\tTabbed\nlines.",
)
OUR_MARKS = re.compile(r"\x1b\[[01]m")
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_search_prints_no_control_characters_from_an_older_archive(archive: Path) -> None:
    db = open_db(archive)
    store = Archive(db, clock=lambda: "2026-11-02T02:00:00+00:00")
    crawl_id = store.start_crawl("cnas", {}, started="2026-11-02T01:00:00+00:00")
    store.store(HOSTILE, crawl_id)
    db.close()
    on_terminal = CliRunner().invoke(cli, ["search", "china", "--db", str(archive)], color=True)
    assert on_terminal.exit_code == 0, on_terminal.output
    shown = OUR_MARKS.sub("", on_terminal.output)
    assert "Clear[2J]0;owned screen31m China" in shown
    assert CONTROLS.findall(shown.replace("\n", "")) == []
    as_json = run("search", "china", "--json", "--db", str(archive))
    assert CONTROLS.findall(as_json.stdout.replace("\n", "")) == []
    # the JSON keeps the value as archived, escaped
    assert json.loads(as_json.stdout)[0]["title"] == HOSTILE.title
    stats = run("stats", "--db", str(archive))
    assert CONTROLS.findall(stats.output.replace("\n", "")) == []
    exported = run("export", "--db", str(archive))
    assert CONTROLS.findall(exported.stdout.replace("\n", "").replace("\r", "")) == []


def test_crawls_prints_no_control_characters_from_the_archive(archive: Path) -> None:
    from thinkscrape.archive import history, missing

    db = open_db(archive)
    store = Archive(db, clock=lambda: "2026-11-02T02:00:00+00:00")
    crawl_id = store.start_crawl("cnas", {}, started="2026-11-02T01:00:00+00:00")
    store.store(HOSTILE, crawl_id)
    history.record_change(db, crawl_id, f"{CNAS}/new\x1b[2J\x9b31m", "new")
    hole = missing.Hole(
        url=f"{CNAS}/hole\x1b]0;owned\x07", error="HTTP 500\x1b[8m", attempt=True, listed=True
    )
    missing.settle(db, site="cnas", crawl_id=crawl_id, stored=[], holes=[hole], max_attempts=5)
    stats = {
        "finish_reason": "finished\x1b[2J",
        "thinkscrape/health/failed_checks": [{"check": "missing", "message": "1 \x1b[5mleft"}],
        "thinkscrape/nothing_new": "no new\x1b[2J publications",
        "thinkscrape/missing/urls": [{"url": hole.url, "error": hole.error}],
        "thinkscrape/missing/left": 1,
    }
    store.finish_crawl(
        crawl_id,
        finish_reason="finished\x1b[2J",
        items_stored=1,
        items_dropped=0,
        errors=0,
        stats=stats,
        status="failed",
    )
    db.close()
    for args in (["crawls"], ["crawls", "2"]):
        result = run(*args, "--db", str(archive))
        assert result.exit_code == 0, result.output
        assert CONTROLS.findall(result.output.replace("\n", "")) == [], result.output
        assert "(finished[2J)" in result.output  # the text kept, only the controls gone
        assert f"{CNAS}/hole]0;owned  (1 attempt(s): HTTP 500[8m)" in result.output
    detail = run("crawls", "2", "--db", str(archive)).output
    assert f"  {CNAS}/new[2J31m" in detail
    assert "failed check missing: 1 [5mleft" in detail
    assert "nothing new: no new[2J publications" in detail
    as_json = run("crawls", "--json", "--db", str(archive))
    assert CONTROLS.findall(as_json.output.replace("\n", "")) == []
    assert json.loads(as_json.output)["missing"][0]["url"] == hole.url  # escaped, as archived


def test_demo_prints_no_control_characters_from_the_archive(
    tmp_path: Path, one_capture: Path
) -> None:
    db_path = tmp_path / "demo.db"
    db = open_db(db_path)
    db["notes\x1b]0;owned\x07"].insert({"text": "a table of the user's own"})
    db.close()
    result = run("demo", "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert CONTROLS.findall(result.output.replace("\n", "")) == [], result.output
    assert any(line.split() == ["notes]0;owned", "1"] for line in result.output.splitlines())


# --- types and sites come from the registry and the archive --------------------------------
def store_elsewhere(archive: Path, site: str, type_: str) -> None:
    """A publication of another think tank in the archive (title and body invented)."""
    db = open_db(archive)
    store = Archive(db, clock=lambda: "2026-11-02T02:00:00+00:00")
    crawl_id = store.start_crawl(site, {}, started="2026-11-02T01:00:00+00:00")
    store.store(
        Publication(
            url=f"https://www.{site}.org/briefs/china-and-the-sea",
            site=site,
            type=type_,
            title="China and the Sea",
            body="China's navy in the South China Sea.",
            published="2019-05-03",
            published_precision="day",
        ),
        crawl_id,
    )
    db.close()


def test_search_type_accepts_the_types_a_registered_site_declares(archive, monkeypatch):
    # a type of the shared vocabulary that no other registered site gives
    register_site(monkeypatch, "exemple", publications=(TypeRule(r"/books/.+", "book"),))
    store_elsewhere(archive, "exemple", "book")
    result = run("search", "china", "--type", "book", "--json", "--db", str(archive))
    assert result.exit_code == 0, result.output
    assert [row["site"] for row in json.loads(result.stdout)] == ["exemple"]


def test_search_type_and_site_accept_what_the_archive_holds_of_a_site_no_longer_registered(
    archive,
):
    store_elsewhere(archive, "gone", "briefing")
    for option, value in (("--type", "briefing"), ("--site", "GONE")):
        result = run("search", "china", option, value, "--json", "--db", str(archive))
        assert result.exit_code == 0, result.output
        assert [row["site"] for row in json.loads(result.stdout)] == ["gone"]


def test_search_site_accepts_a_registered_site_with_nothing_archived_yet(archive, monkeypatch):
    register_site(monkeypatch, "exemple")
    result = run("search", "china", "--site", "exemple", "--db", str(archive))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "No matches."
    unknown = run("search", "china", "--site", "nosuchsite", "--db", str(archive))
    known = ", ".join(sorted(sites.names()))
    assert f"Error: Unknown site 'nosuchsite'; choose one of: {known}." in unknown.output


def test_stats_of_one_site(archive: Path) -> None:
    store_elsewhere(archive, "gone", "briefing")
    result = run("stats", "--site", "Gone", "--json", "--db", str(archive))
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["publications"] == 1
    assert figures["by_site"] == [
        {
            "site": "gone",
            "publications": 1,
            "dated": 1,
            "with_authors": 0,
            "corporate_authors": 0,
            "gone": 0,
            "authors": 0,
            "earliest": "2019-05-03",
            "latest": "2019-05-03",
            "date_coverage": 1.0,
            "author_coverage": 0.0,
            # still open: store_elsewhere never finishes its crawl
            "last_crawl": {
                "id": 2,
                "spider": "gone",
                "started": "2026-11-02T01:00:00+00:00",
                "finished": None,
                "status": "running",
            },
        }
    ]
    assert figures["by_type"] == [{"type": "briefing", "publications": 1}]
    assert [crawl["spider"] for crawl in figures["crawls"]] == ["gone"]
    shown = run("stats", "--site", "gone", "--db", str(archive))
    assert shown.exit_code == 0, shown.output
    crawl_lines = [line for line in shown.output.splitlines() if line.startswith("  #")]
    assert len(crawl_lines) == 1
    assert crawl_lines[0].startswith("  #2 gone ")
    unknown = run("stats", "--site", "nosuchsite", "--db", str(archive))
    assert unknown.exit_code == 1
    assert "Error: Unknown site 'nosuchsite'; choose one of: " in unknown.output
