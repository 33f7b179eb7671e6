"""The real CNAS spider against a mirror that misbehaves: retried or skipped as Scrapy users
expect, counted in the crawl's stats, and never at the archive's expense."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import sqlite_utils
from crawling import run_crawl
from faultserver import Fault, FaultServer
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from sitegen.cnas import generate_site, synthetic_records
from thinkscrape.archive.schema import open_db
from thinkscrape.middlewares.conditional import ConditionalRequestMiddleware, NotModified
from thinkscrape.middlewares.retry_after import retry_after_seconds
from thinkscrape.runner import EXIT_OK, EXIT_SITE_CHANGED

PUBLICATIONS = 45


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cnas-site")
    generate_site(root, synthetic_records(PUBLICATIONS, seed=11), pad=False)
    return root


def article_paths(site: Path, pattern: str = "publications/*/*/index.html") -> list[str]:
    return sorted("/" + page.parent.relative_to(site).as_posix() for page in site.glob(pattern))


def last_crawl_stats(db: Path) -> dict:
    row = next(sqlite_utils.Database(db).query("select stats from crawls order by id desc limit 1"))
    return json.loads(row["stats"])


def archived(db: Path) -> list[dict]:
    return list(
        sqlite_utils.Database(db).query(
            """select p.url, p.title, p.published,
                 (select group_concat(a.name, '; ') from publication_authors pa
                  join authors a on a.id = pa.author_id
                  where pa.publication_id = p.id order by pa.position) as authors
               from publications p order by p.url"""
        )
    )


# --- Retry-After, in-process -------------------------------------------------------------------
def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    now = dt.datetime(2026, 1, 5, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_after_seconds(b"120", now) == 120.0
    assert retry_after_seconds("Mon, 05 Jan 2026 12:01:30 GMT", now) == 90.0
    assert retry_after_seconds("Mon, 05 Jan 2026 11:00:00 GMT", now) == 0.0  # already past
    assert retry_after_seconds(b"soon", now) is None
    assert retry_after_seconds(None, now) is None
    assert retry_after_seconds(b"", now) is None


# --- transient faults: retried, then stored ----------------------------------------------------
def test_transient_faults_are_retried_and_everything_is_stored(site: Path, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    victims = article_paths(site, "publications/commentary/*/index.html")[:7]
    faults = {
        victims[0]: Fault("status", status=500, times=2),
        victims[1]: Fault("status", status=503, times=2),
        victims[2]: Fault("status", status=429, times=1, headers={"Retry-After": "1"}),
        victims[3]: Fault("reset", times=1),
        victims[4]: Fault("delay", seconds=5, times=1),  # over DOWNLOAD_TIMEOUT (3)
        victims[5]: Fault("truncate", times=1),
        victims[6]: Fault("status", status=503, times=1, headers={"Retry-After": "30"}),
    }
    with FaultServer(site) as server:
        for path, fault in faults.items():
            server.set_fault(path, fault)
        result = run_crawl(server.base_url, db)
        counts = dict(server.counts)
        arrivals = list(server.arrivals)
    assert result.returncode == 0, result.stderr[-3000:]
    assert [counts[path] for path in victims] == [3, 3, 2, 2, 2, 2, 2]

    def gap(path: str) -> float:
        first, second = [when for when, p in arrivals if p == path]
        return second - first

    assert gap(victims[2]) >= 1.0  # Retry-After: 1 honoured
    assert 2.0 <= gap(victims[6]) < 10  # Retry-After: 30 capped at THINKSCRAPE_RETRY_AFTER_MAX=2

    stored = {row["url"] for row in archived(db)}
    assert len(stored) == PUBLICATIONS
    assert {f"https://www.cnas.org{path}" for path in victims} <= stored
    stats = last_crawl_stats(db)
    retries = {key: value for key, value in stats.items() if key.startswith("retry/")}
    # The reset is retried once, by whichever layer sees it: below Scrapy when it drops a
    # kept-alive connection (Twisted's connection pool re-sends the GET, with no
    # retry/reason_count entry), by Scrapy's retry when it drops a new one.
    reset = retries.pop("retry/reason_count/scrapy.exceptions.DownloadFailedError", 0)
    assert reset in (0, 1)
    assert retries == {
        "retry/count": 8 + reset,
        "retry/reason_count/500 Internal Server Error": 2,
        "retry/reason_count/503 Service Unavailable": 3,
        "retry/reason_count/429 Unknown Status": 1,
        "retry/reason_count/scrapy.exceptions.DownloadTimeoutError": 1,
        "retry/reason_count/scrapy.exceptions.ResponseDataLossError": 1,
    }
    assert stats["thinkscrape/retry_after/waits"] == 2
    assert stats["thinkscrape/retry_after/capped"] == 1
    assert stats["thinkscrape/health/failed_checks"] == []


# --- permanent faults: skipped, counted, never followed off-site -------------------------------
def test_permanent_faults_are_skipped_and_counted(site: Path, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    reports = article_paths(site, "publications/reports/*/index.html")
    in_the_news = article_paths(site, "press/in-the-news/*/index.html")
    assert len(reports) >= 3 and in_the_news  # the fixture site has both sections
    always_500, looping, off_site = reports[:3]
    with FaultServer(site) as server, FaultServer() as elsewhere:
        server.set_fault(always_500, Fault("status", status=500))
        server.set_fault(looping, Fault("redirect", location=f"{looping}-moved"))
        server.set_fault(f"{looping}-moved", Fault("redirect", location=looping))
        server.set_fault(
            off_site, Fault("redirect", location=f"http://localhost:{elsewhere.port}/x")
        )
        robots = b"User-agent: *\nDisallow: /press/in-the-news/\n"
        server.set_fault("/robots.txt", Fault("body", body=robots))
        result = run_crawl(server.base_url, db, settings={"RETRY_TIMES": "1"})
        counts = dict(server.counts)
        off_site_requests = elsewhere.counts.total()
    assert result.returncode == 0, result.stderr[-3000:]
    assert off_site_requests == 0
    assert counts[always_500] == 2  # the request and its one retry
    # the way back to a URL already fetched is dropped by the duplicate filter: no loop
    assert (counts[looping], counts[f"{looping}-moved"]) == (1, 1)
    assert counts[off_site] == 1
    assert [counts.get(path, 0) for path in in_the_news] == [0] * len(in_the_news)

    stored = {row["url"] for row in archived(db)}
    skipped = {always_500, looping, off_site, *in_the_news}
    every = article_paths(site) + article_paths(site, "press/*/*/index.html")
    assert stored == {f"https://www.cnas.org{p}" for p in set(every) - skipped}
    stats = last_crawl_stats(db)
    assert stats["retry/max_reached"] == 1
    assert stats["httperror/response_ignored_status_count/500"] == 1
    assert stats["robotstxt/forbidden"] == len(in_the_news)
    assert stats["offsite/filtered"] == 1
    assert stats["log_count/ERROR"] == 1  # "Gave up retrying" for the 500


# --- the site changes under a crawl: the archive stays as it was -------------------------------
def _redesigned(html: bytes) -> bytes:
    """A redesign: every class renamed and the headline no longer an h1."""
    html = re.sub(rb'class="', b'class="v2-', html)
    return html.replace(b"<h1", b"<h2").replace(b"</h1>", b"</h2>")


EMPTY_LISTING = (
    b"<!DOCTYPE html><html><head><title>Reports | CNAS</title></head><body>"
    b"<main><h1>Reports</h1><p>Showing 0-0 of 0 Publications</p></main></body></html>"
)


def broken_mirror(server: FaultServer, site: Path) -> None:
    """The /reports listing emptied and every publication page redesigned."""
    server.set_fault("/reports", Fault("body", body=EMPTY_LISTING))
    for path in article_paths(site) + article_paths(site, "press/*/*/index.html"):
        server.set_fault(path, Fault("rewrite", rewrite=_redesigned))


@pytest.fixture(scope="module")
def first_archive(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of one healthy crawl of the site (copied by each test that changes it)."""
    db = tmp_path_factory.mktemp("first") / "archive.db"
    with FaultServer(site) as server:
        first = run_crawl(server.base_url, db, runner=True)
    assert first.returncode == EXIT_OK, first.stderr[-3000:]
    assert len(archived(db)) == PUBLICATIONS
    return db


