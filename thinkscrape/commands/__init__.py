"""The project's own Scrapy commands (``COMMANDS_MODULE``): they replace Scrapy's of the
same name inside the project."""

from __future__ import annotations

from scrapy.settings import BaseSettings


def without_archive(settings: BaseSettings) -> None:
    """No archive, no WARC files: for commands that look at pages without crawling them.

    Set above the command line's priority: ``-s THINKSCRAPE_DB=...`` cannot turn a look at a
    page into a write to the archive.
    """
    for name in ("THINKSCRAPE_DB", "THINKSCRAPE_WARC_DIR"):
        settings.set(name, "", priority=50)
