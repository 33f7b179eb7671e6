"""``thinkscrape crawl``: the lock, and the exit code that tells cron how the crawl went."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
import sqlite_utils
from crawling import REPO_ROOT, crawl_argv, run_crawl, start_crawl
from faultserver import Fault, FaultServer
from filelock import FileLock
from scrapy.settings import Settings

from sitegen.cnas import generate_site, synthetic_records
from thinkscrape.extensions.coverage import allowed_missing, coverage_failures, coverage_floors
from thinkscrape.extensions.health import health_failures
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
    exit_code_for,
)

PUBLICATIONS = 45  # three listing indexes; /articles-multimedia runs to a second page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cnas-site")
    generate_site(root, synthetic_records(PUBLICATIONS, seed=11), pad=False)
    return root


def crawls(db: Path) -> list[dict]:
    return list(
        sqlite_utils.Database(db).query(
            "select id, status, exit_code, finish_reason from crawls order by id"
        )
    )


# --- the verdict, from stats -------------------------------------------------------------------
def healthy_stats(**extra: object) -> dict:
    return {"thinkscrape/health/status": "ok", "thinkscrape/health/failed_checks": [], **extra}


def failed_stats(*checks: str) -> dict:
    return {
        "thinkscrape/health/status": "failed",
        "thinkscrape/health/failed_checks": [{"check": c, "message": c} for c in checks],
    }


def test_exit_code_is_zero_for_a_healthy_crawl() -> None:
    assert exit_code_for(healthy_stats()) == EXIT_OK


@pytest.mark.parametrize(
    ("check", "code"),
    [
        ("unreachable", EXIT_NOT_STARTED),
        ("interrupted", EXIT_INTERRUPTED),
        ("finish_reason", EXIT_FAILED),
        ("errors", EXIT_TOO_MANY_ERRORS),
        ("no_listing_pages", EXIT_SITE_CHANGED),
        ("empty_listing", EXIT_SITE_CHANGED),
        ("nothing_stored", EXIT_SITE_CHANGED),
        ("coverage", EXIT_COVERAGE),
        ("time_limit", EXIT_LIMIT),
        ("listing_limit", EXIT_LIMIT),
        ("missing", EXIT_MISSING),
        ("a_check_from_a_newer_version", EXIT_FAILED),
    ],
)
def test_each_failed_check_has_its_exit_code(check: str, code: int) -> None:
    assert exit_code_for(failed_stats(check)) == code


def test_the_most_basic_failure_wins() -> None:
    assert exit_code_for(failed_stats("coverage", "interrupted")) == EXIT_INTERRUPTED
    assert exit_code_for(failed_stats("coverage", "nothing_stored", "errors")) == 4
    assert exit_code_for(failed_stats("errors", "unreachable")) == EXIT_NOT_STARTED


def test_no_verdict_is_not_a_healthy_verdict() -> None:
    # The health extension switched off in the settings: cron must not read that as "ok".
    assert exit_code_for({"finish_reason": "finished", "item_scraped_count": 3}) == EXIT_FAILED


def test_distinct_exit_codes() -> None:
    codes = [
        EXIT_OK,
        EXIT_FAILED,
        EXIT_NOT_STARTED,
        EXIT_TOO_MANY_ERRORS,
        EXIT_SITE_CHANGED,
        EXIT_COVERAGE,
        EXIT_LOCKED,
        EXIT_INTERRUPTED,
    ]
    assert len(set(codes)) == len(codes)
    assert 2 not in codes  # click's usage error


# --- coverage floors ---------------------------------------------------------------------------
class FloorSpider:
    coverage_floors = {"title": 1.0, "published": 0.99, "authors": 0.9}


def test_floors_come_from_the_spider_and_the_setting_overrides_them_field_by_field() -> None:
    settings = Settings({"THINKSCRAPE_COVERAGE_FLOORS": '{"authors": 0.5, "pdf_url": 0.2}'})
    assert coverage_floors(FloorSpider(), settings) == {
        "title": 1.0,
        "published": 0.99,
        "authors": 0.5,
        "pdf_url": 0.2,
    }
    switched_off = Settings({"THINKSCRAPE_COVERAGE_FLOORS": {"authors": 0}})
    assert coverage_floors(FloorSpider(), switched_off) == {"title": 1.0, "published": 0.99}


@pytest.mark.parametrize(
    ("floor", "total", "allowed"),
    [(1.0, 500, 0), (0.99, 500, 5), (0.9, 500, 50), (0.9, 3, 1), (0.99, 1, 1), (0.5, 7, 3)],
)
def test_allowed_missing(floor: float, total: int, allowed: int) -> None:
    assert allowed_missing(floor, total) == allowed


def test_coverage_failure_names_the_field_and_how_far_it_fell() -> None:
    counts = {"title": (200, 200), "published": (200, 200), "authors": (160, 200)}
    floors = {"title": 1.0, "published": 0.99, "authors": 0.9}
    assert coverage_failures(counts, floors) == [
        {
            "check": "coverage",
            "field": "authors",
            "share": 0.8,
            "floor": 0.9,
            "missing": 40,
            "expected": 200,
            "message": (
                "authors found on 80.0% of 200 stored publications that should have it, "
                "under its floor of 90.0% by 10.0% (40 without it)"
            ),
        }
    ]


def test_one_publication_without_a_byline_does_not_fail_a_small_night() -> None:
    assert coverage_failures({"authors": (2, 3)}, {"authors": 0.9}) == []
    assert [f["field"] for f in coverage_failures({"authors": (1, 3)}, {"authors": 0.9})] == [
        "authors"
    ]


def test_a_title_floor_of_one_tolerates_no_missing_title() -> None:
    assert [f["missing"] for f in coverage_failures({"title": (499, 500)}, {"title": 1.0})] == [1]


# --- health checks -----------------------------------------------------------------------------
def test_health_of_an_incremental_night_with_nothing_new_is_ok() -> None:
    stats = {
        "response_received_count": 4,
        "thinkscrape/listing/pages": 3,
        "thinkscrape/listing/skipped_known": 60,
        "log_count/ERROR": 0,
    }
    assert health_failures(stats, "finished", max_errors=10) == []


def test_health_when_article_pages_stopped_yielding_publications() -> None:
    stats = {
        "response_received_count": 25,
        "thinkscrape/listing/pages": 3,
        "thinkscrape/health/dropped": 21,
        "log_count/ERROR": 0,
    }
    assert health_failures(stats, "finished", max_errors=10) == [
        {
            "check": "nothing_stored",
            "message": "the listings showed 21 new publication(s) but none was stored",
            "shown": 21,
        }
    ]


def test_health_of_an_unreachable_site_with_few_errors() -> None:
    stats = {"log_count/ERROR": 3, "downloader/exception_count": 3}
    assert [f["check"] for f in health_failures(stats, "finished", max_errors=10)] == [
        "unreachable"
    ]


def test_health_counts_errors_over_the_threshold_and_scrapys_error_count_close() -> None:
    stats = {"response_received_count": 9, "thinkscrape/listing/pages": 3, "log_count/ERROR": 11}
    assert health_failures(stats, "finished", max_errors=10) == [
        {
            "check": "errors",
            "message": "11 errors logged, more than THINKSCRAPE_MAX_ERRORS=10",
            "errors": 11,
            "max_errors": 10,
        }
    ]
    stats["log_count/ERROR"] = 2
    closed = health_failures(stats, "closespider_errorcount", max_errors=10)
    assert [f["check"] for f in closed] == ["errors"]


def test_health_of_a_resumed_crawl_whose_listings_were_read_before_the_pause() -> None:
    stats = {"response_received_count": 30, "thinkscrape/health/stored": 29, "log_count/ERROR": 0}
    assert [f["check"] for f in health_failures(stats, "finished", max_errors=10)] == [
        "no_listing_pages"
    ]
    stats["thinkscrape/health/resumed"] = True
    assert health_failures(stats, "finished", max_errors=10) == []


def test_health_of_an_interrupted_crawl() -> None:
    stats = {"response_received_count": 9, "log_count/ERROR": 0}
    assert health_failures(stats, "shutdown", max_errors=10) == [
        {"check": "interrupted", "message": "the crawl was stopped before it finished (shutdown)"}
    ]


# --- the command, end to end against the CNAS spider -------------------------------------------
def test_a_healthy_crawl_exits_zero_and_records_it(site: Path, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with FaultServer(site) as server:
        result = run_crawl(server.base_url, db, runner=True)
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    assert f": {PUBLICATIONS} new, 0 changed, 0 unchanged, 0 gone, 0 dropped; 0 missing; " in (
        result.stderr
    )
    assert " 0 error(s); exit 0 (healthy)" in result.stderr
    assert crawls(db) == [{"id": 1, "status": "ok", "exit_code": 0, "finish_reason": "finished"}]


def _without_header_lines(html: bytes) -> bytes:
    """A redesign that drops the article header's date paragraph and byline block."""
    html = re.sub(rb'<div class="article__header__byline">.*?</div>', b"", html, flags=re.S)
    return re.sub(rb'<p class="sans-serif fz11 bold uppercase[^"]*">[^<]*</p>', b"", html)


