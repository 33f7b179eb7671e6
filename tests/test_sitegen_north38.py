"""The offline mirror of www.38north.org: what the generator writes, checked against the
site notes (38north.md), and the bundled sample being exactly that."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from pathlib import Path
from xml.etree import ElementTree

from crawling import MIRRORS
from parsel import Selector

from sitegen import north38
from thinkscrape.mirror import serve_mirror

SAMPLE = MIRRORS / "38north"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def html(path: str) -> Selector:
    return Selector(text=(SAMPLE / path.strip("/") / "index.html").read_text("utf-8"))


def test_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    north38.generate_site(tmp_path / "out")
    written = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*"))
    assert written == sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*"))
    for name in written:
        if (SAMPLE / name).is_file():
            assert (tmp_path / "out" / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_listing_has_four_cards_a_page_and_page_numbers() -> None:
    # notes 3.1 and 5.1: /articles/, /articles/page/N/, four items, a.page-numbers
    first, second = html("/articles/"), html("/articles/page/2/")
    assert len(first.css("div.content > div.ajax-target > article.ajax-item")) == 4
    assert first.css("a.page-numbers::attr(href)").getall()[-1] == (
        "https://www.38north.org/articles/page/2/"
    )
    assert second.css("span.page-numbers.current::text").get() == "2"


def test_cards_as_the_notes_paste_them() -> None:
    cards = html("/articles/").css("div.content > div.ajax-target > article")
    expansion = next(c for c in cards if "Expansion Work" in c.css("a.article__link::text").get())
    assert expansion.css("time::attr(datetime)").get() == "2023-04-28"
    assert expansion.css("time::text").get() == "Apr 28 "
    authors = " ".join("".join(expansion.css(".article__authors ::text").getall()).split())
    assert authors == "Peter Makowsky, Jack Liu and Olli Heinonen"
    assert expansion.css("a.article__link::attr(title)").get().startswith("Article: ")


def test_article_header_as_the_notes_paste_it() -> None:
    page = html("/2019/01/jwit013119/")
    assert page.css("h1.page-header::text").get() == "Let’s Get Perspective"
    assert page.css("ul.post__meta.list-inline li.meta--date::text").get() == "January 31, 2019"
    byline = page.css("li.meta--authors")
    assert byline.xpath("text()").get() == "BY:\xa0"
    assert byline.css("a.author.url.fn[rel=author]::attr(title)").get() == "Posts by Joel S. Wit"
    assert "Dan Coats, the Director of National Intelligence" in page.css("section p::text").get()
    assert "Stay informed about our latest news" in page.css("footer").get()
    assert "invented:" in page.get()


def test_sitemap_index_lists_children_with_lastmod() -> None:
    index = ElementTree.parse(SAMPLE / "sitemap_index.xml").getroot()
    children = index.findall("s:sitemap", SITEMAP_NS)
    assert len(children) >= 2
    locs = [c.findtext("s:loc", namespaces=SITEMAP_NS) for c in children]
    assert "https://www.38north.org/post-sitemap.xml" in locs
    assert all(c.findtext("s:lastmod", namespaces=SITEMAP_NS) for c in children[:2])
    posts = ElementTree.parse(SAMPLE / "post-sitemap.xml").getroot()
    assert len(posts.findall("s:url", SITEMAP_NS)) == 9
    assert "Sitemap: https://www.38north.org/sitemap_index.xml" in (
        (SAMPLE / "robots.txt").read_text("utf-8")
    )


def test_feed_has_ten_items_in_utc_the_evening_piece_on_the_next_day() -> None:
    with serve_mirror(SAMPLE) as mirror:
        import urllib.request

        with urllib.request.urlopen(mirror.base_url + "/feed/") as response:
            assert "xml" in response.headers["Content-Type"]
            root = ElementTree.fromstring(response.read())
    items = root.findall("channel/item")
    assert len(items) == 10
    dates = {item.findtext("link"): item.findtext("pubDate") for item in items}
    assert all(re.search(r"\+0000$", d) for d in dates.values())
    evening = dates["https://www.38north.org/2019/02/bkatzeffsilberstein020119/"]
    assert parsedate_to_datetime(evening).date().isoformat() == "2019-02-02"
    assert items[0].find("{http://purl.org/rss/1.0/modules/content/}encoded") is not None


def test_synthetic_records_grow_by_newer_pieces(tmp_path: Path) -> None:
    later = north38.synthetic_records(7)
    assert north38.synthetic_records(5) == later[2:]
    days = [record["day"] for record in later]
    assert days == sorted(days, reverse=True) and len(set(days)) == 7
    north38.generate_site(tmp_path / "site", later)
    pages = sorted((tmp_path / "site" / "articles").rglob("index.html"))
    assert len(pages) == 2  # four cards a page
