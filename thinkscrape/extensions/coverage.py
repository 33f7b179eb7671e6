"""Field-coverage floors: the share of stored publications that must have each field.

A site that changes its markup rarely breaks a crawl outright; more often one selector
silently starts finding nothing and every new publication is stored without a date or a
byline. A floor per field turns that into a failed crawl the night it happens.

Counting is left to Spidermon (``SPIDERMON_ADD_FIELD_COVERAGE``): it tallies, per item
type, how many scraped items have a non-empty value for each field
(``spidermon_item_scraped_count/Publication/<field>``), and ``item_scraped`` only fires for
items every pipeline accepted, i.e. publications actually stored. Its own monitor suites
report through unittest-style actions that never reach the stats, so the judging is done
here, where the verdict can go into the stats the archive and the runner read.

Floors come from the spider's ``coverage_floors`` (``{"title": 1.0, "published": 0.99}``),
overridden field by field by the ``THINKSCRAPE_COVERAGE_FLOORS`` setting (a dict, or JSON on
the command line; a floor of 0 switches a field off).

Stats written when the spider closes:

- ``thinkscrape/coverage/<field>``: share (0..1) of stored publications having the field;
- ``thinkscrape/coverage``: the same as one dict, ``{field: share}``;
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
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

COUNT_PREFIX = "spidermon_item_scraped_count"
ITEM_TYPE = "Publication"
FAILED_CHECKS = "thinkscrape/health/failed_checks"


def coverage_floors(spider: Spider, settings: BaseSettings) -> dict[str, float]:
    """The spider's floors with the ``THINKSCRAPE_COVERAGE_FLOORS`` setting laid over them."""
    floors = dict(getattr(spider, "coverage_floors", None) or {})
    floors.update(settings.getdict("THINKSCRAPE_COVERAGE_FLOORS"))
    return {field: float(share) for field, share in floors.items() if float(share) > 0}


def field_coverage(
    stats: Mapping[str, Any], fields: list[str], item_type: str = ITEM_TYPE
) -> tuple[int, dict[str, float]]:
    """(items stored, {field: share of them having it}) from Spidermon's counters."""
    total = int(stats.get(f"{COUNT_PREFIX}/{item_type}", 0))
    if total == 0:
        return 0, {}
    return total, {
        field: int(stats.get(f"{COUNT_PREFIX}/{item_type}/{field}", 0)) / total for field in fields
    }


def allowed_missing(floor: float, total: int) -> int:
    """How many of ``total`` publications may lack a field with this floor.

    A floor under 1.0 always tolerates one, so a night with three new publications is not
    failed by one press release without a byline; a floor of 1.0 tolerates none.
    """
    if floor >= 1.0:
        return 0
    return max(1, math.floor((1.0 - floor) * total + 1e-9))


def coverage_failures(
    total: int, coverage: Mapping[str, float], floors: Mapping[str, float]
) -> list[dict[str, Any]]:
    """One failed check per field whose coverage fell under its floor."""
    failures = []
    for field, floor in floors.items():
        share = coverage.get(field, 0.0)
        missing = total - round(share * total)
        if missing <= allowed_missing(floor, total):
            continue
        failures.append(
            {
                "check": "coverage",
                "field": field,
                "share": round(share, 4),
                "floor": floor,
                "missing": missing,
                "stored": total,
                "message": (
                    f"{field} found on {share:.1%} of {total} stored publications, "
                    f"under its floor of {floor:.1%} by {floor - share:.1%} "
                    f"({missing} without it)"
                ),
            }
        )
    return failures


class FieldCoverage:
    """Judge field coverage against the floors when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FieldCoverage:
        if not crawler.settings.getbool("SPIDERMON_ADD_FIELD_COVERAGE"):
            raise NotConfigured("SPIDERMON_ADD_FIELD_COVERAGE is off: nothing counts fields")
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider) -> None:
        stats = self.crawler.stats
        floors = coverage_floors(spider, self.crawler.settings)
        total, coverage = field_coverage(stats.get_stats(), list(floors))
        if total == 0:
            return  # nothing stored: the health check says whether that is wrong
        for field, share in coverage.items():
            stats.set_value(f"thinkscrape/coverage/{field}", round(share, 4))
        stats.set_value("thinkscrape/coverage", {f: round(s, 4) for f, s in coverage.items()})
        failures = coverage_failures(total, coverage, floors)
        for failure in failures:
            logger.warning("Coverage floor broken: %s", failure["message"])
        if failures:
            stats.set_value(FAILED_CHECKS, [*(stats.get_value(FAILED_CHECKS) or []), *failures])