def test_a_broken_coverage_floor_exits_6(site: Path, tmp_path: Path) -> None:
    # Listing cards still supply dates and bylines, so the normalised fields stay full; the
    # floors on what the article pages themselves showed are what catch the redesign.
    db = tmp_path / "archive.db"
    floors = '{"published_raw": 0.99, "byline_raw": 0.9}'
    with FaultServer(site) as server:
        for page in site.glob("publications/*/*/index.html"):
            path = "/" + page.parent.relative_to(site).as_posix()
            server.set_fault(path, Fault("rewrite", rewrite=_without_header_lines))
        result = run_crawl(
            server.base_url, db, runner=True, settings={"THINKSCRAPE_COVERAGE_FLOORS": floors}
        )
    assert result.returncode == EXIT_COVERAGE, result.stderr[-3000:]
    assert re.search(r"coverage: published_raw found on \d+\.\d% of 45", result.stderr)
    assert re.search(r"coverage: byline_raw found on \d+\.\d% of 45", result.stderr)
    assert crawls(db)[0]["status"] == "failed"
    assert crawls(db)[0]["exit_code"] == EXIT_COVERAGE
    # what was read is still archived: a failed verdict loses nothing
    assert sqlite_utils.Database(db)["publications"].count == PUBLICATIONS


