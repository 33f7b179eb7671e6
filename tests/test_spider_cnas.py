"""The spider only navigates: which requests it makes from which page, on a mirror or not."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from thinkscrape.items import Gone, Publication
from thinkscrape.middlewares.incremental import KNOWN, ArchiveState, IncrementalCrawl
from thinkscrape.spiders.thinktanks import CnasSpider

MIRROR = "http://127.0.0.1:8123"
CNAS = "https://www.cnas.org"


def make_spider(settings: dict | None = None, **kwargs) -> CnasSpider:
    crawler = get_crawler(CnasSpider, settings)
    spider = CnasSpider.from_crawler(crawler, **kwargs)
    crawler.spider = spider
    crawler.stats.open_spider()
    return spider


def page(sample_root: Path, path: str, status: int = 200, meta: dict | None = None) -> HtmlResponse:
    file = sample_root / path.strip("/") / "index.html"
    body = file.read_bytes() if status == 200 else b"<html><body>Not found</body></html>"
    headers = {"Date": "Sat, 28 Nov 2026 03:00:00 GMT", "Content-Type": "text/html; charset=utf-8"}
    url = MIRROR + path
    request = Request(url, meta=meta)
    return HtmlResponse(url, body=body, status=status, headers=headers, request=request)


def listing_through_the_rule(spider: CnasSpider, response: HtmlResponse, **archive) -> list:
    """What a crawl requests from a listing page: the spider's requests as the incremental
    rule lets them through, for an archive holding ``archive`` (ArchiveState's fields)."""
    rule = IncrementalCrawl(spider.crawler)
    rule.state = ArchiveState(**archive)
    found = spider.parse_listing(response, index="/reports")
    return list(rule.process_spider_output(response, found))


@pytest.mark.parametrize(
    ("url", "fetched"),
    [
        (CNAS + "/reports/p2?area=defense", MIRROR + "/reports/p2?area=defense"),
        (
            "https://cnas.org/publications/commentary/sharper-nato",
            MIRROR + "/publications/commentary/sharper-nato",
        ),
        ("http://104.239.228.80/publications/reports/x", MIRROR + "/publications/reports/x"),
        (
            "https://www.38north.org/2020/10/mgarlauskas102220/",
            "https://www.38north.org/2020/10/mgarlauskas102220/",
        ),
    ],
)
def test_site_links_are_fetched_on_the_mirror(url, fetched):
    assert make_spider(base_url=MIRROR + "/").fetch_url(url) == fetched


def test_without_a_mirror_urls_are_fetched_as_given_and_only_site_hosts_allowed():
    spider = make_spider()
    assert spider.fetch_url(CNAS + "/reports/p2") == CNAS + "/reports/p2"
    assert set(spider.allowed_domains) == {"www.cnas.org", "cnas.org", "104.239.228.80"}


def test_a_mirror_page_has_its_canonical_url():
    spider = make_spider(base_url=MIRROR)
    assert spider.allowed_domains == ["127.0.0.1"]
    assert (
        spider.canonical_of(MIRROR + "/publications/reports/negotiating-with-north-korea?token=abc")
        == CNAS + "/publications/reports/negotiating-with-north-korea"
    )


def start_requests(spider: CnasSpider) -> list[Request]:
    async def collect() -> list[Request]:
        return [request async for request in spider.start()]

    return asyncio.run(collect())


def test_start_reads_the_three_listing_indexes(tmp_path):
    spider = make_spider({"THINKSCRAPE_DB": str(tmp_path / "new.db")}, base_url=MIRROR)
    requests = start_requests(spider)
    assert [r.url for r in requests] == [
        MIRROR + "/reports",
        MIRROR + "/articles-multimedia",
        MIRROR + "/press",
    ]


def split(results) -> tuple[list[Request], list[Request]]:
    results = list(results)
    articles = [r for r in results if r.callback.__name__ == "parse_article"]
    listings = [r for r in results if r.callback.__name__ == "parse_listing"]
    assert len(articles) + len(listings) == len(results)
    return articles, listings


def test_a_listing_page_yields_its_articles_with_cards_and_its_next_page(sample_root):
    spider = make_spider(base_url=MIRROR)
    articles, listings = split(
        spider.parse_listing(page(sample_root, "/reports"), index="/reports")
    )
    assert len(articles) == 20
    assert all(r.url.startswith(MIRROR + "/publications/reports/") for r in articles)
    card = articles[0].cb_kwargs["card"]
    assert card["listing_url"] == CNAS + "/reports"
    assert card["url"] == CNAS + articles[0].url[len(MIRROR) :]
    assert MIRROR + "/reports/p2" in [r.url for r in listings]


def test_since_stops_pagination_once_items_are_older(sample_root):
    spider = make_spider(base_url=MIRROR, since="2100-01-01")
    articles, listings = split(listing_through_the_rule(spider, page(sample_root, "/reports")))
    assert (articles, listings) == ([], [])
    assert spider.crawler.stats.get_value("thinkscrape/listing/stopped_since") == 1


def test_incremental_crawl_stops_after_a_page_of_archived_items(sample_root):
    response = page(sample_root, "/reports")
    spider = make_spider(base_url=MIRROR)
    everything, _ = split(spider.parse_listing(response, index="/reports"))
    known = {r.cb_kwargs["card"]["url"] for r in everything[3:]}
    articles, listings = split(listing_through_the_rule(spider, response, known=known))
    assert [r.url for r in articles] == [r.url for r in everything[:3]]
    assert listings == []


def test_dropped_or_given_up_items_are_not_fetched_and_do_not_stop_pagination(sample_root):
    # pages dropped for having no title, or publications given up on, are not archived: a
    # listing page of them is no sign that the crawl has caught up with the archive
    response = page(sample_root, "/reports")
    spider = make_spider(base_url=MIRROR)
    everything, _ = split(spider.parse_listing(response, index="/reports"))
    skipped = {r.cb_kwargs["card"]["url"] for r in everything}
    articles, listings = split(listing_through_the_rule(spider, response, skipped=skipped))
    assert articles == [] and MIRROR + "/reports/p2" in [r.url for r in listings]
    assert spider.wanted == {}


def test_overlap_reads_more_pages_of_archived_items(sample_root):
    response = page(sample_root, "/reports")
    spider = make_spider(base_url=MIRROR, overlap="2")
    everything, _ = split(spider.parse_listing(response, index="/reports"))
    known = {r.cb_kwargs["card"]["url"] for r in everything}
    articles, listings = split(listing_through_the_rule(spider, response, known=known))
    assert articles == [] and len(listings) >= 1
    # the count of such pages travels with the next page's request
    assert listings[0].meta["thinkscrape_chain"]["overlap"] == 1
    next_page = page(sample_root, "/reports", meta=listings[0].meta)
    assert split(listing_through_the_rule(spider, next_page, known=known)) == ([], [])


def test_refresh_refetches_archived_items(sample_root):
    response = page(sample_root, "/reports")
    spider = make_spider(base_url=MIRROR, refresh="1")
    everything, _ = split(spider.parse_listing(response, index="/reports"))
    known = {r.cb_kwargs["card"]["url"] for r in everything}
    articles, _ = split(listing_through_the_rule(spider, response, known=known))
    assert len(articles) == 20


def test_an_article_page_becomes_a_publication_with_its_card(sample_root):
    spider = make_spider(base_url=MIRROR)
    path = "/publications/reports/negotiating-with-north-korea"
    card = {"url": CNAS + path, "date_raw": "February 12, 2019"}
    (item,) = list(spider.parse_article(page(sample_root, path), card=card))
    assert isinstance(item, Publication)
    assert (item.url, item.site, item.type, item.title) == (
        CNAS + path,
        "cnas",
        "report",
        "Negotiating With North Korea",
    )
    assert item.listing == card
    assert item.fetched_at == "2026-11-28T03:00:00+00:00"


def test_a_known_publication_answering_404_is_gone(sample_root):
    spider = make_spider(base_url=MIRROR)
    path = "/publications/commentary/removed-piece"
    # the incremental rule marks the request of an archived publication
    response = page(sample_root, path, status=404, meta={KNOWN: True})
    (item,) = list(spider.parse_article(response))
    assert item == Gone(
        url=CNAS + path, site="cnas", status=404, fetched_at="2026-11-28T03:00:00+00:00"
    )


def test_an_unknown_page_answering_404_is_counted_not_stored(sample_root):
    spider = make_spider(base_url=MIRROR)
    response = page(sample_root, "/publications/commentary/never-seen", status=404)
    assert list(spider.parse_article(response)) == []
    assert spider.crawler.stats.get_value("thinkscrape/article/missing") == 1


def test_listings_are_read_through_again_after_an_unfinished_crawl():
    from thinkscrape.archive.schema import open_db
    from thinkscrape.archive.store import Archive
    from thinkscrape.middlewares.incremental import previous_crawl_finished

    db = open_db(":memory:")
    archive = Archive(db)
    assert previous_crawl_finished(db, "cnas")  # no crawl yet: nothing to resume
    first = archive.start_crawl("cnas", {})
    archive.finish_crawl(
        first, finish_reason="finished", items_stored=1, items_dropped=0, errors=0, stats={}
    )
    killed = archive.start_crawl("cnas", {})  # killed: never finished
    running = archive.start_crawl("cnas", {})
    assert not previous_crawl_finished(db, "cnas", running)
    assert previous_crawl_finished(db, "cnas", killed)
    assert previous_crawl_finished(db, "brookings", running)


@pytest.mark.parametrize(
    ("stats", "read_through"),
    [
        ({}, True),
        ({"thinkscrape/listing/failed": 1}, False),  # a listing page it could not read
        ({"thinkscrape/missing/unrecorded": 2}, False),  # holes it could not remember
        ({"thinkscrape/listing/failed": 0, "thinkscrape/missing/unrecorded": 0}, True),
    ],
)
def test_a_finished_crawl_that_left_unseen_listings_is_not_read_through(
    stats: dict[str, int], read_through: bool
) -> None:
    from thinkscrape.archive.schema import open_db
    from thinkscrape.archive.store import Archive
    from thinkscrape.middlewares.incremental import previous_crawl_finished

    db = open_db(":memory:")
    archive = Archive(db)
    earlier = archive.start_crawl("cnas", {})
    archive.finish_crawl(
        earlier, finish_reason="finished", items_stored=1, items_dropped=0, errors=0, stats=stats
    )
    running = archive.start_crawl("cnas", {})
    assert previous_crawl_finished(db, "cnas", running) is read_through
