"""What an operator meets night after night: a dead network, the log, cron's mail, progress,
the User-Agent."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import sqlite_utils
from crawling import REPO_ROOT, crawl_argv

from thinkscrape.runner import EXIT_NOT_STARTED

DEAD = "http://127.0.0.1:9"  # nothing listens there: every request fails to connect

# Polite defaults as on a live site (delays, AutoThrottle, retries): only what a test needs
# to stay fast is left out, so the early stop is what keeps the run short.
LIVE_LIKE = {"THINKSCRAPE_WARC_DIR": ""}


def run(argv: list[str], timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **env},
    )


def live_like_argv(db: Path, *, runner: bool) -> list[str]:
    """A crawl of an unreachable site with the project's own politeness settings."""
    argv = crawl_argv(DEAD, db, runner=runner)
    kept = []
    skip = False
    for position, word in enumerate(argv):
        if skip:
            skip = False
            continue
        if word == "-s" and argv[position + 1].split("=")[0] not in ("THINKSCRAPE_DB",):
            skip = True
            continue
        kept.append(word)
    for name, value in LIVE_LIKE.items():
        kept += ["-s", f"{name}={value}"]
    return kept


def test_no_network_ends_quickly_with_one_clear_verdict(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    started = time.monotonic()
    result = run(live_like_argv(db, runner=False))
    took = time.monotonic() - started
    log = result.stderr
    assert "Traceback" not in log, log[-4000:]
    assert "The site cannot be reached" in log
    assert "Connection refused" in log
    assert took < 12, f"{took:.1f} s"
    assert result.returncode == EXIT_NOT_STARTED, log[-3000:]  # not 0
    rows = list(sqlite_utils.Database(db).query("select finish_reason, status from crawls"))
    assert rows == [{"finish_reason": "unreachable", "status": "failed"}]
    # only the first requests were tried: robots.txt and one listing page (each with retries)
    assert log.count("Gave up retrying") <= 3, log[-4000:]


def test_no_network_under_thinkscrape_crawl_exits_3_naming_the_error(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    result = run(live_like_argv(db, runner=True))
    assert result.returncode == EXIT_NOT_STARTED, result.stderr[-3000:]
    assert "unreachable: no response was received from the site" in result.stderr
    assert "Connection refused" in result.stderr
    assert "closed for an unexpected reason" not in result.stderr