def test_errors_over_the_threshold_exit_4(site: Path, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    broken = sorted(site.glob("publications/reports/*/index.html"))[:2]
    with FaultServer(site) as server:
        for page in broken:
            server.set_fault("/" + page.parent.relative_to(site).as_posix(), Fault("status"))
        result = run_crawl(
            server.base_url,
            db,
            runner=True,
            settings={"THINKSCRAPE_MAX_ERRORS": "1", "RETRY_TIMES": "1"},
        )
    assert result.returncode == EXIT_TOO_MANY_ERRORS, result.stderr[-3000:]
    assert "errors: 2 errors logged, more than THINKSCRAPE_MAX_ERRORS=1" in result.stderr
    assert crawls(db)[0]["exit_code"] == EXIT_TOO_MANY_ERRORS
    assert sqlite_utils.Database(db)["publications"].count == PUBLICATIONS - 2


def test_an_unknown_spider_or_a_bad_argument_cannot_start(site: Path, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    argv = crawl_argv("http://127.0.0.1:9", db, runner=True)
    unknown = subprocess.run(
        [*argv[:3], "no-such-spider", *argv[4:]], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert unknown.returncode == EXIT_NOT_STARTED
    assert "Unknown spider 'no-such-spider'" in unknown.stderr
    bad_date = run_crawl("http://127.0.0.1:9", db, runner=True, spider_args={"since": "soon"})
    assert bad_date.returncode == EXIT_NOT_STARTED


def test_an_unreachable_site_cannot_start(tmp_path: Path) -> None:
    with FaultServer() as server:  # started then stopped: nothing listens on its port
        base_url = server.base_url
    result = run_crawl(
        base_url, tmp_path / "archive.db", runner=True, settings={"RETRY_TIMES": "0"}
    )
    assert result.returncode == EXIT_NOT_STARTED, result.stderr[-3000:]
    assert "unreachable: no response was received from the site" in result.stderr


def test_a_held_lock_makes_a_second_run_exit_at_once(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with FileLock(f"{db}.lock"):
        started = time.monotonic()
        result = run_crawl("http://127.0.0.1:9", db, runner=True, timeout=30)
        took = time.monotonic() - started
    assert result.returncode == EXIT_LOCKED
    assert f"Another crawl or archive job is writing to {db}" in result.stderr
    assert took < 15  # at once: no crawl was started (interpreter start-up only)
    assert not db.exists()  # the archive was never opened


def test_two_crawls_of_one_archive_run_one_at_a_time(site: Path, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    # slow enough (about 50 requests, two at a time, 0.2 s each) that the first crawl still
    # runs when the second process has started, even on a loaded machine
    with FaultServer(site, delay_all=0.2) as server:
        first = start_crawl(server.base_url, db, runner=True)
        try:
            deadline = time.monotonic() + 60
            while server.counts.total() < 5 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert first.poll() is None, "the first crawl ended before the test could race it"
            second = run_crawl(server.base_url, db, runner=True, timeout=30)
            waiting = subprocess.Popen(
                [*crawl_argv(server.base_url, db, runner=True), "--wait"],
                cwd=REPO_ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            _, first_err = first.communicate(timeout=120)
            _, waiting_err = waiting.communicate(timeout=120)
        finally:
            first.kill()
    assert second.returncode == EXIT_LOCKED
    assert "Another crawl or archive job is writing to" in second.stderr
    assert "database is locked" not in second.stderr + first_err + waiting_err
    assert first.returncode == EXIT_OK, first_err[-3000:]
    assert waiting.returncode == EXIT_OK, waiting_err[-3000:]
    # the queued crawl ran after the first, incrementally: nothing new, nothing duplicated
    assert crawls(db) == [
        {"id": 1, "status": "ok", "exit_code": 0, "finish_reason": "finished"},
        {"id": 2, "status": "ok", "exit_code": 0, "finish_reason": "finished"},
    ]
    assert sqlite_utils.Database(db)["publications"].count == PUBLICATIONS
