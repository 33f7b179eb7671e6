"""The navigation every think-tank spider shares: from where the site lists its
publications (listing pages and their next pages, sitemaps, feeds, a JSON API) to each
publication page.

A site's spider takes its name, home origin, discovery and extraction from its ``Site``
record. Spiders navigate; they never parse fields themselves (extraction and the discovery
readers do) nor clean values (pipelines do). Which publications and next pages are
requested is the incremental rule's choice (``middlewares/incremental.py``): the spider
reports all it finds.

Arguments every spider takes (``scrapy crawl NAME -a key=value``), read strictly by
``arguments.py``: an unknown name or a malformed value stops the crawl before it starts.

- ``base_url``: crawl a mirror of the site at this origin (e.g. ``http://127.0.0.1:8000``);
  links that point at the site's own hosts are followed on the mirror. Stored URLs stay
  canonical.
- ``since=YYYY-MM-DD``: stop paginating a listing once its items are older than that date.
- ``full=1``: read every listing page and request every publication again, archived ones
  conditionally (``If-None-Match``/``If-Modified-Since``: a 304 means unchanged).
- ``refresh=1``: read every listing page and re-fetch every publication unconditionally,
  to catch edits a server's validators would hide.
- ``overlap=N``: how many listing pages holding already-archived publications to read
  before an incremental crawl stops paginating (default 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable
from dataclasses import replace
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure
from w3lib.url import add_or_replace_parameter

from thinkscrape.discovery import Entry, Found, day_of
from thinkscrape.discovery.feed import read_feed
from thinkscrape.discovery.sitemap import read_sitemap
from thinkscrape.discovery.wpjson import read_posts, total_pages
from thinkscrape.extract.common import PARSE_TRUNCATED
from thinkscrape.items import Gone, Publication
from thinkscrape.middlewares.incremental import (
    CHAIN,
    KNOWN,
    LISTED,
    LISTING_FAILED,
    SITEMAP_MODIFIED,
    chain,
)
from thinkscrape.normalize.dates import parse_date
from thinkscrape.site import Feed, JsonApi, Listing, Site, Sitemap
from thinkscrape.spiders import arguments


class ThinkTankSpider(scrapy.Spider):
    # The site this spider crawls (``thinkscrape.sites``): a subclass sets it, and its name,
    # hosts, listings, date conventions and coverage floors come from there.
    site: ClassVar[Site]
    home: ClassVar[str] = ""  # canonical origin, e.g. "https://www.cnas.org"
    site_hosts: ClassVar[tuple[str, ...]] = ()  # every host that serves the site
    listing_paths: ClassVar[tuple[str, ...]] = ()  # listing indexes: the crawl's frontier
    date_order: ClassVar[str]  # how the site writes numeric dates
    languages: ClassVar[tuple[str, ...]]
    # share of stored publications that must have each field (checked after the crawl);
    # `expects` says which publications should have it
    coverage_floors: ClassVar[dict[str, float]] = {}

    # 404/410 on a known publication mark it gone instead of being ignored
    gone_statuses: ClassVar[tuple[int, ...]] = (404, 410)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        site = cls.__dict__.get("site")
        if site is None:
            return
        cls.name = site.name
        cls.home = site.home
        cls.site_hosts = site.hosts
        cls.listing_paths = site.listing_paths
        cls.date_order = site.date_order
        cls.languages = site.languages
        cls.coverage_floors = dict(site.coverage_floors)

    @classmethod
    def own_domains(cls) -> tuple[str, ...]:
        """The registered domains of the site's home and hosts ("cnas.org")."""
        return cls.site.own_domains

    def __init__(
        self,
        base_url: str | None = None,
        since: str | None = None,
        full: str | None = None,
        refresh: str | None = None,
        overlap: str | int = 1,
        **kwargs: Any,
    ) -> None:
        arguments.reject_unknown(type(self), kwargs)
        super().__init__(**kwargs)
        self.base_url = arguments.origin(base_url)
        self.since = arguments.day(since, "since")
        self.full = arguments.flag(full, "full")
        self.refresh = arguments.flag(refresh, "refresh")
        self.overlap = arguments.positive_int(overlap, "overlap")
        fetch_host = urlsplit(self.base_url or self.home).hostname or ""
        self.allowed_domains = [fetch_host] if self.base_url else list(self.site_hosts)
        # Canonical URLs this crawl asked for that were not archived when it started, with
        # the listing card they were shown with, until stored or dropped (see
        # extensions/missing.py): what is left when the crawl ends is a hole.
        self.wanted: dict[str, dict[str, Any] | None] = {}
        self.listed: set[str] = set()  # ... of which shown on a listing by this crawl
        # why a wanted URL was not stored, as its request or response told
        self.failures: dict[str, str] = {}
        self.fallbacks_read = False  # the discovery kept for after the listings requested

    # --- what the site's record and pages provide --------------------------------------
    def canonical_url(self, url: str) -> str | None:
        """The canonical URL of a page of this site, or None if it is not one."""
        return self.site.canonical_url(url)

    def extract_listing(self, url: str, html: str) -> dict[str, Any]:
        return self.site.extract_listing(url, html)

    def extract_article(self, url: str, html: str) -> dict[str, Any]:
        return self.site.extract_article(url, html)

    def expects(self, field: str, item: Publication) -> bool:
        """Whether this publication should have ``field`` (for the coverage floors)."""
        return self.site.expects(field, item.type, item.series)

    # --- URLs --------------------------------------------------------------------------
    def fetch_url(self, url: str) -> str:
        """Where to fetch a site URL: on the mirror when crawling one, else as given."""
        if not self.base_url:
            return url
        parts = urlsplit(url)
        if parts.hostname not in self.site_hosts:
            return url
        mirror = urlsplit(self.base_url)
        return urlunsplit((mirror.scheme, mirror.netloc, parts.path, parts.query, ""))

    def site_url_of(self, response_url: str) -> str:
        """The site's own URL for a fetched page: the mirror's origin swapped for the home.

        Extraction resolves relative links against this, so they point at the site.
        """
        if self.base_url and response_url.startswith(self.base_url):
            return self.home + response_url[len(self.base_url) :]
        return response_url

    def canonical_of(self, response_url: str) -> str | None:
        """Canonical URL of a fetched page, whichever host served it."""
        return self.canonical_url(self.site_url_of(response_url))

    # --- crawl -------------------------------------------------------------------------
    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ThinkTankSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.read_fallbacks, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.discovery_requests(fallback=False):
            yield request

    def discovery_requests(self, *, fallback: bool) -> list[scrapy.Request]:
        """The first request of each discovery source, those kept for after the listings
        (``fallback``) or the others."""
        requests = []
        for source in self.site.discovery:
            if getattr(source, "fallback", False) != fallback:
                continue
            url = self.home + source.path
            if isinstance(source, Listing):
                requests.append(self.listing_request(url, source.path))
            elif isinstance(source, Sitemap):
                requests.append(self.sitemap_request(url))
            elif isinstance(source, Feed):
                requests.append(self.feed_request(url))
            elif isinstance(source, JsonApi):
                requests.append(self.api_request(url, chain(source.path)))
        return requests

    def read_fallbacks(self) -> None:
        """When the crawl first runs out of requests (its listings read through), the
        sitemaps and feeds kept for what the listings missed: the publications the listings
        showed were requested with their cards, and a sitemap's repeat of them is a
        duplicate."""
        if self.fallbacks_read:
            return
        self.fallbacks_read = True
        requests = self.discovery_requests(fallback=True)
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def parse_listing(self, response: Response, index: str) -> Iterable[scrapy.Request]:
        listing = self.extract_listing(self.site_url_of(response.url), response.text)
        self.note_parse_truncation(listing, response)
        cards = {card["url"]: card for card in listing["cards"]}
        stats = self.crawler.stats
        stats.inc_value("thinkscrape/listing/pages")
        if not listing["publication_links"]:
            # A listing page with nothing on it is how a markup change first shows.
            stats.inc_value("thinkscrape/listing/empty_pages")
            self.logger.warning("Listing page with no publication links: %s", response.url)

        card_dates = self.card_dates(listing["cards"], reference=_fetched_at(response))
        for url in listing["publication_links"]:
            card = cards.get(url)
            if card is not None:
                card = {**card, "listing_url": self.site_url_of(response.url)}
            day = card_dates.get(url)
            yield self.article_request(url, card, day=day.isoformat() if day else None)

        here = self.chain_of(response, index)
        empty = not listing["publication_links"]
        if self.within_listing_limits(here, empty=empty):
            newest = max(card_dates.values()).isoformat() if card_dates else None
            following = chain(
                index,
                page=here["page"] + 1,
                empty=here["empty"] + 1 if empty else 0,
                overlap=here["overlap"],
                newest=newest,
            )
            for page_url in listing["pagination"]:
                yield self.listing_request(page_url, index, following)

    def chain_of(self, response: Response, index: str) -> dict[str, Any]:
        """Where a listing page stands in its chain (the first page, when requested from
        elsewhere: ``scrapy parse``, a contract)."""
        return response.meta.get(CHAIN) or chain(index)

    def within_listing_limits(self, here: dict[str, Any], *, empty: bool) -> bool:
        """Whether the listing page ``here`` may lead on to its next pages: not when its
        listing has reached THINKSCRAPE_MAX_LISTING_PAGES pages, nor after
        THINKSCRAPE_MAX_EMPTY_LISTING_PAGES empty pages in a row (a "next" link that always
        leads to a new page is a trap)."""
        index, pages = here["index"], here["page"]
        empties = here["empty"] + 1 if empty else 0
        max_pages = self.settings.getint("THINKSCRAPE_MAX_LISTING_PAGES", 1000)
        max_empty = self.settings.getint("THINKSCRAPE_MAX_EMPTY_LISTING_PAGES", 3)
        if max_empty and empties >= max_empty:
            self.crawler.stats.inc_value("thinkscrape/listing/empty_limit_reached")
            self.logger.warning(
                "Listing %s: %d empty pages in a row, not paginating further"
                " (THINKSCRAPE_MAX_EMPTY_LISTING_PAGES)",
                index,
                empties,
            )
            return False
        if max_pages and pages >= max_pages:
            self.crawler.stats.inc_value("thinkscrape/listing/page_limit_reached")
            self.logger.warning(
                "Listing %s: %d pages read, not paginating further (THINKSCRAPE_MAX_LISTING_PAGES)",
                index,
                pages,
            )
            return False
        return True

    # --- sitemaps, feeds, a JSON API ----------------------------------------------------
    def sitemap_request(
        self, url: str, *, child: bool = False, modified: str | None = None
    ) -> scrapy.Request:
        # a child sitemap carries its <lastmod> from the index: the rule may pass it over
        meta = {SITEMAP_MODIFIED: modified} if child else {}
        return scrapy.Request(
            self.fetch_url(url), callback=self.parse_sitemap, errback=self.listing_failed, meta=meta
        )

    def feed_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(
            self.fetch_url(url), callback=self.parse_feed, errback=self.listing_failed
        )

    def api_request(self, url: str, here: dict[str, Any]) -> scrapy.Request:
        page_url = add_or_replace_parameter(url, "page", str(here["page"]))
        return scrapy.Request(
            self.fetch_url(page_url),
            callback=self.parse_api,
            errback=self.listing_failed,
            meta={CHAIN: here},
        )

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        """A sitemap index's child sitemaps, a sitemap's publications."""
        found = self.read_discovery("sitemap", read_sitemap, response)
        for child in found.sitemaps:
            if self.canonical_url(child.url) is None:
                self.crawler.stats.inc_value("thinkscrape/discovery/sitemap/offsite")
                continue
            yield self.sitemap_request(child.url, child=True, modified=child.modified)
        yield from self.publications_in("sitemap", found.entries)

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        found = self.read_discovery("feed", read_feed, response)
        yield from self.publications_in("feed", found.entries)

    def parse_api(self, response: Response) -> Iterable[scrapy.Request]:
        """One page of a JSON API's posts, newest first, and its next page while the API
        says there are more."""
        found = self.read_discovery("api", read_posts, response)
        # an API may give paths on the site rather than URLs (Payload's canonicalPath)
        page_url = self.site_url_of(response.url)
        entries = [replace(entry, url=urljoin(page_url, entry.url)) for entry in found.entries]
        yield from self.publications_in("api", entries)
        here = response.meta[CHAIN]
        last = total_pages(response.headers.get(b"X-WP-TotalPages"))
        if last is None:
            last = found.total_pages
        more = bool(found.entries) and (last is None or here["page"] < last)
        if more and self.within_listing_limits(here, empty=False):
            days = [e.published[:10] for e in found.entries if e.published]
            following = chain(
                here["index"],
                page=here["page"] + 1,
                overlap=here["overlap"],
                newest=max(days) if days else None,
            )
            yield self.api_request(self.site_url_of(response.url), following)

    def read_discovery(self, kind: str, reader: Any, response: Response) -> Found:
        """Read a sitemap, feed or API body, counting it as a listing page; one that cannot
        be read counts as a listing page not read, with its reason."""
        stats = self.crawler.stats
        stats.inc_value("thinkscrape/listing/pages")
        stats.inc_value(f"thinkscrape/discovery/{kind}/pages")
        found: Found = reader(response.body)
        for reason in found.skipped:
            stats.inc_value(f"thinkscrape/discovery/{kind}/skipped/{reason}")
        if found.problem is not None:
            stats.inc_value(f"thinkscrape/discovery/{kind}/unreadable/{found.problem}")
            stats.inc_value(LISTING_FAILED)
            self.logger.warning("Not a readable %s (%s): %s", kind, found.problem, response.url)
        return found

    def publications_in(self, kind: str, entries: Iterable[Entry]) -> Iterable[scrapy.Request]:
        """A request for each entry the site's URL rules call a publication."""
        stats = self.crawler.stats
        for entry in entries:
            url = self.canonical_url(self.site_url_of(entry.url))
            if url is None or self.site.classify(url) is None:
                stats.inc_value(f"thinkscrape/discovery/{kind}/not_publications")
                continue
            stats.inc_value(f"thinkscrape/discovery/{kind}/publications")
            # the latest day it can have been published: a sitemap's lastmod is no earlier
            day = day_of(entry.published or entry.modified)
            yield self.article_request(
                url, None, day=day.isoformat() if day else None, modified=entry.modified
            )

    def card_dates(self, cards: list[dict[str, Any]], reference: str) -> dict[str, dt.date]:
        """The date each dated card shows, resolved against the listing response's date."""
        dates = {}
        for card in cards:
            parsed = parse_date(
                card.get("date_raw") or "",
                reference=dt.datetime.fromisoformat(reference),
                date_order=self.date_order,
                languages=self.languages,
            )
            if parsed is not None:
                dates[card["url"]] = dt.date.fromisoformat(parsed.iso)
        return dates

    def parse(self, response: Response, **kwargs: Any) -> Any:
        """The callback of a page requested without one (``scrapy parse URL``): a page of
        a listing index is read as a listing, any other as a publication."""
        index = self.listing_index(self.site_url_of(response.url))
        if index is not None:
            return self.parse_listing(response, index=index)
        return self.parse_article(response)

    def listing_index(self, url: str) -> str | None:
        """The listing index (one of ``listing_paths``) a site URL is a page of, else None."""
        return self.site.listing_index(url)

    def listing_request(
        self, url: str, index: str, here: dict[str, Any] | None = None
    ) -> scrapy.Request:
        return scrapy.Request(
            self.fetch_url(url),
            callback=self.parse_listing,
            errback=self.listing_failed,
            cb_kwargs={"index": index},
            meta={CHAIN: here or chain(index)},
        )

    def listing_failed(self, failure: Failure) -> None:
        """Count a listing page that could not be read (an HTTP error after retries, a page
        missing from replayed WARC files...). The publications only it lists were never
        seen, so nothing remembers them: the next crawl must read every listing page again
        (see ``middlewares.incremental.previous_crawl_finished``), and this one is not
        healthy."""
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        response = getattr(error, "response", None)
        reason = f"HTTP {response.status}" if response is not None else type(error).__name__
        self.crawler.stats.inc_value(LISTING_FAILED)
        self.logger.warning("Listing page not read (%s): %s", reason, request.url)

    def article_request(
        self,
        url: str,
        card: dict[str, Any] | None,
        *,
        day: str | None = None,
        modified: str | None = None,
        found: bool = True,
    ) -> scrapy.Request:
        """A publication's request. ``found`` is one the crawl found on a listing, sitemap,
        feed or API (the incremental rule decides whether it is fetched), listed on ``day``
        (ISO) or changed at ``modified`` as the source says; not ``found``: one asked for
        again."""
        # the URL as listed: a redirect may store the page under another one
        meta: dict[str, Any] = {
            "handle_httpstatus_list": list(self.gone_statuses),
            "listed_url": url,
        }
        if found:
            meta[LISTED] = {"day": day, "modified": modified}
        return scrapy.Request(
            self.fetch_url(url),
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"card": card},
            meta=meta,
        )

    def article_failed(self, failure: Failure) -> None:
        """Remember why a publication's request failed (Scrapy has logged it already)."""
        request = failure.request  # type: ignore[attr-defined]
        listed = request.meta.get("listed_url")
        if listed is None:
            return
        error = failure.value
        response = getattr(error, "response", None)
        if response is not None:
            # An errback takes the HttpError before HttpErrorMiddleware would count it.
            stats = self.crawler.stats
            stats.inc_value("httperror/response_ignored_count")
            stats.inc_value(f"httperror/response_ignored_status_count/{response.status}")
            self.logger.info("Ignoring response %r: HTTP status code is not handled", response)
            self.failures[listed] = f"HTTP {response.status} (after retries)"
        else:
            self.failures[listed] = f"{type(error).__name__}: {error}".strip()[:500]

    def _not_stored(self, response: Response, reason: str) -> None:
        listed = response.meta.get("listed_url")
        if listed is not None:
            self.failures[listed] = reason

    def parse_article(
        self, response: Response, card: dict[str, Any] | None = None
    ) -> Iterable[Publication | Gone]:
        url = self.canonical_of(response.url)
        fetched_at = _fetched_at(response)
        if url is None:
            self.crawler.stats.inc_value("thinkscrape/article/not_canonical")
            self.logger.warning("Not a page of %s, skipped: %s", self.name, response.url)
            self._not_stored(response, f"not a page of {self.name}: {response.url}")
            return
        if response.status in self.gone_statuses:
            if response.meta.get(KNOWN):
                yield Gone(url=url, site=self.name, status=response.status, fetched_at=fetched_at)
            else:
                self.crawler.stats.inc_value("thinkscrape/article/missing")
                self.logger.warning("Listed publication answers %s: %s", response.status, url)
                self._not_stored(response, f"HTTP {response.status}")
            return
        if not _is_text(response):
            self.crawler.stats.inc_value("thinkscrape/article/not_html")
            self.logger.warning("Not an HTML page, skipped: %s", response.url)
            self._not_stored(response, f"not an HTML page: {response.url}")
            return
        fields = self.site.typed_by_card(self.extract_article(url, response.text), card)
        self.note_parse_truncation(fields, response)
        yield Publication(
            **fields,
            listing=card,
            fetched_at=fetched_at,
            status=response.status,
            capture=response.meta.get("capture"),
        )

    def note_parse_truncation(self, extracted: dict[str, Any], response: Response) -> None:
        """Count and log a page nested too deep for the HTML parser (see extract.common)."""
        truncation = extracted.pop(PARSE_TRUNCATED, None)
        if truncation is None:
            return
        stats = self.crawler.stats
        stats.inc_value("thinkscrape/extract/parse_truncated")
        if truncation == "recovered":
            stats.inc_value("thinkscrape/extract/parse_recovered")
            self.logger.warning(
                "Parse truncated at the HTML parser's depth limit, recovered by flattening "
                "repeated wrapper tags: %s",
                response.url,
            )
        else:
            self.logger.warning(
                "Parse truncated at the HTML parser's depth limit, the rest of the page is "
                "missing: %s",
                response.url,
            )


def _is_text(response: Response) -> bool:
    return isinstance(response, scrapy.http.TextResponse)


def _fetched_at(response: Response) -> str:
    """The response's own date (its Date header) where it has one, else now, in UTC.

    Relative dates on the page are resolved against this, so a replayed page gives the
    same result years later.
    """
    header = response.headers.get(b"Date")
    if header:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(header.decode("latin-1"))
            return when.astimezone(dt.UTC).isoformat(timespec="seconds")
        except (TypeError, ValueError):
            pass
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
