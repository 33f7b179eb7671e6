"""What every chaos scenario shares: crawls of the bundled mirror that can be interrupted at
a chosen point, and the "nothing lost" comparison with an uninterrupted crawl.

An archive is judged on what a researcher reads from it: per publication its URL, title,
date, authors in byline order, outlet, full-article link and type; the database must pass
``PRAGMA integrity_check``; and every capture row must point at a WARC record that reads back
with the record id it names.
"""

from __future__ import annotations

import io
import signal
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crawling import MIRRORS, REPO_ROOT, crawl_argv, run_crawl
from faultserver import FaultServer
from warcio.archiveiterator import ArchiveIterator

MIRROR = MIRRORS / "cnas"
MIRROR_PUBLICATIONS = 116

# Who fetches what is what the scenarios are about; how fast is not. Concurrency 2 and a
# small delay per answer leave a killed crawl time to be killed at the point chosen.
SLOW_DELAY = 0.02
SLOW_SETTINGS = {"CONCURRENT_REQUESTS": "2"}

COMPARED = """
    select p.url, p.title, p.published,
      (select group_concat(name, '; ') from (
         select a.name from publication_authors pa join authors a on a.id = pa.author_id
         where pa.publication_id = p.id order by pa.position)) as authors,
      p.outlet, p.full_article_url, p.type
    from publications p order by p.url
"""


def read_archive(db: Path) -> dict[str, tuple]:
    """Each publication's compared fields, by URL."""
    with _connect(db) as conn:
        return {row[0]: tuple(row) for row in conn.execute(COMPARED)}


def integrity(db: Path) -> str:
    with _connect(db) as conn:
        return "; ".join(row[0] for row in conn.execute("pragma integrity_check"))


def unreadable_captures(db: Path) -> list[str]:
    """Capture rows whose WARC record is missing, cut short or another record."""
    with _connect(db) as conn:
        rows = conn.execute("select url, warc_file, offset, length, record_id from captures")
        captures = rows.fetchall()
    bad = []
    for url, warc_file, offset, length, record_id in captures:
        if not _record_reads(Path(warc_file), offset, length, record_id):
            bad.append(f"{url} ({Path(warc_file).name}@{offset})")
    return bad


def _record_reads(path: Path, offset: int, length: int, record_id: str) -> bool:
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            chunk = stream.read(length)
        if len(chunk) != length:
            return False
        record = next(iter(ArchiveIterator(io.BytesIO(chunk))))
        record.content_stream().read()
        return record.rec_headers.get_header("WARC-Record-ID") == record_id
    except Exception:  # noqa: BLE001 (any failure to read it back is the answer)
        return False


def _connect(db: Path) -> sqlite3.Connection:
    # read-only: judging an archive must not change it
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


@dataclass
class Judgement:
    """How an archive compares with the uninterrupted crawl's."""

    missing: list[str]
    extra: list[str]
    different: list[str]
    integrity: str
    unreadable: list[str]

    @property
    def identical(self) -> bool:
        return (
            not (self.missing or self.extra or self.different or self.unreadable)
            and self.integrity == "ok"
        )

    def outcome(self) -> str:
        if self.identical:
            return "identical"
        parts = []
        if self.missing:
            parts.append(f"{len(self.missing)} missing")
        if self.extra:
            parts.append(f"{len(self.extra)} extra")
        if self.different:
            parts.append(f"{len(self.different)} different")
        if self.integrity != "ok":
            parts.append(f"integrity: {self.integrity[:60]}")
        if self.unreadable:
            parts.append(f"{len(self.unreadable)} unreadable captures")
        return ", ".join(parts)


def judge(db: Path, reference: dict[str, tuple]) -> Judgement:
    archive = read_archive(db)
    return Judgement(
        missing=sorted(set(reference) - set(archive)),
        extra=sorted(set(archive) - set(reference)),
        different=sorted(
            url for url in set(archive) & set(reference) if archive[url] != reference[url]
        ),
        integrity=integrity(db),
        unreadable=unreadable_captures(db),
    )


def night_detail(name: str, result: subprocess.CompletedProcess[str], db: Path) -> str:
    return f"{name}: exit {result.returncode}, {stored(db)} stored"


def stored(db: Path) -> int:
    if not db.exists():
        return 0
    with _connect(db) as conn:
        try:
            return conn.execute("select count(*) from publications").fetchone()[0]
        except sqlite3.OperationalError:  # killed before the schema was made
            return 0


class Crawl:
    """A crawl running in a subprocess, to be interrupted when the server has seen enough."""

    def __init__(self, argv: list[str]) -> None:
        # a file, not a pipe: a crawl logging more than a pipe holds must not block on it
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            argv, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=self.log
        )

    def wait_for_requests(self, server: FaultServer, count: int, timeout: float = 60) -> None:
        """Return once the server has answered ``count`` requests (all crawls together)."""
        deadline = time.monotonic() + timeout
        while server.counts.total() < count:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the crawl ended (exit {self.process.returncode}) after "
                    f"{server.counts.total()} requests, before it could be interrupted"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"fewer than {count} requests in {timeout} s")
            time.sleep(0.005)

    def signal(self, how: signal.Signals) -> None:
        self.process.send_signal(how)

    def wait(self, timeout: float = 60) -> tuple[int, str]:
        """The crawl's exit code and its log (stderr), once it ended."""
        try:
            self.process.wait(timeout=timeout)
        finally:
            self.process.kill()
            self.process.wait()
        self.log.seek(0)
        stderr = self.log.read().decode("utf-8", "replace")
        self.log.close()
        return self.process.returncode, stderr


def default_crawl(
    base_url: str, db: Path, warc_dir: Path | str, *, runner: bool = True, **settings: str
) -> subprocess.CompletedProcess[str]:
    """One default crawl (incremental: no ``full``, no ``refresh``) to its end."""
    return run_crawl(
        base_url,
        db,
        runner=runner,
        settings={"THINKSCRAPE_WARC_DIR": str(warc_dir), **settings},
    )


def killable_argv(
    base_url: str, db: Path, warc_dir: Path | str, *, runner: bool = True, **settings: str
) -> list[str]:
    return crawl_argv(
        base_url,
        db,
        runner=runner,
        settings={"THINKSCRAPE_WARC_DIR": str(warc_dir), **SLOW_SETTINGS, **settings},
    )


@dataclass(frozen=True)
class ReferenceCrawl:
    """One uninterrupted default crawl of the mirror, made once per session."""

    content: dict[str, tuple]  # the compared fields of each publication, by URL
    warc: Path  # the WARC file it wrote
    base_url: str  # the origin it fetched from (its WARC records name it)


@dataclass
class Facts:
    """What a scenario did, for its test to judge."""

    judgement: Judgement  # the archive after the one default re-crawl
    detail: str  # what the interrupted or faulty crawl(s) and the re-crawl did
    again: subprocess.CompletedProcess[str]  # the one default re-crawl
    night: subprocess.CompletedProcess[str] | None = None  # the faulty night, if one
    extra: dict[str, object] = field(default_factory=dict)


Act = Callable[[Path, ReferenceCrawl], Facts]

# Every scenario's crawls, by name: run two at a time in the background (see conftest) while
# the tests judge them in order.
ACTS: dict[str, Act] = {}


def act(name: str) -> Callable[[Act], Act]:
    def register(function: Act) -> Act:
        if name in ACTS:
            raise ValueError(f"two chaos scenarios named {name!r}")
        ACTS[name] = function
        return function

    return register
