"""A crawl shared by several processes through a real Redis, written by one writer.

Each scenario crawls the bundled CNAS mirror (116 publications, listings of several pages)
with ``THINKSCRAPE_REDIS_URL`` and ``thinkscrape ingest``, and must give the archive one
uninterrupted crawl of one process gives (``mirror_crawl``): per publication its URL,
title, date, authors in byline order and outlet. Each scenario uses a Redis database of its
own on the session's ``redis-server``.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from crawling import FAST_SETTINGS, MIRRORS, REPO_ROOT
from redis_server import free_port, redis_server
from warcio.archiveiterator import ArchiveIterator

THINKSCRAPE = Path(sys.executable).parent / "thinkscrape"
COMPARED = """
    select p.url, p.title, p.published, p.outlet,
      (select group_concat(name, '; ') from (
         select a.name from publication_authors pa join authors a on a.id = pa.author_id
         where pa.publication_id = p.id order by pa.position)) as authors
    from publications p order by p.url
"""
# a killed crawler counts as dead after this long without a heartbeat
HEARTBEAT = "1"


@pytest.fixture(scope="module")
def redis_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def reference(mirror_crawl: Path) -> dict[str, tuple]:
    return read_archive(mirror_crawl)


def read_archive(db: Path) -> dict[str, tuple]:
    with sqlite3.connect(db) as conn:
        return {row[0]: tuple(row) for row in conn.execute(COMPARED)}


def stored_count(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("select count(*) from publications").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


class Shared:
    """One scenario: its Redis database, archive, WARC folder and processes."""

    def __init__(self, redis_base: str, database: int, folder: Path, mirror: str) -> None:
        self.redis = f"{redis_base}/{database}"
        self.db = folder / "archive.db"
        self.warc = folder / "warc"
        self.mirror = mirror
        self.logs = folder

    def writer(self, name: str = "writer", *options: str) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("w")
        return subprocess.Popen(
            [str(THINKSCRAPE), "ingest", "--db", str(self.db), "--redis", self.redis, *options],
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def crawler_argv(self, **settings: str) -> list[str]:
        merged = {
            **FAST_SETTINGS,
            "THINKSCRAPE_DB": str(self.db),
            "THINKSCRAPE_WARC_DIR": str(self.warc),
            "THINKSCRAPE_REDIS_URL": self.redis,
            "THINKSCRAPE_REDIS_HEARTBEAT": HEARTBEAT,
            **settings,
        }
        argv = [sys.executable, "-m", "scrapy", "crawl", "cnas", "-a", f"base_url={self.mirror}"]
        for name, value in merged.items():
            argv += ["-s", f"{name}={value}"]
        return argv

    def crawler(self, name: str, **settings: str) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("w")
        return subprocess.Popen(
            self.crawler_argv(**settings), cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT
        )

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text()

    def wait_closed(self, timeout: float = 30) -> dict:
        """The crawl's row once the writer closed it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with sqlite3.connect(self.db) as conn:
                conn.row_factory = sqlite3.Row
                rows = [dict(r) for r in conn.execute("select * from crawls where finished")]
            if rows:
                return rows[-1]
            time.sleep(0.1)
        raise AssertionError("the writer never closed the crawl")


def wait_for(predicate, timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def finish(*processes: subprocess.Popen, timeout: float = 60) -> list[int]:
    return [process.wait(timeout=timeout) for process in processes]


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=20)


