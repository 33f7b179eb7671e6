"""What a crawl checks before it starts: spider name, arguments, settings, archive, log file.

A mistake on the command line gets one clear message naming the fix, under ``thinkscrape
crawl`` (exit 3, nothing crawled, the lock released) and under ``scrapy crawl`` (Scrapy's
usage error), never a traceback.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import sqlite_utils
from crawling import REPO_ROOT, crawl_argv, run_crawl
from scrapy.spiderloader import SpiderLoader

from thinkscrape.runner import EXIT_NOT_STARTED, project_settings

DEAD = "http://127.0.0.1:9"  # nothing listens there: a crawl that starts ends at once


def run(argv: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


def assert_refused(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert result.returncode == EXIT_NOT_STARTED, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr[-3000:]


def assert_usage_error(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr[-3000:]


# --- spider arguments --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("arguments", "phrases"),
    [
        ({"base_url": "ftp://127.0.0.1:21"}, ["base_url", "http://", "'ftp://127.0.0.1:21'"]),
        ({"base_url": "file:///etc"}, ["base_url", "http://"]),
        ({"base_url": "not a url"}, ["base_url", "http://"]),
        ({"since": "not-a-date"}, ["since", "YYYY-MM-DD", "'not-a-date'"]),
        ({"overlap": "many"}, ["overlap", "'many'"]),
        ({"full": "maybe"}, ["full", "'maybe'"]),
        ({"fulll": "1"}, ["fulll", "base_url, since, full, refresh, overlap"]),
    ],
)
def test_bad_spider_arguments_are_refused_by_thinkscrape_crawl(
    tmp_path: Path, arguments: dict[str, str], phrases: list[str]
) -> None:
    db = tmp_path / "archive.db"
    result = run_crawl(DEAD, db, runner=True, spider_args=arguments, timeout=60)
    assert_refused(result, "cnas: the crawl could not start", *phrases)
    assert not db.exists()  # refused before the archive was opened
    assert not Path(f"{db}.lock").exists() or _lock_is_free(db)


def _lock_is_free(db: Path) -> bool:
    from filelock import FileLock

    lock = FileLock(f"{db}.lock")
    lock.acquire(timeout=0)
    lock.release()
    return True


@pytest.mark.parametrize(
    ("arguments", "phrases"),
    [
        ({"base_url": "ftp://127.0.0.1:21"}, ["base_url", "http://"]),
        ({"since": "not-a-date"}, ["since", "YYYY-MM-DD"]),
        ({"fulll": "1"}, ["unknown spider argument 'fulll'", "base_url, since, full"]),
    ],
)
def test_bad_spider_arguments_are_a_usage_error_of_scrapy_crawl(
    tmp_path: Path, arguments: dict[str, str], phrases: list[str]
) -> None:
    db = tmp_path / "archive.db"
    result = run(crawl_argv(DEAD, db, spider_args=arguments))
    assert_usage_error(result, *phrases)
    assert not db.exists()


# --- spider name -------------------------------------------------------------------------------
def test_an_unknown_spider_is_named_with_the_valid_ones(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    argv = crawl_argv(DEAD, db, runner=True)
    # every spider of the project, as `scrapy list` names them
    spiders = SpiderLoader.from_settings(project_settings({}, None)).list()
    available = f"available: {', '.join(sorted(spiders))}."
    result = run([*argv[:3], "cnass", *argv[4:]])
    assert_refused(result, "Unknown spider 'cnass'", available)
    argv = crawl_argv(DEAD, db)
    scrapy_result = run([*argv[:4], "cnass", *argv[5:]])
    assert_usage_error(scrapy_result, "Unknown spider 'cnass'", available)


# --- settings and files ------------------------------------------------------------------------
def test_a_bad_setting_value_is_named(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    settings = {"THINKSCRAPE_MAX_ERRORS": "lots"}
    result = run_crawl(DEAD, db, runner=True, settings=settings, timeout=60)
    assert_refused(result, "THINKSCRAPE_MAX_ERRORS", "'lots'", "whole number")
    assert_usage_error(run(crawl_argv(DEAD, db, settings=settings)), "THINKSCRAPE_MAX_ERRORS")


def test_a_bad_scrapy_setting_says_why_the_crawl_could_not_start(tmp_path: Path) -> None:
    # A Scrapy setting this project does not check: the reason Scrapy gave is shown.
    result = run_crawl(
        DEAD, tmp_path / "a.db", runner=True, settings={"DOWNLOAD_DELAY": "soon"}, timeout=60
    )
    assert_refused(result, "cnas: the crawl could not start", "soon")


def test_a_text_file_as_archive_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("not a database\n" * 20, encoding="utf-8")
    result = run_crawl(DEAD, db, runner=True, timeout=60)
    assert_refused(result, str(db), "not a SQLite database")
    assert db.read_text(encoding="utf-8") == "not a database\n" * 20  # untouched
    folder = tmp_path / "folder.db"
    folder.mkdir()
    assert_refused(run_crawl(DEAD, folder, runner=True, timeout=60), "is a folder")


def test_a_log_file_in_a_missing_folder_is_created_and_the_crawl_recorded(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    log = tmp_path / "no" / "such" / "folder" / "cnas.log"
    result = run_crawl(
        DEAD, db, runner=True, settings={"LOG_FILE": str(log), "RETRY_TIMES": "0"}, timeout=60
    )
    assert result.returncode == EXIT_NOT_STARTED, result.stderr[-3000:]  # unreachable
    assert "Traceback" not in result.stderr
    assert "unreachable" in result.stderr
    assert "Spider opened" in log.read_text(encoding="utf-8")
    rows = list(sqlite_utils.Database(db).query("select status, exit_code from crawls"))
    assert rows == [{"status": "failed", "exit_code": EXIT_NOT_STARTED}]
    # and under scrapy crawl too
    other = tmp_path / "other" / "cnas.log"
    plain = run(crawl_argv(DEAD, db, settings={"LOG_FILE": str(other), "RETRY_TIMES": "0"}))
    assert "Traceback" not in plain.stderr, plain.stderr[-3000:]
    assert other.is_file()


# --- the archive from the environment ----------------------------------------------------------
def test_thinkscrape_crawl_reads_the_archive_from_the_environment(tmp_path: Path) -> None:
    from_env = tmp_path / "from-env.db"
    argv = crawl_argv(DEAD, tmp_path / "unused.db", runner=True, settings={"RETRY_TIMES": "0"})
    at = argv.index("--db")
    without_db = argv[:at] + argv[at + 2 :]
    result = run(without_db, THINKSCRAPE_DB=str(from_env))
    assert result.returncode == EXIT_NOT_STARTED, result.stderr[-3000:]  # unreachable
    assert sqlite_utils.Database(from_env)["crawls"].count == 1
    assert not (REPO_ROOT / "data" / "unused.db").exists()
    # --db wins over the environment
    chosen = tmp_path / "chosen.db"
    argv[at + 1] = str(chosen)
    run(argv, THINKSCRAPE_DB=str(from_env))
    assert sqlite_utils.Database(chosen)["crawls"].count == 1
    assert sqlite_utils.Database(from_env)["crawls"].count == 1


# --- telnet ------------------------------------------------------------------------------------
def test_the_telnet_console_and_remote_control_are_off_by_default(tmp_path: Path) -> None:
    # the tests' crawl settings do not mention it: this is the project's default
    result = run(crawl_argv(DEAD, tmp_path / "a.db", settings={"RETRY_TIMES": "0"}))
    assert "Spider opened" in result.stderr, result.stderr[-3000:]
    assert "Telnet" not in result.stderr
    assert "TelnetConsole" not in result.stderr
    assert "RemoteControl" not in result.stderr  # Scrapy's other code-running server
    assert "Remote control HTTP server listening" not in result.stderr


def test_a_log_file_whose_folder_cannot_be_made_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be\n", encoding="utf-8")
    db = tmp_path / "archive.db"
    result = run_crawl(DEAD, db, runner=True, settings={"LOG_FILE": f"{blocker}/cnas.log"})
    assert_refused(result, "LOG_FILE", str(blocker))
    assert not db.exists()
