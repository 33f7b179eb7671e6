"""The navigation every think-tank spider shares: listing → article → next listing page.

A site's spider sets its name, home origin, listing paths and extraction functions, and
overrides the named hooks only. Spiders navigate; they never parse fields themselves
(extraction does) nor clean values (pipelines do).

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
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from thinkscrape.extract.common import PARSE_TRUNCATED
from thinkscrape.items import Gone, Publication
from thinkscrape.normalize.dates import parse_date
from thinkscrape.site import Site
from thinkscrape.spiders import arguments

# Listing pages requested but never read (HTTP errors after retries, missing from replayed
# WARC files): a stats key the next crawl reads back from the crawls table.
LISTING_FAILED = "thinkscrape/listing/failed"


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
        self.known_urls: set[str] = set()
        # set when the previous crawl did not finish: it may have stopped before fetching
        # publications deeper in the listings, so every listing page is read again
        self.resume_listings = False
        # listing index → pages read so far that held archived publications
        self._overlap_seen: dict[str, int] = {}
        # not fetched by default though not archived: dropped pages, publications given up on
        self.skipped_urls: set[str] = set()
        # Canonical URLs this crawl asked for that were not archived when it started, with
        # the listing card they were shown with, until stored or dropped (see
        # extensions/missing.py): what is left when the crawl ends is a hole.
        self.wanted: dict[str, dict[str, Any] | None] = {}
        self.listed: set[str] = set()  # ... of which shown on a listing by this crawl
        # why a wanted URL was not stored, as its request or response told
        self.failures: dict[str, str] = {}
        # listing index -> pages read, and empty pages read in a row (pagination traps)
        self._listing_pages: dict[str, int] = {}
        self._empty_in_a_row: dict[str, int] = {}

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
    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.known_urls, self.skipped_urls, retries = self.load_known_urls()
        for path in self.listing_paths:
            yield self.listing_request(self.home + path, path)
        if retries:
            self.logger.info(
                "Asking again for %d publication(s) listed before but never stored", len(retries)
            )
        for url, card in retries:
            self.crawler.stats.inc_value("thinkscrape/missing/retried")
            self.wanted[url] = card
            yield self.article_request(url, card)

    def load_known_urls(
        self,
    ) -> tuple[set[str], set[str], list[tuple[str, dict[str, Any] | None]]]:
        """What the archive holds for this site: the archived URLs, the URLs not to fetch by
        default (dropped pages, publications given up on) and the missing ones to retry."""
        from thinkscrape.archive import missing
        from thinkscrape.archive.schema import opened
        from thinkscrape.archive.store import Archive

        path = self.settings.get("THINKSCRAPE_DB")
        if not path:
            return set(), set(), []
        with opened(path) as db:
            running = self.crawler.stats.get_value("thinkscrape/crawl_id")
            self.resume_listings = not previous_crawl_finished(db, self.name, running)
            if self.resume_listings:
                self.logger.info("The previous crawl did not finish: reading every listing page")
            archive = Archive(db)
            # Pages dropped before (no title) are not fetched again every night either; nor
            # are publications that failed too often. Neither counts as archived.
            skipped = archive.dropped_urls(self.name) | missing.given_up(db, self.name)
            return archive.known_urls(self.name), skipped, missing.to_retry(db, self.name)

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
        everything = self.full or self.refresh
        known_here = 0
        for url in listing["publication_links"]:
            if self.since and url in card_dates and card_dates[url] < self.since:
                stats.inc_value("thinkscrape/listing/skipped_before_since")
                continue
            card = cards.get(url)
            if card is not None:
                card = {**card, "listing_url": self.site_url_of(response.url)}
            # Only publications actually archived count as known, for pagination too: one
            # that failed is asked for again, and what is listed behind it still read.
            if url in self.known_urls:
                known_here += 1
                if not everything:
                    stats.inc_value("thinkscrape/listing/skipped_known")
                    continue
            elif url in self.skipped_urls and not everything:
                stats.inc_value("thinkscrape/listing/skipped_dropped")
                continue
            else:
                stats.inc_value("thinkscrape/listing/new_links")
                self.listed.add(url)
                self.wanted[url] = card
            yield self.article_request(url, card)

        within_limits = self.within_listing_limits(index, empty=not listing["publication_links"])
        if within_limits and self.should_paginate(list(card_dates.values()), index, known_here):
            for page_url in listing["pagination"]:
                yield self.listing_request(page_url, index)

    def within_listing_limits(self, index: str, *, empty: bool) -> bool:
        """Whether the listing ``index`` may go on to its next pages: not when it has reached
        THINKSCRAPE_MAX_LISTING_PAGES pages, nor after THINKSCRAPE_MAX_EMPTY_LISTING_PAGES
        empty pages in a row (a "next" link that always leads to a new page is a trap)."""
        pages = self._listing_pages[index] = self._listing_pages.get(index, 0) + 1
        empties = self._empty_in_a_row[index] = (
            self._empty_in_a_row.get(index, 0) + 1 if empty else 0
        )
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

    def should_paginate(self, card_dates: list[dt.date], index: str, known_here: int) -> bool:
        """Whether to follow this listing page's pagination links."""
        if self.since and card_dates and max(card_dates) < self.since:
            self.crawler.stats.inc_value("thinkscrape/listing/stopped_since")
            return False
        if self.full or self.refresh or self.resume_listings or known_here == 0:
            return True
        # An incremental crawl reads on until `overlap` pages have shown archived items.
        self._overlap_seen[index] = self._overlap_seen.get(index, 0) + 1
        if self._overlap_seen[index] >= self.overlap:
            self.crawler.stats.inc_value("thinkscrape/listing/stopped_known")
            return False
        return True

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

    def listing_request(self, url: str, index: str) -> scrapy.Request:
        return scrapy.Request(
            self.fetch_url(url),
            callback=self.parse_listing,
            errback=self.listing_failed,
            cb_kwargs={"index": index},
        )

    def listing_failed(self, failure: Failure) -> None:
        """Count a listing page that could not be read (an HTTP error after retries, a page
        missing from replayed WARC files...). The publications only it lists were never
        seen, so nothing remembers them: the next crawl must read every listing page again
        (see ``previous_crawl_finished``), and this one is not healthy."""
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        response = getattr(error, "response", None)
        reason = f"HTTP {response.status}" if response is not None else type(error).__name__
        self.crawler.stats.inc_value(LISTING_FAILED)
        self.logger.warning("Listing page not read (%s): %s", reason, request.url)

    def article_request(self, url: str, card: dict[str, Any] | None) -> scrapy.Request:
        return scrapy.Request(
            self.fetch_url(url),
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"card": card},
            # the URL as listed: a redirect may store the page under another one
            meta={"handle_httpstatus_list": list(self.gone_statuses), "listed_url": url},
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
            if url in self.known_urls:
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
        fields = self.extract_article(url, response.text)
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


def previous_crawl_finished(db: Any, spider: str, running: int | None = None) -> bool:
    """Whether the last crawl of ``spider`` before the running one read its listings through.

    A crawl killed half-way has no finish reason; one stopped early (shutdown, timeout) has
    another than "finished"; one that could not record the publications it missed, or could
    not read a listing page, says so in its stats. ``running`` is the id of the running
    crawl's own row, if any.
    """
    from thinkscrape.archive.history import previous_crawl

    last = previous_crawl(db, spider, running)
    if last is None:
        return True
    stats = last["stats"]
    return last["finish_reason"] == "finished" and not (
        stats.get("thinkscrape/missing/unrecorded") or stats.get(LISTING_FAILED)
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
