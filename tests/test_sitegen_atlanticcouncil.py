"""The offline mirror of www.atlanticcouncil.org: what the generator writes, checked against
the site notes (atlanticcouncil.md), and the bundled sample being exactly that."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from crawling import MIRRORS
from parsel import Selector

from sitegen import atlanticcouncil
from thinkscrape.mirror import mirror_file_name

SAMPLE = MIRRORS / "atlanticcouncil"
HOME = "https://www.atlanticcouncil.org"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
TSI = "/programs/scowcroft-center-for-strategy-and-security/transatlantic-security-initiative"


def html(path: str) -> Selector:
    return Selector(text=(SAMPLE / mirror_file_name(path)).read_text("utf-8"))


def lines(node: Selector) -> list[str]:
    """The element's lines of text as a reader sees them, in order."""
    texts = (" ".join(t.split()) for t in node.xpath(".//*[not(self::script)]/text()").getall())
    return [t for t in texts if t]


def test_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    atlanticcouncil.generate_site(tmp_path / "out")
    written = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*"))
    assert written == sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*"))
    for name in written:
        if (SAMPLE / name).is_file():
            assert (tmp_path / "out" / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_every_page_announces_what_it_invents() -> None:
    pages = [p for p in SAMPLE.rglob("*") if p.is_file() and p.name != "robots.txt"]
    assert pages and all("invented:" in p.read_text("utf-8") for p in pages if "html" in p.name)
    assert "invented:" in (SAMPLE / "robots.txt").read_text("utf-8")


def test_category_cards_read_as_the_archived_listing_text() -> None:
    # notes 1.4: label, "Mon D, YYYY", title, "By <names>", excerpt ending […] on imported
    # posts, then the pills; megaCrawler's div.p-archives--container.row > div > a
    page = html("/category/blogs/new-atlanticist/page/2")
    cards = page.css("div.p-archives--container.row > div")
    assert len(cards) == 4
    mattis = next(c for c in cards if "Mattis" in c.xpath("./a/text()").get())
    assert lines(mattis) == [
        "New Atlanticist",
        "Jun 19, 2018",
        "The United States Needs Its Allies, Mattis Tells Naval War College Graduates",
        "By David Wemer",
        "United States Secretary of Defense James Mattis passionately defended … […]",
        "Saudi Arabia",
        "The Gulf",
    ]
    deter = next(c for c in cards if "DETER" in c.xpath("./a/text()").get())
    assert "By Daniel Fried and Brian O'Toole" in lines(deter)
    last = html("/category/blogs/new-atlanticist/page/3").css("div.p-archives--container > div")
    assert lines(last[-1])[:2] == ["New Atlanticist", "Jul 11, 2011"]
    assert lines(last[-1])[4].endswith("[…]")


def test_category_pages_are_numbered_and_carry_expert_embeds() -> None:
    first = html("/category/blogs/new-atlanticist/")
    assert first.css("div.j-posts--pagination > a::attr(href)").getall()[:2] == [
        f"{HOME}/category/blogs/new-atlanticist/page/2",
        f"{HOME}/category/blogs/new-atlanticist/page/3",
    ]
    assert ["Stay updated", "Explore our unique analysis", "Content"] == first.css(
        "div.p-archives--header p::text"
    ).getall()
    embed = first.css("div.gta-embed--content.gta-expert-embed--content > h3 > a")
    assert embed.xpath("@href").get() == f"{HOME}/expert/daniel-fried/"


def test_program_collections_page_by_their_block_parameter() -> None:
    block = "ac-page-collection-block_72fe98c70d920aa8006932975f1bef14"
    first, second = html(f"{TSI}/commentary/"), html(f"{TSI}/commentary/?{block}=2")
    assert first.css(f"a[href$='?{block}=2']::attr(href)").get() == (
        f"{HOME}{TSI}/commentary/?{block}=2"
    )
    assert "All timely commentary & analysis" in lines(first)
    deni = next(c for c in second.css("div.p-archives--container > div") if "Deni" in lines(c)[2])
    assert lines(deni)[:5] == [
        "In the News",
        "Jul 4, 2024",
        "Deni in The Washington Post on the upcoming NATO Summit",
        "By John R. Deni",
        "On July 4, Transatlantic Security Initiative nonresident senior fellow John Deni was "
        "featured in The Washington Post discussing the upcoming NATO Summit.",
    ]
    insight = html("/programs/scowcroft-center-for-strategy-and-security/insight-impact")
    assert any("/event/" in href for href in insight.css("a::attr(href)").getall())


def test_marquee_header_as_the_template_writes_it() -> None:
    page = html("/blogs/new-atlanticist/nato-allies-need-a-better-approach-to-industrial-strategy/")
    header = page.css("section.ac-single-post.marquee header.ac-single-post--marquee")
    # get_the_date('D, M j, Y'): a weekday, an abbreviated month, no leading zero
    assert header.css("p.ac-single-post--marquee--heading.s-tag-button::text").get() == (
        "Mon, Jul 1, 2024"
    )
    assert header.css("h2.ac-single-post--marquee--title::text").get() == (
        "NATO allies need a better approach to industrial strategy"
    )
    byline, related = header.css("p.ac-single-post--marquee--tax")
    assert lines(byline) == ["New Atlanticist", "by", "Kristen Taylor"]
    assert byline.css("a.gta-site-banner--tax--expert.gta-post-site-banner--tax--expert")
    assert lines(related)[0] == "Related Experts:"
    assert related.css("a.ac-single-post--marquee--tax--expert")
    assert page.css("div.ac-single-post--container.row > div.columns-12.column-center")
    assert page.css("div.ac-single-post--content p")


def test_standard_banner_with_an_expert_link_and_a_plain_span() -> None:
    page = html(
        "/blogs/new-atlanticist/the-deter-act-will-not-deter-russia-it-will-instead-hurt-us-eu"
        "-economies/"
    )
    assert page.css("h1.gta-site-banner--title.gta-post-site-banner--title::text").get() == (
        "The DETER Act Will Not Deter Russia. It Will Instead Hurt US, EU Economies"
    )
    assert page.css("[class$='heading--date']::text").get() == "Jun 18, 2018"
    assert page.css(".gta-post-site-banner--tax--cats::text").get() == "New Atlanticist"
    authors = page.css(".gta-post-embed--tax--expert")
    assert [a.root.tag for a in authors] == ["a", "span"]
    assert authors.xpath("string()").getall() == ["Daniel Fried", "Brian O'Toole"]
    assert page.css("section.ac-single-post.standard")


def test_sitemap_index_robots_and_feed() -> None:
    index = ElementTree.parse(SAMPLE / "sitemap_index.xml").getroot()
    locs = [c.findtext("s:loc", namespaces=SITEMAP_NS) for c in index]
    for child in ("post-sitemap.xml", "post-sitemap2.xml", "expert-sitemap.xml"):
        assert f"{HOME}/{child}" in locs
    experts = ElementTree.parse(SAMPLE / "expert-sitemap.xml").getroot()
    assert all("/expert/" in u.findtext("s:loc", namespaces=SITEMAP_NS) for u in experts)
    assert f"Sitemap: {HOME}/sitemap_index.xml" in (SAMPLE / "robots.txt").read_text("utf-8")
    links = [
        i.findtext("link") for i in ElementTree.parse(SAMPLE / "feed" / "index.xml").iter("item")
    ]
    assert any("/event/" in link for link in links)  # the feed mixes events in (notes 1.3)
    assert any(link.startswith(f"{HOME}/blogs/") and not link.endswith("/") for link in links)
