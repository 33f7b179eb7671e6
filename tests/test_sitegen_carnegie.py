"""The offline mirror of carnegieendowment.org: what the generator writes, checked against
the site notes (carnegie.md), the bundled sample being exactly that, and the saved real
page of the older site read by the site's older page version."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

from crawling import MIRRORS
from parsel import Selector
from shared_files import real_pages

from sitegen import carnegie
from thinkscrape.sites import get

SAMPLE = MIRRORS / "carnegie"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HOME = "https://carnegieendowment.org"


def html(path: str) -> Selector:
    return Selector(text=(SAMPLE / path.strip("/") / "index.html").read_text("utf-8"))


def lines(page: Selector, css: str) -> list[str]:
    texts = (" ".join("".join(n.css("::text").getall()).split()) for n in page.css(css))
    return [text for text in texts if text]


def test_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    carnegie.generate_site(tmp_path / "out")
    written = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*"))
    assert written == sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*"))
    for name in written:
        if (SAMPLE / name).is_file():
            assert (tmp_path / "out" / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_a_current_page_shows_label_title_dek_byline_and_date_in_order() -> None:
    # notes 2.1: credit, lower-case label, title, dek, "by ...", "Published on ..."
    page = html("/emissary/2025/12/carnegie-must-read-pieces-2025")
    assert lines(page, "article > header > *") == [
        "Photos by Getty Images and iStock",
        "commentary",
        "Carnegie’s Must-Read Pieces From 2025",
        "Program directors share the analysis and research that stood out this year.",
        "by Carnegie Program Directors",
        "Published on December 22, 2025",
    ]
    assert page.css("title::text").get() == (
        "Carnegie’s Must-Read Pieces From 2025 | Carnegie Endowment for International Peace"
    )
    assert page.css("meta[property='article:published_time']::attr(content)").get()
    assert carnegie.DISCLAIMER in lines(page, "article > p")
    assert "self.__next_f.push([1," in page.get()
    assert "invented:" in page.get()


def test_a_migrated_page_shows_teaser_page_data_image_and_no_date() -> None:
    # notes 2.3: a teaser first, the object, REQUIRED IMAGE, cards with role and bio
    page = html("/posts/2023/04/russia-is-winning-in-georgia")
    article = page.css("article > *")
    assert lines(article[0], "p") == [
        "The simple conclusion is that the scheme will bring neither peace nor prosperity, "
        "but will institutionalize devastation.",
        "Nathan J. Brown",
    ]
    data = json.loads(article[1].css("::text").get())
    assert (data["authors"], data["type"], data["programAffiliation"]) == (
        ["Francis Fukuyama"],
        "legacyinthemedia",
        "DCG",
    )
    assert lines(article[2], "*") == ["REQUIRED IMAGE"]
    assert "Nonresident Scholar, Democracy, Conflict, and Governance Program" in lines(
        page, ".author-card p"
    )
    assert not page.css("h1") and "Published on" not in page.get()
    credited = html("/posts/2010/09/chinas-role-in-shaping-the-future-of-afghanistan")
    assert lines(credited, "figcaption") == ["Source: Getty"]


def test_cards_as_the_notes_paste_them() -> None:
    # notes 2.4: label, title, dek, "• Name" per author, "· Month D, YYYY"
    second = Selector(text=(SAMPLE / "emissary" / "index.html@page=2").read_text("utf-8"))
    assert lines(second, ".card > *") == [
        "commentary",
        "How South Africa Can Use Its G20 Presidency to Reduce the Cost of Developing "
        "Countries’ Debt",
        "The debt limits these governments’ abilities to invest in their futures.",
        "• David McNair",
        "· December 13, 2024",
    ]
    # notes 2.2: on an expert's page a piece in the media has its outlet after the date
    expert = lines(html("/people/matt-sheehan"), ".card > *")
    at = expert.index("· May 14, 2024")
    assert expert[at - 3 : at + 2] == [
        "in the media",
        "China's Race to Tech Supremacy: Shenzhen Speed",
        "• Matt Sheehan",
        "· May 14, 2024",
        "Tech Tonic Podcast (FT)",
    ]


def test_links_carry_lang_and_the_en_prefix() -> None:
    research = html("/research")
    assert f"{HOME}/research/2024/02/tracing-the-roots-of-chinas-ai-regulations?lang=en" in (
        research.css("a::attr(href)").getall()
    )
    assert (SAMPLE / "research" / "index.html@page=2").is_file()
    posts = ElementTree.parse(SAMPLE / "posts-index.xml").getroot()
    locs = [u.findtext("s:loc", namespaces=SITEMAP_NS) for u in posts.findall("s:url", SITEMAP_NS)]
    assert any(loc.startswith(f"{HOME}/en/posts/") for loc in locs)
    assert any(loc.startswith(f"{HOME}/russia-eurasia/posts/") for loc in locs)


def test_the_sitemap_is_a_urlset_of_child_files_stamped_at_regeneration() -> None:
    root = ElementTree.parse(SAMPLE / "sitemap.xml").getroot()
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = [u.findtext("s:loc", namespaces=SITEMAP_NS) for u in root.findall("s:url", SITEMAP_NS)]
    assert {f"{HOME}/videos-index.xml", f"{HOME}/topics-index.xml", f"{HOME}/staff-index.xml"} <= (
        set(locs)
    )
    assert all(loc.endswith(".xml") for loc in locs)
    stamps = {
        u.findtext("s:lastmod", namespaces=SITEMAP_NS)
        for u in root.iter(f"{{{SITEMAP_NS['s']}}}url")
    }
    assert stamps == {carnegie.REGENERATED}
    staff = ElementTree.parse(SAMPLE / "staff-index.xml").getroot()
    assert f"{HOME}/people/matt-sheehan" in [u.text for u in staff.iter() if u.tag.endswith("loc")]
    assert f"Sitemap: {HOME}/sitemap.xml" in (SAMPLE / "robots.txt").read_text("utf-8")


def test_the_api_gives_paths_and_creation_times_without_titles() -> None:
    answer = json.loads((SAMPLE / "api" / "research" / "index.json").read_text("utf-8"))
    assert all(set(doc) == {"path", "createdAt"} for doc in answer["docs"])
    assert {doc["path"]["canonicalPath"] for doc in answer["docs"]} == {
        "/research/2024/06/turkeys-electoral-map-explained-actors-dynamics-and-future-prospects",
        "/research/2024/02/tracing-the-roots-of-chinas-ai-regulations",
        "/research/2023/07/chinas-ai-regulations-and-how-they-get-made",
    }


def test_the_saved_older_page_is_read_by_the_older_version() -> None:
    # the real page of notes 5.2 (a reconstructed copy: read, never byte-compared)
    name = "carnegieendowment.org/benchmarking-second-trump-kim-summit-pub-78407.html"
    page = (real_pages() / name).read_text(encoding="utf-8")
    url = f"{HOME}/2019/02/19/benchmarking-second-trump-kim-summit-pub-78407"
    raw = get("carnegie").extract_article(url, page)
    assert (raw["title"], raw["published_raw"], raw["type"], raw["type_label"]) == (
        "Benchmarking the Second Trump-Kim Summit",
        "February 19, 2019",
        "commentary",
        "Commentary",
    )
    assert [(c["name"], c["profile_url"]) for c in raw["contributors"]] == [
        ("Toby Dalton", f"{HOME}/experts/578"),
        ("Ariel (Eli) Levite", f"{HOME}/experts/387"),
    ]
    assert raw["source_line"] is None  # "Source: Getty" is the photo caption
    # the inline author boxes and the related items' authors are not the article's
    assert "Cornelius Adebahr" not in raw["body"]
    assert "\n\nToby Dalton\n\n" not in raw["body"]
    assert raw["body"].startswith("President Donald Trump deserves credit")


def test_the_listing_page_reads_the_cards_bullets_date_and_outlet() -> None:
    site = get("carnegie")
    expert = site.extract_listing(
        f"{HOME}/people/matt-sheehan", (SAMPLE / "people/matt-sheehan/index.html").read_text()
    )
    media = expert["cards"][0]
    assert (media["type"], media["byline_raw"], media["date_raw"], media["outlet"]) == (
        "in the media",
        "Matt Sheehan",
        "· May 14, 2024",
        "Tech Tonic Podcast (FT)",
    )
    assert media["summary"] is None  # the author's bullet is no dek
    research = site.extract_listing(
        f"{HOME}/research", (SAMPLE / "research/index.html").read_text()
    )
    assert research["pagination"] == [f"{HOME}/research?page=2"]
    assert [card["byline_raw"] for card in research["cards"]] == ["Sinem Adar", "Matt Sheehan"]
    assert all("/people/" not in url for url in research["publication_links"])
