"""Spider contracts (``scrapy check``) that read the site where the spider reads it.

``@page PATH`` is the sample page at PATH of the spider's site: fetched from the live site by
default, from a mirror with ``-a base_url=http://127.0.0.1:8000``, and from WARC files with
``-s THINKSCRAPE_REPLAY=data/samples/demo/cnas.warc.gz`` (offline). Scrapy's ``@url`` takes one
absolute URL, which a mirror would not serve.

``@fills FIELD ...`` checks that every item returned has a value in each field
(``A|B``: in one of them at least). Scrapy's ``@scrapes`` only checks that the fields exist,
which every field of a dataclass item does, even when None.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter, is_item
from scrapy.contracts import Contract
from scrapy.exceptions import ContractFail


class PageContract(Contract):
    """``@page /reports``: the sample request is for this page of the spider's site."""

    name = "page"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        spider = args["callback"].__self__  # the bound callback this contract is on
        args["url"] = spider.fetch_url(spider.home + self.args[0])
        return args


class FillsContract(Contract):
    """``@fills title body``: every item returned has a non-empty value in these fields;
    ``byline_raw|contributors``: in one of them (a page whose header marks each name up
    shows no byline line)."""

    name = "fills"

    def post_process(self, output: list[Any]) -> None:
        for item in output:
            if not is_item(item):
                continue
            adapter = ItemAdapter(item)
            empty = [
                names
                for names in self.args
                if all(adapter.get(name) in (None, "", [], {}) for name in names.split("|"))
            ]
            if empty:
                raise ContractFail(f"Empty fields: {', '.join(empty)} (on {adapter.get('url')})")
