"""One page fails on the first night: a publication or a later page of a listing answering
500 (after Scrapy's retries), or a publication redirecting where the crawl must not follow.
The next default crawl must fetch it again, though it is listed on (or is) a listing page
that an incremental crawl no longer reads, and the night that left it out must not call
itself healthy."""

from __future__ import annotations

import re
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
# A later listing page, and the only one to list some publications.
DEEP_LISTING_PAGE = "/articles-multimedia/p3/"


def test_the_failing_pages_are_behind_the_first_listing_page() -> None:
    # what the scenarios below rely on: the victims are not on the first page of an index
    assert DEEP_PUBLICATION in (MIRROR / "reports" / "p2" / "index.html").read_text()
    assert DEEP_PUBLICATION not in (MIRROR / "reports" / "index.html").read_text()
    listed_there = set(re.findall(r'href="([^"]*/publications/[^"]*)"', _page(DEEP_LISTING_PAGE)))
    others = "".join(_page(f"/articles-multimedia/{page}") for page in ("", "p2/", "p4/"))
    assert any(url not in others for url in listed_there)


def _page(path: str) -> str:
    return (MIRROR / path.strip("/") / "index.html").read_text()


def page_failing(
    path: str, jobdir: bool, fault: Fault | None = None
) -> Callable[[Path, ReferenceCrawl], Facts]:
    """The scenario: ``path`` misbehaves (by default answers 500) for the whole first night."""

    def run(folder: Path, reference: ReferenceCrawl) -> Facts:
        db, warc = folder / "archive.db", folder / "warc"
        settings = {"JOBDIR": str(folder / "job")} if jobdir else {}
        with FaultServer(MIRROR) as server:
            server.set_fault(path, fault or Fault("status", status=500))
            night = default_crawl(server.base_url, db, warc, **settings)
            failed = server.counts[path]
            night_text = night_detail("night", night, db)
            server.clear_faults()
            server.reset_counts()
            again = default_crawl(server.base_url, db, warc, **settings)
            asked = server.counts[path]
        detail = (
            f"{night_text} ({failed} faulty answers); "
            f"re-crawl exit {again.returncode}, asked for it {asked} time(s)"
        )
        return Facts(judge(db, reference.content), detail, again, night)

    return run


act("500-no-jobdir")(page_failing(DEEP_PUBLICATION, jobdir=False))
act("500-cron-jobdir")(page_failing(DEEP_PUBLICATION, jobdir=True))
act("listing-page-500")(page_failing(DEEP_LISTING_PAGE, jobdir=False))
# a redirect the crawl must not follow: to another port of the same host
act("redirect-dropped")(
    page_failing(
        DEEP_PUBLICATION, jobdir=False, fault=Fault("redirect", location="http://127.0.0.1:9/x")
    )
)


@pytest.mark.parametrize(
    "scenario", ["500-no-jobdir", "500-cron-jobdir", "listing-page-500", "redirect-dropped"]
)
def test_a_page_failing_on_the_first_night(scenario: str, scenario_runs, record_outcome) -> None:
    facts = scenario_runs.facts(scenario)
    record_outcome("fault", scenario, facts)
    assert facts.judgement.identical, (facts.judgement, facts.again.stderr[-3000:])
    assert facts.again.returncode == 0, facts.again.stderr[-3000:]
    assert facts.night.returncode != 0, "a night that left a page out called itself healthy"