def capture_target(warc_file: str, offset: int) -> str:
    with open(warc_file, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        return record.rec_headers.get_header("WARC-Target-URI")


# --- two crawlers, one writer ------------------------------------------------------------


@pytest.fixture(scope="module")
def two_crawlers(redis_base: str, cnas_mirror: str, tmp_path_factory) -> Shared:
    shared = Shared(redis_base, 1, tmp_path_factory.mktemp("two-crawlers"), cnas_mirror)
    writer = shared.writer()
    first, second = shared.crawler("crawler-1"), shared.crawler("crawler-2")
    assert finish(first, second) == [0, 0], shared.log("crawler-1") + shared.log("crawler-2")
    shared.crawl = shared.wait_closed()
    assert stop(writer) == 0, shared.log("writer")
    return shared


def test_two_crawlers_and_one_writer_give_the_archive_of_one_crawler(two_crawlers, reference):
    assert read_archive(two_crawlers.db) == reference
    assert len(reference) == 116


def test_two_crawlers_share_the_work_and_fetch_each_publication_once(two_crawlers):
    with sqlite3.connect(two_crawlers.db) as conn:
        fetched = conn.execute(
            "select url, count(*) from captures where publication_id is not null group by url"
        ).fetchall()
        per_file = dict(
            conn.execute(
                "select warc_file, count(*) from captures where publication_id is not null"
                " group by warc_file"
            ).fetchall()
        )
    assert len(fetched) == 116
    assert {count for _, count in fetched} == {1}, "a publication was fetched twice"
    # each crawler fetched part of them, into WARC files of its own
    assert len(per_file) == 2 and min(per_file.values()) > 0, per_file
    assert all("cnas-" in Path(name).name for name in per_file)
    assert (
        sum(
            "Crawling with the frontier" in two_crawlers.log(name)
            for name in ("crawler-1", "crawler-2")
        )
        == 2
    )


def test_capture_rows_point_at_the_record_of_their_page(two_crawlers):
    with sqlite3.connect(two_crawlers.db) as conn:
        rows = conn.execute(
            "select url, warc_file, offset from captures where publication_id is not null"
        ).fetchall()
    for url, warc_file, offset in rows:
        assert capture_target(warc_file, offset) == url


def test_one_crawl_row_for_both_processes_closed_when_the_last_one_left(two_crawlers):
    crawl = two_crawlers.crawl
    # on failure, say which health checks failed the crawl
    failed_checks = json.loads(crawl["stats"]).get("thinkscrape/health/failed_checks")
    assert crawl["status"] == "ok" and crawl["finish_reason"] == "finished", failed_checks
    assert crawl["items_stored"] == 116
    with sqlite3.connect(two_crawlers.db) as conn:
        assert conn.execute("select count(*) from crawls").fetchone()[0] == 1
    stats = json.loads(crawl["stats"])
    assert stats["thinkscrape/redis/processes"] == 2
    assert stats["thinkscrape/archive/new"] == 116


def test_an_incremental_crawl_after_it_reads_only_the_listing_indexes(two_crawlers):
    """The duplicate filter was cleared with the crawl: a second shared crawl is a normal
    incremental one (first listing pages read again, nothing archived fetched)."""
    writer = two_crawlers.writer("writer-again")
    first = two_crawlers.crawler("again-1")
    assert finish(first) == [0], two_crawlers.log("again-1")
    wait_for(
        lambda: stored_rows(two_crawlers.db, "select count(*) from crawls where finished") == 2
    )
    stop(writer)
    log = two_crawlers.log("again-1")
    assert "'thinkscrape/listing/stopped_known'" in log
    assert "'item_scraped_count'" not in log  # nothing fetched again


def stored_rows(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


# --- kills ---------------------------------------------------------------------------------


def test_a_crawler_killed_mid_crawl_and_restarted_gives_the_same_archive(
    redis_base, cnas_mirror, tmp_path, reference
):
    shared = Shared(redis_base, 2, tmp_path, cnas_mirror)
    writer = shared.writer()
    crawler = shared.crawler("killed", CONCURRENT_REQUESTS="2")
    wait_for(lambda: stored_count(shared.db) >= 20, what="20 publications stored")
    crawler.send_signal(signal.SIGKILL)
    crawler.wait()
    assert 20 <= stored_count(shared.db) < 116
    restarted = shared.crawler("restarted")
    assert finish(restarted) == [0], shared.log("restarted")
    shared.wait_closed()
    stop(writer)
    assert read_archive(shared.db) == reference
    # what the killed crawler had in flight was found and crawled again
    assert "'thinkscrape/redis/recovered'" in shared.log("restarted")


def test_the_writer_killed_mid_crawl_and_restarted_gives_the_same_archive(
    redis_base, cnas_mirror, tmp_path, reference
):
    shared = Shared(redis_base, 3, tmp_path, cnas_mirror)
    writer = shared.writer()
    crawler = shared.crawler("crawler", CONCURRENT_REQUESTS="2")
    wait_for(lambda: stored_count(shared.db) >= 20, what="20 publications stored")
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    # the crawler goes on sending; what the writer had not committed waits in Redis
    assert finish(crawler) == [0], shared.log("crawler")
    assert stored_count(shared.db) < 116
    restarted = shared.writer("restarted-writer")
    shared.wait_closed()
    stop(restarted)
    assert read_archive(shared.db) == reference


# --- nothing to reach ------------------------------------------------------------------------


def test_a_crawl_whose_redis_does_not_answer_stops_at_once_with_exit_3(tmp_path, cnas_mirror):
    unused = f"redis://127.0.0.1:{free_port()}/0"
    shared = Shared("redis://unused", 0, tmp_path, cnas_mirror)
    shared.redis = unused
    started = time.monotonic()
    done = subprocess.run(
        shared.crawler_argv(), cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3, done.stderr[-2000:]
    assert f"Redis at {unused} does not answer" in done.stderr
    assert "THINKSCRAPE_REDIS_URL" in done.stderr
    assert time.monotonic() - started < 20
    assert not shared.db.exists() and not shared.warc.exists()


def test_a_crawl_with_no_writer_to_open_it_stops_with_exit_3(redis_base, tmp_path, cnas_mirror):
    shared = Shared(redis_base, 4, tmp_path, cnas_mirror)
    done = subprocess.run(
        shared.crawler_argv(THINKSCRAPE_REDIS_WRITER_WAIT="1"),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3, done.stderr[-2000:]
    assert "no writer opened the crawl within 1 s" in done.stderr
    assert "thinkscrape ingest" in done.stderr
    assert not shared.db.exists()


def test_without_the_setting_redis_is_neither_used_nor_imported():
    code = (
        "import sys\n"
        "from scrapy.crawler import CrawlerProcess\n"
        "from scrapy.utils.project import get_project_settings\n"
        "from thinkscrape.sites import get\n"
        "process = CrawlerProcess(get_project_settings())\n"
        "crawler = process.create_crawler('cnas')\n"
        "crawler._apply_settings()\n"
        "s = crawler.settings\n"
        "print(s['SCHEDULER'], s.getdict('ITEM_PIPELINES').get("
        "'thinkscrape.pipelines.archive.ArchivePipeline'))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('redis', 'scrapy_redis')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SCRAPY_SETTINGS_MODULE": "thinkscrape.settings"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    scheduler, modules = done.stdout.splitlines()
    assert scheduler == "scrapy.core.scheduler.Scheduler 900"
    assert modules == "[]"


def test_thinkscrape_crawl_which_writes_the_archive_itself_refuses_a_shared_crawl(
    redis_base, tmp_path, cnas_mirror
):
    db = tmp_path / "archive.db"
    argv = [sys.executable, "-m", "thinkscrape.runner", "cnas", "--db", str(db)]
    argv += ["-a", f"base_url={cnas_mirror}", "-s", f"THINKSCRAPE_REDIS_URL={redis_base}/5"]
    done = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr[-2000:]
    assert "runs as `scrapy crawl cnas -s THINKSCRAPE_REDIS_URL=...`" in done.stderr
    assert not db.exists()


def test_retries_and_redirects_take_the_place_of_their_request_in_flight(
    redis_base, tmp_path, reference
):
    """A retried or redirected request leaves the crawler's requests in flight as its
    successor enters the frontier: the crawl ends, nothing is left in Redis."""
    import redis
    from faultserver import Fault, FaultServer

    retried = "/publications/commentary/americas-drone-gap"
    redirected = "/publications/reports/no-safe-harbor"
    with FaultServer(MIRRORS / "cnas") as server:
        server.set_fault(retried, Fault("status", status=503, times=1))
        server.set_fault("/reports/p2", Fault("status", status=500, times=1))
        server.set_fault(redirected, Fault("redirect", location="/reports", times=1))
        shared = Shared(redis_base, 6, tmp_path, server.base_url)
        writer = shared.writer()
        crawlers = [shared.crawler("crawler-1"), shared.crawler("crawler-2")]
        finish(*crawlers)
        shared.wait_closed()
        stop(writer)
        assert server.counts[retried] == 2 and server.counts["/reports/p2"] == 2
        assert server.counts[redirected] == 1
    archive = read_archive(shared.db)
    # the redirected page was never served: the one-process crawl would miss it too
    assert archive == {url: row for url, row in reference.items() if redirected not in url}
    assert redis.Redis.from_url(shared.redis).keys("cnas:*") == []
