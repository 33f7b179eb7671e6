"""The general listing page: cards, publication links, pagination and the "Showing" line,
read from small literal pages of a throwaway site (the CNAS listings are tested in
test_listing_cnas.py).
"""

from __future__ import annotations

import itertools
from urllib.parse import urljoin, urlsplit

import pytest
from crawling import MIRRORS
from registered import register_site

from thinkscrape.pages.listing import ListingPage, absolute_url
from thinkscrape.site import WORDPRESS_PAGES, Listing, Site, TypeRule
from thinkscrape.sites import get

SAMPLES = MIRRORS / "cnas"

EMPTY = {"cards": [], "pagination": [], "publication_links": [], "showing": None}


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Site:
    return register_site(
        monkeypatch,
        "example",
        hosts=("www.example.org", "example.org"),
        publications=(TypeRule(r"/\d{4}/\d{2}/[a-z0-9-]+", "commentary"),),
        discovery=(Listing("/articles", pages=WORDPRESS_PAGES), Listing("/reports")),
    )


def page(body: str) -> str:
    return f"<html><head><title>Articles</title></head><body>{body}</body></html>"


def test_a_site_reads_its_listings_with_the_general_page_by_default(site: Site) -> None:
    assert site.listing_page is ListingPage
    assert site.extract_listing("https://www.example.org/articles", "") == EMPTY


def test_a_malformed_href_is_passed_over_not_raised(site: Site) -> None:
    # urljoin raises "Invalid IPv6 URL" on an unclosed bracket; the page is still read.
    html = page(
        '<main><a href="http://[broken">broken</a>'
        '<a href="http://example.org:port/2024/01/bad-port">bad port</a>'
        '<a href="/2024/01/kept">Kept</a>'
        '<div class="pagination"><a href="https://[::1">2</a>'
        '<a href="/articles/page/2/">2</a></div></main>'
    )
    got = site.extract_listing("https://www.example.org/articles", html)
    assert got["publication_links"] == ["https://www.example.org/2024/01/kept"]
    assert [card["url"] for card in got["cards"]] == ["https://www.example.org/2024/01/kept"]
    assert got["pagination"] == ["https://www.example.org/articles/page/2/"]


@pytest.mark.parametrize(
    ("listing_url", "hrefs", "expected"),
    [
        # numbered in the query string, no pager around them
        (
            "https://www.example.org/reports",
            ["/reports?page=2", "/reports?page=3&utm_source=mail", "/reports?sort=title"],
            [
                "https://www.example.org/reports?page=2",
                "https://www.example.org/reports?page=3&utm_source=mail",
            ],
        ),
        # WordPress's own query form
        (
            "https://www.example.org/reports?paged=2",
            ["/reports?paged=1", "/reports?paged=3"],
            ["https://www.example.org/reports?paged=1", "https://www.example.org/reports?paged=3"],
        ),
        # WordPress pretty permalinks: /page/N/ as the listing's pages pattern
        (
            "https://www.example.org/articles/page/2/",
            ["/articles/", "/articles/page/3/", "/articles/page/3/", "/reports?page=2"],
            ["https://www.example.org/articles/page/3/"],
        ),
    ],
)
def test_numbered_pages_of_the_same_listing_are_its_pagination(
    site: Site, listing_url: str, hrefs: list[str], expected: list[str]
) -> None:
    links = "".join(f'<a href="{href}">more</a>' for href in hrefs)
    got = site.extract_listing(listing_url, page(f"<main>{links}</main>"))
    assert got["pagination"] == expected


def test_every_link_in_a_pager_to_the_same_listing_is_pagination(site: Site) -> None:
    # WordPress paginate_links(): a.page-numbers, the current page a span
    html = page(
        '<main><div class="nav-links"><a class="prev page-numbers" href="/articles/">Prev</a>'
        '<span class="page-numbers current">2</span>'
        '<a class="page-numbers" href="/articles/page/3/">3</a>'
        '<a class="next page-numbers" href="/articles/page/3/">Next</a>'
        '<a class="page-numbers" href="/reports/">Reports</a></div></main>'
    )
    got = site.extract_listing("https://www.example.org/articles/page/2/", html)
    assert got["pagination"] == [
        "https://www.example.org/articles/",
        "https://www.example.org/articles/page/3/",
    ]


