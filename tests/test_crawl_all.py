"""``thinkscrape crawl`` of several sites (``NAME NAME ...`` or ``--all``): one hold of the
archive's lock for the whole run, one ``crawls`` row and one verdict line per site, and the
worst exit code of them for the run.

The runs are real: ``thinkscrape crawl`` in a subprocess over mirrors served on 127.0.0.1
(the bundled 38 North mirror, a small generated CNAS mirror), each site pointed at its own
mirror with ``-a SITE:base_url=URL``.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from crawling import FAST_SETTINGS, MIRRORS, REPO_ROOT
from faultserver import Fault, FaultServer
from filelock import FileLock, Timeout

from sitegen.cnas import generate_site, synthetic_records
from thinkscrape.mirror import serve_mirror
from thinkscrape.runner import (
    EXIT_COVERAGE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_LIMIT,
    EXIT_LOCKED,
    EXIT_MISSING,
    EXIT_NOT_STARTED,
    EXIT_OK,
    EXIT_SITE_CHANGED,
    EXIT_TOO_MANY_ERRORS,
    every_site,
    site_arguments,
    site_crawl_argv,
    worst_exit_code,
)
from thinkscrape.startup import CannotStart

NORTH38 = MIRRORS / "38north"
NORTH38_PUBLICATIONS = 10  # the mirror's publications (tests/test_crawl_38north.py)
CNAS_RECORDS = synthetic_records(12, seed=11)
# The CNAS mirror lists reports on /reports alone, the listing emptied below.
CNAS_OUTSIDE_REPORTS = sum(1 for record in CNAS_RECORDS if record["type"] != "report")

# What a listing emptied by a redesign looks like to the spider: the page still answers, with
# no publication card on it.
EMPTY_REPORTS = (
    b"<!DOCTYPE html><html><head><title>Reports | CNAS</title></head><body>"
    b"<!-- invented: a listing page without its cards, as a redesign would leave it -->"
    b"<main><h1>Reports</h1><p>Showing 0-0 of 0 Publications</p></main></body></html>"
)


def several_argv(sites: list[str], db: Path, mirrors: dict[str, str]) -> list[str]:
    """``thinkscrape crawl SITE SITE ...`` into ``db``, each site at its mirror."""
    argv = [sys.executable, "-m", "thinkscrape.runner", *sites, "--db", str(db)]
    for site, base_url in mirrors.items():
        argv += ["-a", f"{site}:base_url={base_url}"]
    for name, value in FAST_SETTINGS.items():
        argv += ["-s", f"{name}={value}"]
    return argv


def crawl_rows(db: Path) -> list[tuple]:
    """The crawls rows (spider, status, exit code), oldest first; none before the archive is."""
    if not db.exists():
        return []
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return connection.execute(
            "select spider, status, exit_code from crawls order by id"
        ).fetchall()
    except sqlite3.OperationalError:  # the schema is not written yet
        return []
    finally:
        connection.close()


def publications_by_site(db: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return dict(connection.execute("select site, count(*) from publications group by site"))
    finally:
        connection.close()


def dead_url() -> str:
    with FaultServer() as server:  # started then stopped: nothing listens on its port
        return server.base_url


@pytest.fixture(scope="module")
def cnas_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cnas-site")
    generate_site(root, CNAS_RECORDS, pad=False)
    return root


# --- the run's parts, without crawling ----------------------------------------------------------
def test_all_is_every_site_scrapy_lists_but_the_generic_spider() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    assert "generic" in listed and "cnas" in listed
    assert every_site() == sorted(set(listed) - {"generic"})


@pytest.mark.parametrize(
    ("codes", "worst"),
    [
        ([EXIT_OK, EXIT_MISSING, EXIT_SITE_CHANGED], EXIT_SITE_CHANGED),
        ([EXIT_SITE_CHANGED, EXIT_NOT_STARTED], EXIT_NOT_STARTED),  # 3 beats a larger 5
        ([EXIT_NOT_STARTED, EXIT_INTERRUPTED], EXIT_NOT_STARTED),
        ([EXIT_OK, EXIT_INTERRUPTED, EXIT_FAILED], EXIT_INTERRUPTED),
        ([EXIT_TOO_MANY_ERRORS, EXIT_FAILED], EXIT_FAILED),
        ([EXIT_COVERAGE, EXIT_TOO_MANY_ERRORS], EXIT_TOO_MANY_ERRORS),
        ([EXIT_LIMIT, EXIT_COVERAGE, EXIT_MISSING], EXIT_COVERAGE),
        ([EXIT_MISSING, EXIT_LIMIT], EXIT_LIMIT),
        ([EXIT_OK, EXIT_MISSING], EXIT_MISSING),
        ([EXIT_OK, EXIT_OK], EXIT_OK),
        ([], EXIT_OK),
        ([EXIT_LOCKED, EXIT_TOO_MANY_ERRORS], EXIT_LOCKED),  # unexpected: just after 1
        ([EXIT_LOCKED, EXIT_FAILED], EXIT_FAILED),
    ],
)
def test_the_worst_code_follows_the_documented_precedence(codes: list[int], worst: int) -> None:
    assert worst_exit_code(codes) == worst


def test_arguments_apply_to_every_site_and_a_site_prefix_to_that_site_alone() -> None:
    given = {"since": "2024-01-01", "cnas:since": "2025-01-01", "cnas:base_url": "http://m"}
    sites = ["38north", "cnas"]
    assert site_arguments(given, "cnas", sites) == {
        "since": "2025-01-01",
        "base_url": "http://m",
    }
    assert site_arguments(given, "38north", sites) == {"since": "2024-01-01"}
    with pytest.raises(CannotStart, match="'rand' is not one of the sites of this run"):
        site_arguments({"rand:base_url": "http://m"}, "cnas", sites)
    # one site: base_url as ever
    assert site_arguments({"base_url": "http://m"}, "cnas", ["cnas"]) == {"base_url": "http://m"}


def test_each_site_resumes_from_a_jobdir_of_its_own() -> None:
    argv = site_crawl_argv(
        "cnas", {}, {"JOBDIR": "/srv/jobs", "LOG_LEVEL": "INFO"}, "/srv/a.db", quiet=True
    )
    assert argv[argv.index("JOBDIR=/srv/jobs/cnas") - 1] == "-s"
    assert "LOG_LEVEL=INFO" in argv
    assert argv[-1] == "--quiet"
    assert argv[argv.index("--db") + 1] == "/srv/a.db"


def test_several_sites_with_one_base_url_cannot_start(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    argv = [sys.executable, "-m", "thinkscrape.runner", "38north", "cnas", "--db", str(db)]
    result = subprocess.run(
        [*argv, "-a", "base_url=http://127.0.0.1:9"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == EXIT_NOT_STARTED
    assert "with several sites give it per site, as -a SITE:base_url=URL" in result.stderr
    assert not db.exists()  # refused before anything was opened
    both = subprocess.run(
        [sys.executable, "-m", "thinkscrape.runner", "cnas", "--all", "--db", str(db)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert both.returncode == 2  # usage: the sites, or --all
    assert "or --all, not both" in both.stderr


# --- a night of three sites ---------------------------------------------------------------------
@dataclass
class Night:
    returncode: int
    stderr: str
    db: Path
    second: subprocess.CompletedProcess[str]
    # the crawls rows there were each time another process could take the lock mid-run
    lock_free_at: list[int]
    lock_seen_held: bool


@pytest.fixture(scope="module")
def night(cnas_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Night:
    """``thinkscrape crawl rand 38north cnas``: rand's origin answers nothing (exit 3),
    38 North's mirror is healthy (0), the CNAS mirror's /reports listing is empty (5).

    While it runs, another process tries to take the lock every 50 ms, and a second
    ``thinkscrape crawl`` is started.
    """
    folder = tmp_path_factory.mktemp("night")
    db = folder / "archive.db"
    unreachable = dead_url()
    with serve_mirror(NORTH38) as north, FaultServer(cnas_site, delay_all=0.05) as cnas:
        cnas.set_fault("/reports", Fault("body", body=EMPTY_REPORTS))
        argv = several_argv(
            ["rand", "38north", "cnas"],
            db,
            {"rand": unreachable, "38north": north.base_url, "cnas": cnas.base_url},
        )
        # --wait: the probe below may hold the lock for an instant as the run starts
        stderr_file = folder / "stderr.txt"
        with stderr_file.open("w") as stderr:
            run = subprocess.Popen(
                [*argv, "--wait"], cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=stderr
            )
            probe = FileLock(f"{db}.lock", thread_local=False)
            held, free_at, second = False, [], None
            try:
                while run.poll() is None:
                    try:
                        probe.acquire(timeout=0)
                    except Timeout:
                        held = True
                        if second is None:
                            second = subprocess.Popen(
                                [
                                    sys.executable,
                                    "-m",
                                    "thinkscrape.runner",
                                    "38north",
                                    "--db",
                                    str(db),
                                    "-a",
                                    f"base_url={north.base_url}",
                                ],
                                cwd=REPO_ROOT,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE,
                                text=True,
                            )
                    else:
                        if held:
                            free_at.append(len(crawl_rows(db)))
                        probe.release()
                    time.sleep(0.05)
                run.wait(timeout=300)
            finally:
                run.kill()
    assert second is not None, "the run never held the lock"
    _, second_err = second.communicate(timeout=120)
    return Night(
        returncode=run.returncode,
        stderr=stderr_file.read_text(),
        db=db,
        second=subprocess.CompletedProcess(second.args, second.returncode, "", second_err),
        lock_free_at=free_at,
        lock_seen_held=held,
    )


def test_each_site_of_a_night_has_its_crawl_row_and_its_exit_code(night: Night) -> None:
    assert crawl_rows(night.db) == [
        ("rand", "failed", EXIT_NOT_STARTED),
        ("38north", "ok", EXIT_OK),
        ("cnas", "failed", EXIT_SITE_CHANGED),
    ]


def test_a_site_that_cannot_start_does_not_stop_the_others(night: Night) -> None:
    # rand, first, could not start; both sites after it were crawled (CNAS's reports are
    # out of sight behind its empty listing)
    assert 0 < CNAS_OUTSIDE_REPORTS < len(CNAS_RECORDS)
    assert publications_by_site(night.db) == {
        "38north": NORTH38_PUBLICATIONS,
        "cnas": CNAS_OUTSIDE_REPORTS,
    }


def test_the_night_exits_with_its_worst_code(night: Night) -> None:
    # 3 (rand) is worse than 5 (cnas), though smaller, and came first
    assert night.returncode == EXIT_NOT_STARTED, night.stderr[-3000:]
    assert night.stderr.rstrip().endswith(
        "3 of 3 sites crawled (exit codes: rand 3, 38north 0, cnas 5); exit 3 (could not start)"
    )


def test_one_verdict_line_per_site_and_one_log_file_per_site(night: Night) -> None:
    verdicts = [line for line in night.stderr.splitlines() if not line.startswith(" ")]
    assert [line.split(":")[0] for line in verdicts[:3]] == ["rand", "38north", "cnas"]
    assert verdicts[0].endswith("exit 3 (could not start)")
    assert "38north: crawl 2 finished: 10 new, 0 changed, 0 unchanged" in verdicts[1]
    assert verdicts[1].endswith("exit 0 (healthy)")
    assert verdicts[2].endswith("exit 5 (the site changed)")
    assert "  unreachable: no response was received from the site" in night.stderr
    assert "  empty_listing: 1 listing page(s) held no publication links" in night.stderr
    logs = night.db.parent / "logs"
    assert sorted(p.name for p in logs.iterdir()) == ["38north.log", "cnas.log", "rand.log"]
    assert "Archiving into" in (logs / "cnas.log").read_text()


def test_the_lock_is_held_from_the_first_site_to_the_last(night: Night) -> None:
    assert night.lock_seen_held
    # The lock was free only once the last site's row was written (the run's very end):
    # never while a site was still to start.
    assert all(rows == 3 for rows in night.lock_free_at), night.lock_free_at
    assert night.second.returncode == EXIT_LOCKED, night.second.stderr[-3000:]
    assert "Another crawl or archive job is writing to" in night.second.stderr


# --- an interrupted run -------------------------------------------------------------------------
def test_an_interrupted_run_starts_no_further_site_and_names_it(
    cnas_site: Path, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    jobs = tmp_path / "jobs"
    with FaultServer(cnas_site, delay_all=0.3) as cnas:
        argv = several_argv(["cnas", "38north"], db, {"cnas": cnas.base_url})
        argv += ["-s", "CONCURRENT_REQUESTS=2", "-s", f"JOBDIR={jobs}", "--wait"]
        holder = FileLock(f"{db}.lock", thread_local=False)
        holder.acquire()
        run = subprocess.Popen(
            argv, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        try:
            # --wait: the whole run queues behind another writer
            time.sleep(3)
            assert run.poll() is None
            assert cnas.counts.total() == 0 and not db.exists()
            holder.release()
            deadline = time.monotonic() + 60
            while cnas.counts.total() < 5 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert run.poll() is None, "the run ended before the test could stop it"
            run.send_signal(signal.SIGINT)  # to the run alone, as `kill -INT` does
            _, stderr = run.communicate(timeout=120)
        finally:
            holder.release()
            run.kill()
    assert run.returncode == EXIT_INTERRUPTED, stderr[-3000:]
    assert crawl_rows(db) == [("cnas", "failed", EXIT_INTERRUPTED)]
    assert "cnas: crawl 1 shutdown: " in stderr
    assert "38north: not started: the run was interrupted" in stderr
    assert stderr.rstrip().endswith(
        "1 of 2 sites crawled (exit codes: cnas 130); exit 130 (interrupted)"
    )
    # the stopped site's queue is saved in its own folder, to be resumed by the same line
    assert (jobs / "cnas" / "requests.seen").exists()
    assert not (jobs / "38north").exists()
