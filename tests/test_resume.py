"""Pause and resume with JOBDIR: a crawl interrupted half-way (SIGINT) or killed (SIGKILL)
and started again ends with the same archive as a crawl that was never interrupted."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
import sqlite_utils
from crawling import REPO_ROOT, crawl_argv, run_crawl
from faultserver import FaultServer

from sitegen.cnas import generate_site, synthetic_records
from thinkscrape.runner import EXIT_OK, RUNNING_MARK

PUBLICATIONS = 60
# Slow enough (two requests at a time, 50 ms each) that the crawl is still running when the
# test interrupts it after INTERRUPT_AFTER requests; ~70 requests make the whole crawl.
SLOW = {"CONCURRENT_REQUESTS": "2"}
DELAY = 0.05
INTERRUPT_AFTER = 25


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cnas-site")
    generate_site(root, synthetic_records(PUBLICATIONS, seed=5), pad=False)
    return root


def archive_content(db: Path) -> dict[str, list]:
    database = sqlite_utils.Database(db)
    return {
        "publications": list(
            database.query(
                """select p.url, p.title, p.published,
                     (select group_concat(name, '; ') from (
                        select a.name from publication_authors pa
                        join authors a on a.id = pa.author_id
                        where pa.publication_id = p.id order by pa.position)) as authors
                   from publications p order by p.url"""
            )
        ),
        "authors": [row["name"] for row in database.query("select name from authors order by 1")],
        "integrity": [row[0] for row in database.execute("pragma integrity_check").fetchall()],
    }


@pytest.fixture(scope="module")
def uninterrupted(site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    db = tmp_path_factory.mktemp("reference") / "archive.db"
    with FaultServer(site) as server:
        result = run_crawl(server.base_url, db)
    assert result.returncode == 0, result.stderr[-3000:]
    content = archive_content(db)
    assert len(content["publications"]) == PUBLICATIONS
    return content


def interrupt_half_way(argv: list[str], server: FaultServer, how: signal.Signals) -> int:
    """Start a crawl, send it ``how`` once INTERRUPT_AFTER requests arrived; its exit code."""
    crawl = subprocess.Popen(
        argv, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while server.counts.total() < INTERRUPT_AFTER and time.monotonic() < deadline:
            time.sleep(0.02)
        assert crawl.poll() is None, "the crawl ended before it could be interrupted"
        crawl.send_signal(how)
        return crawl.wait(timeout=60)
    finally:
        crawl.kill()


def stored(db: Path) -> int:
    return sqlite_utils.Database(db)["publications"].count


def test_sigint_then_resume_with_the_same_jobdir(
    site: Path, uninterrupted: dict[str, list], tmp_path: Path
) -> None:
    db, jobdir = tmp_path / "archive.db", tmp_path / "job"
    settings = {**SLOW, "JOBDIR": str(jobdir)}
    with FaultServer(site, delay_all=DELAY) as server:
        code = interrupt_half_way(
            crawl_argv(server.base_url, db, settings=settings), server, signal.SIGINT
        )
        assert code == 0  # scrapy crawl stops gracefully on the first SIGINT
        assert 0 < stored(db) < PUBLICATIONS
        assert (jobdir / "requests.queue" / "active.json").is_file()  # the queue was saved
        server.delay_all = 0
        resumed = run_crawl(server.base_url, db, settings=settings)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "Resuming crawl" in resumed.stderr
    assert archive_content(db) == uninterrupted


def test_sigkill_then_start_again_with_the_same_jobdir(
    site: Path, uninterrupted: dict[str, list], tmp_path: Path
) -> None:
    db, jobdir = tmp_path / "archive.db", tmp_path / "job"
    settings = {**SLOW, "JOBDIR": str(jobdir)}
    with FaultServer(site, delay_all=DELAY) as server:
        argv = crawl_argv(server.base_url, db, runner=True, settings=settings)
        assert interrupt_half_way(argv, server, signal.SIGKILL) == -signal.SIGKILL
        assert 0 < stored(db) < PUBLICATIONS
        assert (jobdir / RUNNING_MARK).exists()  # the runner's mark: this crawl never ended
        server.delay_all = 0
        again = run_crawl(server.base_url, db, runner=True, settings=settings)
    assert again.returncode == EXIT_OK, again.stderr[-3000:]
    assert "was killed before it could save its queue" in again.stderr
    assert not (jobdir / RUNNING_MARK).exists()
    assert archive_content(db) == uninterrupted
    crawls = sqlite_utils.Database(db).query(
        "select status, finish_reason, exit_code from crawls order by id"
    )
    # the killed crawl could record nothing but its start; the next run closed its row
    assert list(crawls) == [
        {"status": "failed", "finish_reason": "killed", "exit_code": None},
        {"status": "ok", "finish_reason": "finished", "exit_code": EXIT_OK},
    ]


def test_three_nights_in_a_row_with_one_jobdir_each_store_what_is_new(tmp_path: Path) -> None:
    """The crontab line, night after night: one command line, one JOBDIR, new publications
    appearing on the site between nights."""
    root, db, jobdir = tmp_path / "site", tmp_path / "archive.db", tmp_path / "job"
    generate_site(root, synthetic_records(30, seed=7), pad=False)
    with FaultServer(root) as server:
        argv = crawl_argv(server.base_url, db, runner=True, settings={"JOBDIR": str(jobdir)})
        stored_each_night = []
        for night, publications in enumerate((30, 36, 42)):
            if night:
                generate_site(root, synthetic_records(publications, seed=7), pad=False)
            result = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True)
            assert result.returncode == EXIT_OK, result.stderr[-3000:]
            assert "Filtered duplicate request" not in result.stderr
            stored_each_night.append(stored(db))
    assert stored_each_night == [30, 36, 42]
    # a finished crawl leaves nothing in the JOBDIR that would filter the next one
    assert not (jobdir / "requests.seen").exists()