def test_a_page_of_no_listing_has_no_pagination(site: Site) -> None:
    html = page('<main><a href="/articles/page/2/">2</a><a href="/reports?page=2">2</a></main>')
    assert site.extract_listing("https://www.example.org/2024/01/x", html)["pagination"] == []


# A WordPress-style card: the date in <time datetime> without a year, the authors as
# rel=author links joined by commas and "and", the topics as rel=tag links, then an excerpt.
CARD = """<article class="post">
<div class="date"><time datetime="2023-04-28">Apr 28 </time></div>
<h2><a href="https://www.example.org/2023/04/expansion-work-continues/">Expansion Work Continues</a></h2>
<div class="authors"><a href="/author/peter-makowsky/" rel="author">Peter Makowsky</a>,
<a href="/author/jack-liu/" rel="author">Jack Liu</a> and
<a href="/author/olli-heinonen/" rel="author">Olli Heinonen</a></div>
<div class="topics"><a href="/topics/satellite-analysis/" rel="category tag">Satellite Imagery</a>,
<a href="/topics/wmd/" rel="category tag">WMD</a></div>
<p>Commercial satellite imagery indicates that expansion work continues.</p>
</article>
<article class="post">
<div class="date"><time datetime="2023-04-01">Apr 01 </time></div>
<h2><a href="/2023/04/growing-activity/">Growing Activity</a></h2>
<div class="authors"><a href="/author/jack-liu/" rel="author">Jack Liu</a></div>
<div class="topics"><a href="/topics/wmd/" rel="category tag">WMD</a></div>
</article>"""  # noqa: E501


def test_a_card_dated_by_time_signed_by_author_links_with_topics_apart(site: Site) -> None:
    got = site.extract_listing("https://www.example.org/articles", page(f"<main>{CARD}</main>"))
    assert got["cards"] == [
        {
            "url": "https://www.example.org/2023/04/expansion-work-continues",
            "title": "Expansion Work Continues",
            "type": None,
            "outlet": None,
            "date_raw": "2023-04-28",
            "byline_raw": "Peter Makowsky, Jack Liu and Olli Heinonen",
            "summary": "Commercial satellite imagery indicates that expansion work continues.",
        },
        {
            "url": "https://www.example.org/2023/04/growing-activity",
            "title": "Growing Activity",
            "type": None,
            "outlet": None,
            "date_raw": "2023-04-01",
            "byline_raw": "Jack Liu",
            "summary": None,
        },
    ]


def test_cards_outside_navigation_and_asides_only(site: Site) -> None:
    html = page(
        '<header><a href="/2020/01/featured">Featured</a></header>'
        f"<div>{CARD}</div>"
        '<aside><h3>Most read</h3><a href="/2019/02/popular">Popular</a></aside>'
        '<footer><a href="/2018/03/old">Old</a></footer>'
    )
    got = site.extract_listing("https://www.example.org/articles", html)
    assert [card["title"] for card in got["cards"]] == [
        "Expansion Work Continues",
        "Growing Activity",
    ]
    # every publication link counts, wherever it is
    assert len(got["publication_links"]) == 5


def test_a_pagers_page_zero_is_the_listings_first_url(site: Site) -> None:
    # Drupal numbers pages from 0: "?page=0" is the page the listing starts at
    html = page(
        "<main><nav class='pager'><a href='?page=0'>1</a> <a href='?page=1'>2</a>"
        " <a href='?page=0&amp;sort=date'>first</a></nav></main>"
    )
    got = site.extract_listing("https://www.example.org/articles?page=1", html)
    assert got["pagination"] == [
        "https://www.example.org/articles",
        "https://www.example.org/articles?page=1",
        "https://www.example.org/articles?sort=date",
    ]


def test_showing_line(site: Site) -> None:
    html = page("<main><p>Showing 21 – 40 of 217 results</p></main>")
    got = site.extract_listing("https://www.example.org/articles", html)
    assert got["showing"] == {"first": 21, "last": 40, "total": 217}


@pytest.mark.parametrize(
    ("line", "showing"),
    [
        ("1 - 10 of 43 results", {"first": 1, "last": 10, "total": 43}),
        ("11 – 20 of 43 Results", {"first": 11, "last": 20, "total": 43}),
        # without "Showing" only a count of results is a counter: not a range of years
        ("Reports 2019 - 2021 of the commission", None),
    ],
)
def test_a_bare_results_counter(site: Site, line: str, showing: dict | None) -> None:
    html = page(f"<main><div class='results'>{line}</div></main>")
    assert site.extract_listing("https://www.example.org/articles", html)["showing"] == showing


