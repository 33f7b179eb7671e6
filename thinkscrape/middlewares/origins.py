"""Fetch nothing outside the site's own origins: scheme, host and port.

Scrapy's offsite filter compares host names only, so a page or a redirect pointing at
another port of an allowed host (``http://127.0.0.1:6379/`` from a mirror on
``127.0.0.1:8000``, ``http://www.cnas.org:8080/``) would be fetched, and its answer stored: a
page could make the crawler query any local service. This downloader middleware runs just
after Scrapy's and drops every request, redirect targets included (RedirectMiddleware hands
them back through the chain), whose origin is not one the spider fetches from:

- crawling a mirror (``-a base_url=...``): the mirror's origin only;
- otherwise the site's hosts (``site_hosts``) over https and http on their default ports.

A spider can list its origins itself as ``fetch_origins`` (URLs such as
``https://www.example.org``). A spider that declares neither is left alone.

Stats: ``thinkscrape/offsite/dropped_origin``; each drop is logged with the URL and, for a
redirect, where it came from.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)

Origin = tuple[str, str, int]
DEFAULT_PORTS = {"http": 80, "https": 443}
DROPPED = "thinkscrape/offsite/dropped_origin"


def origin_of(url: str) -> Origin | None:
    """``(scheme, host, port)`` of an http(s) URL, the port made explicit; None otherwise."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:  # a port out of range or not a number
        return None
    return scheme, parts.hostname.lower(), port


def spider_origins(spider: Spider | None) -> frozenset[Origin] | None:
    """The origins ``spider`` may fetch from, or None if it does not say."""
    declared: Iterable[str] | None = getattr(spider, "fetch_origins", None)
    base_url = getattr(spider, "base_url", None)
    if declared is None and base_url:
        declared = [base_url]
    if declared is None:
        hosts = getattr(spider, "site_hosts", ())
        if not hosts:
            return None
        declared = [f"{scheme}://{host}" for host in hosts for scheme in DEFAULT_PORTS]
    return frozenset(origin for origin in map(origin_of, declared) if origin is not None)


def _shown(origin: Origin) -> str:
    scheme, host, port = origin
    return f"{scheme}://{host}" + ("" if DEFAULT_PORTS[scheme] == port else f":{port}")


class SiteOriginsMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._origins: frozenset[Origin] | None = None
        self._looked_up = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteOriginsMiddleware:
        return cls(crawler)

    @property
    def origins(self) -> frozenset[Origin] | None:
        if not self._looked_up:
            self._origins = spider_origins(self.crawler.spider)
            self._looked_up = True
        return self._origins

    def process_request(self, request: Request) -> None:
        allowed = self.origins
        if allowed is None or origin_of(request.url) in allowed:
            return None
        self.crawler.stats.inc_value(DROPPED)
        came_from = request.meta.get("redirect_urls") or []
        logger.warning(
            "Not fetched, outside the site's origins (%s): %s%s",
            ", ".join(sorted(map(_shown, allowed))),
            request.url,
            f" (redirected from {came_from[-1]})" if came_from else "",
        )
        raise IgnoreRequest(f"outside the site's origins: {request.url}")
