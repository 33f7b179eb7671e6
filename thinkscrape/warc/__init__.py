"""Raw responses kept as WARC: capture while crawling, replay offline, re-extract."""

from thinkscrape.warc.writer import HttpMessage, WarcWriter, warc_file_name

__all__ = ["HttpMessage", "WarcWriter", "warc_file_name"]
