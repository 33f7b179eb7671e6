"""``scrapy crawl``, with the start-up checks of ``thinkscrape crawl``.

A mistyped spider name, spider argument or setting ends as Scrapy's own usage error (exit
2) with one line saying what to fix, instead of a traceback in the log after the crawl
has started; a missing log folder is created. A crawl that reached nothing (no network, the
site down) exits 3, as under ``thinkscrape crawl``, instead of 0; one its archive stopped
exits 75 (another writer holds the lock) or 3 (the archive cannot be written).
"""

from __future__ import annotations

import argparse
import sys

from scrapy import Spider
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from thinkscrape.runner import ARCHIVE_FINISH_REASONS, EXIT_NOT_STARTED
from thinkscrape.startup import CannotStart, RedisUnreachable, check_crawl


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            return  # Scrapy's own usage error, from run()
        assert self.settings is not None
        try:
            # Here, not in run(): Scrapy opens LOG_FILE between the two.
            check_crawl(self.settings, args[0], opts.spargs)
        except RedisUnreachable as error:
            # not a usage mistake: the crawl could not start (as `thinkscrape crawl` says)
            print(f"Error: {error}", file=sys.stderr)
            raise SystemExit(EXIT_NOT_STARTED) from None
        except CannotStart as error:
            raise UsageError(str(error), print_help=False) from None

    def _create_crawler(self, spidercls: type[Spider] | str) -> Crawler:
        self.crawler = super()._create_crawler(spidercls)  # kept: its stats outlive the crawl
        return self.crawler

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)
        stats = self.crawler.stats if getattr(self, "crawler", None) else None
        reason = stats.get_value("finish_reason") if stats is not None else None
        if reason == "unreachable":
            self.exitcode = EXIT_NOT_STARTED
        elif reason in ARCHIVE_FINISH_REASONS:  # stopped by its archive before any request
            self.exitcode = ARCHIVE_FINISH_REASONS[reason]
