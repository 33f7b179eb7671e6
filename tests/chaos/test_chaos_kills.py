"""Kill-and-resume: a crawl of the mirror stopped at any point, by any signal, once or twice,
is followed by ONE default crawl (with the same JOBDIR where the stopped one had one), and
the archive is then identical to an uninterrupted crawl's, sound, with every capture readable.
"""

from __future__ import annotations

import functools
import signal
import time
from dataclasses import dataclass, field
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
    stored,
)
from faultserver import FaultServer

pytestmark = pytest.mark.chaos

# Requests a first crawl of the mirror makes: robots.txt, 8 listing pages, 117 publications.
ALL_REQUESTS = 126


@dataclass(frozen=True)
class Interruption:
    """Stop a crawl once it has made ``after`` requests, with ``signals`` sent in turn."""

    after: int
    signals: tuple[signal.Signals, ...] = (signal.SIGKILL,)


@dataclass(frozen=True)
class Sequence:
    interruptions: tuple[Interruption, ...]
    jobdir: bool = True
    runner: bool = True  # thinkscrape crawl (cron's command), else scrapy crawl
    settings: dict[str, str] = field(default_factory=dict)


KILL = (signal.SIGKILL,)
SEQUENCES = {
    # right after start: robots.txt asked for, the crawl's row just opened
    "sigkill-at-start-jobdir": Sequence((Interruption(1),)),
    # during listings: the first listing pages requested, no publication yet
    "sigkill-in-listings": Sequence((Interruption(4),), jobdir=False),
    # during article writes, WARC files rolling over every few records
    "sigkill-in-articles-jobdir": Sequence(
        (Interruption(50),), settings={"THINKSCRAPE_WARC_MAX_SIZE": "120000"}
    ),
    # late: the last publications being written
    "sigkill-late": Sequence((Interruption(ALL_REQUESTS - 6),), jobdir=False),
    # killed twice: in the listings, then the restarted crawl among its articles
    "sigkill-twice-jobdir": Sequence((Interruption(6), Interruption(30))),
    # scrapy crawl itself, with a JOBDIR
    "scrapy-crawl-sigkill-jobdir": Sequence((Interruption(50),), runner=False),
    # a graceful stop: the queue is saved and the same command resumes it
    "sigint-jobdir": Sequence((Interruption(50, (signal.SIGINT,)),)),
    # SIGTERM, then a second one that forces the stop: no queue saved
    "sigterm-twice-jobdir": Sequence((Interruption(50, (signal.SIGTERM, signal.SIGTERM)),)),
}


def interrupt(server: FaultServer, argv: list[str], when: Interruption) -> tuple[int, int]:
    """Run a crawl and interrupt it; the requests it made and its exit code."""
    before = server.counts.total()
    crawl = Crawl(argv)
    try:
        crawl.wait_for_requests(server, before + when.after)
        for how in when.signals:
            crawl.signal(how)
            if how != when.signals[-1]:
                time.sleep(0.3)  # the first signal's graceful stop has begun
        code, _ = crawl.wait()
    finally:
        crawl.process.kill()
    return server.counts.total() - before, code


def run_sequence(sequence: Sequence, folder: Path, reference: ReferenceCrawl) -> Facts:
    db, warc_dir = folder / "archive.db", folder / "warc"
    settings = dict(sequence.settings)
    if sequence.jobdir:
        settings["JOBDIR"] = str(folder / "job")
    details = []
    with FaultServer(MIRROR) as server:
        for when in sequence.interruptions:
            server.delay_all = SLOW_DELAY
            argv = killable_argv(server.base_url, db, warc_dir, runner=sequence.runner, **settings)
            requests, code = interrupt(server, argv, when)
            details.append(
                f"{'+'.join(s.name for s in when.signals)} after {requests} requests: "
                f"exit {code}, {stored(db)} stored"
            )
        server.delay_all = 0
        again = default_crawl(server.base_url, db, warc_dir, runner=sequence.runner, **settings)
    details.append(f"re-crawl exit {again.returncode}")
    return Facts(judge(db, reference.content), "; ".join(details), again)


for _name, _sequence in SEQUENCES.items():
    act(_name)(functools.partial(run_sequence, _sequence))


@pytest.mark.parametrize("scenario", list(SEQUENCES))
def test_kill_and_resume(scenario: str, scenario_runs, record_outcome) -> None:
    facts = scenario_runs.facts(scenario)
    record_outcome("kill-and-resume", scenario, facts)
    assert facts.judgement.identical, (facts.judgement, facts.again.stderr[-3000:])
    assert facts.again.returncode == 0, facts.again.stderr[-3000:]