def copy_archive(db: Path, to: Path) -> Path:
    target = to / "archive.db"
    sqlite_utils.Database(db).conn.execute(f"VACUUM INTO '{target}'")
    return target


def test_a_nightly_crawl_of_a_broken_mirror_leaves_the_archive_intact(
    site: Path, first_archive: Path, tmp_path: Path
) -> None:
    db = copy_archive(first_archive, tmp_path)
    before = archived(db)
    with FaultServer(site) as server:
        broken_mirror(server, site)
        second = run_crawl(server.base_url, db, runner=True)
    assert second.returncode == EXIT_SITE_CHANGED, second.stderr[-3000:]
    assert "empty_listing: 1 listing page(s) held no publication links" in second.stderr
    assert archived(db) == before
    database = sqlite_utils.Database(db)
    assert next(database.query("pragma integrity_check")) == {"integrity_check": "ok"}
    assert [row["status"] for row in database.query("select status from crawls order by id")] == [
        "ok",
        "failed",
    ]


def test_a_refresh_of_redesigned_pages_keeps_what_they_used_to_say(
    site: Path, first_archive: Path, tmp_path: Path
) -> None:
    # refresh=1 re-reads every archived publication, so each one meets the new markup. What
    # the redesigned page still shows may replace the current row, but the row as it was is
    # kept in publication_versions: nothing archived is lost.
    db = copy_archive(first_archive, tmp_path)
    before = {row["url"]: row for row in archived(db)}
    with FaultServer(site) as server:
        broken_mirror(server, site)
        second = run_crawl(server.base_url, db, runner=True, spider_args={"refresh": "1"})
    assert second.returncode == EXIT_SITE_CHANGED, second.stderr[-3000:]
    after = {row["url"]: row for row in archived(db)}
    assert sorted(after) == sorted(before)
    database = sqlite_utils.Database(db)
    kept = {
        row["url"]: json.loads(row["data"])
        for row in database.query(
            """select p.url, v.data from publication_versions v
               join publications p on p.id = v.publication_id"""
        )
    }
    for url, was in before.items():
        if after[url] == was:
            continue
        old = kept[url]
        assert {
            "url": url,
            "title": old["title"],
            "published": old["published"],
            "authors": "; ".join(a["name"] for a in old["authors"]) or None,
        } == was
    assert next(database.query("pragma integrity_check")) == {"integrity_check": "ok"}


