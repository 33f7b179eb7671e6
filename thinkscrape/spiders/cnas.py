"""Center for a New American Security (www.cnas.org).

Listings are the frontier: the three indexes and their ``/pN`` pages. Publication
pages are read, never followed further ("More from CNAS" cards would otherwise lead the
crawl across the whole site).
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

from scrapy.http import Response

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

    def listing_index(self, url: str) -> str | None:
        if not cnas.is_listing_url(url):
            return None
        return "/" + urlsplit(url).path.strip("/").split("/")[0]

    # --- contracts (``scrapy check cnas``): the callbacks as the base spider has them, with
    # sample pages of the site and what each must give. See README, "Checking the spider".
    def parse_listing(self, response: Response, **kwargs: Any) -> Any:
        """A listing page: a request per publication it lists and for its next page.

        @page /reports
        @cb_kwargs {"index": "/reports"}
        @returns requests 10
        @returns items 0 0
        """
        return super().parse_listing(response, **kwargs)

    def parse_article(self, response: Response, **kwargs: Any) -> Any:
        """A publication page: one publication with its title, date, byline and body.

        @page /publications/commentary/north-korea-and-the-blink-of-war
        @returns items 1 1
        @returns requests 0 0
        @fills url site type title published_raw byline_raw body
        """
        return super().parse_article(response, **kwargs)

    def extract_listing(self, url: str, html: str) -> dict[str, Any]:
        return cnas.extract_listing(url, html)

    def extract_article(self, url: str, html: str) -> dict[str, Any]:
        return cnas.extract_article(url, html)
