"""A crawl killed mid-run leaves a WARC file that validates and replays.

Every record is written as its own gzip member in one write, so SIGKILL can cut at most
the record being written; everything before it must pass ``warcio check`` and answer a
replay crawl.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlite_utils
from crawling import REPO_ROOT, crawl_argv, run_crawl
from faultserver import FaultServer
from warcio.archiveiterator import ArchiveIterator

from sitegen.cnas import generate_site, synthetic_records

PUBLICATIONS = 40
KILL_AFTER = 20  # requests


def test_killed_crawl_leaves_a_valid_replayable_warc(tmp_path: Path) -> None:
    site = tmp_path / "site"
    generate_site(site, synthetic_records(PUBLICATIONS, seed=11), pad=False)
    warc_dir = tmp_path / "warc"
    settings = {"THINKSCRAPE_WARC_DIR": str(warc_dir), "CONCURRENT_REQUESTS": "2"}
    with FaultServer(site, delay_all=0.05) as server:
        argv = crawl_argv(server.base_url, tmp_path / "killed.db", settings=settings)
        crawl = subprocess.Popen(argv, cwd=REPO_ROOT, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while server.counts.total() < KILL_AFTER and time.monotonic() < deadline:
                time.sleep(0.01)
            assert crawl.poll() is None, "the crawl ended before it could be killed"
            crawl.send_signal(signal.SIGKILL)
            assert crawl.wait(timeout=30) == -signal.SIGKILL
        finally:
            crawl.kill()
        base_url = server.base_url

    (warc,) = sorted(warc_dir.glob("*.warc.gz"))
    check = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", str(warc)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout and "digest fail" not in check.stdout

    with warc.open("rb") as stream:
        kinds = [record.rec_type for record in ArchiveIterator(stream)]
    responses = kinds.count("response")
    assert kinds[0] == "warcinfo" and responses >= KILL_AFTER // 2

    # Replay what is there into a fresh archive: no server, no network.
    replayed = tmp_path / "replayed.db"
    result = run_crawl(
        base_url,
        replayed,
        settings={
            "THINKSCRAPE_REPLAY": str(warc),
            "THINKSCRAPE_WARC_DIR": "",
            "RETRY_ENABLED": "0",
        },
    )
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite_utils.Database(replayed)
    captured_articles = {
        row["url"] for row in db.query("select url from captures where publication_id is not null")
    }
    stored = {row["url"] for row in db.query("select url from publications")}
    assert stored and stored == captured_articles
