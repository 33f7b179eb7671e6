"""Scrapy's own tools on the project: ``scrapy check`` (contracts), ``scrapy parse`` and
feed exports (``-O``), run as a user runs them, against the bundled mirror or its WARC."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
from crawling import CNAS_CAPTURE as SAMPLE_WARC
from crawling import MIRRORS, REPO_ROOT, crawl_argv
from faultserver import Fault, FaultServer
from scrapy.exceptions import ContractFail

from thinkscrape.contracts import FillsContract
from thinkscrape.items import FEED_AUTHOR_FIELDS, FEED_FIELDS

SAMPLE = MIRRORS / "cnas"
ARTICLE = "/publications/commentary/north-korea-and-the-blink-of-war"  # the contracts' page


def scrapy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``scrapy ARGS`` from ``cwd`` (not the repository: whatever it writes lands there)."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd,
        env={**os.environ, "SCRAPY_SETTINGS_MODULE": "thinkscrape.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def contracts_ran(output: str) -> int:
    match = re.search(r"Ran (\d+) contracts?", output)
    return int(match.group(1)) if match else 0


# --- scrapy check --------------------------------------------------------------------------
def test_contracts_pass_on_the_mirror_and_write_nothing(cnas_mirror: str, tmp_path: Path) -> None:
    result = scrapy("check", "cnas", "-a", f"base_url={cnas_mirror}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert contracts_ran(result.stderr) >= 4, result.stderr[-3000:]
    assert result.stderr.rstrip().endswith("OK")
    assert list(tmp_path.iterdir()) == []  # no archive, no WARC file


def test_fills_takes_either_of_two_fields_joined_by_a_bar() -> None:
    # a page whose header marks each author up shows no byline line: contributors will do
    class Spider:
        name = "example"

        def parse(self) -> None: ...

    contract = FillsContract(Spider().parse, "title", "byline_raw|contributors")
    contract.post_process([{"title": "T", "byline_raw": None, "contributors": [{"name": "A"}]}])
    contract.post_process([{"title": "T", "byline_raw": "By A", "contributors": []}])
    with pytest.raises(ContractFail, match=r"Empty fields: byline_raw\|contributors"):
        contract.post_process([{"title": "T", "byline_raw": None, "contributors": []}])


def test_contracts_pass_offline_from_the_bundled_warc(tmp_path: Path) -> None:
    result = scrapy("check", "cnas", "-s", f"THINKSCRAPE_REPLAY={SAMPLE_WARC}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert contracts_ran(result.stderr) >= 4
    assert list(tmp_path.iterdir()) == []


def _without_title(html: bytes) -> bytes:
    html = re.sub(rb"<h1[^>]*>.*?</h1>", b"", html, flags=re.S)
    html = re.sub(rb"<title>.*?</title>", b"", html, flags=re.S)
    return re.sub(rb'<meta property="og:title"[^>]*>', b"", html)


def test_contracts_fail_on_a_broken_page(tmp_path: Path) -> None:
    with FaultServer(SAMPLE) as server:
        server.set_fault(ARTICLE, Fault("rewrite", rewrite=_without_title))
        result = scrapy("check", "cnas", "-a", f"base_url={server.base_url}", cwd=tmp_path)
    assert result.returncode != 0
    assert "FAILED" in result.stderr
    assert "Empty fields: title" in result.stderr, result.stderr[-3000:]


# --- scrapy parse --------------------------------------------------------------------------
def test_parse_picks_the_callback_and_writes_nothing(cnas_mirror: str, tmp_path: Path) -> None:
    spider = ["parse", "--spider=cnas", "-a", f"base_url={cnas_mirror}"]
    # even told where an archive is, a look at a page does not write to it
    archive = ["-s", f"THINKSCRAPE_DB={tmp_path / 'archive.db'}"]
    article = scrapy(*spider, *archive, "--pipelines", f"{cnas_mirror}{ARTICLE}", cwd=tmp_path)
    assert article.returncode == 0, article.stderr[-3000:]
    assert "North Korea and the ‘Blink’ of War" in article.stdout
    assert "'published': '2017-08-02'" in article.stdout  # normalised: --pipelines ran
    listing = scrapy(*spider, f"{cnas_mirror}/reports", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr[-3000:]
    assert len(re.findall(r"<GET [^>]*/publications/", listing.stdout)) >= 10
    assert "Traceback" not in article.stderr + listing.stderr
    assert list(tmp_path.iterdir()) == []


# --- feed exports --------------------------------------------------------------------------
def test_feed_export_has_the_public_fields_and_positions_from_zero(
    cnas_mirror: str, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    feed = tmp_path / "items.jsonl"
    result = subprocess.run(
        [*crawl_argv(cnas_mirror, db), "-O", str(feed)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    items = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    assert len(items) == sqlite_utils.Database(db)["publications"].count
    for item in items:
        assert set(item) <= set(FEED_FIELDS), set(item) - set(FEED_FIELDS)
        for author in item["authors"]:
            assert set(author) == set(FEED_AUTHOR_FIELDS)
    stored = {
        (row["url"], row["name"]): row["position"]
        for row in sqlite_utils.Database(db).query(
            "select p.url, a.name, pa.position from publication_authors pa"
            " join publications p on p.id = pa.publication_id join authors a on a.id = pa.author_id"
        )
    }
    exported = {(i["url"], a["name"]): a["position"] for i in items for a in i["authors"]}
    assert exported == stored  # the same byline order, counted from 0 as in the archive
    assert 0 in exported.values()
