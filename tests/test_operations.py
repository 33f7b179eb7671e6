"""What an operator meets night after night: a dead network, the log, cron's mail, progress,
the User-Agent."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import sqlite_utils
from crawling import REPO_ROOT, crawl_argv, run_in_terminal

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
    result = run(live_like_argv(db, runner=False))
    log = result.stderr
    assert "Traceback" not in log, log[-4000:]
    assert "The site cannot be reached" in log
    assert "Connection refused" in log
    assert result.returncode == EXIT_NOT_STARTED, log[-3000:]  # not 0
    rows = list(
        sqlite_utils.Database(db).query(
            "select finish_reason, status, stats ->> '$.elapsed_time_seconds' as took from crawls"
        )
    )
    assert [(r["finish_reason"], r["status"]) for r in rows] == [("unreachable", "failed")]
    # the crawl's own time, from the spider opening to its close (without the 15 s and more
    # that reading every listing through its retries and delays took)
    assert rows[0]["took"] < 8, rows[0]["took"]
    # only the first requests were tried: robots.txt and one listing page (each with retries)
    assert log.count("Gave up retrying") <= 3, log[-4000:]


def test_no_network_under_thinkscrape_crawl_exits_3_naming_the_error(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    result = run(live_like_argv(db, runner=True))
    assert result.returncode == EXIT_NOT_STARTED, result.stderr[-3000:]
    assert "unreachable: no response was received from the site" in result.stderr
    assert "Connection refused" in result.stderr
    assert "closed for an unexpected reason" not in result.stderr


# --- the log, cron's mail and the progress line ------------------------------------------------
def runner_argv(base_url: str, db: Path, *extra: str, log_to_stderr: bool = False) -> list[str]:
    """``thinkscrape crawl`` with the tests' fast settings and the log where it goes by
    default (a file), unless ``log_to_stderr``."""
    argv = crawl_argv(base_url, db, runner=True)
    if not log_to_stderr:
        at = argv.index("LOG_FILE=-")
        del argv[at - 1 : at + 1]
    return [*argv, *extra]


def test_thinkscrape_crawl_logs_to_a_file_beside_the_archive(
    cnas_mirror: str, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    result = run(runner_argv(cnas_mirror, db))
    assert result.returncode == 0, result.stderr[-3000:]
    # stderr holds the verdict only; the Scrapy log is in <db dir>/logs/<spider>.log
    assert result.stderr.strip().splitlines()[-1].endswith("exit 0 (healthy)")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr[-3000:]
    log = (tmp_path / "logs" / "cnas.log").read_text(encoding="utf-8")
    assert "Spider opened" in log and "Spider closed (finished)" in log
    # LOG_FILE chooses another file; LOG_FILE=- keeps the log on stderr
    chosen = tmp_path / "elsewhere.log"
    run(runner_argv(cnas_mirror, db, "-s", f"LOG_FILE={chosen}"))
    assert "Spider opened" in chosen.read_text(encoding="utf-8")
    on_stderr = run(runner_argv(cnas_mirror, db, log_to_stderr=True))
    assert "Spider opened" in on_stderr.stderr


def test_quiet_prints_nothing_when_healthy_and_the_verdict_when_not(
    cnas_mirror: str, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    healthy = run(runner_argv(cnas_mirror, db, "--quiet"))
    assert healthy.returncode == 0
    assert healthy.stdout == "" and healthy.stderr == ""
    failed = run(runner_argv(DEAD, tmp_path / "other.db", "--quiet"))
    assert failed.returncode == EXIT_NOT_STARTED
    assert "exit 3 (could not start)" in failed.stderr
    assert "unreachable: no response was received" in failed.stderr
    assert str(tmp_path / "logs" / "cnas.log") in failed.stderr  # where to read more


def test_a_progress_line_on_a_terminal_and_none_without_one(
    cnas_mirror: str, tmp_path: Path
) -> None:
    slow = ("-s", "DOWNLOAD_DELAY=0.01", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
    code, screen = run_in_terminal(runner_argv(cnas_mirror, tmp_path / "a.db", *slow))
    assert code == 0, screen[-3000:]
    updates = [part for part in screen.split("\r") if "stored" in part and "pages" in part]
    assert len(updates) >= 2, screen[-3000:]  # it moves
    assert "116 stored" in updates[-1], updates[-1]
    assert "pages/min" in screen
    assert screen.rstrip().endswith("exit 0 (healthy)")
    # the same crawl with stderr not a terminal (cron): the verdict alone
    piped = run(runner_argv(cnas_mirror, tmp_path / "b.db", *slow))
    assert "\r" not in piped.stderr and "pages/min" not in piped.stderr


# --- who the crawler says it is ----------------------------------------------------------------
def crawler_settings(**settings: str):
    """The settings a crawl of CNAS runs with (project settings, add-ons applied)."""
    from scrapy.crawler import Crawler
    from scrapy.utils.project import get_project_settings

    from thinkscrape.spiders.thinktanks import CnasSpider

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "thinkscrape.settings")
    project = get_project_settings()
    project.setdict(settings, priority="cmdline")
    crawler = Crawler(CnasSpider, project)
    crawler.addons.load_settings(crawler.settings)  # as the crawl does, without a reactor
    return crawler


def test_the_default_user_agent_names_no_placeholder_and_takes_the_operators_contact() -> None:
    default = crawler_settings().settings["USER_AGENT"]
    assert "http" not in default and "github" not in default, default
    contact = crawler_settings(THINKSCRAPE_CONTACT="archive@example.org").settings["USER_AGENT"]
    assert contact == "thinkscrape/0.1 (research archive; contact: archive@example.org)"
    own = crawler_settings(USER_AGENT="my-archive/2 (+https://example.org/bot)")
    assert own.settings["USER_AGENT"] == "my-archive/2 (+https://example.org/bot)"


def test_a_live_crawl_without_a_contact_is_warned_about(caplog) -> None:
    from thinkscrape.contact import ContactUserAgent
    from thinkscrape.spiders.thinktanks import CnasSpider

    def warnings_for(crawler, spider) -> list[str]:
        caplog.clear()
        ContactUserAgent.from_crawler(crawler).spider_opened(spider)
        return [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]

    live = CnasSpider()
    (warning,) = warnings_for(crawler_settings(), live)
    assert "THINKSCRAPE_CONTACT" in warning and "https://www.cnas.org" in warning
    assert warnings_for(crawler_settings(THINKSCRAPE_CONTACT="a@example.org"), live) == []
    assert warnings_for(crawler_settings(), CnasSpider(base_url="http://127.0.0.1:8000")) == []
