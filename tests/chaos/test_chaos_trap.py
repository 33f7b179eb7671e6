"""A pagination trap: the last page of a listing leads to a "next" page that is always a new
empty listing page. The crawl must stop by itself, say so in its verdict, and the next
default crawl on the repaired site must leave nothing missing."""

from __future__ import annotations

import re
import subprocess
import time
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
from faultserver import Fault, FaultServer

pytestmark = pytest.mark.chaos

TRAP_INDEX = "/articles-multimedia"
LAST_REAL_PAGE = 4
TRAP_PAGE = re.compile(rf"^{TRAP_INDEX}/p(\d+)/?$")


def _trap_page(number: int) -> bytes:
    return (
        "<!DOCTYPE html><html><head><title>Articles | CNAS</title></head><body>"
        '<div id="content"><section class="listing"><h1 class="page-title">Articles</h1>'
        '<ul class="listing__items"></ul><nav class="pagination sans-serif fz14">'
        f'<a class="pagination__next" href="{TRAP_INDEX}/p{number + 1}/">Next</a>'
        "</nav></section></div></body></html>"
    ).encode()


class TrapServer(FaultServer):
    """The mirror, with its last listing page of an index leading to a "next" page that is
    always a new empty listing page."""

    def _take_fault(self, path: str, target: str) -> Fault | None:
        fault = super()._take_fault(path, target)
        match = TRAP_PAGE.match(path)
        if fault is None and match and int(match[1]) > LAST_REAL_PAGE:
            return Fault("body", body=_trap_page(int(match[1])))
        return fault


def _into_the_trap(html: bytes) -> bytes:
    link = f'<a class="pagination__next" href="{TRAP_INDEX}/p{LAST_REAL_PAGE + 1}/">Next</a>'
    return html.replace(b"</nav>", link.encode() + b"</nav>", 1)


TRAP_TIMEOUT = 30  # seconds: a crawl still in the trap by then would never end by itself


@act("pagination-trap")
def pagination_trap(folder: Path, reference: ReferenceCrawl) -> Facts:
    db, warc = folder / "archive.db", folder / "warc"
    with TrapServer(MIRROR) as server:
        last_page = f"{TRAP_INDEX}/p{LAST_REAL_PAGE}/"
        server.set_fault(last_page, Fault("rewrite", rewrite=_into_the_trap))
        started = time.monotonic()
        try:
            night = run_crawl(
                server.base_url,
                db,
                runner=True,
                settings={"THINKSCRAPE_WARC_DIR": str(warc)},
                timeout=TRAP_TIMEOUT,
            )
            ended = True
        except subprocess.TimeoutExpired as expired:  # killed by the timeout
            stderr = expired.stderr.decode() if isinstance(expired.stderr, bytes) else ""
            night = subprocess.CompletedProcess([], -9, "", stderr)
            ended = False
        seconds = time.monotonic() - started
        night_text = night_detail("night", night, db)
        trap_pages = sum(n for path, n in server.counts.items() if TRAP_PAGE.match(path))
        server.clear_faults()
        again = default_crawl(server.base_url, db, warc)
    detail = (
        f"{night_text}, ended by itself: {ended}, after {seconds:.0f} s "
        f"and {trap_pages} trap pages; re-crawl exit {again.returncode}"
    )
    extra = {"ended": ended, "trap_pages": trap_pages}
    return Facts(judge(db, reference.content), detail, again, night, extra)


@pytest.mark.parametrize("scenario", ["pagination-trap"])
def test_a_pagination_trap(scenario: str, scenario_runs, record_outcome) -> None:
    facts = scenario_runs.facts(scenario)
    record_outcome("fault", scenario, facts)
    assert facts.extra["ended"], f"still in the trap after {TRAP_TIMEOUT} s"
    assert facts.night.returncode != 0, "a crawl stopped by a pagination cap called itself healthy"
    assert facts.judgement.identical, (facts.judgement, facts.again.stderr[-3000:])
    assert facts.again.returncode == 0, facts.again.stderr[-3000:]
