"""Field-coverage floors: the share of stored publications that must have each field.

A site that changes its markup rarely breaks a crawl outright; more often one selector
silently starts finding nothing and every new publication is stored without a date or a
byline. A floor per field turns that into a failed crawl the night it happens.

A floor applies to the publications that should have the field: a press release without a
byline is normal, a report without one is not. The spider says which those are through
``expects(field, item)``; this extension counts, on ``item_scraped`` (which only fires for
items every pipeline accepted, i.e. publications actually stored), how many were expected
to have each floored field and how many had it. Spidermon (``SPIDERMON_ADD_FIELD_COVERAGE``)
still reports plain per-field coverage of every item in the stats for operators; its own
monitor suites report through unittest-style actions that never reach the stats, so the
judging is done here, where the verdict can go into the stats the archive and runner read.

Floors come from the spider's ``coverage_floors`` (``{"title": 1.0, "published": 0.99}``),
overridden field by field by the ``THINKSCRAPE_COVERAGE_FLOORS`` setting (a dict, or JSON on
the command line; a floor of 0 switches a field off).

Stats written when the spider closes:

- ``thinkscrape/coverage/<field>``: share (0..1) of the publications expected to have the
  field that had it;
- ``thinkscrape/coverage``: the same as one dict, ``{field: share}``;
- ``thinkscrape/coverage_counts`` (``{field: [having, expected]}``) and
  ``thinkscrape/coverage_floors``: the figures behind them, which a shared crawl's writer
  adds up over its processes;
- ``thinkscrape/health/failed_checks``: one ``{"check": "coverage", ...}`` entry appended per
  field under its floor.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

COUNT_PREFIX = "spidermon_item_scraped_count"
ITEM_TYPE = "Publication"
FAILED_CHECKS = "thinkscrape/health/failed_checks"
COUNTS = "thinkscrape/coverage_counts"
FLOORS = "thinkscrape/coverage_floors"


def coverage_floors(spider: Spider, settings: BaseSettings) -> dict[str, float]:
    """The spider's floors with the ``THINKSCRAPE_COVERAGE_FLOORS`` setting laid over them."""
    floors = dict(getattr(spider, "coverage_floors", None) or {})
    floors.update(settings.getdict("THINKSCRAPE_COVERAGE_FLOORS"))
    return {field: float(share) for field, share in floors.items() if float(share) > 0}


def allowed_missing(floor: float, total: int) -> int:
    """How many of ``total`` publications may lack a field with this floor.

    A floor under 1.0 always tolerates one, so a night with three new publications is not
    failed by one press release without a byline; a floor of 1.0 tolerates none.
    """
    if floor >= 1.0:
        return 0
    return max(1, math.floor((1.0 - floor) * total + 1e-9))


def coverage_failures(
    counts: Mapping[str, tuple[int, int]], floors: Mapping[str, float]
) -> list[dict[str, Any]]:
    """One failed check per field under its floor; ``counts``: field -> (having, expected)."""
    failures = []
    for field, floor in floors.items():
        having, expected = counts.get(field, (0, 0))
        if expected == 0:
            continue
        share = having / expected
        missing = expected - having
        if missing <= allowed_missing(floor, expected):
            continue
        failures.append(
            {
                "check": "coverage",
                "field": field,
                "share": round(share, 4),
                "floor": floor,
                "missing": missing,
                "expected": expected,
                "message": (
                    f"{field} found on {share:.1%} of {expected} stored publications that "
                    f"should have it, under its floor of {floor:.1%} by {floor - share:.1%} "
                    f"({missing} without it)"
                ),
            }
        )
    return failures


def _has_value(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


class FieldCoverage:
    """Count floored fields on every stored publication; judge them when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.counts: dict[str, list[int]] = {}  # field -> [having, expected]
        self.floors: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FieldCoverage:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.floors = coverage_floors(spider, self.crawler.settings)
        self.counts = {field: [0, 0] for field in self.floors}

    def item_scraped(self, item: Any, spider: Spider) -> None:
        if type(item).__name__ != ITEM_TYPE:
            return  # e.g. Gone: not a stored publication
        expects = getattr(spider, "expects", None)
        for field, count in self.counts.items():
            if expects is not None and not expects(field, item):
                continue
            count[1] += 1
            if _has_value(getattr(item, field, None)):
                count[0] += 1

    def spider_closed(self, spider: Spider) -> None:
        stats = self.crawler.stats
        counts = {field: (having, expected) for field, (having, expected) in self.counts.items()}
        coverage = {f: round(h / e, 4) for f, (h, e) in counts.items() if e}
        if not coverage:
            return  # nothing stored: the health check says whether that is wrong
        stats.set_value(COUNTS, {field: list(count) for field, count in counts.items()})
        stats.set_value(FLOORS, dict(self.floors))
        for field, share in coverage.items():
            stats.set_value(f"thinkscrape/coverage/{field}", share)
        stats.set_value("thinkscrape/coverage", coverage)
        failures = coverage_failures(counts, self.floors)
        for failure in failures:
            logger.warning("Coverage floor broken: %s", failure["message"])
        if failures:
            stats.set_value(FAILED_CHECKS, [*(stats.get_value(FAILED_CHECKS) or []), *failures])
