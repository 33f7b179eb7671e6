"""The disk holding the archive and its WARC files fills up half-way through a night and is
freed before the night ends (another program's file, removed by the morning's cleanup). The
next default crawl must fetch what the night could not write, and the night must not call
itself healthy.

The disk is a tmpfs mounted for the test and filled by a file taking all its free space
(writes fail with ENOSPC) where mounting is allowed (root); elsewhere the crawl's own limit on
the size of the files it writes is lowered to what they hold (``RLIMIT_FSIZE``: writes that
grow a file fail with EFBIG), so the scenario runs for any user.
"""

from __future__ import annotations

import contextlib
import resource
import subprocess
from pathlib import Path

import pytest
from chaos_harness import (
    MIRROR,
    SLOW_DELAY,
    Crawl,
    Facts,
    ReferenceCrawl,
    act,
    default_crawl,
    judge,
    killable_argv,
    night_detail,
)
from faultserver import FaultServer

pytestmark = pytest.mark.chaos

# Requests of the night: full once the listings are read and the first publications stored,
# while the archive's write-ahead log is still growing; freed before the night ends.
FULL_AFTER, FREED_AFTER = 15, 60
DISK_FULL_MESSAGES = ("disk is full", "No space left on device", "File too large", "disk I/O")


class Disk:
    """The folder a crawl writes to, which the test can fill and free."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.kind = ""

    def __enter__(self) -> Disk:
        self.folder.mkdir(parents=True, exist_ok=True)
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(self.folder)],
            capture_output=True,
        )
        self.kind = "tmpfs filled up" if mounted.returncode == 0 else "file-size limit"
        return self

    def fill(self, pid: int) -> None:
        if self.kind == "tmpfs filled up":
            # written until the disk refuses more: the crawl writes meanwhile
            with (self.folder / "filler").open("wb", buffering=0) as filler:
                for chunk in (bytes(1 << 20), bytes(4096)):
                    with contextlib.suppress(OSError):
                        while True:
                            filler.write(chunk)
        else:
            largest = max(path.stat().st_size for path in self.folder.rglob("*") if path.is_file())
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (largest, resource.RLIM_INFINITY))

    def free(self, pid: int) -> None:
        if self.kind == "tmpfs filled up":
            (self.folder / "filler").unlink()
        else:
            limit = (resource.RLIM_INFINITY, resource.RLIM_INFINITY)
            resource.prlimit(pid, resource.RLIMIT_FSIZE, limit)

    def __exit__(self, *exc_info: object) -> None:
        if self.kind == "tmpfs filled up":
            subprocess.run(["umount", "-l", str(self.folder)], capture_output=True)


@act("full-disk")
def full_disk(folder: Path, reference: ReferenceCrawl) -> Facts:
    disk = folder / "disk"
    db, warc = disk / "archive.db", disk / "warc"  # the WARC files beside the archive
    with Disk(disk) as small, FaultServer(MIRROR, delay_all=SLOW_DELAY) as server:
        crawl = Crawl(killable_argv(server.base_url, db, warc))
        crawl.wait_for_requests(server, FULL_AFTER)
        small.fill(crawl.process.pid)
        crawl.wait_for_requests(server, FREED_AFTER)
        small.free(crawl.process.pid)
        code, stderr = crawl.wait(timeout=120)
        night = subprocess.CompletedProcess([], code, "", stderr)
        night_text = night_detail("night", night, db)
        server.delay_all = 0
        again = default_crawl(server.base_url, db, warc)
        judgement = judge(db, reference.content)
    full = any(message in stderr for message in DISK_FULL_MESSAGES)
    detail = (
        f"{small.kind} from request {FULL_AFTER} to {FREED_AFTER}; {night_text}, "
        f"writes failed: {full}; re-crawl exit {again.returncode}"
    )
    return Facts(judgement, detail, again, night, {"full": full})


@pytest.mark.parametrize("scenario", ["full-disk"])
def test_a_full_disk_night(scenario: str, scenario_runs, record_outcome) -> None:
    facts = scenario_runs.facts(scenario)
    record_outcome("fault", scenario, facts)
    assert facts.extra["full"], facts.night.stderr[-3000:]  # the night really ran out of room
    assert facts.judgement.identical, (facts.judgement, facts.again.stderr[-3000:])
    assert facts.night.returncode != 0, "a night that could not write called itself healthy"
    assert facts.again.returncode == 0, facts.again.stderr[-3000:]
