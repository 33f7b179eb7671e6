"""Normalise the publication date (see ``thinkscrape.normalize.stages.normalize_dates``)."""

from __future__ import annotations

from thinkscrape.items import Publication
from thinkscrape.normalize.stages import StageResult, normalize_dates, reference_time
from thinkscrape.pipelines.stage import StagePipeline


class DatesPipeline(StagePipeline):
    stage = "dates"

    def run(self, item: Publication) -> StageResult:
        return normalize_dates(
            item.raw(),
            reference=reference_time(item.fetched_at),
            date_order=self.site.date_order,
            languages=self.site.languages,
        )
