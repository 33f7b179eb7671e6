"""Crawl health: did this crawl do its job? The verdict, in the stats, for cron to act on.

Checked when the spider closes (after Scrapy's core stats have the finish reason):

- ``unreachable``: not one response was received (site down, DNS, firewall);
- ``interrupted``: the crawl was shut down (SIGINT/SIGTERM) before it finished;
- ``finish_reason``: it closed for any other unexpected reason (``cancelled``, a spider's
  own ``CloseSpider``); Scrapy's ``closespider_itemcount/pagecount`` limits are limits the
  user asked for, and ``closespider_errorcount`` counts as ``errors``;
- ``time_limit``: it reached ``CLOSESPIDER_TIMEOUT`` (which ``thinkscrape crawl`` sets to
  6 hours unless given) before it finished;
- ``listing_limit``: a listing index was cut at ``THINKSCRAPE_MAX_LISTING_PAGES`` pages or
  after ``THINKSCRAPE_MAX_EMPTY_LISTING_PAGES`` empty pages in a row (a pagination trap,
  or a site larger than the limit);
- ``errors``: more ERROR log lines than ``THINKSCRAPE_MAX_ERRORS`` (Scrapy logs one per
  request given up on, per spider exception, per failed download);
- ``no_listing_pages``: responses came back but not one listing page was read (not checked
  when the crawl resumes a ``JOBDIR``: its listings may all have been read before the pause);
- ``empty_listing``: a listing page held no publication links (how a markup change shows);
- ``nothing_stored``: the listings showed publications not yet archived, yet none was
  stored (every article page failed extraction or was dropped);
- ``missing``: publications were listed (or missing since an earlier crawl) and not stored
  (see ``missing.py``): the next crawl asks for them again, so the archive has holes until
  then.

Stats written: ``thinkscrape/health/failed_checks`` (list of ``{"check", "message", ...}``,
coverage floors included, see ``coverage.py``), ``thinkscrape/health/status`` (``"ok"`` or
``"failed"``), ``thinkscrape/health/resumed`` (True when the crawl continued a paused
``JOBDIR``), and two counters kept as items pass: ``thinkscrape/health/stored`` and
``thinkscrape/health/dropped`` (publications stored / dropped by a pipeline).

Why an extension of our own: Scrapy's ``CLOSESPIDER_ERRORCOUNT`` counts only spider
exceptions and stops the crawl half-way, and Spidermon's monitor suites report through
unittest-style actions whose results never reach the stats; here every check lets the crawl
finish (what it stored is kept) and leaves one verdict in the stats, where the archive
pipeline and the runner read it. The ERROR count is the one Spidermon's own
``ErrorCountMonitor`` watches (``log_count/ERROR``).

The spider's stats this reads: ``thinkscrape/listing/pages``,
``thinkscrape/listing/empty_pages`` and ``thinkscrape/listing/new_links`` (links to
publications not yet archived that it followed; without it, publications that reached the
pipelines stand in for them).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.utils.job import job_dir

from thinkscrape.extensions.coverage import FAILED_CHECKS
from thinkscrape.items import Publication

logger = logging.getLogger(__name__)

STATUS = "thinkscrape/health/status"
STORED = "thinkscrape/health/stored"
DROPPED = "thinkscrape/health/dropped"
RESUMED = "thinkscrape/health/resumed"
MAX_ERRORS = "thinkscrape/health/max_errors"

# Finish reasons that mean the crawl ran as asked.
CLEAN_FINISH_REASONS = frozenset(
    {
        "finished",
        "closespider_itemcount",
        "closespider_pagecount",
        "closespider_pagecount_no_item",
    }
)
INTERRUPTED_REASONS = frozenset({"shutdown"})
# Finish reasons of a crawl its archive stopped before the first request (the archive
# pipeline's): the one thing to say about it.
ARCHIVE_REASONS = {
    "archive_locked": "another writer holds the archive's lock",
    "archive_unavailable": "the archive cannot be written (the log says why)",
}
TIME_LIMIT_REASON = "closespider_timeout"


def health_failures(stats: Mapping[str, Any], reason: str, max_errors: int) -> list[dict[str, Any]]:
    """Failed checks (other than coverage) for a crawl that closed with ``reason``."""
    if reason in ARCHIVE_REASONS:
        return [
            {
                "check": "archive",
                "message": f"{ARCHIVE_REASONS[reason]}: the crawl stopped before its first "
                "request, writing nothing",
            }
        ]
    failures: list[dict[str, Any]] = []

    def fail(check: str, message: str, **details: Any) -> None:
        failures.append({"check": check, "message": message, **details})

    responses = int(stats.get("response_received_count", 0))
    if responses == 0:
        # the early stop (middlewares/unreachable.py) keeps the error that stopped it
        last = stats.get("thinkscrape/unreachable/reason")
        fail(
            "unreachable", "no response was received from the site" + (f" ({last})" if last else "")
        )
    if reason in INTERRUPTED_REASONS:
        fail("interrupted", f"the crawl was stopped before it finished ({reason})")
    elif reason == TIME_LIMIT_REASON:
        fail(
            "time_limit",
            "the crawl reached its time limit (CLOSESPIDER_TIMEOUT) before it finished; "
            "the next crawl reads every listing page again",
        )
    elif reason not in CLEAN_FINISH_REASONS and reason not in (
        "closespider_errorcount",
        "unreachable",
    ):
        fail("finish_reason", f"the crawl closed for an unexpected reason: {reason}")

    errors = int(stats.get("log_count/ERROR", 0))
    if errors > max_errors or reason == "closespider_errorcount":
        fail(
            "errors",
            f"{errors} errors logged, more than THINKSCRAPE_MAX_ERRORS={max_errors}",
            errors=errors,
            max_errors=max_errors,
        )

    listing_pages = int(stats.get("thinkscrape/listing/pages", 0))
    resumed = bool(stats.get(RESUMED))
    if responses and not listing_pages and not resumed and reason not in INTERRUPTED_REASONS:
        fail("no_listing_pages", "no listing page was read: the crawl found nothing to follow")
    empty_pages = int(stats.get("thinkscrape/listing/empty_pages", 0))
    if empty_pages:
        fail(
            "empty_listing",
            f"{empty_pages} listing page(s) held no publication links: has the markup changed?",
            pages=empty_pages,
        )

    unread = int(stats.get("thinkscrape/listing/failed", 0))
    if unread:
        fail(
            "listing_failed",
            f"{unread} listing page(s) could not be read, so what only they list was not "
            "seen; the next crawl reads every listing page again",
            pages=unread,
        )

    for key, limit in (
        ("page_limit_reached", "THINKSCRAPE_MAX_LISTING_PAGES pages"),
        ("empty_limit_reached", "THINKSCRAPE_MAX_EMPTY_LISTING_PAGES empty pages in a row"),
    ):
        cut = int(stats.get(f"thinkscrape/listing/{key}", 0))
        if cut:
            fail(
                "listing_limit",
                f"{cut} listing index(es) cut at {limit}: a pagination trap, or a listing "
                "longer than the limit",
                indexes=cut,
            )

    stored = int(stats.get(STORED, 0))
    shown = stats.get("thinkscrape/listing/new_links")
    if shown is None:
        shown = stored + int(stats.get(DROPPED, 0))
    if int(shown) > 0 and stored == 0:
        fail(
            "nothing_stored",
            f"the listings showed {shown} new publication(s) but none was stored",
            shown=int(shown),
        )

    left = int(stats.get("thinkscrape/missing/left", 0))
    given_up = int(stats.get("thinkscrape/missing/given_up", 0))
    if left or given_up:
        named = stats.get("thinkscrape/missing/urls") or []
        example = f"; first: {named[0]['url']} ({named[0]['error']})" if named else ""
        fail(
            "missing",
            f"{left + given_up} listed publication(s) not stored ({left} to retry next crawl, "
            f"{given_up} given up){example}",
            left=left,
            given_up=given_up,
        )
    return failures


NOTHING_NEW = "thinkscrape/nothing_new"


def nothing_new_reason(stats: Mapping[str, Any]) -> str | None:
    """Why a crawl added and changed nothing, or None if it did add or change something."""
    if int(stats.get("thinkscrape/archive/new", 0)) or int(
        stats.get("thinkscrape/archive/changed", 0)
    ):
        return None
    if not int(stats.get("thinkscrape/listing/pages", 0)):
        return "no listing page was read"
    unchanged = int(stats.get("thinkscrape/archive/unchanged", 0))
    not_modified = int(stats.get("thinkscrape/conditional/not_modified", 0))
    if unchanged or not_modified:
        reason = (
            f"every publication fetched again was unchanged ({unchanged} unchanged, "
            f"{not_modified} not modified)"
        )
    elif int(stats.get("thinkscrape/listing/stopped_known", 0)):
        reason = "no new publications on the listings' first pages"
    elif int(stats.get("thinkscrape/listing/skipped_known", 0)):
        reason = "every publication on the listings is archived already"
    elif int(stats.get("thinkscrape/discovery/sitemap/skipped_unchanged", 0)):
        reason = "no sitemap changed since the last crawl"
    else:
        reason = "the listings showed no publications"
    asked = int(stats.get("thinkscrape/listing/new_links", 0)) + int(
        stats.get("thinkscrape/missing/retried", 0)
    )
    if asked:
        reason += f"; {asked} not yet archived asked for, none kept (dropped or missing)"
    return reason


class CrawlHealth:
    """Count stored and dropped publications; judge the crawl when the spider closes."""

    def __init__(self, crawler: Crawler, max_errors: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_errors = max_errors
        # Looked at before the scheduler opens: a JOBDIR that already holds seen requests is
        # a paused crawl being resumed.
        self.resumed = _jobdir_has_state(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlHealth:
        extension = cls(crawler, crawler.settings.getint("THINKSCRAPE_MAX_ERRORS", 10))
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        if self.resumed:
            self.stats.set_value(RESUMED, True)

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, Publication):
            self.stats.inc_value(STORED)

    def item_dropped(self, item: Any) -> None:
        if isinstance(item, Publication):
            self.stats.inc_value(DROPPED)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.stats.set_value(MAX_ERRORS, self.max_errors)
        failures = health_failures(self.stats.get_stats(), reason, self.max_errors)
        everything = [*failures, *(self.stats.get_value(FAILED_CHECKS) or [])]
        self.stats.set_value(FAILED_CHECKS, everything)
        self.stats.set_value(STATUS, "failed" if everything else "ok")
        reason_nothing_new = nothing_new_reason(self.stats.get_stats())
        if reason_nothing_new:
            self.stats.set_value(NOTHING_NEW, reason_nothing_new)
            logger.info("Nothing new in this crawl: %s", reason_nothing_new)
        # A process of a shared crawl sees its own part: the writer judges the whole crawl
        # (distributed/ingest.py), so here a failed check is only a hint.
        shared = bool(self.crawler.settings.get("THINKSCRAPE_REDIS_URL"))
        for failure in failures:
            logger.log(
                logging.INFO if shared else logging.WARNING,
                "Crawl health check failed (%s%s): %s",
                failure["check"],
                ", this process's part of a shared crawl" if shared else "",
                failure["message"],
            )


def _jobdir_has_state(crawler: Crawler) -> bool:
    directory = job_dir(crawler.settings)
    if not directory:
        return False
    seen = Path(directory, "requests.seen")
    return seen.is_file() and seen.stat().st_size > 0
