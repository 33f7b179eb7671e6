"""Log lines that stay readable in a nightly crawl's log file.

Scrapy logs a dropped item with its whole repr: for a publication that is its entire body
text. The reason and the URL are what an operator needs; the item is in the WARC anyway.
"""

from __future__ import annotations

from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class ThinkscrapeLogFormatter(LogFormatter):
    def dropped(
        self, item: Any, exception: BaseException, response: Any, spider: Any
    ) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped: %(exception)s"
        result["args"] = {"exception": exception}
        return result
