"""One spider per registered think tank (``thinkscrape.sites``), named after its site.

A site file holds facts and selectors only; the navigation is ``ThinkTankSpider``'s. The
sample pages of ``Site.checks`` become the contracts ``scrapy check NAME`` runs.
"""

from __future__ import annotations

import json
from typing import Any

from scrapy.http import Response

from thinkscrape import sites
from thinkscrape.site import Site
from thinkscrape.spiders.base import ThinkTankSpider


def spider_class_name(site: Site) -> str:
    """``CnasSpider`` for "cnas", ``Site38northSpider`` for "38north"."""
    words = "".join(part.capitalize() for part in site.name.replace("_", "-").split("-"))
    return ("Site" if words[:1].isdigit() else "") + words + "Spider"


def _with_contracts(site: Site) -> dict[str, Any]:
    """The callbacks with the site's sample pages as contracts (README, "Checking the
    spider"), or nothing when the site names no sample pages."""
    checks = site.checks
    if checks is None:
        return {}

    def parse_listing(self: ThinkTankSpider, response: Response, **kwargs: Any) -> Any:
        return ThinkTankSpider.parse_listing(self, response, **kwargs)

    def parse_article(self: ThinkTankSpider, response: Response, **kwargs: Any) -> Any:
        return ThinkTankSpider.parse_article(self, response, **kwargs)

    index = site.listing_index(site.home + checks.listing)
    parse_listing.__doc__ = f"""A listing page: its publications and its next page.

        @page {checks.listing}
        @cb_kwargs {json.dumps({"index": index})}
        @returns requests {checks.listing_requests}
        @returns items 0 0
        """
    parse_article.__doc__ = f"""A publication page: one publication with its fields.

        @page {checks.article}
        @returns items 1 1
        @returns requests 0 0
        @fills url site type title published_raw byline_raw|contributors body
        """
    return {"parse_listing": parse_listing, "parse_article": parse_article}


def spider_for(site: Site) -> type[ThinkTankSpider]:
    attrs = {"__module__": __name__, "__doc__": f"{site.title} ({site.home}).", "site": site}
    return type(spider_class_name(site), (ThinkTankSpider,), attrs | _with_contracts(site))


for _site in sites.all_sites().values():
    globals()[spider_class_name(_site)] = spider_for(_site)
