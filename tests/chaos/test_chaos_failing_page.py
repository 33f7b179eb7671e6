"""One publication answers 500 (after Scrapy's retries) on the first night. The next default
crawl must fetch it again, though its listing page is one an incremental crawl no longer
reads, and the night that left it out must not call itself healthy."""

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
from faultserver import Fault, FaultServer

pytestmark = pytest.mark.chaos

# A publication listed only on a later listing page (/reports/p2): a crawl that stops
# paginating at the first page of known publications never lists it again.
DEEP_PUBLICATION = "/publications/reports/the-future-force-readiness-after-the-drawdown"


def test_the_failing_publication_is_listed_on_a_later_page_only() -> None:
    # what the scenarios below rely on: the victim is not on the first page of its index
    assert DEEP_PUBLICATION in (MIRROR / "reports" / "p2" / "index.html").read_text()
    assert DEEP_PUBLICATION not in (MIRROR / "reports" / "index.html").read_text()


def publication_answering_500(jobdir: bool) -> Callable[[Path, ReferenceCrawl], Facts]:
    def run(folder: Path, reference: ReferenceCrawl) -> Facts:
        db, warc = folder / "archive.db", folder / "warc"
        settings = {"JOBDIR": str(folder / "job")} if jobdir else {}
        with FaultServer(MIRROR) as server:
            server.set_fault(DEEP_PUBLICATION, Fault("status", status=500))
            night = default_crawl(server.base_url, db, warc, **settings)
            failed = server.counts[DEEP_PUBLICATION]
            night_text = night_detail("night", night, db)
            server.clear_faults()
            server.reset_counts()
            again = default_crawl(server.base_url, db, warc, **settings)
            asked = server.counts[DEEP_PUBLICATION]
        detail = (
            f"{night_text} ({failed} requests answered 500); "
            f"re-crawl exit {again.returncode}, asked for it {asked} time(s)"
        )
        return Facts(judge(db, reference.content), detail, again, night)

    return run


act("500-no-jobdir")(publication_answering_500(jobdir=False))
act("500-cron-jobdir")(publication_answering_500(jobdir=True))


@pytest.mark.parametrize("scenario", ["500-no-jobdir", "500-cron-jobdir"])
def test_a_publication_answering_500(scenario: str, scenario_runs, record_outcome) -> None:
    facts = scenario_runs.facts(scenario)
    record_outcome("fault", scenario, facts)
    assert facts.judgement.identical, (facts.judgement, facts.again.stderr[-3000:])
    assert facts.again.returncode == 0, facts.again.stderr[-3000:]
    assert facts.night.returncode != 0, "a night that left a publication out called itself healthy"
