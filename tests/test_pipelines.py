"""The pipelines are thin: they run a stage, apply its fields and count its events."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from tests.registered import register_site
from thinkscrape import sites
from thinkscrape.items import Gone, Publication
from thinkscrape.normalize.stages import apply, normalize_all, reference_time
from thinkscrape.pipelines.dates import DatesPipeline
from thinkscrape.pipelines.links import LinksPipeline
from thinkscrape.pipelines.people import PeoplePipeline
from thinkscrape.pipelines.required import RequiredFieldsPipeline
from thinkscrape.spiders.thinktanks import CnasSpider, spider_for


@pytest.fixture
def crawler():
    crawler = get_crawler(CnasSpider)
    crawler.spider = CnasSpider.from_crawler(crawler)
    crawler.stats.open_spider()
    return crawler


def test_page_without_title_is_dropped_with_reason_and_counted(crawler):
    pipeline = RequiredFieldsPipeline.from_crawler(crawler)
    item = Publication(url="https://www.cnas.org/publications/reports/x", site="cnas", title="  ")
    with pytest.raises(DropItem, match="no title on https://www.cnas.org/publications/reports/x"):
        pipeline.process_item(item)
    assert crawler.stats.get_value("thinkscrape/required/dropped/no_title") == 1


def test_missing_fields_are_counted_per_field_and_the_item_kept(crawler):
    pipeline = RequiredFieldsPipeline.from_crawler(crawler)
    item = Publication(
        url="https://www.cnas.org/publications/commentary/x",
        site="cnas",
        type="commentary",
        title="A title",
        body="Text.",
    )
    assert pipeline.process_item(item) is item
    counted = {
        key.rsplit("/", 1)[1]: value
        for key, value in crawler.stats.get_stats().items()
        if key.startswith("thinkscrape/required/missing/")
    }
    assert counted == {"published_raw": 1, "byline_raw": 1, "summary": 1, "contributors": 1}


def test_gone_items_pass_through_untouched(crawler):
    pipeline = RequiredFieldsPipeline.from_crawler(crawler)
    gone = Gone(url="https://www.cnas.org/publications/reports/x", site="cnas", status=404)
    assert pipeline.process_item(gone) is gone


def test_a_dropped_item_is_logged_by_reason_not_by_its_whole_body(crawler):
    from thinkscrape.logformatter import ThinkscrapeLogFormatter

    item = Publication(url="https://www.cnas.org/x", site="cnas", body="very long text " * 500)
    logged = ThinkscrapeLogFormatter().dropped(
        item, DropItem("no title on https://www.cnas.org/x"), None, crawler.spider
    )
    assert logged["msg"] % logged["args"] == "Dropped: no title on https://www.cnas.org/x"


def another_sites_crawler(monkeypatch, **facts):
    """A crawler whose spider reads another think tank, known to the registry, not CNAS."""
    monkeypatch.delitem(sites.all_sites(), "cnas")
    spider_class = spider_for(register_site(monkeypatch, **facts))
    crawler = get_crawler(spider_class)
    crawler.spider = spider_class.from_crawler(crawler)
    crawler.stats.open_spider()
    return crawler


def test_a_sites_own_links_are_typed_by_its_own_domains(monkeypatch):
    crawler = another_sites_crawler(
        monkeypatch, name="38north", hosts=("www.38north.org", "38north.org")
    )
    sentence = "Read the full report at 38 North."
    own_report = "https://www.38north.org/reports/2019/02/a-report/"
    item = Publication(
        url="https://www.38north.org/2019/02/a-commentary/",
        site="38north",
        title="A commentary",
        body="The summit changed little. " + sentence,
        links_raw=[
            {"url": own_report, "text": "full report", "context": sentence},
            {"url": "/about/", "text": "About us", "context": "About us"},
            {"url": "https://www.cnas.org/x", "text": "CNAS", "context": "CNAS"},
        ],
    )
    LinksPipeline.from_crawler(crawler).process_item(item)
    kinds = {link["url"]: link["kind"] for link in item.links}
    assert kinds == {
        own_report: "internal",
        "https://www.38north.org/about/": "internal",
        "https://www.cnas.org/x": "external",
    }
    # the site's own report is not "the full article elsewhere"
    assert item.full_article_url is None
    assert item.full_article_domain is None


def test_dates_and_people_follow_the_spiders_site(monkeypatch):
    crawler = another_sites_crawler(
        monkeypatch, name="exemple", date_order="DMY", not_names=("Beyond Parallel",)
    )
    item = Publication(
        url="https://www.exemple.org/analysis/a-note",
        site="exemple",
        title="A note",
        published_raw="05/03/2019",
        byline_raw="By Jane Doe and Beyond Parallel",
        fetched_at="2026-11-01T02:00:00+00:00",
    )
    for pipeline in (DatesPipeline, PeoplePipeline):
        pipeline.from_crawler(crawler).process_item(item)
    assert item.published == "2019-03-05"
    assert [author["name"] for author in item.authors] == ["Jane Doe"]


def test_the_pipelines_normalise_as_normalize_all_does_for_the_spiders_site(monkeypatch):
    crawler = another_sites_crawler(
        monkeypatch,
        name="exemple",
        hosts=("www.exemple.org", "exemple.org"),
        date_order="DMY",
        not_names=("Beyond Parallel",),
    )
    sentence = "Read the full article in Foreign Policy."
    values = {
        "url": "https://www.exemple.org/analysis/a-note",
        "site": "exemple",
        "title": "A note",
        "published_raw": "05/03/2019",
        "byline_raw": "By Jane Doe and Beyond Parallel",
        "body": "The summit changed little. " + sentence,
        "links_raw": [
            {"url": "https://foreignpolicy.com/a-note", "text": "article", "context": sentence},
            {"url": "/about/", "text": "About us", "context": "About us"},
        ],
        "fetched_at": "2026-11-01T02:00:00+00:00",
    }
    item = Publication(**values)
    for pipeline in (DatesPipeline, PeoplePipeline, LinksPipeline):
        pipeline.from_crawler(crawler).process_item(item)

    expected = Publication(**values)
    site, reference = sites.get("exemple"), reference_time(values["fetched_at"])
    for result in normalize_all(expected.raw(), site=site, reference=reference).values():
        apply(expected, result)
    assert item == expected
    assert (item.published, item.full_article_domain) == ("2019-03-05", "foreignpolicy.com")