class SelectedCards(ListingPage):
    title_links = "//h2[@class='entry-title']/a"


def test_a_site_names_its_title_links(monkeypatch: pytest.MonkeyPatch, site: Site) -> None:
    named = register_site(
        monkeypatch,
        "named",
        home="https://www.example.org",
        hosts=site.hosts,
        publications=site.publications,
        discovery=site.discovery,
        listing_page=SelectedCards,
    )
    html = page(
        '<main><a href="/2023/01/teaser">Teaser</a>'
        '<h2 class="entry-title"><a href="/2023/01/chosen">Chosen</a></h2></main>'
    )
    got = named.extract_listing("https://www.example.org/articles", html)
    assert [card["title"] for card in got["cards"]] == ["Chosen"]
    assert got["publication_links"] == [
        "https://www.example.org/2023/01/teaser",
        "https://www.example.org/2023/01/chosen",
    ]


@pytest.mark.parametrize("html", ["", "<html></html>", "not html \x00\ufffd", "<a href='['>x</a>"])
def test_odd_pages_give_an_empty_listing(site: Site, html: str) -> None:
    assert site.extract_listing("https://www.example.org/articles", html) == EMPTY


def test_a_cnas_page_with_a_malformed_link_is_read() -> None:
    # The sample page's body links to "http://[broken" (an unclosed IPv6 bracket).
    cnas = get("cnas")
    url = "https://www.cnas.org/publications/commentary/the-middle-east-after-the-election"
    html = (SAMPLES / url.removeprefix(cnas.home + "/") / "index.html").read_text("utf-8")
    assert 'href="http://[broken"' in html
    got = cnas.extract_listing(url, html)
    assert url in got["publication_links"]


def test_a_label_the_site_maps_onto_a_type_is_the_cards_type_not_its_outlet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Cards read "label, date, title, By ...": a label before the date is the outlet's slot
    # on other sites, but a label the site maps onto a type is the card's type.
    site = register_site(
        monkeypatch,
        "example",
        publications=(TypeRule(r"/blogs/[a-z-]+/[a-z0-9-]+", "commentary"),),
        type_labels={"in the news": "in-the-news"},
    )
    html = page(
        "<main><div><p>In the News</p><p>Aug 15, 2025</p>"
        '<a href="/blogs/insight/deni-in-breaking-defense">Deni in Breaking Defense</a>'
        "<p>By John R. Deni</p></div>"
        "<div><p>Foreign Policy</p><p>Aug 14, 2025</p>"
        '<a href="/blogs/insight/an-op-ed">An op-ed</a></div></main>'
    )
    cards = site.extract_listing("https://www.example.org/blogs", html)["cards"]
    assert [(c["type"], c["outlet"], c["date_raw"], c["byline_raw"]) for c in cards] == [
        ("In the News", None, "Aug 15, 2025", "By John R. Deni"),
        (None, "Foreign Policy", "Aug 14, 2025", None),
    ]


def test_a_link_resolves_as_urljoin_does_against_any_page() -> None:
    # links are resolved once per site host rather than once per page: the answers must
    # still be urljoin's against the page itself, relative and odd links included
    pages = [
        "https://www.cnas.org/reports?page=2",
        "https://www.cnas.org/a/b/c.html?x=1#f",
        "http://host:8080/x/",
        "https://[::1]:99/p",
        "https://www.cnas.org",
        "www.cnas.org/no-scheme",
    ]
    hrefs = ["/x/../y", "//other.org/z", "https://a.b/c", "mailto:x@y", "../q", "?page=3"]
    hrefs += ["#top", " /a ", "/", "//", "///x", "https:/x", "https:///x", "HTTP://A.B/../c"]
    hrefs += ["/./a/./b/../c?x#y", "ftp://q/r", "https://a:bad/", "http://[::1"]
    for page, href in itertools.product(pages, hrefs):
        try:
            expected = urljoin(page, href.strip())
            urlsplit(expected).port  # noqa: B018
        except ValueError:
            expected = None
        assert absolute_url(page, href) == expected, (page, href)
    assert absolute_url("https://www.cnas.org/", "  ") is None
