"""``scrapy crawl generic``: a site with no site file, crawled through the sitemaps its
robots.txt names (or a sitemap or feed given) and the general page objects, over HTTP on
127.0.0.1 with the bundled WordPress/Yoast mirror of 38 North."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from crawling import FAST_SETTINGS, MIRRORS, REPO_ROOT

from thinkscrape.discovery.feed import read_feed
from thinkscrape.discovery.sitemap import read_sitemap
from thinkscrape.extensions.health import nothing_new_reason
from thinkscrape.mirror import serve_mirror

MIRROR_ROOT = MIRRORS / "38north"
HOME = "https://www.38north.org"


@pytest.fixture(scope="module")
def mirror() -> Iterator[str]:
    with serve_mirror(MIRROR_ROOT) as served:
        yield served.base_url


def crawl(
    db: Path, *arguments: str, runner: bool = False, settings: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    if runner:
        argv = [sys.executable, "-m", "thinkscrape.runner", "generic", "--db", str(db)]
        argv += ["-s", "LOG_FILE=-"]
    else:
        argv = [sys.executable, "-m", "scrapy", "crawl", "generic", "-s", f"THINKSCRAPE_DB={db}"]
    for argument in arguments:
        argv += ["-a", argument]
    for name, value in {**FAST_SETTINGS, **(settings or {})}.items():
        argv += ["-s", f"{name}={value}"]
    return subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


def last_stats(db: Path) -> dict:
    row = next(sqlite_utils.Database(db).query("select stats from crawls order by id desc limit 1"))
    return json.loads(row["stats"])


def in_sitemap(name: str) -> set[str]:
    found = read_sitemap((MIRROR_ROOT / name).read_bytes())
    return {entry.url.rstrip("/") for entry in found.entries}


def test_a_site_without_a_site_file_is_archived_through_its_robots_sitemaps(
    mirror: str, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    result = crawl(
        db,
        f"home={HOME}",
        f"base_url={mirror}",
        runner=True,
        settings={"THINKSCRAPE_WARC_DIR": str(tmp_path / "warc")},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    archive = sqlite_utils.Database(db)
    rows = list(archive.query("select url, site, title from publications"))
    # the posts' and reports' sitemaps; Yoast's page and author sitemaps are no publications
    assert {row["url"] for row in rows} == in_sitemap("post-sitemap.xml") | in_sitemap(
        "report-sitemap.xml"
    )
    assert all(row["site"] == "generic" and row["title"] for row in rows)
    assert archive["captures"].count >= len(rows)  # every response kept in a WARC file
    crawl_row = next(archive.query("select spider, status from crawls"))
    assert crawl_row == {"spider": "generic", "status": "ok"}

    # the next night: the sitemap index shows no child changed since, so nothing else is read
    again = crawl(db, f"home={HOME}", f"base_url={mirror}", runner=True)
    assert again.returncode == 0, again.stderr[-3000:]
    stats = last_stats(db)
    assert stats["thinkscrape/discovery/sitemap/skipped_unchanged"] == 2
    assert stats["downloader/request_count"] == 3  # robots.txt twice, the sitemap index
    assert nothing_new_reason(stats) == "no sitemap changed since the last crawl"


def test_a_feed_given_is_read_instead(mirror: str, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    result = crawl(db, f"home={HOME}", "feed=/feed/", f"base_url={mirror}")
    assert result.returncode == 0, result.stderr[-3000:]
    feed = read_feed((MIRROR_ROOT / "feed" / "index.xml").read_bytes())
    urls = {row["url"] for row in sqlite_utils.Database(db).query("select url from publications")}
    assert urls == {entry.url.rstrip("/") for entry in feed.entries}
    assert last_stats(db)["thinkscrape/discovery/feed/pages"] == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((), "the generic spider needs the site's address: -a home=https://www.example.org"),
        (("home=www.example.org",), "home must be the site's http(s) address"),
        (
            ("home=https://www.example.org", "sitemap=https://elsewhere.net/sitemap.xml"),
            "sitemap must be a URL on https://www.example.org or a path",
        ),
        (("home=https://www.example.org", "publications=(("), "publications must be a regular"),
    ],
)
def test_bad_arguments_stop_the_crawl_before_it_starts(
    arguments: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    result = crawl(tmp_path / "archive.db", *arguments)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
