"""Requests an incremental nightly crawl makes, against a full crawl measured in the same run.

An offline mirror of 500 synthetic CNAS publications (``sitegen.cnas``, site chrome
left out for speed) is crawled in full into a fresh archive: that first crawl is the naive
reference, about 1 robots.txt + 500/20 listing pages + 500 articles. Then 7 publications are
added at the top of the listings and the default (incremental) crawl runs; then it runs once
more on the unchanged site. Requests are Scrapy's own ``downloader/request_count``, read from
each crawl's row in the archive's ``crawls`` table.

Targets: at most 1.5 requests per new publication, listing pages included; an unchanged
site costs one request per listing index plus robots.txt.

The same three crawls are then made of a WordPress/Yoast site (``sitegen.north38``, 500
synthetic pieces, one a day up to yesterday, 7 new ones dated from today): once through the
sitemaps its robots.txt names alone (``scrapy crawl generic``), where the incremental crawl
reads only the child sitemaps whose ``<lastmod>`` is later than the last crawl's start, and
once as its site file declares it (``scrapy crawl 38north``: listings, sitemap index and
feed). Their figures are reported; the target is the listing site's.

Run: ``python -m benchmarks.incremental`` (about a minute).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from sitegen import north38
from sitegen.cnas import PAGE_SIZE, generate_site, synthetic_records
from thinkscrape.mirror import serve_mirror
from thinkscrape.spiders.thinktanks import CnasSpider

PUBLICATIONS = 500
NEW = 7
TARGET_PER_NEW = 1.5
REPO_ROOT = Path(__file__).resolve().parent.parent
CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "THINKSCRAPE_WARC_DIR": "",
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": "0",
}


def crawl(base_url: str, db: Path, spider: str = "cnas", *arguments: str) -> dict[str, Any]:
    """Run ``scrapy crawl SPIDER`` on the mirror into ``db``; the crawl's stats and wall time."""
    argv = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"base_url={base_url}"]
    for argument in arguments:
        argv += ["-a", argument]
    for name, value in {**CRAWL_SETTINGS, "THINKSCRAPE_DB": str(db)}.items():
        argv += ["-s", f"{name}={value}"]
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"crawl failed ({result.returncode}):\n{result.stderr[-3000:]}")
    row = next(sqlite_utils.Database(db).query("select stats from crawls order by id desc limit 1"))
    return {"stats": json.loads(row["stats"]), "seconds": seconds}


def publications(db: Path) -> int:
    return sqlite_utils.Database(db)["publications"].count


def run() -> dict[str, Any]:
    listing_indexes = len(CnasSpider.listing_paths)
    with tempfile.TemporaryDirectory(prefix="thinkscrape-incremental-") as tmp:
        site, db = Path(tmp) / "site", Path(tmp) / "archive.db"
        generate_site(site, synthetic_records(PUBLICATIONS), pad=False)
        with serve_mirror(site) as mirror:
            full = crawl(mirror.base_url, db)
            stored_full = publications(db)
            # The generator is prefix-stable and newer records sort first: the 7 extra
            # records are new publications at the top of their listings.
            generate_site(site, synthetic_records(PUBLICATIONS + NEW), pad=False)
            incremental = crawl(mirror.base_url, db)
            stored_after = publications(db)
            unchanged = crawl(mirror.base_url, db)
            stored_unchanged = publications(db)

    def requests(outcome: dict[str, Any]) -> int:
        return int(outcome["stats"].get("downloader/request_count", 0))

    def listing_pages(outcome: dict[str, Any]) -> int:
        return int(outcome["stats"].get("thinkscrape/listing/pages", 0))

    new_stored = stored_after - stored_full
    figures = {
        "publications": PUBLICATIONS,
        "new_publications": NEW,
        "full_requests": requests(full),
        "full_listing_pages": listing_pages(full),
        "full_seconds": round(full["seconds"], 1),
        "full_stored": stored_full,
        "incremental_requests": requests(incremental),
        "incremental_seconds": round(incremental["seconds"], 1),
        "incremental_new_stored": new_stored,
        "incremental_listing_pages": listing_pages(incremental),
        "incremental_per_new": round(requests(incremental) / NEW, 2),
        "incremental_per_new_without_robots": round((requests(incremental) - 1) / NEW, 2),
        "naive_per_new": round(requests(full) / NEW, 1),
        "unchanged_requests": requests(unchanged),
        "unchanged_listing_pages": listing_pages(unchanged),
        "unchanged_target": listing_indexes + 1,
        "unchanged_new_stored": stored_unchanged - stored_after,
    }
    return figures


