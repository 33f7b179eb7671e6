"""``scrapy crawl generic -a home=https://www.example.org``: any policy site, no site file.

The site is built at run time from the arguments: its home origin, where its publications
are listed (the sitemaps its robots.txt names, else ``/sitemap.xml``; or the sitemap and
feed given), and the general page objects to read them. Everything else is
``ThinkTankSpider``'s: the same archive, WARC capture, incremental rule and health checks.

Arguments, besides those every spider takes (``base_url``, ``since``, ``full``, ...):

- ``home``: the site's origin (required), e.g. ``https://www.example.org``;
- ``sitemap``, ``feed``: a sitemap (or sitemap index) and an RSS/Atom feed to read, as URLs
  or paths of the site; with neither, robots.txt says where the sitemaps are;
- ``publications``: a regular expression a URL's path must match (in full) to be archived,
  default any page but the home page; ``-a publications='/\\d{4}/\\d{2}/.+'`` keeps dated
  WordPress posts only.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from thinkscrape.discovery.sitemap import sitemaps_in_robots
from thinkscrape.site import Feed, Site, Sitemap, TypeRule
from thinkscrape.spiders.arguments import SpiderArgumentError
from thinkscrape.spiders.base import ThinkTankSpider

# Yoast SEO and WordPress core name the sitemaps of pages that are no publications (the
# site's fixed pages, its categories, tags and authors) after what they list.
NOT_PUBLICATION_SITEMAPS = re.compile(
    r"/(?:wp-sitemap-(?:taxonomies|users|posts-page)|"
    r"(?:page|category|post_tag|tag|author|attachment|format)-sitemap)[^/]*\.xml$"
)


def generic_site(
    home: str, sitemap: str | None, feed: str | None, publications: str | None
) -> Site:
    """The Site record of a crawl of ``home`` without a site file."""
    parts = urlsplit(home)
    origin = f"{parts.scheme}://{parts.netloc}"
    discovery: list[Sitemap | Feed] = []
    if sitemap:
        discovery.append(Sitemap(_path_on(origin, sitemap, "sitemap")))
    if feed:
        discovery.append(Feed(_path_on(origin, feed, "feed")))
    host = parts.hostname or ""
    bare = host.removeprefix("www.")
    return Site(
        name="generic",
        title=host,
        home=origin,
        # www.example.org and example.org serve one site
        hosts=tuple(dict.fromkeys((host, bare, f"www.{bare}"))),
        # a site with no file of its own says nothing of its types
        publications=(TypeRule(publications or r"/.+", None),),
        discovery=tuple(discovery),
        # A numeric date is read day first, as most of the world writes it; a site file
        # declares its own order.
        date_order="DMY",
        languages=("en",),
    )


def _path_on(origin: str, value: str, name: str) -> str:
    """The path of a URL of the site (or a path) given as an argument."""
    if value.startswith("/"):
        return value
    parts = urlsplit(value)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        raise SpiderArgumentError(f"{name} must be a URL on {origin} or a path, got {value!r}")
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _home(value: str | None) -> str:
    if value is None:
        raise SpiderArgumentError(
            "the generic spider needs the site's address: -a home=https://www.example.org"
        )
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SpiderArgumentError(
            f"home must be the site's http(s) address such as https://www.example.org, "
            f"got {value!r}"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _pattern(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        re.compile(value)
    except re.error as error:
        raise SpiderArgumentError(
            f"publications must be a regular expression, got {value!r} ({error})"
        ) from None
    return value


class GenericSpider(ThinkTankSpider):
    """Any policy site, through its sitemaps or feed and the general page objects."""

    name = "generic"

    def __init__(
        self,
        home: str | None = None,
        sitemap: str | None = None,
        feed: str | None = None,
        publications: str | None = None,
        **kwargs: Any,
    ) -> None:
        origin = _home(home)
        self.site = generic_site(origin, sitemap, feed, _pattern(publications))
        self.home = self.site.home
        self.site_hosts = self.site.hosts
        self.listing_paths = self.site.listing_paths
        self.date_order = self.site.date_order
        self.languages = self.site.languages
        self.coverage_floors = dict(self.site.coverage_floors)
        super().__init__(**kwargs)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.site.discovery:
            async for request in super().start():
                yield request
            return
        yield scrapy.Request(
            self.fetch_url(self.home + "/robots.txt"),
            callback=self.parse_robots,
            errback=self.listing_failed,
            # robots.txt is also read by Scrapy's robots.txt middleware, apart
            dont_filter=True,
        )

    def parse_robots(self, response: Response) -> Iterable[scrapy.Request]:
        """The sitemaps robots.txt names; ``/sitemap.xml`` when it names none."""
        named = [
            url
            for url in sitemaps_in_robots(response.body, self.site_url_of(response.url))
            if self.canonical_url(url) is not None
        ]
        self.crawler.stats.inc_value("thinkscrape/discovery/robots/sitemaps", len(named))
        for url in named or [self.home + "/sitemap.xml"]:
            yield self.sitemap_request(url)

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        for request in super().parse_sitemap(response):
            if request.callback == self.parse_sitemap and NOT_PUBLICATION_SITEMAPS.search(
                urlsplit(request.url).path
            ):
                self.crawler.stats.inc_value("thinkscrape/discovery/sitemap/not_publications")
                continue
            yield request
