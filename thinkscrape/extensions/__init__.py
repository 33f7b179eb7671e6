"""Scrapy extensions that judge a finished crawl: field coverage floors and crawl health.

Their verdict goes into the crawl's stats (``thinkscrape/coverage/*``,
``thinkscrape/health/*``), which the archive pipeline copies into the ``crawls`` table and
``thinkscrape crawl`` turns into its exit code.
"""
