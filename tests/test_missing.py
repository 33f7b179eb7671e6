"""No holes: a publication that was listed but not stored (an HTTP error after retries, a write
that failed) is remembered in the archive and fetched again by the next default crawl, up to
a retry cap; a crawl that leaves such holes is not healthy."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner, Result
from crawling import run_crawl
from faultserver import Fault, FaultServer

from thinkscrape.archive.schema import open_db
from thinkscrape.cli import cli
from thinkscrape.runner import EXIT_MISSING, EXIT_OK

# Deep in /articles-multimedia (its last page): an incremental crawl stops paginating long
# before it reaches this page once the first page shows archived publications.
DEEP = "/publications/commentary/north-korea-and-the-blink-of-war"
DEEP_URL = "https://www.cnas.org" + DEEP


def urls(db: Path) -> set[str]:
    return {row["url"] for row in sqlite_utils.Database(db).query("select url from publications")}


def missing_rows(db: Path) -> dict[str, dict]:
    database = sqlite_utils.Database(db)
    return {row["url"]: row for row in database.query("select * from missing_publications")}


def still_missing(db: Path) -> set[str]:
    return {url for url, row in missing_rows(db).items() if row["status"] == "missing"}


def crawls_command(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["crawls", "--db", str(db), *args])


@pytest.fixture(scope="module")
def everything(mirror_crawl: Path) -> set[str]:
    """Every publication an uninterrupted crawl of the bundled mirror stores."""
    stored = urls(mirror_crawl)
    assert DEEP_URL in stored
    return stored


def test_an_article_answering_500_is_stored_by_the_next_default_crawl(
    sample_root: Path, everything: set[str], tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    with FaultServer(sample_root) as server:
        server.set_fault(DEEP, Fault("status", status=500))
        first = run_crawl(server.base_url, db, runner=True)
        assert first.returncode == EXIT_MISSING, first.stderr[-3000:]
        assert "missing" in first.stderr
        assert urls(db) == everything - {DEEP_URL}
        row = missing_rows(db)[DEEP_URL]
        assert (row["status"], row["attempts"]) == ("missing", 1)
        assert "500" in row["last_error"]
        listed = crawls_command(db)
        assert listed.exit_code == 0, listed.output
        assert DEEP_URL in listed.output

        server.clear_faults()
        server.reset_counts()
        second = run_crawl(server.base_url, db, runner=True)
        assert second.returncode == EXIT_OK, second.stderr[-3000:]
        assert server.counts[DEEP] == 1
        # still incremental: the last page of the listing it came from was not read again
        assert server.counts["/articles-multimedia/p4/"] == 0
    assert urls(db) == everything
    assert still_missing(db) == set()
    assert missing_rows(db)[DEEP_URL]["status"] == "stored"


def test_a_night_of_failed_writes_then_one_default_crawl_leaves_nothing_missing(
    sample_root: Path, everything: set[str], tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    open_db(db).close()
    # Every fourth publication fails to be written, as on a disk that fills up: SQLite itself
    # refuses the insert, so the archive's store raises as it would on a full disk.
    failing = sorted(everything)[::4]
    assert DEEP_URL not in failing
    failing.append(DEEP_URL)
    quoted = ", ".join("'" + url + "'" for url in failing)
    database = sqlite_utils.Database(db)
    database.execute(
        f"create trigger disk_full before insert on publications when new.url in ({quoted}) "
        "begin select raise(abort, 'database or disk is full'); end"
    )
    database.close()
    with FaultServer(sample_root) as server:
        # each failed write is an ERROR line too: count only the holes here
        night = run_crawl(
            server.base_url, db, runner=True, settings={"THINKSCRAPE_MAX_ERRORS": "1000"}
        )
        assert night.returncode == EXIT_MISSING, night.stderr[-3000:]
        assert urls(db) == everything - set(failing)
        assert still_missing(db) == set(failing)
        assert all("disk is full" in row["last_error"] for row in missing_rows(db).values())

        database = sqlite_utils.Database(db)
        database.execute("drop trigger disk_full")
        database.close()
        healthy = run_crawl(server.base_url, db, runner=True)
        assert healthy.returncode == EXIT_OK, healthy.stderr[-3000:]
    assert urls(db) == everything
    assert still_missing(db) == set()


def test_a_publication_that_keeps_failing_is_given_up_after_the_retry_cap(
    sample_root: Path, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    settings = {"THINKSCRAPE_MISSING_RETRIES": "2", "RETRY_TIMES": "0"}
    with FaultServer(sample_root) as server:
        server.set_fault(DEEP, Fault("status", status=503))
        codes = []
        for _ in range(3):
            server.reset_counts()
            codes.append(run_crawl(server.base_url, db, runner=True, settings=settings).returncode)
        # two attempts, then not asked again: the third night is healthy and costs it nothing
        assert codes == [EXIT_MISSING, EXIT_MISSING, EXIT_OK]
        assert server.counts[DEEP] == 0
    row = missing_rows(db)[DEEP_URL]
    assert (row["status"], row["attempts"]) == ("given_up", 2)
    listed = crawls_command(db)
    assert "given up" in listed.output and DEEP_URL in listed.output
