"""The charts of `thinkscrape browse`, drawn by a real browser from the demo archive.

`thinkscrape demo` replays the bundled sample into an archive, `thinkscrape browse` serves
it on 127.0.0.1, and headless Chromium (Debian's package; `.ci/run` installs it) opens the
dashboard. Vega draws each bar as an SVG path, so the DOM Chromium dumps after running the
page's scripts shows what was drawn: one bar per row of the chart's query.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from parsel import Selector
from serving import THINKSCRAPE, read_stderr, start_browse, stop_group, wait_for_port

from thinkscrape import sites
from thinkscrape.cli import DASHBOARD_PATH, METADATA_PATH

DASHBOARD = json.loads(METADATA_PATH.read_text(encoding="utf-8"))["plugins"][
    "datasette-dashboards"
]["publications"]
CHARTS = ["per_month_by_type", "per_month_by_site", "outlets", "authors"]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing but this machine answers: a chart that needed the network would not draw.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    # Run the page's scripts (fetch the data, draw) before the DOM is dumped.
    "--virtual-time-budget=20000",
]


def chromium() -> str:
    found = shutil.which("chromium")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is missing: .ci/run installs it with apt-get")
    pytest.skip("chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    result = subprocess.run(
        [str(THINKSCRAPE), "demo", "--db", str(db)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return db


@pytest.fixture(scope="module")
def dashboard_url(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    browse = start_browse(demo_archive, tmp_path_factory.mktemp("tmp"), "--port", "0")
    try:
        port = wait_for_port(read_stderr(browse), browse)
        yield f"http://127.0.0.1:{port}{DASHBOARD_PATH}"
    finally:
        browse.send_signal(signal.SIGTERM)
        stop_group(browse)


def rendered(url: str) -> Selector:
    """The page's DOM once Chromium has run its scripts."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        result = subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    return Selector(text=result.stdout)


def bars(page: Selector, chart: str) -> list[str]:
    """The outline of every bar Vega drew in ``chart``."""
    return page.css(f"#chart-{chart} svg g.mark-rect path::attr(d)").getall()


def chart_rows(db: Path, chart: str, **filters: str) -> int:
    """How many rows the chart's own query gives, with the filters the page was given."""

    def keep_filter(match: re.Match) -> str:
        return match.group(1) if re.search(r":(\w+)", match.group(1)).group(1) in filters else ""

    sql = re.sub(r"\[\[(.*?)\]\]", keep_filter, DASHBOARD["charts"][chart]["query"])
    with sqlite3.connect(db) as connection:
        return len(connection.execute(sql, filters).fetchall())


def test_every_chart_draws_one_bar_per_row_of_its_query(
    dashboard_url: str, demo_archive: Path
) -> None:
    page = rendered(dashboard_url)
    drawn = {chart: len(bars(page, chart)) for chart in CHARTS}
    expected = {chart: chart_rows(demo_archive, chart) for chart in CHARTS}
    assert drawn == expected
    # The demo holds enough to make each chart worth a look.
    assert drawn["per_month_by_site"] > 50 and drawn["authors"] >= 15 and drawn["outlets"] >= 15
    for chart in CHARTS:
        assert all(re.match(r"M-?[\d.]+,-?[\d.]+", outline) for outline in bars(page, chart))
    # Everything the page loads comes from Datasette itself.
    sources = page.css("script::attr(src), link::attr(href)").getall()
    assert sources and all(source.startswith("/") for source in sources), sources


def test_filters_narrow_the_charts(dashboard_url: str, demo_archive: Path) -> None:
    page = rendered(f"{dashboard_url}?since=2020-01-01")
    drawn = {chart: len(bars(page, chart)) for chart in CHARTS}
    expected = {chart: chart_rows(demo_archive, chart, since="2020-01-01") for chart in CHARTS}
    assert drawn == expected
    assert drawn["per_month_by_site"] < chart_rows(demo_archive, "per_month_by_site")


def test_one_colour_per_type_in_every_chart() -> None:
    for chart in ("per_month_by_type", "outlets", "authors"):
        colour = DASHBOARD["charts"][chart]["display"]["encoding"]["color"]
        # the colours are given for the demo's site, the bundled sample's
        assert colour["scale"]["domain"] == list(sites.get("cnas").types)


def test_the_database_page_points_to_the_charts(dashboard_url: str) -> None:
    base = dashboard_url.removesuffix(DASHBOARD_PATH)
    with urllib.request.urlopen(f"{base}/demo", timeout=10) as response:
        page = response.read().decode("utf-8")
    assert f"at {DASHBOARD_PATH}." in page  # the description
    assert f'href="{DASHBOARD_PATH.rsplit("/", 1)[0]}"' in page  # Dashboards in the menu
