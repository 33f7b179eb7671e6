"""The archive under other writers: its lock, other programs' transactions, killed crawls.

Crawls run as a user runs them (``scrapy crawl`` or ``thinkscrape crawl`` in a subprocess)
against the bundled mirror served on 127.0.0.1; the other writers are real: a second
process holding the lock, a sqlite3 connection holding a write transaction.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawling import CNAS_CAPTURE as SAMPLE_WARC
from crawling import REPO_ROOT, run_crawl, start_crawl
from faultserver import FaultServer
from filelock import FileLock

from thinkscrape.archive import schema
from thinkscrape.archive.lock import ArchiveLocked, WriterLock
from thinkscrape.archive.schema import NewerArchive, open_db
from thinkscrape.archive.store import Archive
from thinkscrape.cli import cli
from thinkscrape.runner import EXIT_LOCKED, EXIT_NOT_STARTED, crawl_command


def read(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def wait_for(condition, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def crawl_started(db: Path) -> bool:
    if not db.exists():
        return False
    try:
        return bool(read(db, "select count(*) from crawls")[0][0])
    except sqlite3.OperationalError:  # the schema is being created
        return False


def stored_urls(db: Path) -> set[str]:
    return {url for (url,) in read(db, "select url from publications")}


# --- another program's write transaction --------------------------------------------------------
def test_another_programs_write_transaction_during_a_crawl_loses_nothing(
    sample_root: Path, mirror_crawl: Path, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    held = 4.0
    with FaultServer(sample_root, delay_all=0.05) as server:
        crawl = start_crawl(server.base_url, db)
        try:
            wait_for(lambda: crawl_started(db), what="the crawl's row")
            # as the sqlite3 shell or a notebook would: a write transaction held a while
            other = sqlite3.connect(db, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE crawls SET args = args")
            time.sleep(held)
            assert crawl.poll() is None, "the crawl ended before the other writer let go"
            other.execute("COMMIT")
            other.close()
            _, stderr = crawl.communicate(timeout=180)
        finally:
            crawl.kill()
    assert crawl.returncode == 0, stderr[-3000:]
    assert "database is locked" not in stderr
    assert stored_urls(db) == stored_urls(mirror_crawl)
    assert read(db, "select status, finish_reason from crawls") == [("ok", "finished")]


def test_a_crawl_whose_archive_stays_locked_by_another_program_cannot_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "archive.db"
    store = Archive(open_db(db))
    store.start_crawl("cnas", {})  # a killed crawl's row, for the start to close
    store.db.close()
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 500)  # the wait, shortened for the test
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        result = CliRunner().invoke(
            crawl_command, ["cnas", "--db", str(db), "-a", "base_url=http://127.0.0.1:9"]
        )
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == EXIT_NOT_STARTED, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"cannot write to {db}: database is locked" in result.output
    assert "Traceback" not in result.output


# --- the lock, taken by every crawl ------------------------------------------------------------
def test_a_plain_scrapy_crawl_writes_nothing_while_the_lock_is_held(
    sample_root: Path, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    warc = tmp_path / "warc"
    with FaultServer(sample_root) as server, FileLock(f"{db}.lock"):
        result = run_crawl(server.base_url, db, settings={"THINKSCRAPE_WARC_DIR": str(warc)})
        requests = server.counts.total()
    assert result.returncode == EXIT_LOCKED
    assert "Closing spider (archive_locked)" in result.stderr
    assert f"Another crawl or archive job is writing to {db}" in result.stderr
    assert "Crawl health check failed (archive): another writer holds the archive's lock" in (
        result.stderr
    )
    assert "no response was received" not in result.stderr  # nothing was asked for
    assert "Traceback" not in result.stderr
    assert requests == 0
    assert not db.exists()
    assert not warc.exists() or not any(warc.iterdir())


def test_a_plain_scrapy_crawl_cannot_run_beside_thinkscrape_crawl(
    sample_root: Path, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    # slowed to at least 12 s, so the plain crawl's start-up cannot outlast the first crawl
    with FaultServer(sample_root, delay_all=0.2) as server:
        runner = start_crawl(server.base_url, db, runner=True)
        try:
            wait_for(lambda: crawl_started(db), what="the first crawl's row")
            plain = run_crawl(server.base_url, db)
            assert runner.poll() is None, "the first crawl ended before the test could race it"
            _, runner_err = runner.communicate(timeout=180)
        finally:
            runner.kill()
    assert runner.returncode == 0, runner_err[-3000:]
    assert "Closing spider (archive_locked)" in plain.stderr
    # one crawl, the runner's, ran and wrote; the plain one left no row
    assert read(db, "select id, status, finish_reason from crawls") == [(1, "ok", "finished")]


# --- a killed crawl's row -----------------------------------------------------------------------
def test_the_next_scrapy_crawl_closes_the_row_of_a_killed_one(
    sample_root: Path, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    with FaultServer(sample_root, delay_all=0.05) as server:
        killed = start_crawl(server.base_url, db, stderr=subprocess.DEVNULL)
        wait_for(lambda: crawl_started(db), what="the crawl's row")
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=30)
        assert read(db, "select status from crawls") == [("running",)]
        result = run_crawl(server.base_url, db)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "1 earlier crawl(s) of cnas never finished: marked failed (killed)" in result.stderr
    assert read(db, "select id, status, finish_reason from crawls order by id") == [
        (1, "failed", "killed"),
        (2, "ok", "finished"),
    ]


def lock_is_free(db: Path) -> bool:
    """Whether another process could take the archive's lock now."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import filelock; filelock.FileLock({f'{db}.lock'!r}).acquire(timeout=0)",
        ],
        capture_output=True,
    )
    return probe.returncode == 0


