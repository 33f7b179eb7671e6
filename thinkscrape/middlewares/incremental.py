"""The incremental rule, one spider middleware for every way a site is discovered.

The spider reports every publication it finds (on a listing page, in a sitemap, a feed or
an API page) and every next page of a listing; this middleware decides, from the archive
and the crawl's arguments, which of them are requested:

- a publication listed before ``since`` is not fetched, and a listing whose newest item is
  older than ``since`` is not paginated further;
- an archived publication is not fetched again, unless ``full``/``refresh`` asks for every
  one, or its sitemap/feed says it changed after the last crawl that read its listings
  through (then it is fetched conditionally, like every stored page);
- a page dropped before, or a publication given up on, is not fetched by default;
- a listing (or API) stops paginating once ``overlap`` of its pages have shown archived
  publications; after a crawl that did not read its listings through, every page is read;
- a child sitemap whose ``<lastmod>`` is older than that last crawl is not read again.

What it needs of the archive is read once, at the start, through ``thinkscrape.archive``.
Nothing is counted per process: what a listing page's successors need (how many pages of
archived items came before) travels in the request's meta, so any scheduler that keeps
requests keeps the rule.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response

from thinkscrape.discovery import changed_since

logger = logging.getLogger(__name__)

# Listing pages requested but never read (HTTP errors after retries, missing from replayed
# WARC files, a sitemap that is no sitemap): a stats key the next crawl reads back.
LISTING_FAILED = "thinkscrape/listing/failed"

# request.meta keys the spider sets and this middleware reads (or sets)
LISTED = "thinkscrape_listed"  # a publication found: {"day": ISO date, "modified": stamp}
CHAIN = "thinkscrape_chain"  # a listing or API page: its index and place in the chain
SITEMAP_MODIFIED = "thinkscrape_sitemap_modified"  # a child sitemap's <lastmod>
KNOWN = "thinkscrape_known"  # set here: the publication is archived


def chain(index: str, page: int = 1, empty: int = 0, overlap: int = 0, newest: str | None = None):
    """The meta of a listing (or API) page: ``page`` is its place in the chain from the
    index's first page, ``empty`` the empty pages right before it, ``overlap`` the pages of
    archived publications read before it, ``newest`` the newest day the page it was found
    on lists."""
    return {"index": index, "page": page, "empty": empty, "overlap": overlap, "newest": newest}


# The page number in a listing page's URL: /reports/p2, /articles/page/2/, ?page=2, ?paged=2
_PAGE_NUMBER = re.compile(r"(?:/p|/page/)(\d+)/?(?:$|[?#])|[?&](?:page|paged)=(\d+)")


def page_number(url: str) -> int:
    """The number a listing page's URL gives it; 0 for a URL that gives none (the first
    page, whose number is often left out)."""
    found = _PAGE_NUMBER.search(url)
    return int(found.group(1) or found.group(2)) if found else 0


def next_in_order(requests: list[Request], current: str) -> list[Request]:
    """Of a listing page's pagination links, the next page: the lowest page number above the
    page at ``current``. A pager links to many pages ("1 2 3 ... 126 Next"); an incremental
    crawl reads them one after the other, so it can stop at the first page of archived
    items. Links that give no page number at all (a cursor) are all kept."""
    here = page_number(current)
    numbered = [(page_number(r.url), r) for r in requests]
    if not any(number for number, _ in numbered):
        return requests
    following = [number for number, _ in numbered if number > here]
    if not following:
        return []
    return [r for number, r in numbered if number == min(following)]


def previous_crawl_finished(db: Any, spider: str, running: int | None = None) -> bool:
    """Whether the last crawl of ``spider`` before the running one read its listings through.

    A crawl killed half-way has no finish reason; one stopped early (shutdown, timeout) has
    another than "finished"; one that could not record the publications it missed, or could
    not read a listing page, says so in its stats. ``running`` is the id of the running
    crawl's own row, if any.
    """
    from thinkscrape.archive.history import previous_crawl

    last = previous_crawl(db, spider, running)
    return last is None or read_through(last)


def read_through(crawl: dict[str, Any]) -> bool:
    stats = crawl["stats"]
    return crawl["finish_reason"] == "finished" and not (
        stats.get("thinkscrape/missing/unrecorded") or stats.get(LISTING_FAILED)
    )


def last_read_through_start(db: Any, spider: str, running: int | None) -> dt.datetime | None:
    """When the last crawl of ``spider`` that read its listings through started."""
    from thinkscrape.archive.history import crawls_before

    for crawl in crawls_before(db, spider, running):
        if read_through(crawl) and crawl["started"]:
            started = dt.datetime.fromisoformat(crawl["started"])
            return started if started.tzinfo else started.replace(tzinfo=dt.UTC)
    return None


@dataclass
class ArchiveState:
    """What the archive holds for the site, as the crawl starts."""

    known: set[str] = field(default_factory=set)  # archived publication URLs
    # not fetched by default though not archived: dropped pages, publications given up on
    skipped: set[str] = field(default_factory=set)
    # missing publications to ask for again, with their listing cards
    retries: list[tuple[str, dict[str, Any] | None]] = field(default_factory=list)
    # the previous crawl did not read its listings through: read every listing page again
    resume: bool = False
    # when the last crawl that read its listings through started (sitemap/feed dates are
    # compared with it)
    last_read_through: dt.datetime | None = None


def load_state(db_path: str | None, site: str, running: int | None) -> ArchiveState:
    if not db_path:
        return ArchiveState()
    from thinkscrape.archive import missing
    from thinkscrape.archive.schema import opened
    from thinkscrape.archive.store import Archive

    with opened(db_path) as db:
        archive = Archive(db)
        return ArchiveState(
            known=archive.known_urls(site),
            # Pages dropped before (no title) are not fetched again every night either; nor
            # are publications that failed too often. Neither counts as archived.
            skipped=archive.dropped_urls(site) | missing.given_up(db, site),
            retries=missing.to_retry(db, site),
            resume=not previous_crawl_finished(db, site, running),
            last_read_through=last_read_through_start(db, site, running),
        )


def shared_state(crawler: Crawler) -> ArchiveState | None:
    """The archive's state as a crawl shared by several processes started: the writer read
    it once for all of them (every process reads the same, however late it joins)."""
    if not crawler.settings.get("THINKSCRAPE_REDIS_URL"):
        return None
    from thinkscrape.distributed.worker import worker_of

    worker = worker_of(crawler)
    return worker.run.get("state") if worker is not None else None


class IncrementalCrawl:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.state = ArchiveState()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalCrawl:
        return cls(crawler)

    # --- the start: the archive is read before the first request ------------------------
    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        spider = self.crawler.spider
        self.state = shared_state(self.crawler) or load_state(
            self.crawler.settings.get("THINKSCRAPE_DB"),
            spider.name,
            self.stats.get_value("thinkscrape/crawl_id"),
        )
        if self.state.resume:
            logger.info("The previous crawl did not finish: reading every listing page")
        async for request in start:
            yield request
        if self.state.retries:
            logger.info(
                "Asking again for %d publication(s) listed before but never stored",
                len(self.state.retries),
            )
        for url, card in self.state.retries:
            self.stats.inc_value("thinkscrape/missing/retried")
            spider.wanted[url] = card
            yield spider.article_request(url, card, found=False)

    # --- what the spider found -----------------------------------------------------------
    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        page = _Page(self, self.crawler.spider, response)
        for output in result:
            yield from page.take(output)
        yield from page.next_pages()

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        page = _Page(self, self.crawler.spider, response)
        async for output in result:
            for kept in page.take(output):
                yield kept
        for kept in page.next_pages():
            yield kept

    # --- the rule ------------------------------------------------------------------------
    def everything(self, spider: Spider) -> bool:
        return bool(getattr(spider, "full", False) or getattr(spider, "refresh", False))

    def wants_publication(self, request: Request, spider: Spider) -> tuple[bool, bool]:
        """(whether to request it, whether it is archived)."""
        url = request.meta["listed_url"]
        listed = request.meta[LISTED]
        since = getattr(spider, "since", None)
        day = listed.get("day")
        if since and day and dt.date.fromisoformat(day) < since:
            self.stats.inc_value("thinkscrape/listing/skipped_before_since")
            return False, False
        everything = self.everything(spider)
        # Only publications actually archived count as known, for pagination too: one that
        # failed is asked for again, and what is listed behind it still read.
        if url in self.state.known:
            request.meta[KNOWN] = True
            if everything:
                return True, True
            if self.changed_since_last_crawl(listed.get("modified")):
                self.stats.inc_value("thinkscrape/listing/modified_known")
                return True, True
            self.stats.inc_value("thinkscrape/listing/skipped_known")
            return False, True
        if url in self.state.skipped and not everything:
            self.stats.inc_value("thinkscrape/listing/skipped_dropped")
            return False, False
        self.stats.inc_value("thinkscrape/listing/new_links")
        spider.listed.add(url)
        # a sitemap or feed gives no card: it does not hide one a listing page gave
        card = request.cb_kwargs.get("card")
        if card is not None or url not in spider.wanted:
            spider.wanted[url] = card
        return True, False

    def changed_since_last_crawl(self, modified: str | None) -> bool:
        """Whether a page a sitemap or feed dates ``modified`` may have changed since the
        last crawl that read the listings through (always, when there was none)."""
        if modified is None or self.state.last_read_through is None:
            return False
        return changed_since(modified, self.state.last_read_through)

    def wants_child_sitemap(self, request: Request, spider: Spider) -> bool:
        modified = request.meta[SITEMAP_MODIFIED]
        if (
            self.everything(spider)
            or self.state.resume
            or modified is None
            or self.state.last_read_through is None
            or changed_since(modified, self.state.last_read_through)
        ):
            return True
        self.stats.inc_value("thinkscrape/discovery/sitemap/skipped_unchanged")
        return False

    def next_pages(
        self, requests: list[Request], spider: Spider, known_here: int, current: str
    ) -> list[Request]:
        """The next pages of the listing page at ``current``, which showed ``known_here``
        archived items."""
        since = getattr(spider, "since", None)
        newest = requests[0].meta[CHAIN].get("newest")
        if since and newest and dt.date.fromisoformat(newest) < since:
            self.stats.inc_value("thinkscrape/listing/stopped_since")
            return []
        # A crawl into an archive that holds nothing of the site yet reads every page at once,
        # as a full crawl does: all of it is new.
        if self.everything(spider) or self.state.resume or not self.state.known:
            return requests
        if known_here:
            # An incremental crawl reads on until `overlap` pages have shown archived items.
            overlap = requests[0].meta[CHAIN]["overlap"] + 1
            if overlap >= getattr(spider, "overlap", 1):
                self.stats.inc_value("thinkscrape/listing/stopped_known")
                return []
            for request in requests:
                request.meta[CHAIN] = {**request.meta[CHAIN], "overlap": overlap}
        return next_in_order(requests, current)


class _Page:
    """The outputs of one response as the rule goes through them: next pages are held back
    until every publication of the page has been seen."""

    def __init__(self, rule: IncrementalCrawl, spider: Spider, response: Response) -> None:
        self.rule, self.spider, self.response = rule, spider, response
        self.known_here = 0
        self.held: list[Request] = []

    def take(self, output: Any) -> Iterator[Any]:
        if not isinstance(output, Request):
            yield output
        elif LISTED in output.meta:
            wanted, known = self.rule.wants_publication(output, self.spider)
            self.known_here += known
            if wanted:
                yield output
        elif CHAIN in output.meta:
            self.held.append(output)
        elif SITEMAP_MODIFIED in output.meta:
            if self.rule.wants_child_sitemap(output, self.spider):
                yield output
        else:
            yield output

    def next_pages(self) -> list[Request]:
        if not self.held:
            return []
        return self.rule.next_pages(self.held, self.spider, self.known_here, self.response.url)
