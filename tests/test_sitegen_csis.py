"""The offline mirror of www.csis.org: what the generator writes, checked against the site
notes (csis.md), and the bundled sample being exactly that."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from pathlib import Path
from xml.etree import ElementTree

from crawling import MIRRORS
from parsel import Selector

from sitegen import csis
from thinkscrape.mirror import mirror_file_name

SAMPLE = MIRRORS / "csis"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def html(path: str) -> Selector:
    return Selector(text=(SAMPLE / mirror_file_name(path)).read_text("utf-8"))


def test_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    csis.generate_site(tmp_path / "out")
    written = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*"))
    assert written == sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*"))
    for name in written:
        if (SAMPLE / name).is_file():
            assert (tmp_path / "out" / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_listing_cards_as_the_scrapers_select_them() -> None:
    # notes 2.1: article.article-search-listing (report-search-listing for reports),
    # h3.headline-sm a span, div.search-listing--summary p, span.contributor--item
    page = html("/analysis")
    cards = page.css("div.views-row > article")
    assert {c.attrib["class"] for c in cards} <= {"article-search-listing", "report-search-listing"}
    assert page.css("div.csis-search-results-text::text").get() == "1 - 5 of 15 results"
    titles = page.css("h3.headline-sm a span::text").getall()
    assert "Unpacking Trump’s New Critical Minerals Executive Order" in titles
    report = next(c for c in cards if c.attrib["class"] == "report-search-listing")
    credit = " ".join("".join(report.css("div.contributors p ::text").getall()).split())
    assert credit == "Report by A. Scholar, B. Scholar and C. Scholar — February 10, 2025"
    assert report.css("span.contributor--item::text").getall() == [
        "A. Scholar",
        "B. Scholar",
        "C. Scholar",
    ]
    assert all(c.css("div.search-listing--summary p::text").get() for c in cards)
    # links are relative (notes 2.1)
    assert all(
        href.startswith("/") for href in page.css("h3.headline-sm a::attr(href)").getall()[:1]
    )


def test_the_real_credit_lines_of_2019() -> None:
    credits = [
        " ".join("".join(p.css("::text").getall()).split())
        for n in range(3)
        for p in html("/analysis" + (f"?page={n}" if n else "")).css("div.contributors p")
    ]
    assert "Commentary by William Alan Reinsch — February 5, 2019" in credits
    assert "Report by J. Stephen Morrison — November 20, 2019" in credits
    assert "Podcast — February 6, 2019" in credits  # no one credited (notes 4.1 #6)


def test_events_and_digital_features_share_the_listing() -> None:
    hrefs = [
        a
        for n in range(3)
        for a in html("/analysis" + (f"?page={n}" if n else "")).css("h3 a::attr(href)").getall()
    ]
    assert "/events/online-event-aids-2020-reimagined" in hrefs
    assert any(h.startswith("https://features.csis.org/") for h in hrefs)
    assert len(hrefs) == 15


def test_zero_based_query_pages_with_relative_links() -> None:
    second = html("/analysis?page=1")
    assert second.css("div.csis-search-results-text::text").get() == "6 - 10 of 15 results"
    assert "?page=2" in second.css("nav.pager a::attr(href)").getall()
    assert (SAMPLE / "analysis" / "index.html@page=2").is_file()
    assert not (SAMPLE / "analysis" / "index.html@page=3").exists()


def test_article_pages_as_the_archived_text_shows_them() -> None:
    report = html(
        "/analysis/assessing-impact-china-russia-security-coordination-latin-america-and-caribbean"
    )
    assert report.css("title::text").get().endswith(" | CSIS")
    assert report.css("a[href='/defense-and-security']::text").get() == "Defense and Security"
    downloads = report.xpath("//*[normalize-space(text())='Available Downloads']/following::a[1]")
    href = downloads.attrib["href"]
    assert href.startswith("https://csis-website-prod.s3.amazonaws.com/s3fs-public/2025-02/")
    assert re.search(r"\.pdf\?VersionId=\w+$", href)
    assert report.xpath("//p[starts-with(normalize-space(), 'Photo:')]")
    assert "invented:" in report.get()
    chameleon = html("/analysis/globalization-chameleon").get()
    assert "William Reinsch holds the Scholl Chair in International Business" in chameleon


def test_sitemap_index_children_are_query_pages_listing_every_node_type() -> None:
    index = ElementTree.parse(SAMPLE / "sitemap.xml").getroot()
    locs = [loc.text for loc in index.findall("s:sitemap/s:loc", SITEMAP_NS)]
    assert locs == [
        "https://www.csis.org/sitemap.xml?page=1",
        "https://www.csis.org/sitemap.xml?page=2",
    ]
    urls = [
        loc.text
        for n in (1, 2)
        for loc in ElementTree.parse(SAMPLE / f"sitemap.xml@page={n}").findall(
            "s:url/s:loc", SITEMAP_NS
        )
    ]
    assert any("/people/" in u for u in urls) and any("/events/" in u for u in urls)
    assert len([u for u in urls if "/analysis/" in u]) == 13
    assert "Sitemap: https://www.csis.org/sitemap.xml" in (SAMPLE / "robots.txt").read_text()


def test_the_feed_still_answers_with_2016_items_only() -> None:
    root = ElementTree.parse(SAMPLE / "rss.xml").getroot()
    years = {parsedate_to_datetime(d.text).year for d in root.iter("pubDate")}
    assert years == {2016}
