"""Signals of thinkscrape's own, sent through Scrapy's signal manager."""

# Sent by the WARC capture middleware after a response was written to a WARC file.
# Handlers receive ``capture``: {"url", "warc_file", "offset", "length", "record_id",
# "payload_digest", "fetched_at", "status"} (url canonical where the spider can say so).
response_captured = object()
