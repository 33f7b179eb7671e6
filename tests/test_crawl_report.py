"""A crawl says what it did: new, changed, unchanged, gone, dropped and missing publications in
its verdict line, in the archive (``crawl_changes``) and in ``thinkscrape crawls``."""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlite_utils
from click.testing import CliRunner
from crawling import run_crawl
from faultserver import Fault, FaultServer

from sitegen.cnas import generate_site, synthetic_records
from thinkscrape.cli import cli
from thinkscrape.runner import EXIT_MISSING, EXIT_OK


def cli_output(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_full_crawl_of_an_unchanged_site_says_nothing_changed(
    mirror_crawl: Path, cnas_mirror: str, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    shutil.copy(mirror_crawl, db)
    total = sqlite_utils.Database(db)["publications"].count
    result = run_crawl(cnas_mirror, db, runner=True, spider_args={"full": "1"})
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    verdict = result.stderr.strip().splitlines()[-1]
    assert f"0 new, 0 changed, {total} unchanged, 0 gone, " in verdict
    assert "; 0 missing" in verdict
    assert "publication(s) stored" not in verdict


def test_a_crawl_that_finds_nothing_new_says_why(
    mirror_crawl: Path, cnas_mirror: str, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    shutil.copy(mirror_crawl, db)
    result = run_crawl(cnas_mirror, db, runner=True)
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    assert "no new publications on the listings' first pages" in result.stderr
    detail = cli_output("crawls", "2", "--db", str(db))
    assert "nothing new: no new publications on the listings' first pages" in detail


def test_crawls_names_the_new_changed_and_missing_publications(tmp_path: Path) -> None:
    root, db = tmp_path / "site", tmp_path / "archive.db"
    generate_site(root, synthetic_records(30, seed=3), pad=False)
    with FaultServer(root) as server:
        assert run_crawl(server.base_url, db, runner=True).returncode == EXIT_OK
        generate_site(root, synthetic_records(34, seed=3), pad=False)
        database = sqlite_utils.Database(db)
        known = sorted(row["url"] for row in database.query("select url from publications"))
        edited = known[0]
        server.set_fault(
            edited.removeprefix("https://www.cnas.org"),
            Fault("rewrite", rewrite=lambda page: page.replace(b"</h1>", b" (updated)</h1>", 1)),
        )
        result = run_crawl(server.base_url, db, runner=True, spider_args={"full": "1"})
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
    added = {row["url"] for row in database.query("select url from publications")} - set(known)
    assert len(added) == 4
    verdict = result.stderr.strip().splitlines()[-1]
    assert "4 new, 1 changed, 29 unchanged, 0 gone, 0 dropped; 0 missing" in verdict
    changes = {
        (row["url"], row["change"])
        for row in database.query("select url, change from crawl_changes where crawl_id = 2")
    }
    assert changes == {(url, "new") for url in added} | {(edited, "changed")}

    detail = cli_output("crawls", "2", "--db", str(db))
    assert "4 new, 1 changed, 29 unchanged" in detail
    for url in added | {edited}:
        assert url in detail


def test_stats_and_crawls_show_the_failed_check_and_what_is_missing(
    sample_root: Path, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    victim = "/publications/commentary/north-korea-and-the-blink-of-war"
    with FaultServer(sample_root) as server:
        server.set_fault(victim, Fault("status", status=500))
        result = run_crawl(server.base_url, db, runner=True)
    assert result.returncode == EXIT_MISSING, result.stderr[-3000:]
    stats = cli_output("stats", "--db", str(db))
    assert "failed (finished)" in stats
    assert "missing: 1 listed publication(s) not stored" in stats
    listing = cli_output("crawls", "--db", str(db))
    assert listing.splitlines()[0].startswith("#1 cnas ")
    assert "1 missing" in listing.splitlines()[0]
    detail = cli_output("crawls", "1", "--db", str(db))
    assert "failed check missing: 1 listed publication(s) not stored" in detail
    assert "https://www.cnas.org" + victim in detail
