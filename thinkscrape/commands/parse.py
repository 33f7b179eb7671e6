"""``scrapy parse``: what a callback makes of a page, with nothing written anywhere.

Without ``-c``, the spider's ``parse`` callback picks the one the page needs (a listing
page or a publication). The archive and WARC capture are off: ``--pipelines`` shows the
normalised items without storing them.
"""

from __future__ import annotations

import argparse

from scrapy.commands.parse import Command as ScrapyParseCommand

from thinkscrape.commands import without_archive


class Command(ScrapyParseCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        without_archive(self.settings)