def test_the_lock_is_shared_within_a_process_and_released_with_its_last_holder(
    tmp_path: Path,
) -> None:
    db = tmp_path / "archive.db"
    outer, inner = WriterLock(db), WriterLock(db)
    outer.acquire()
    inner.acquire()  # the crawl's pipeline inside `thinkscrape crawl`: no wait for itself
    inner.release()
    assert not lock_is_free(db)  # the outer holder has not let go
    outer.release()
    assert lock_is_free(db)
    with FileLock(f"{db}.lock"), pytest.raises(ArchiveLocked):
        WriterLock(db).acquire()


# A writer in a child process: takes the archive's lock as any writer does, says whether it got it.
TAKE_LOCK = """
import sys, time
from thinkscrape.archive.lock import ArchiveLocked, WriterLock
try:
    WriterLock(sys.argv[1]).acquire()
except ArchiveLocked:
    print("refused", flush=True)
else:
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_child_handed_the_held_lock_shares_it_and_the_variable_alone_grants_nothing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "archive.db"
    lock = WriterLock(db)
    lock.acquire()
    try:
        handed = lock.inheritance()
        assert handed is not None
        descriptor, env = handed

        def child(pass_fds: tuple[int, ...]) -> str:
            return subprocess.run(
                [sys.executable, "-c", TAKE_LOCK, str(db), "0"],
                env={**os.environ, **env},
                pass_fds=pass_fds,
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout.strip()

        assert child((descriptor,)) == "held"
        # the variable without the descriptor that holds the lock: a writer like any other
        assert child(()) == "refused"
        assert not lock_is_free(db)  # the child's exit did not unlock the parent's lock
    finally:
        lock.release()
    assert lock_is_free(db)


# The parent of a writer: takes the lock, hands it to a child, then waits to be killed.
HAND_DOWN = """
import os, subprocess, sys, time
from thinkscrape.archive.lock import WriterLock
lock = WriterLock(sys.argv[1])
lock.acquire()
descriptor, env = lock.inheritance()
child = subprocess.Popen(
    [sys.executable, "-c", sys.argv[2], sys.argv[1], "60"],
    env={**os.environ, **env}, pass_fds=(descriptor,), stdout=sys.stdout,
)
print(child.pid, flush=True)
time.sleep(60)
"""


def test_a_lock_handed_down_is_held_by_the_child_after_its_parent_is_killed(
    tmp_path: Path,
) -> None:
    db = tmp_path / "archive.db"
    parent = subprocess.Popen(
        [sys.executable, "-c", HAND_DOWN, str(db), TAKE_LOCK],
        stdout=subprocess.PIPE,
        text=True,
    )
    child_pid = None
    try:
        assert parent.stdout is not None
        child_pid = int(parent.stdout.readline())
        assert parent.stdout.readline().strip() == "held"
        parent.kill()
        parent.wait(timeout=10)
        # the child still writes: nobody else may take the lock yet
        assert not lock_is_free(db)
    finally:
        parent.kill()
        if child_pid is not None:
            os.kill(child_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while not lock_is_free(db) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert lock_is_free(db)


# --- reextract and renormalize ------------------------------------------------------------------
THINKSCRAPE = str(Path(sys.executable).parent / "thinkscrape")


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_killing_reextract_leaves_no_writer_without_the_lock(signum: int, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    script = (
        "from thinkscrape.warc.reextract import reextract; "
        f"reextract({str(db)!r}, [{str(SAMPLE_WARC)!r}])"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=REPO_ROOT)
    child = None
    try:
        wait_for(lambda: crawl_started(db), what="the replay crawl's row")
        (child,) = children_of(parent.pid)
        # A replay answers from the WARC file faster than any race could be run against it
        # (download delays do not apply): the child is paused mid-crawl, lock in hand, so it
        # is certainly still writing while its parent dies and another crawl tries to start.
        os.kill(child, signal.SIGSTOP)
        os.kill(parent.pid, signum)
        parent.wait(timeout=30)
        crawl = run_crawl("http://127.0.0.1:9", db, runner=True, timeout=60)
        child_still_writing = alive(child)
        os.kill(child, signal.SIGCONT)
        wait_for(lambda: not alive(child), timeout=120, what="the replay crawl's end")
    finally:
        parent.kill()
        if child is not None and alive(child):
            os.kill(child, signal.SIGCONT)
    assert crawl.returncode == EXIT_LOCKED, crawl.stderr[-3000:]
    assert child_still_writing, "the replay ended before the test could race it"
    # the replay, left alone, finished its work and closed its row
    assert read(db, "select id, status, finish_reason from crawls") == [(1, "ok", "finished")]
    assert lock_is_free(db)


def test_reextract_and_renormalize_refuse_a_held_lock_with_75(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    open_db(db).close()
    with FileLock(f"{db}.lock"):
        reextract = subprocess.run(
            [THINKSCRAPE, "reextract", "--db", str(db), str(SAMPLE_WARC)],
            capture_output=True,
            text=True,
        )
        renormalize = subprocess.run(
            [THINKSCRAPE, "renormalize", "--db", str(db)], capture_output=True, text=True
        )
    message = (
        f"Error: Another crawl or archive job is writing to {db} (its lock {db}.lock is held)."
        " Run again later, or with --wait to queue behind it."
    )
    for result in (reextract, renormalize):
        assert result.returncode == EXIT_LOCKED, result.stderr
        assert message in result.stderr
        assert "Traceback" not in result.stderr


def test_renormalize_waits_for_the_lock_with_wait(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    open_db(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import filelock, time; filelock.FileLock({f'{db}.lock'!r}).acquire(); "
            "print('held', flush=True); time.sleep(2)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    result = subprocess.run(
        [THINKSCRAPE, "renormalize", "--wait", "--db", str(db)], capture_output=True, text=True
    )
    holder.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert "0 publications; 0 values changed." in result.stdout
    assert time.monotonic() - started >= 1  # it waited for the holder to let go


# --- an archive written by a newer version ------------------------------------------------------
def test_an_archive_of_a_newer_version_is_refused_for_writing_and_still_read(
    mirror_crawl: Path, tmp_path: Path, cnas_mirror: str
) -> None:
    db = tmp_path / "archive.db"
    shutil.copy(mirror_crawl, db)
    newer = sqlite3.connect(db)
    with newer:  # what a later version's migration would leave
        newer.execute("CREATE TABLE future_things (id INTEGER PRIMARY KEY, what TEXT NOT NULL)")
        newer.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('thinkscrape', 'm999_future_things', '2030-01-01 00:00:00+00:00')"
        )
    newer.close()
    before = read(db, "select count(*) from crawls")
    message = (
        f"{db}: this archive was written by a newer thinkscrape (it has had "
        "m999_future_things, which this version does not know); upgrade thinkscrape to "
        "write to it."
    )
    with pytest.raises(NewerArchive) as refused:
        open_db(db)
    assert message in str(refused.value)
    unattended = run_crawl(cnas_mirror, db, runner=True, timeout=60)
    assert unattended.returncode == EXIT_NOT_STARTED, unattended.stderr[-3000:]
    assert message in unattended.stderr
    plain = run_crawl(cnas_mirror, db, timeout=60)
    assert plain.returncode == EXIT_NOT_STARTED, plain.stderr[-3000:]
    assert message in plain.stderr
    assert "Traceback" not in unattended.stderr + plain.stderr
    assert read(db, "select count(*) from crawls") == before  # nothing written
    # reading commands still read it
    stats = CliRunner().invoke(cli, ["stats", "--json", "--db", str(db)])
    assert stats.exit_code == 0, stats.output


def test_reextract_and_renormalize_say_why_a_file_is_not_an_archive(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not an archive\n", encoding="utf-8")
    for command in (
        ["reextract", "--db", str(text), str(SAMPLE_WARC)],
        ["renormalize", "--db", str(text)],
    ):
        result = subprocess.run([THINKSCRAPE, *command], capture_output=True, text=True)
        assert result.returncode == EXIT_NOT_STARTED, result.stderr
        assert f"Error: cannot open {text} as an archive: file is not a database" in result.stderr
        assert "Traceback" not in result.stderr
    assert text.read_text(encoding="utf-8") == "not an archive\n"
