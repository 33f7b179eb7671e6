"""The offline mirror of www.stimson.org: what the generator writes, checked against the
site notes (stimson.md), and the bundled sample being exactly that."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

from crawling import MIRRORS
from parsel import Selector

from sitegen import stimson
from thinkscrape.mirror import mirror_file_name

SAMPLE = MIRRORS / "stimson"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def html(path: str) -> Selector:
    return Selector(text=(SAMPLE / mirror_file_name(path)).read_text("utf-8"))


def text_of(page: Selector) -> str:
    return " ".join(page.xpath("string(//body)").get().split())


def test_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    stimson.generate_site(tmp_path / "out")
    written = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*"))
    assert written == sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*"))
    for name in written:
        if (SAMPLE / name).is_file():
            assert (tmp_path / "out" / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_every_page_announces_what_it_invents() -> None:
    pages = [p for p in SAMPLE.rglob("*") if p.is_file()]
    assert len(pages) == 22
    assert all("invented:" in p.read_text("utf-8") for p in pages)


def test_drupal_article_as_the_scraper_read_it() -> None:
    # notes 4.1: h1.product-title, span.date-product "Dec 5, 2018" (day not padded), one
    # div.expert-name a person, the first div.field__item.even being the expert field's
    page = html("/content/northern-sea-route")
    assert page.css("h1.product-title::text").get() == "The Northern Sea Route"
    assert page.css("div.author-date-block span.date-product::text").get() == "Dec 5, 2018"
    first_item = page.css("div.field__item.even")[0]
    assert first_item.css("div.expert-name::text").get() == "Yun Sun"
    two = html("/content/china-mekong-river-states-placeholder")
    assert two.css("div.expert-name::text").getall() == ["Amanda Shaver", "Yun Sun"]


def test_drupal_outbound_sentences_are_the_notes_own() -> None:
    # notes 5.3 sentences 1-3, "here" the link
    for path, sentence in [
        (
            "/content/second-trump-kim-summit-no-good-option-japan",
            "This article was originally published by The Diplomat on February 27, 2019. "
            "Read the full article here.",
        ),
        (
            "/content/whats-next-us-north-korea-talks",
            "This article was originally published by The Japan Times on March 4, 2019. Read "
            "the full article here.",
        ),
        (
            "/content/second-trump-kim-summit-where-china",
            "This article was originally published on February 26, 2019 by 38 North. Read the "
            "full article here.",
        ),
    ]:
        page = html(path)
        assert sentence in text_of(page)
        assert page.xpath("//p/a[.='here']/@href").get().startswith("https://")


def test_drupal_listing_items_and_pager() -> None:
    # notes 3: div.current-title > a with relative hrefs, "<Month D, YYYY> | EXPERT: <Name>",
    # ?page=N from 0, "Subscribe to RSS - China"
    first = html("/programs/grand-strategy-pivotal-places")
    hrefs = first.css("div.current-title > a::attr(href)").getall()
    assert len(hrefs) == 4 and all(href.startswith("/content/") for href in hrefs)
    assert "March 7, 2019 | EXPERT: Yun Sun" in text_of(first)
    assert first.css("ul.pager a::attr(href)").getall()[0] == (
        "/programs/grand-strategy-pivotal-places?page=1"
    )
    second = html("/programs/grand-strategy-pivotal-places?page=1")
    assert len(second.css("div.current-title > a")) == 2
    china = text_of(html("/programs/china"))
    assert "July 14, 2017 | EXPERT: Amanda Shaver , EXPERT: Yun Sun" in china
    assert china.endswith("Subscribe to RSS - China")


def test_wordpress_page_shows_the_blocks_in_the_notes_order() -> None:
    # notes 4.2: label, title, byline, body, share links, program, Media Inquiries, form
    text = text_of(html("/2021/stimsons-mekong-dam-monitor-wins-disaster-tech-award/"))
    order = [
        "Press Release",
        "Stimson’s Mekong Dam Monitor Wins Disaster Tech Award",
        "Featuring Brian Eyler",
        "placeholder text",
        "Share on twitter Share on facebook Share on linkedin Share on email",
        "Part of the Mekong Policy Project",
        "Southeast Asia",
        "Media Inquiries",
        "Contact Caitlin Goodman",
        "Choose Your Subscription Topics",
        "38 North: News and Analysis on North Korea",
        "South Asian Voices",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_wordpress_urls_and_migrated_items() -> None:
    paths = [record["path"] for record in stimson.WORDPRESS]
    # /YYYY/<slug>/ with the year only; a migrated alias keeps its "-0"
    assert all(re.fullmatch(r"/\d{4}/[a-z0-9-]+/", path) for path in paths)
    assert any(path.endswith("-0/") for path in paths)
    migrated = text_of(html("/2015/new-home-stimsons-next-25-years/"))
    assert "A New Home For Stimson’s Next 25 Years In " in migrated
    mongabay = text_of(html(paths[2]))
    assert mongabay.count("Read the full article here.") == 1
    assert "originally published" not in mongabay


def test_feed_and_sitemaps_list_the_wordpress_posts_only() -> None:
    feed = ElementTree.parse(SAMPLE / "feed" / "index.xml").getroot()
    links = [item.findtext("link") for item in feed.findall("channel/item")]
    assert sorted(links) == sorted(stimson.HOME + r["path"] for r in stimson.WORDPRESS)
    index = ElementTree.parse(SAMPLE / "sitemap_index.xml").getroot()
    children = [c.findtext("s:loc", namespaces=SITEMAP_NS) for c in index]
    assert f"{stimson.HOME}/post-sitemap.xml" in children
    events = ElementTree.parse(SAMPLE / "event-sitemap.xml").getroot()
    assert "/events/" in events.findtext("s:url/s:loc", namespaces=SITEMAP_NS)
    robots = (SAMPLE / "robots.txt").read_text("utf-8")
    assert f"Sitemap: {stimson.HOME}/sitemap_index.xml" in robots
