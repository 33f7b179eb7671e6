"""Another program (the sqlite3 shell, sqlite-utils, a notebook) writes to the archive in a
transaction held for seconds while a crawl runs or as it starts. The crawl must wait for it,
as its busy timeout promises, and lose nothing."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from chaos_harness import (
    MIRROR,
    MIRROR_PUBLICATIONS,
    SLOW_DELAY,
    Crawl,
    Facts,
    ReferenceCrawl,
    act,
    default_crawl,
    judge,
    killable_argv,
    night_detail,
    stored,
)
from faultserver import FaultServer

from thinkscrape.archive.schema import open_db

pytestmark = pytest.mark.chaos


@contextlib.contextmanager
def other_writer(db: Path, seconds: float, start: threading.Event) -> Iterator[None]:
    """Another program's sqlite3 connection (the sqlite3 shell, sqlite-utils, a notebook)
    that, once ``start`` is set, writes to the archive in one transaction held ``seconds``."""
    errors: list[BaseException] = []

    def write() -> None:
        try:
            start.wait(timeout=60)
            conn = sqlite3.connect(db, timeout=30, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("CREATE TABLE IF NOT EXISTS reading_notes (url TEXT, note TEXT)")
                conn.execute("INSERT INTO reading_notes VALUES ('https://www.cnas.org/', 'x')")
                time.sleep(seconds)
                conn.execute("COMMIT")
            finally:
                conn.close()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    thread = threading.Thread(target=write, name="other-writer", daemon=True)
    thread.start()
    try:
        yield
    finally:
        start.set()
        thread.join(timeout=seconds + 60)
    assert not errors, errors


LOCKED_SECONDS = 6.0


@act("locked-during-the-crawl")
def locked_during_the_crawl(folder: Path, reference: ReferenceCrawl) -> Facts:
    # WARC capture off: a capture row written outside the store's transaction would otherwise
    # wait for the lock first and hide how the store itself behaves.
    db, warc = folder / "archive.db", ""
    start = threading.Event()
    with FaultServer(MIRROR, delay_all=SLOW_DELAY) as server:
        with other_writer(db, LOCKED_SECONDS, start):
            crawl = Crawl(killable_argv(server.base_url, db, warc))
            crawl.wait_for_requests(server, 20)  # the archive exists, publications arriving
            start.set()
            code, stderr = crawl.wait(timeout=120)
        night = subprocess.CompletedProcess([], code, "", stderr)
        night_stored, night_text = stored(db), night_detail("night", night, db)
        server.delay_all = 0
        again = default_crawl(server.base_url, db, warc)
    detail = (
        f"another connection wrote for {LOCKED_SECONDS:g} s; {night_text}; "
        f"re-crawl exit {again.returncode}"
    )
    return Facts(judge(db, reference.content), detail, again, night, {"night_stored": night_stored})


@act("locked-at-start")
def locked_at_start(folder: Path, reference: ReferenceCrawl) -> Facts:
    db, warc = folder / "archive.db", folder / "warc"
    open_db(db).close()  # the archive exists (empty) before the other program locks it
    start = threading.Event()
    seconds = 4.0
    with FaultServer(MIRROR) as server:
        with other_writer(db, seconds, start):
            start.set()
            time.sleep(0.3)  # the other program holds its lock before the crawl begins
            night = default_crawl(server.base_url, db, warc)
        night_stored, night_text = stored(db), night_detail("night", night, db)
        again = default_crawl(server.base_url, db, warc)
    detail = (
        f"another connection wrote for {seconds:g} s from before the start; "
        f"{night_text}; re-crawl exit {again.returncode}"
    )
    return Facts(judge(db, reference.content), detail, again, night, {"night_stored": night_stored})


@pytest.mark.parametrize("scenario", ["locked-during-the-crawl", "locked-at-start"])
def test_database_locked_by_another_program(scenario: str, scenario_runs, record_outcome) -> None:
    facts = scenario_runs.facts(scenario)
    record_outcome("fault", scenario, facts)
    assert facts.judgement.identical, (facts.judgement, facts.night.stderr[-3000:])
    # waiting out another program's transaction is no failure: the night itself is whole
    assert facts.extra["night_stored"] == MIRROR_PUBLICATIONS, facts.night.stderr[-3000:]
    assert facts.night.returncode == 0, facts.night.stderr[-3000:]
    assert facts.again.returncode == 0, facts.again.stderr[-3000:]