def run_wordpress(spider: str, *arguments: str) -> dict[str, Any]:
    """Full, incremental and unchanged crawls of the WordPress/Yoast mirror."""
    first = date.today() - timedelta(days=PUBLICATIONS + 1)  # one piece a day to yesterday

    def generate(site: Path, count: int) -> None:
        records = north38.synthetic_records(count, first=first)
        # The new pieces go out now, between the crawls: their sitemap's <lastmod> is later
        # than the start of the crawl before them, and earlier than the one after.
        for record in records[: count - PUBLICATIONS]:
            record.update(washington_now())
        north38.generate_site(site, records)

    return measure(generate, spider, *arguments)


def washington_now() -> dict[str, str]:
    """The record fields of a piece published now (the generator writes Washington time)."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    offset = 4 if 3 < now.month < 11 else 5  # as sitegen.north38.utc_iso converts it back
    local = now - timedelta(hours=offset)
    return {"day": local.date().isoformat(), "time": local.time().isoformat()}


def measure(generate: Callable[[Path, int], None], spider: str, *arguments: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="thinkscrape-incremental-") as tmp:
        site, db = Path(tmp) / "site", Path(tmp) / "archive.db"
        generate(site, PUBLICATIONS)
        with serve_mirror(site) as mirror:
            full = crawl(mirror.base_url, db, spider, *arguments)
            stored_full = publications(db)
            generate(site, PUBLICATIONS + NEW)
            incremental = crawl(mirror.base_url, db, spider, *arguments)
            stored_after = publications(db)
            unchanged = crawl(mirror.base_url, db, spider, *arguments)
            stored_unchanged = publications(db)

    def requests(outcome: dict[str, Any]) -> int:
        return int(outcome["stats"].get("downloader/request_count", 0))

    return {
        "full_requests": requests(full),
        "full_stored": stored_full,
        "incremental_requests": requests(incremental),
        "incremental_new_stored": stored_after - stored_full,
        "incremental_per_new": round(requests(incremental) / NEW, 2),
        "unchanged_requests": requests(unchanged),
        "unchanged_new_stored": stored_unchanged - stored_after,
    }


def sitemap_figures() -> dict[str, dict[str, Any]]:
    """The WordPress site crawled through its sitemaps alone, and as its site file says."""
    return {
        "sitemaps only (generic)": run_wordpress("generic", f"home={north38.HOME}"),
        "as its site file (38north)": run_wordpress("38north"),
    }


def print_sitemap_figures(figures: dict[str, dict[str, Any]]) -> None:
    print()
    print(f"A WordPress/Yoast site, {PUBLICATIONS} publications + {NEW} new")
    print(f"{'crawl':<34}{'full':>7}{'incremental':>13}{'per new pub':>13}{'unchanged':>11}")
    for name, f in figures.items():
        stored = f"{f['incremental_new_stored']}/{NEW}"
        print(
            f"{name:<34}{f['full_requests']:>7}{f['incremental_requests']:>13}"
            f"{f['incremental_per_new']:>13}{f['unchanged_requests']:>11}   new stored {stored}"
        )


def main() -> None:
    f = run()
    print(f"Incremental crawling, {f['publications']} publications + {f['new_publications']} new")
    print(f"{'crawl':<34}{'requests':>9}{'per new pub':>13}{'stored':>8}{'seconds':>9}")
    print(
        f"{'full (naive reference)':<34}{f['full_requests']:>9}{f['naive_per_new']:>13}"
        f"{f['full_stored']:>8}{f['full_seconds']:>9}"
    )
    print(
        f"{'incremental, 7 new at the top':<34}{f['incremental_requests']:>9}"
        f"{f['incremental_per_new']:>13}{f['incremental_new_stored']:>8}"
        f"{f['incremental_seconds']:>9}"
    )
    print(
        f"{'incremental, unchanged site':<34}{f['unchanged_requests']:>9}{'-':>13}"
        f"{f['unchanged_new_stored']:>8}"
    )
    print()
    print(
        f"listing pages read: full {f['full_listing_pages']} (~{f['publications']}/{PAGE_SIZE} "
        f"over {len(CnasSpider.listing_paths)} indexes), incremental "
        f"{f['incremental_listing_pages']}, unchanged {f['unchanged_listing_pages']}"
    )
    print(
        f"per new publication: {f['incremental_per_new']} with robots.txt, "
        f"{f['incremental_per_new_without_robots']} without (target <= {TARGET_PER_NEW})"
    )
    print(
        f"unchanged site: {f['unchanged_requests']} requests "
        f"(target {f['unchanged_target']}: one per listing index + robots.txt)"
    )
    print_sitemap_figures(sitemap_figures())


if __name__ == "__main__":
    main()
