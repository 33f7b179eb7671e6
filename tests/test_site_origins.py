"""Nothing outside the site's origins is fetched: another port of the mirror's own host is
another origin, and a redirect there is dropped, counted and logged."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils
from crawling import run_crawl
from faultserver import Fault, FaultServer

from thinkscrape.middlewares.origins import origin_of, spider_origins
from thinkscrape.spiders.thinktanks import CnasSpider

ARTICLE = "/publications/reports/negotiating-with-north-korea"
LISTING_PAGE = "/reports/p2"


def test_a_redirect_to_another_port_of_the_mirror_host_is_never_fetched(
    sample_root: Path, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    with FaultServer(sample_root) as mirror, FaultServer(sample_root) as service:
        other = f"http://127.0.0.1:{service.port}"
        mirror.set_fault(ARTICLE, Fault("redirect", location=f"{other}/secret"))
        mirror.set_fault(LISTING_PAGE, Fault("redirect", location=f"{other}{LISTING_PAGE}"))
        result = run_crawl(mirror.base_url, db)
        fetched_elsewhere = service.counts.total()
    assert result.returncode == 0, result.stderr[-3000:]
    assert fetched_elsewhere == 0
    (row,) = sqlite_utils.Database(db).query("select stats from crawls")
    stats = json.loads(row["stats"])
    assert stats["thinkscrape/offsite/dropped_origin"] == 2
    assert (
        f"Not fetched, outside the site's origins ({mirror.base_url}): {other}/secret "
        f"(redirected from {mirror.base_url}{ARTICLE})"
    ) in result.stderr


def test_the_origins_of_a_spider() -> None:
    live = spider_origins(CnasSpider())
    assert ("https", "www.cnas.org", 443) in live and ("http", "cnas.org", 80) in live
    assert origin_of("https://www.cnas.org:8443/reports") not in live
    assert origin_of("ftp://www.cnas.org/reports") is None
    mirror = spider_origins(CnasSpider(base_url="http://127.0.0.1:8000/"))
    assert mirror == {("http", "127.0.0.1", 8000)}
    assert origin_of("http://127.0.0.1:8001/") not in mirror
    assert origin_of("https://www.cnas.org/") not in mirror
