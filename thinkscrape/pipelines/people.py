"""Split bylines into people (see ``thinkscrape.normalize.stages.normalize_people``)."""

from __future__ import annotations

from thinkscrape.items import Publication
from thinkscrape.normalize.stages import StageResult, normalize_people
from thinkscrape.pipelines.stage import StagePipeline


class PeoplePipeline(StagePipeline):
    stage = "people"

    def run(self, item: Publication) -> StageResult:
        return normalize_people(item.raw(), not_names=self.site.not_names)
