"""The chaos suite's shared pieces: one uninterrupted crawl of the bundled mirror to compare
every scenario with; the scenarios' crawls run two at a time in the background while the
tests judge them in order; and a table of outcomes printed at the end of the run (and written
as JSON to ``chaos-summary.json`` in pytest's temporary folder)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
from chaos_harness import (
    ACTS,
    MIRROR,
    MIRROR_PUBLICATIONS,
    Facts,
    ReferenceCrawl,
    default_crawl,
    judge,
    read_archive,
)
from faultserver import FaultServer

# Scenarios whose crawls run at once: two share the machine's two cores with the rest of it.
PARALLEL_SCENARIOS = 2


@pytest.fixture(scope="session")
def reference_crawl(tmp_path_factory: pytest.TempPathFactory) -> ReferenceCrawl:
    """One uninterrupted default crawl of the mirror, made once for the whole session."""
    folder = tmp_path_factory.mktemp("chaos-reference")
    db = folder / "archive.db"
    with FaultServer(MIRROR) as server:
        result = default_crawl(server.base_url, db, folder / "warc")
        base_url = server.base_url
    assert result.returncode == 0, result.stderr[-3000:]
    content = read_archive(db)
    assert len(content) == MIRROR_PUBLICATIONS
    judgement = judge(db, content)
    assert judgement.identical, judgement.outcome()  # integrity ok, every capture readable
    (warc,) = sorted((folder / "warc").glob("*.warc.gz"))
    return ReferenceCrawl(content, warc, base_url)


class ScenarioRuns:
    """The selected scenarios' crawls, started in the background in the tests' order."""

    def __init__(self, futures: dict[str, Future[Facts]]) -> None:
        self.futures = futures

    def facts(self, name: str) -> Facts:
        return self.futures[name].result()


@pytest.fixture(scope="session")
def scenario_runs(
    request: pytest.FixtureRequest,
    reference_crawl: ReferenceCrawl,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ScenarioRuns]:
    selected = [
        item.callspec.params["scenario"]
        for item in request.session.items
        if "scenario_runs" in getattr(item, "fixturenames", ())
        and "scenario" in getattr(getattr(item, "callspec", None), "params", {})
    ]
    pool = ThreadPoolExecutor(max_workers=PARALLEL_SCENARIOS, thread_name_prefix="chaos")
    futures = {
        name: pool.submit(ACTS[name], tmp_path_factory.mktemp(name), reference_crawl)
        for name in dict.fromkeys(selected)
    }
    try:
        yield ScenarioRuns(futures)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# --- the closing table ----------------------------------------------------------------------
@dataclass
class Outcome:
    group: str  # "kill-and-resume" or "fault"
    scenario: str
    outcome: str  # "identical", or what differs after the one default re-crawl
    missing: int  # publications missing after the one default re-crawl
    detail: str = ""  # what the interrupted or faulty crawl(s) did


_OUTCOMES = pytest.StashKey[list[Outcome]]()


@pytest.fixture
def record_outcome(request: pytest.FixtureRequest) -> Callable[[str, str, Facts], None]:
    """Record a scenario's outcome for the closing table (before the test asserts on it)."""

    def record(group: str, scenario: str, facts: Facts) -> None:
        request.config.stash.setdefault(_OUTCOMES, []).append(
            Outcome(
                group,
                scenario,
                facts.judgement.outcome(),
                len(facts.judgement.missing),
                facts.detail,
            )
        )

    return record


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    outcomes = config.stash.get(_OUTCOMES, [])
    if not outcomes:
        return
    write = terminalreporter.write_line
    terminalreporter.section("chaos: publications missing after one default re-crawl")
    for group in dict.fromkeys(o.group for o in outcomes):
        rows = [o for o in outcomes if o.group == group]
        identical = sum(o.outcome == "identical" for o in rows)
        write(f"{group}: {identical} identical of {len(rows)}")
        width = max(len(o.scenario) for o in rows)
        for o in rows:
            write(f"  {o.scenario:<{width}}  missing {o.missing:>3}  {o.outcome}")
            write(f"  {'':<{width}}    {o.detail}")
    folder = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    summary = Path(folder) / "chaos-summary.json"
    summary.write_text(json.dumps([asdict(o) for o in outcomes], indent=2) + "\n")
    write(f"(also in {summary})")
