"""Pages nested deeper than lxml builds a tree (about 2,000 levels): the cut is counted and
logged, never silent, and a page whose depth is one wrapper repeated is read whole."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils
from crawling import run_crawl
from faultserver import Fault, FaultServer

from thinkscrape.extract.common import PARSE_TRUNCATED, parse_html
from thinkscrape.sites import get

DEPTH = 5_000
WRAPPED = "/publications/reports/negotiating-with-north-korea"
INTERLEAVED = "/publications/commentary/americas-drone-gap"


def wrapped(html: bytes) -> bytes:
    """The page's body inside 5,000 nested <div>s."""
    head, body = html.split(b"<body", 1)
    open_end = body.index(b">") + 1
    inner, tail = body[open_end:].rsplit(b"</body>", 1)
    nested = b"<div>" * DEPTH + inner + b"</div>" * DEPTH
    return head + b"<body" + body[:open_end] + nested + b"</body>" + tail


def interleaved(html: bytes) -> bytes:
    """The page's body inside 5,000 levels of alternating tags, which do not flatten."""
    head, body = html.split(b"<body", 1)
    open_end = body.index(b">") + 1
    inner, tail = body[open_end:].rsplit(b"</body>", 1)
    nested = b"<div><section>" * (DEPTH // 2) + inner + b"</section></div>" * (DEPTH // 2)
    return head + b"<body" + body[:open_end] + nested + b"</body>" + tail


def test_parse_html_reports_and_recovers_the_depth_limit() -> None:
    page = "<html><body>" + "<div>" * DEPTH + "<p>deep</p>" + "</div>" * DEPTH + "<p>end</p>"
    sel, truncation = parse_html(page)
    assert truncation == "recovered"
    assert sel.xpath("//p/text()").getall() == ["deep", "end"]
    alternating = "<html><body>" + "<div><span>" * DEPTH + "<p>deep</p>" + "<p>end</p>"
    cut, truncation = parse_html(alternating)
    assert truncation == "truncated"
    assert cut.xpath("//p/text()").getall() == []
    assert parse_html("<html><body><p>shallow</p></body></html>")[1] is None


def test_a_deeply_nested_page_is_counted_logged_and_read(sample_root: Path, tmp_path: Path):
    db = tmp_path / "archive.db"
    original = (sample_root / WRAPPED.strip("/") / "index.html").read_bytes()
    expected = get("cnas").extract_article(f"https://www.cnas.org{WRAPPED}", original.decode())
    assert expected["body"] and PARSE_TRUNCATED not in expected
    with FaultServer(sample_root) as mirror:
        mirror.set_fault(WRAPPED, Fault("rewrite", rewrite=wrapped))
        mirror.set_fault(INTERLEAVED, Fault("rewrite", rewrite=interleaved))
        result = run_crawl(mirror.base_url, db)
    assert result.returncode == 0, result.stderr[-3000:]
    archive = sqlite_utils.Database(db)
    bodies = {
        row["url"]: row["body"] for row in archive.query("select url, body from publications")
    }
    assert bodies[f"https://www.cnas.org{WRAPPED}"] == expected["body"]
    (row,) = archive.query("select stats from crawls")
    stats = json.loads(row["stats"])
    assert stats["thinkscrape/extract/parse_truncated"] == 2
    assert stats["thinkscrape/extract/parse_recovered"] == 1
    assert (
        "Parse truncated at the HTML parser's depth limit, recovered by flattening repeated "
        f"wrapper tags: {mirror.base_url}{WRAPPED}"
    ) in result.stderr
    assert (
        "Parse truncated at the HTML parser's depth limit, the rest of the page is missing: "
        f"{mirror.base_url}{INTERLEAVED}"
    ) in result.stderr
