"""Normalise the publication date (see ``thinkscrape.normalize.stages.normalize_dates``)."""

from __future__ import annotations

import datetime as dt

from thinkscrape.items import Publication
from thinkscrape.normalize.stages import StageResult, normalize_dates
from thinkscrape.pipelines.stage import StagePipeline


class DatesPipeline(StagePipeline):
    stage = "dates"

    def run(self, item: Publication) -> StageResult:
        return normalize_dates(
            item.raw(),
            reference=reference_time(item.fetched_at),
            date_order=getattr(self.spider, "date_order", "MDY"),
            languages=tuple(getattr(self.spider, "languages", ("en",))),
        )


def reference_time(fetched_at: str | None) -> dt.datetime:
    """What relative dates ("3 days ago") count from: the response's time, not the clock.

    Items always carry ``fetched_at``; the clock is only a fallback for hand-made items.
    """
    if fetched_at:
        return dt.datetime.fromisoformat(fetched_at)
    return dt.datetime.now(dt.UTC)
