"""``scrapy check``: the spiders' contracts, with nothing written anywhere.

Scrapy's own command already turns item pipelines and feeds off; the archive (opened by the
spider and its middlewares too) and WARC capture are turned off here as well, so checking a
spider against the live site, a mirror or a replayed WARC leaves no trace.
"""

from __future__ import annotations

import argparse

from scrapy.commands.check import Command as ScrapyCheckCommand

from thinkscrape.commands import without_archive


class Command(ScrapyCheckCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        without_archive(self.settings)
