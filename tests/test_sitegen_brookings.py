"""The offline mirror of www.brookings.edu: what the generator writes, checked against the
site notes (brookings.md), and the bundled sample being exactly that."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

from crawling import MIRRORS
from parsel import Selector

from sitegen import brookings
from thinkscrape.mirror import mirror_file_name
from thinkscrape.pages.article import page_for
from thinkscrape.sites import get
from thinkscrape.sites.brookings import Brookings, Brookings2016

REPO = Path(__file__).resolve().parent.parent
SAMPLE = MIRRORS / "brookings"
SAMPLE_2019 = MIRRORS / "brookings-2019"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
AI = "/articles/how-artificial-intelligence-is-transforming-the-world/"


def html(path: str) -> Selector:
    return Selector(text=(SAMPLE / mirror_file_name(path)).read_text("utf-8"))


def test_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    brookings.generate_site(tmp_path / "out")
    written = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*"))
    assert written == sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*"))
    for name in written:
        if (SAMPLE / name).is_file():
            assert (tmp_path / "out" / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_article_page_as_the_notes_describe_it() -> None:
    page = html(AI)
    # 5.1: main > section (header), section, section; the blocks inside #content > div
    assert len(page.xpath("//main/section")) == 3
    blocks = page.xpath(
        '//*[@id="content"]/div/div[@class="byo-block -narrow wysiwyg-block wysiwyg "]/p'
    )
    assert len(blocks) == 2  # the exact class, trailing space and all
    container = page.css("div.byo-blocks.-with-sidebars.article-content")
    assert container.css("aside.sidebar.sidebar-left") and container.css("aside.sidebar-right")
    assert container.css("div.byo-block.-narrow.authors")
    assert container.css("div.byo-block.-narrow.related-content")
    # 5.2: the title suffix, article:published_time, JSON-LD dates
    assert page.css("title::text").get().endswith(" | Brookings")
    assert page.css("meta[property='article:published_time']::attr(content)").get() == (
        "2018-04-24T14:00:00+00:00"
    )
    assert '"dateModified": "2023-08-29T19:04:11+00:00"' in page.get()
    # 5.3: the header's author names, the authors block's role lines and handle
    assert page.css("div.author-row span.author-name::text").getall() == [
        "Darrell M. West",
        "John R. Allen",
    ]
    block = " ".join(page.css("div.authors ::text").getall())
    for line in ("Vice President and Director - Governance Studies", "@DarrWest"):
        assert line in block
    assert page.css("div.authors a[href*='/people/']")
    assert "invented:" in page.get()


def test_editors_notes_and_the_op_ed_sentence() -> None:
    note = html("/articles/the-covid-reset-latin-america-needs/").css("div.editors-note")
    assert note.css("a::attr(href)").get().startswith("https://www.americasquarterly.org/")
    aquino = html(
        "/articles/the-world-banks-strategy-for-addressing-fragility-in-sub-saharan-africa/"
    ).css("div.editors-note ::text")
    assert "".join(aquino.getall()).startswith("Editors’ Note: One week after this post was")


def test_listing_pages_over_the_page_query_with_load_more() -> None:
    first = html("/research-commentary/")
    cards = first.css("li.ais-InfiniteHits-item article.article-nav")
    assert len(cards) == 5  # four pieces and an event
    assert cards[0].css("a.overlay-link span.sr-only::text").get().startswith("OpenAI floats")
    assert cards[0].css(".date::text").get() == "November 24, 2025"
    assert "/events/" in cards[1].css("a.overlay-link::attr(href)").get()
    assert first.css("a.btn-outline-alt::attr(href)").get() == (
        "https://www.brookings.edu/research-commentary/?page=2"
    )
    last = html("/research-commentary/?page=3")
    assert last.css("li.ais-InfiniteHits-item") and not last.css("a.btn-outline-alt")


def test_sitemaps_feed_and_robots() -> None:
    index = ElementTree.parse(SAMPLE / "sitemap_index.xml").getroot()
    locs = [c.findtext("s:loc", namespaces=SITEMAP_NS) for c in index]
    assert [loc for loc in locs if "article-sitemap" in loc]
    assert [loc for loc in locs if "/person-sitemap" in loc]
    articles = [
        u
        for name in ("article-sitemap.xml", "article-sitemap2.xml")
        for u in ElementTree.parse(SAMPLE / name).getroot()
    ]
    assert len(articles) == 11
    # <lastmod> is the modification, not the publication (the re-homed 2018 piece)
    lastmods = {
        u.findtext("s:loc", namespaces=SITEMAP_NS): u.findtext("s:lastmod", namespaces=SITEMAP_NS)
        for u in articles
    }
    assert lastmods["https://www.brookings.edu" + AI].startswith("2023-")
    feed = ElementTree.parse(SAMPLE / "feed" / "index.xml").getroot()
    items = feed.findall("channel/item")
    assert len(items) == 10
    assert all(re.search(r"\+0000$", item.findtext("pubDate")) for item in items)
    creator = "{http://purl.org/dc/elements/1.1/}creator"
    assert "<![CDATA[Tom Wheeler]]>" in (SAMPLE / "feed" / "index.xml").read_text("utf-8")
    assert [len(item.findall(creator)) for item in items] == [1] * 10
    robots = (SAMPLE / "robots.txt").read_text("utf-8")
    assert "invented" in robots and "Sitemap: https://www.brookings.edu/sitemap_index.xml" in robots


def test_the_book_page_shows_its_release_date() -> None:
    page = html("/books/turning-point/")
    assert "Release Date: July 28, 2020" in page.css("main p::text").getall()
    assert not page.css("meta[property='article:published_time']")


def test_each_theme_is_read_by_its_own_page_version_whatever_the_date() -> None:
    # A 2019 piece re-homed under /articles/ wears today's theme, a 2019 blog post of the
    # old theme the 2016-2023 one: the markup picks the version, not the date.
    site = get("brookings")
    fixtures = REPO / "tests" / "fixtures" / "brookings"
    for case, version in (
        ("current-rehomed-research-2019", Brookings),
        ("current-three-authors-2025", Brookings),
        ("legacy-research-2019", Brookings2016),
        ("legacy-blog-2019", Brookings2016),
    ):
        url = (fixtures / case / "url.txt").read_text("utf-8").strip()
        html_text = (fixtures / case / "page.html").read_text("utf-8")
        assert type(page_for(site.article_pages, site, url, html_text)) is version, case


def test_the_2019_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    brookings.generate_site(tmp_path / "out", era="2019")
    written = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*"))
    assert written == sorted(p.relative_to(SAMPLE_2019) for p in SAMPLE_2019.rglob("*"))
    for name in written:
        if (SAMPLE_2019 / name).is_file():
            assert (tmp_path / "out" / name).read_bytes() == (SAMPLE_2019 / name).read_bytes()


def test_the_2019_theme_as_the_notes_describe_it() -> None:
    path = "research/local-transportation-policy-and-economic-opportunity/index.html"
    page = Selector(text=(SAMPLE_2019 / path).read_text("utf-8"))
    assert page.css("h1.report-title::text").get() == (
        "Local transportation policy and economic opportunity"
    )
    time = page.css("time[itemprop=datePublished]")
    assert time.css("::text").get() == "Thursday, January 31, 2019"
    assert time.attrib["content"] == "2019-01-31T00:00:00-05:00"
    assert page.css("span.meta span[itemprop=author]::text").get() == "Matthew Turner"
    body = page.css("div.post-body.post-body-enhanced")
    # the card under "Author" after the first paragraph, then its name and role line
    assert body.xpath("./*[2]/self::p") and body.xpath("./div[1]/h3/text()").get() == "Author"
    card = [t.strip() for t in body.xpath("./div[1]//text()").getall() if t.strip()]
    assert card == [
        "Author",
        "Matthew Turner",
        "Professor of Economics and Director of Graduate Studies - Brown University",
    ]
    assert body.css("a::attr(href)").get().endswith("/2019/01/Turner_PP_web_20190128.pdf")
    feed = (SAMPLE_2019 / "feed" / "index.xml").read_text("utf-8")
    assert "<![CDATA[Matthew Turner]]>" in feed and "/research/local-transportation" in feed
