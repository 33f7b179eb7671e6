"""Outlet, full-article link, PDF and body links (``normalize.stages.normalize_links``)."""

from __future__ import annotations

from thinkscrape.items import Publication
from thinkscrape.normalize.stages import StageResult, normalize_links
from thinkscrape.pipelines.stage import StagePipeline


class LinksPipeline(StagePipeline):
    stage = "links"

    def run(self, item: Publication) -> StageResult:
        return normalize_links(item.raw(), site_domains=self.site.own_domains)
