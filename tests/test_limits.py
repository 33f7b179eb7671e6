"""Bounded work: a listing whose "next" page is always a new page ends, and so does a crawl
that runs too long; each limit is counted and fails the verdict."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlite_utils
from crawling import run_crawl

from thinkscrape.mirror import HTML_CONTENT_TYPE, resolve_mirror_path
from thinkscrape.runner import EXIT_LIMIT, EXIT_NOT_STARTED, EXIT_SITE_CHANGED, project_settings

TRAP = re.compile(r"^/reports/p(\d+)/?$")
A_REPORT = "/publications/reports/energy-security-in-an-age-of-transition"


class TrapSite(ThreadingHTTPServer):
    """The bundled mirror, except that /reports/p2, p3, ... never end: each page links to the
    next, and shows ``cards`` (the same report again, or nothing at all)."""

    daemon_threads = True

    def __init__(self, root: Path, *, cards: bool, delay: float = 0.0) -> None:
        self.root, self.cards, self.delay = root, cards, delay
        self.counts: Counter[str] = Counter()
        super().__init__(("127.0.0.1", 0), _TrapHandler)
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"

    def trap_pages(self) -> int:
        return sum(n for path, n in self.counts.items() if TRAP.match(path))


class _TrapHandler(BaseHTTPRequestHandler):
    server: TrapSite

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?")[0]
        self.server.counts[path] += 1
        trap = TRAP.match(path)
        if trap and int(trap.group(1)) >= 2:
            time.sleep(self.server.delay)
            card = f'<h3><a href="{A_REPORT}">A report</a></h3>' if self.server.cards else ""
            following = f"/reports/p{int(trap.group(1)) + 1}"
            body = (
                f"<html><body><h1>Reports</h1>{card}"
                f'<ul class="pagination"><li><a href="{following}">Next</a></li></ul>'
                "</body></html>"
            ).encode()
        else:
            found = resolve_mirror_path(self.server.root, path)
            if found is None:
                self.send_error(404)
                return
            body = found.read_bytes()
        self.send_response(200)
        kind = "text/plain" if path.endswith(".txt") else HTML_CONTENT_TYPE
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


@pytest.fixture
def trap_site(request: pytest.FixtureRequest, sample_root: Path) -> Iterator[TrapSite]:
    server = TrapSite(sample_root, **request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def last_stats(db: Path) -> dict:
    row = next(sqlite_utils.Database(db).query("select stats from crawls order by id desc limit 1"))
    return json.loads(row["stats"])


def failed_checks(db: Path) -> set[str]:
    return {check["check"] for check in last_stats(db)["thinkscrape/health/failed_checks"]}


@pytest.mark.parametrize("trap_site", [{"cards": False}], indirect=True)
def test_consecutive_empty_listing_pages_end_the_listing(trap_site: TrapSite, tmp_path) -> None:
    db = tmp_path / "archive.db"
    result = run_crawl(trap_site.base_url, db, runner=True, timeout=90)
    assert result.returncode == EXIT_SITE_CHANGED, result.stderr[-3000:]  # empty pages first
    assert trap_site.trap_pages() == 3  # THINKSCRAPE_MAX_EMPTY_LISTING_PAGES
    assert last_stats(db)["thinkscrape/listing/empty_limit_reached"] == 1
    assert {"empty_listing", "listing_limit"} <= failed_checks(db)
    assert "listing_limit" in result.stderr


@pytest.mark.parametrize("trap_site", [{"cards": True}], indirect=True)
def test_a_listing_never_ending_is_cut_at_its_page_limit(trap_site: TrapSite, tmp_path) -> None:
    db = tmp_path / "archive.db"
    settings = {"THINKSCRAPE_MAX_LISTING_PAGES": "6"}
    result = run_crawl(trap_site.base_url, db, runner=True, settings=settings, timeout=90)
    assert result.returncode == EXIT_LIMIT, result.stderr[-3000:]
    assert trap_site.trap_pages() == 5  # /reports and p2 to p6
    assert last_stats(db)["thinkscrape/listing/page_limit_reached"] == 1
    assert failed_checks(db) == {"listing_limit"}


@pytest.mark.parametrize("trap_site", [{"cards": True, "delay": 0.5}], indirect=True)
def test_a_crawl_over_its_time_limit_ends_and_is_not_healthy(trap_site: TrapSite, tmp_path) -> None:
    db = tmp_path / "archive.db"
    settings = {"CLOSESPIDER_TIMEOUT": "4", "CONCURRENT_REQUESTS": "1"}
    started = time.monotonic()
    result = run_crawl(trap_site.base_url, db, runner=True, settings=settings, timeout=90)
    assert time.monotonic() - started < 30
    assert result.returncode == EXIT_LIMIT, result.stderr[-3000:]
    assert "time_limit" in failed_checks(db)
    assert last_stats(db)["finish_reason"] == "closespider_timeout"


def test_unattended_crawls_have_a_time_limit_unless_one_is_given() -> None:
    assert project_settings({}, None).getfloat("CLOSESPIDER_TIMEOUT") == 6 * 3600
    given = project_settings({"CLOSESPIDER_TIMEOUT": "0"}, None)
    assert given.getfloat("CLOSESPIDER_TIMEOUT") == 0


@pytest.mark.parametrize(
    "name",
    [
        "THINKSCRAPE_MAX_LISTING_PAGES",
        "THINKSCRAPE_MAX_EMPTY_LISTING_PAGES",
        "THINKSCRAPE_MISSING_RETRIES",
    ],
)
def test_a_limit_that_is_not_a_number_is_refused_at_start(name: str, tmp_path: Path) -> None:
    result = run_crawl(
        "http://127.0.0.1:9", tmp_path / "archive.db", runner=True, settings={name: "lots"}
    )
    assert result.returncode == EXIT_NOT_STARTED
    assert f"{name} must be a whole number of 0 or more, got 'lots'" in result.stderr
