"""Center for a New American Security (www.cnas.org).

Listings are the frontier: the three indexes and their ``/pN`` pages. Publication
pages are read, never followed further ("More from CNAS" cards would otherwise lead the
crawl across the whole site).
"""

from __future__ import annotations

from typing import Any, ClassVar

from thinkscrape.extract import cnas
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
        "authors": 0.9,
    }

    def canonical_url(self, url: str) -> str | None:
        return cnas.canonical_url(url)

    def extract_listing(self, url: str, html: str) -> dict[str, Any]:
        return cnas.extract_listing(url, html)

    def extract_article(self, url: str, html: str) -> dict[str, Any]:
        return cnas.extract_article(url, html)
