"""A truncated WARC file, or one with a damaged record in the middle, replayed into an
archive: the replay must not call itself healthy, and one default crawl of the site
afterwards must leave nothing missing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from chaos_harness import (
    MIRROR,
    Facts,
    ReferenceCrawl,
    act,
    default_crawl,
    judge,
    night_detail,
)
from crawling import run_crawl
from faultserver import FaultServer

pytestmark = pytest.mark.chaos


def _truncated(warc: bytes) -> bytes:
    return warc[: len(warc) * 55 // 100]


def _damaged_in_the_middle(warc: bytes) -> bytes:
    # 64 zero bytes half-way through, inside one record's gzip member
    middle = len(warc) // 2
    return warc[:middle] + bytes(64) + warc[middle + 64 :]


def damaged_warc_replayed(damage: Callable[[bytes], bytes]) -> Callable[..., Facts]:
    def run(folder: Path, reference: ReferenceCrawl) -> Facts:
        warc = folder / "replayed.warc.gz"
        warc.write_bytes(damage(reference.warc.read_bytes()))
        db = folder / "archive.db"
        # answered from the file alone: nothing listens at the recorded origin any more
        night = run_crawl(
            reference.base_url,
            db,
            runner=True,
            settings={"THINKSCRAPE_REPLAY": str(warc), "THINKSCRAPE_WARC_DIR": ""},
        )
        night_text = night_detail("replay", night, db)
        with FaultServer(MIRROR) as server:
            again = default_crawl(server.base_url, db, folder / "warc")
        detail = f"{night_text}; re-crawl of the mirror exit {again.returncode}"
        return Facts(judge(db, reference.content), detail, again, night)

    return run


act("truncated-warc-replayed")(damaged_warc_replayed(_truncated))
act("damaged-warc-member-replayed")(damaged_warc_replayed(_damaged_in_the_middle))


@pytest.mark.parametrize("scenario", ["damaged-warc-member-replayed"])
def test_a_damaged_warc_replayed(scenario: str, scenario_runs, record_outcome) -> None:
    facts = scenario_runs.facts(scenario)
    record_outcome("fault", scenario, facts)
    assert facts.night.returncode != 0, "the replay of a damaged WARC file called itself healthy"
    assert facts.judgement.identical, (facts.judgement, facts.again.stderr[-3000:])
    assert facts.again.returncode == 0, facts.again.stderr[-3000:]
