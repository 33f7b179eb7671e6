"""The shape every normalising pipeline shares: run one pure stage, apply, count.

A stage (``thinkscrape.normalize.stages``) reads only the item's raw half and returns
the normalised fields, where each came from, and what happened (events). The pipeline
applies the fields and counts the events in Scrapy stats as
``thinkscrape/<stage>/<event>``, so a crawl's record says what normalisation did. The site's
conventions come from the spider's site record (``spider.site``).
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from thinkscrape.items import Publication
from thinkscrape.normalize.stages import StageResult, apply
from thinkscrape.site import Site


class StagePipeline:
    stage: str = ""  # the stats namespace, e.g. "dates"

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StagePipeline:
        return cls(crawler)

    def run(self, item: Publication) -> StageResult:
        raise NotImplementedError

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Publication):
            return item  # e.g. Gone: nothing to normalise
        result = self.run(item)
        apply(item, result)
        for event in result.events:
            self.stats.inc_value(f"thinkscrape/{self.stage}/{event}")
        return item

    @property
    def site(self) -> Site:
        """The record of the site the crawl's spider reads: its conventions, not defaults."""
        return self.crawler.spider.site
