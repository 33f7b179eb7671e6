"""The offline mirror of www.rand.org: what the generator writes, checked against the site
notes (rand.md), and the bundled sample being exactly that."""

from __future__ import annotations

import re
from pathlib import Path

from crawling import MIRRORS
from parsel import Selector

from sitegen import rand
from thinkscrape.mirror import mirror_file_name, resolve_mirror_path

SAMPLE = MIRRORS / "rand"
BLOG_2019 = "/blog/2019/02/hard-to-predict-outcome-of-second-trump-kim-summit.html"


def html(path: str) -> Selector:
    return Selector(text=(SAMPLE / mirror_file_name(path)).read_text("utf-8"))


def test_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    rand.generate_site(tmp_path / "out")
    written = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*"))
    assert written == sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*"))
    for name in written:
        if (SAMPLE / name).is_file():
            assert (tmp_path / "out" / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_listing_is_paged_by_the_query_string() -> None:
    # notes 1.3: /pubs.html?page=N, cards ul.teasers li, div.text > h3 > a, p.date, p.type
    first, third = html("/pubs.html"), html("/pubs.html?page=3")
    assert resolve_mirror_path(SAMPLE, "/pubs.html?page=2") == SAMPLE / "pubs.html@page=2"
    assert len(first.css("ul.teasers > li div.text > h3 > a")) == rand.PAGE_SIZE
    assert "https://www.rand.org/pubs.html?page=2" in first.css("nav a::attr(href)").getall()
    card = first.css("ul.teasers > li")[0]
    assert card.css(".type-time p.type::text").get() == "Commentary"
    # the card abbreviates the month (1.3, 3.1)
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d{4}", card.css("p.date::text").get())
    assert "/news/advisories/2017/05/11.html" in third.get()  # a card that is no publication


def test_2019_commentary_page_as_the_notes_describe_it() -> None:
    page = html(BLOG_2019)
    assert page.css("meta[name=rand-date]::attr(content)").get() == "20190206"
    assert page.css("meta[name=rand-content-category]::attr(content)").get() == "blog"
    assert page.css("h1#RANDTitleHeadingId::text").get() == (
        "Hard to Predict Outcome of Second Trump-Kim Summit"
    )
    assert page.css("p.type::text").get() == "commentary"
    assert "".join(page.css("p.authors")[0].css("::text").getall()) == "by Bruce W. Bennett"
    assert page.css("p.date::text").get() == "February 6, 2019"
    # the body ends with the bio, the sentence, the disclaimer and the share links (2.3, 3.3)
    body = [" ".join("".join(p.css("::text").getall()).split()) for p in page.css(".body-text p")]
    assert body[-3:] == [
        "Bruce W. Bennett is a senior international/defense researcher at the nonprofit, "
        "nonpartisan RAND Corporation.",
        "This commentary originally appeared on The National Interest on February 6, 2019.",
        rand.DISCLAIMER,
    ]
    assert page.css(".body-text ul.share a::text").getall() == [
        "Share on Facebook",
        "Share on Twitter",
        "Share on LinkedIn",
    ]
    related = page.css(".related-products")
    assert related.css("p.date::text").get() == "Dec 13, 2018"
    assert "@WR_Johnston" in related.css("p.authors::text").get()
    assert "invented:" in page.get()


def test_rand_original_commentary_has_the_disclaimer_only() -> None:
    page = html("/blog/2019/02/a-new-framework-for-evaluating-counter-violent-extremism.html")
    assert "originally appeared" not in page.get()
    assert rand.DISCLAIMER in page.get()


def test_later_commentary_header_in_the_notes_text_order() -> None:
    page = html("/pubs/commentary/2022/12/ten-things-that-inspired-me-in-2022.html")
    lines = [" ".join(t.split()) for t in page.css("header ::text").getall() if t.strip()]
    # type label, outlet in parentheses, (title), photo credit, byline, date (2.3)
    assert lines == [
        "commentary",
        "(The RAND Blog)",
        "Ten Things That Inspired Me in 2022",
        "Photo by Staff Photographer/Getty Images",
        "by",
        "Jason Matheny",
        "December 15, 2022",
    ]


def test_publication_pages_as_the_notes_describe_them() -> None:
    report = html("/pubs/research_reports/RR2575z8.html")
    header = report.css("div.product-header")
    assert header.css("h1#RANDTitleHeadingId::text").get() == (
        "Educator Access to and Use of Data Systems"
    )
    assert "".join(header.css("p.authors ::text").getall()) == "by Tiffany Tsai, Katie Tosh"
    assert header.css("p.type-published span.published::text").get().startswith("Published ")
    assert report.css("meta[name=citation_online_date]::attr(content)").get() == "2019/02/14"
    assert report.css(
        "div.cover-cta div#buybox div.btn-download a[href$='.pdf']::attr(href)"
    ).get() == (
        "https://www.rand.org/content/dam/rand/pubs/research_reports/RR2500/RR2575z8/"
        "RAND_RR2575z8.pdf"
    )
    assert report.css("div.abstract.product-page-abstract div.abstract-first-letter p")
    assert "research report series" in report.get()
    external = html("/pubs/external_publications/EP67794.html")
    assert "Published in: " in external.get() and "Posted on rand.org" in external.get()
    assert not external.css("a[href$='.pdf']")
    assert external.css("div.section.external-link a.more-link")
