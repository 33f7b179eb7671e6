"""Running crawls in the tests as a user would: ``scrapy crawl`` (or ``thinkscrape crawl``)
in a subprocess from the repository root, against a server on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import sqlite_utils

from thinkscrape.mirror import serve_mirror

REPO_ROOT = Path(__file__).resolve().parent.parent
# the site mirrors the crawl tests serve, and the demo's capture of the CNAS one
MIRRORS = REPO_ROOT / "tests" / "mirrors"
CNAS_CAPTURE = REPO_ROOT / "data" / "samples" / "demo" / "cnas.warc.gz"

# Fast, deterministic crawls of a local server: no politeness delays, short timeouts and
# retry waits, no WARC files unless a test asks for them.
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "DOWNLOAD_TIMEOUT": "3",
    "RETRY_TIMES": "2",
    "THINKSCRAPE_RETRY_AFTER_MAX": "2",
    "THINKSCRAPE_WARC_DIR": "",
    "LOG_LEVEL": "INFO",
}


def crawl_argv(
    base_url: str,
    db: Path,
    *,
    runner: bool = False,
    settings: dict[str, str] | None = None,
    spider_args: dict[str, str] | None = None,
) -> list[str]:
    """The command line of a CNAS crawl of ``base_url`` into ``db``.

    ``runner=True`` runs ``thinkscrape crawl`` (locked, judged: exit codes); otherwise
    ``scrapy crawl`` as a user would from the repository root.
    """
    merged = {**FAST_SETTINGS, **(settings or {})}
    arguments = {"base_url": base_url, **(spider_args or {})}
    if runner:
        argv = [sys.executable, "-m", "thinkscrape.runner", "cnas", "--db", str(db)]
        # the log on stderr (not in its default file), for the tests to read and show
        argv += ["-s", "LOG_FILE=-"]
    else:
        argv = [sys.executable, "-m", "scrapy", "crawl", "cnas", "-s", f"THINKSCRAPE_DB={db}"]
    for name, value in arguments.items():
        argv += ["-a", f"{name}={value}"]
    for name, value in merged.items():
        argv += ["-s", f"{name}={value}"]
    return argv


def run_crawl(
    base_url: str,
    db: Path,
    *,
    runner: bool = False,
    settings: dict[str, str] | None = None,
    spider_args: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run a crawl to its end (see ``crawl_argv``); its exit code and text output."""
    return subprocess.run(
        crawl_argv(base_url, db, runner=runner, settings=settings, spider_args=spider_args),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_crawl(
    base_url: str, db: Path, *, runner: bool = False, stderr: int | None = subprocess.PIPE
) -> subprocess.Popen[str]:
    """Start a crawl two requests at a time (see ``crawl_argv``), for a test to act on while
    it runs; its stdout is dropped, its stderr piped as text unless ``stderr`` says otherwise."""
    return subprocess.Popen(
        crawl_argv(base_url, db, runner=runner, settings={"CONCURRENT_REQUESTS": "2"}),
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
    )


def run_in_terminal(
    argv: list[str], timeout: float = 120, *, stdout_too: bool = False
) -> tuple[int, str]:
    """Run ``argv`` with its stderr (and with ``stdout_too`` its stdout) on a pseudo-terminal,
    as at an operator's shell; its exit code and what the terminal showed."""
    import pty
    import select

    master, slave = pty.openpty()
    stdout = slave if stdout_too else subprocess.DEVNULL
    process = subprocess.Popen(
        argv, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=stdout, stderr=slave
    )
    os.close(slave)
    output = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    os.close(master)
    return process.wait(timeout=10), output.decode("utf-8", "replace")


def crawl_mirror(spider: str, mirror_root: Path, db_path: Path) -> sqlite_utils.Database:
    """``scrapy crawl SPIDER -a base_url=<mirror>`` over the offline mirror in ``mirror_root``,
    into ``db_path``: the test fails unless the crawl exits 0 with its coverage floors kept."""
    with serve_mirror(mirror_root) as mirror:
        argv = [sys.executable, "-m", "scrapy", "crawl", spider]
        argv += ["-a", f"base_url={mirror.base_url}"]
        for name, value in {**FAST_SETTINGS, "THINKSCRAPE_DB": str(db_path)}.items():
            argv += ["-s", f"{name}={value}"]
        result = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Coverage floor broken" not in result.stderr
    return sqlite_utils.Database(db_path)


def stored(db: sqlite_utils.Database, url: str) -> dict:
    """The one publication archived at ``url``."""
    rows = list(db["publications"].rows_where("url = ?", [url]))
    assert len(rows) == 1, f"{url} archived {len(rows)} times"
    return rows[0]


def byline_names(db: sqlite_utils.Database, url: str) -> list[str]:
    """The names of the publication's people, in byline order."""
    return [
        r["name"]
        for r in db.query(
            """select a.name from publication_authors pa join authors a on a.id = pa.author_id
               join publications p on p.id = pa.publication_id where p.url = ?
               order by pa.position""",
            [url],
        )
    ]
