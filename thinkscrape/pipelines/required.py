"""Drop what cannot be a publication; count what is missing from the rest.

A page without a title is not archived (a block page, an error page, a test entry
leaked onto the live site): it is dropped with a logged reason and counted. Any other
missing field is stored as NULL and counted per field, so a crawl's record shows
which fields the site stopped giving.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from thinkscrape.items import Publication

# raw fields whose absence is worth counting (a title is required, not counted)
COUNTED_FIELDS = ("type", "published_raw", "byline_raw", "summary", "body")


class RequiredFieldsPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequiredFieldsPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Publication):
            return item
        if not (item.title or "").strip():
            self.stats.inc_value("thinkscrape/required/dropped/no_title")
            raise DropItem(f"no title on {item.url}")
        for name in COUNTED_FIELDS:
            if not getattr(item, name):
                self.stats.inc_value(f"thinkscrape/required/missing/{name}")
        if not item.contributors and not item.byline_raw:
            self.stats.inc_value("thinkscrape/required/missing/contributors")
        return item