# --- conditional re-fetches --------------------------------------------------------------------
def test_conditional_refetches_of_an_unchanged_site(site: Path, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with FaultServer(site, etags=True) as server:
        first = run_crawl(server.base_url, db)
        assert first.returncode == 0, first.stderr[-3000:]
        before = archived(db)
        validators = {
            row["url"]: row["etag"]
            for row in sqlite_utils.Database(db).query("select url, etag from http_validators")
        }
        # full=1 requests every publication again, each with the ETag it was stored with
        rewalk = run_crawl(server.base_url, db, spider_args={"full": "1"})
        assert rewalk.returncode == 0, rewalk.stderr[-3000:]
        rewalk_stats = last_crawl_stats(db)
        # refresh=1 means "read them again whatever the server says": no validators sent
        refresh = run_crawl(server.base_url, db, spider_args={"refresh": "1"})
        assert refresh.returncode == 0, refresh.stderr[-3000:]
        refresh_stats = last_crawl_stats(db)

    pages = article_paths(site) + article_paths(site, "press/*/*/index.html")
    assert sorted(validators) == sorted(f"https://www.cnas.org{path}" for path in pages)
    assert all(re.fullmatch(r'"[0-9a-f]{40}"', etag) for etag in validators.values())

    assert rewalk_stats["thinkscrape/conditional/sent"] == PUBLICATIONS
    assert rewalk_stats["thinkscrape/conditional/not_modified"] == PUBLICATIONS
    assert rewalk_stats["downloader/response_status_count/304"] == PUBLICATIONS
    assert rewalk_stats.get("item_scraped_count", 0) == 0
    assert rewalk_stats["thinkscrape/health/failed_checks"] == []

    assert "thinkscrape/conditional/sent" not in refresh_stats
    assert "downloader/response_status_count/304" not in refresh_stats
    # every publication the refresh re-read was downloaded and stored again
    listings_and_robots = refresh_stats["thinkscrape/listing/pages"] + 1
    assert refresh_stats["item_scraped_count"] == (
        refresh_stats["downloader/response_status_count/200"] - listings_and_robots
    )
    assert archived(db) == before


# --- the middlewares in-process: what each does with one request ------------------------------
class MirrorSpider(Spider):
    """A spider crawling a mirror of the site, as the CNAS spider maps it."""

    name = "mirror"
    refresh = False

    def site_url_of(self, url: str) -> str:
        return url.replace("http://127.0.0.1:8000", "https://www.cnas.org")


def crawler_for(settings: dict, refresh: bool = False) -> Crawler:
    crawler = get_crawler(MirrorSpider, settings)
    crawler.spider = crawler._create_spider()
    crawler.spider.refresh = refresh
    return crawler


def test_conditional_headers_come_from_stored_validators(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    db = open_db(db_path)
    db["http_validators"].insert(
        {
            "url": "https://www.cnas.org/publications/reports/crossed-wires",
            "etag": '"abc"',
            "last_modified": "Wed, 18 Dec 2019 10:00:00 GMT",
            "status": 200,
            "checked": "2026-01-01T03:00:00+00:00",
        }
    )
    db.close()
    crawler = crawler_for({"THINKSCRAPE_DB": str(db_path)})
    middleware = ConditionalRequestMiddleware.from_crawler(crawler)
    middleware.spider_opened(crawler.spider)

    known = Request("http://127.0.0.1:8000/publications/reports/crossed-wires")
    unknown = Request("http://127.0.0.1:8000/publications/reports/no-safe-harbor")
    middleware.process_request(known)
    middleware.process_request(unknown)
    assert known.headers.to_unicode_dict() == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Wed, 18 Dec 2019 10:00:00 GMT",
    }
    assert unknown.headers.to_unicode_dict() == {}

    with pytest.raises(NotModified):
        middleware.process_response(known, Response(known.url, status=304, request=known))
    assert crawler.stats.get_value("thinkscrape/conditional/not_modified") == 1
    ok = Response(unknown.url, status=200, request=unknown)
    assert middleware.process_response(unknown, ok) is ok


def test_validators_are_recorded_for_stored_pages_only_and_saved_at_close(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    open_db(db_path).close()
    crawler = crawler_for({"THINKSCRAPE_DB": str(db_path)})
    middleware = ConditionalRequestMiddleware.from_crawler(crawler)
    middleware.spider_opened(crawler.spider)
    page = "http://127.0.0.1:8000/publications/commentary/sharper-nato"
    headers = {"ETag": '"v1"', "Last-Modified": "Tue, 02 Jan 2024 08:00:00 GMT"}
    stored = Response(page, status=200, headers=headers, request=Request(page))
    middleware.item_scraped(object(), stored, crawler.spider)
    no_validators = Response(page + "-75", status=200, request=Request(page + "-75"))
    middleware.item_scraped(object(), no_validators, crawler.spider)
    middleware.spider_closed(crawler.spider)

    rows = list(open_db(db_path)["http_validators"].rows)
    assert [{k: v for k, v in row.items() if k != "checked"} for row in rows] == [
        {
            "url": "https://www.cnas.org/publications/commentary/sharper-nato",
            "etag": '"v1"',
            "last_modified": "Tue, 02 Jan 2024 08:00:00 GMT",
            "status": 200,
        }
    ]


def test_a_refresh_sends_no_validators_and_the_setting_switches_them_off(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    db = open_db(db_path)
    db["http_validators"].insert({"url": "https://www.cnas.org/reports", "etag": '"x"'})
    db.close()
    crawler = crawler_for({"THINKSCRAPE_DB": str(db_path)}, refresh=True)
    middleware = ConditionalRequestMiddleware.from_crawler(crawler)
    middleware.spider_opened(crawler.spider)
    request = Request("http://127.0.0.1:8000/reports")
    middleware.process_request(request)
    assert request.headers.to_unicode_dict() == {}
    with pytest.raises(NotConfigured):
        ConditionalRequestMiddleware.from_crawler(
            crawler_for({"THINKSCRAPE_DB": str(db_path), "THINKSCRAPE_CONDITIONAL": False})
        )
