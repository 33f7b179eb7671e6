"""Center for a New American Security (www.cnas.org).

Listings are the frontier: the three indexes and their ``/pN`` pages. Publication
pages are read, never followed further ("More from CNAS" cards would otherwise lead the
crawl across the whole site).
"""

from __future__ import annotations

from typing import Any, ClassVar

from thinkscrape.extract import cnas
from thinkscrape.items import Publication
from thinkscrape.spiders.base import ThinkTankSpider


class CnasSpider(ThinkTankSpider):
    name = "cnas"
    home = "https://www.cnas.org"
    # cnas.org redirects to www; the IP address serves the same pages
    site_hosts: ClassVar[tuple[str, ...]] = ("www.cnas.org", "cnas.org", "104.239.228.80")
    listing_paths: ClassVar[tuple[str, ...]] = ("/reports", "/articles-multimedia", "/press")
    date_order = "MDY"
    coverage_floors: ClassVar[dict[str, float]] = {
        "title": 1.0,
        "published": 0.99,
        # the raw date line of the article page itself: the listing card's date would
        # otherwise hide a header whose markup changed
        "published_raw": 0.95,
        "body": 0.95,
        "authors": 0.9,
    }
    # Press releases and transcripts are often unsigned; Sharper is a newsletter written
    # by a team with no byline.
    unsigned_types: ClassVar[tuple[str, ...]] = ("press-release", "transcript")
    unsigned_series: ClassVar[tuple[str, ...]] = ("Sharper",)

    def expects(self, field: str, item: Publication) -> bool:
        if field == "authors":
            return item.type not in self.unsigned_types and item.series not in self.unsigned_series
        return True

    def canonical_url(self, url: str) -> str | None:
        return cnas.canonical_url(url)

    def extract_listing(self, url: str, html: str) -> dict[str, Any]:
        return cnas.extract_listing(url, html)

    def extract_article(self, url: str, html: str) -> dict[str, Any]:
        return cnas.extract_article(url, html)
