"""The article page object: each structured-data source, the general visible defaults, a
site's override of one field, and layout eras chosen by the page itself.

Pages here are small literal HTML written for the behaviour each test names (invented,
not imitations of a real site).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.registered import register_site
from thinkscrape.items import RAW_FIELDS, SOURCES
from thinkscrape.pages.article import ArticlePage
from thinkscrape.site import Site, TypeRule

URL = "https://www.example.org/research/a-piece"


def page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def ld(value: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(value)}</script>'


def raw(html: str, site: Site | None = None, url: str = URL) -> dict[str, Any]:
    return ArticlePage(site, url, html).to_raw()


def names(found: dict[str, Any]) -> list[str]:
    return [person["name"] for person in found["contributors"]]


ARTICLE_BODY = "<article><h1>A Piece</h1><div class='entry-content'><p>Text.</p></div></article>"


# --- the structured-data layer, one source at a time ---------------------------------------
def test_json_ld_graph_persons_referenced_by_id_are_the_contributors() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": "#site", "name": "Example Institute"},
            {
                "@type": "Article",
                "headline": "A Piece",
                "datePublished": "2024-03-05T09:00:00+00:00",
                "author": [{"@id": "#ana"}, {"@id": "#ben"}],
                "publisher": {"@type": "Organization", "name": "Example Institute"},
            },
            {"@type": "Person", "@id": "#ana", "name": "Ana Lima"},
            {"@type": "Person", "@id": "#ben", "name": "Ben Okafor"},
        ],
    }
    found = raw(page(ld(graph), ARTICLE_BODY))
    assert names(found) == ["Ana Lima", "Ben Okafor"]
    assert found["contributors"][0] == {"name": "Ana Lima", "profile_url": None, "role": "author"}
    assert found["published_raw"] == "2024-03-05T09:00:00+00:00"
    assert found["sources"]["contributors"] == found["sources"]["published_raw"] == "json_ld"


def test_json_ld_html_inside_names_and_arrays_of_objects() -> None:
    article = [
        {"@type": "NewsArticle", "author": ['<a href="/people/ana">Ana Lima</a>', "Ben Okafor"]}
    ]
    assert names(raw(page(ld(article), ARTICLE_BODY))) == ["Ana Lima", "Ben Okafor"]


def test_json_ld_publisher_is_no_author() -> None:
    article = {
        "@type": "Article",
        "author": {"@type": "Organization", "name": "Example Institute"},
        "datePublished": "2024-03-05",
    }
    assert raw(page(ld(article), ARTICLE_BODY))["contributors"] == []


@pytest.mark.parametrize(
    ("meta", "date"),
    [
        ('<meta property="article:published_time" content="2024-03-05T09:00:00Z">', "2024-03-05"),
        ('<meta name="citation_publication_date" content="2024/03/05">', "2024/03/05"),
        ('<meta name="DC.date.issued" content="2024-03-05">', "2024-03-05"),
    ],
)
def test_declared_dates_og_citation_and_dublin_core(meta: str, date: str) -> None:
    found = raw(page(meta, ARTICLE_BODY))
    assert found["published_raw"].startswith(date)
    assert found["sources"]["published_raw"] == "meta"


@pytest.mark.parametrize(
    "meta",
    [
        '<meta name="author" content="Ana Lima">',
        '<meta name="citation_author" content="Ana Lima">',
        '<meta name="DC.creator" content="Ana Lima">',
        '<meta name="twitter:label1" content="Written by">'
        '<meta name="twitter:data1" content="Ana Lima">',
    ],
)
def test_declared_authors_meta_citation_dublin_core_and_twitter_label(meta: str) -> None:
    # a line of text: the raw half keeps it as the byline, for the people normaliser
    found = raw(page(meta, ARTICLE_BODY))
    assert (found["byline_raw"], found["contributors"]) == ("Ana Lima", [])
    assert found["sources"]["byline_raw"] == "meta"


def test_a_meta_byline_naming_the_publisher_too_gives_the_people_one_by_one() -> None:
    html = page(
        '<meta name="author" content="Ana Lima and Daily Courier">'
        + ld({"@type": "NewsMediaOrganization", "name": "Daily Courier"}),
        ARTICLE_BODY,
    )
    found = raw(html)
    assert (found["byline_raw"], names(found)) == (None, ["Ana Lima"])


def test_microdata_rdfa_time_and_rel_author_near_the_headline() -> None:
    microdata = page(
        body="<article><h1>A Piece</h1>"
        "<span itemprop='author' itemscope><span itemprop='name'>Ana Lima</span></span>"
        "<span itemprop='datePublished' content='2024-03-05'>5 March</span>"
        "<div class='entry-content'><p>Text.</p></div></article>"
    )
    found = raw(microdata)
    assert (names(found), found["published_raw"]) == (["Ana Lima"], "2024-03-05")
    rdfa = page(
        body="<article><h1>A Piece</h1><p><a rel='author' href='/people/ben'>Ben Okafor</a>"
        " <span property='schema:datePublished' content='2024-04-01'>April</span></p>"
        "<div class='entry-content'><p>Text.</p></div></article>"
    )
    found = raw(rdfa)
    assert (names(found), found["published_raw"]) == (["Ben Okafor"], "2024-04-01")
    time = page(body="<article><h1>A Piece</h1><time datetime='2024-05-06'>May 6</time></article>")
    assert raw(time)["published_raw"] == "2024-05-06"


# --- the general visible defaults ----------------------------------------------------------
def test_visible_headline_wins_over_a_seo_og_title_and_the_site_suffix_goes() -> None:
    html = page(
        '<meta property="og:title" content="Arms control talks: what to know | Example">'
        '<meta property="og:site_name" content="Example">',
        "<main><h1>Arms control talks resume in Geneva</h1><p>March 5, 2024</p>"
        "<div class='entry-content'><p>Text.</p></div></main>",
    )
    found = raw(html)
    assert found["title"] == "Arms control talks resume in Geneva"
    assert found["sources"]["title"] == "article_header"


def test_related_teaser_and_comment_blocks_give_no_links_date_or_pdf() -> None:
    html = page(
        body="<article><header><h1>A Piece</h1><p>By Ana Lima</p></header>"
        "<div class='entry-content'><p>See <a href='https://outlet.example/x'>the piece</a>"
        " in Outlet.</p><div class='related-posts'><a href='/other'>Other</a>"
        "<a class='button' href='/other.pdf'>PDF</a></div>"
        "<p>Source: Outlet Weekly</p></div>"
        "<section><h2>You may also like</h2><a href='/third'>Third</a></section>"
        "<div id='comments'><time datetime='2025-01-01'>Jan 1</time>"
        "<a href='/reply'>reply</a></div></article>"
    )
    found = raw(html)
    assert found["links_raw"] == [
        {
            "url": "https://outlet.example/x",
            "text": "the piece",
            "context": "See the piece in Outlet.",
        }
    ]
    assert found["pdf_href"] is None
    assert found["published_raw"] is None
    assert found["byline_raw"] == "By Ana Lima"
    assert found["source_line"] == "Outlet Weekly"


def test_a_teaser_embedded_in_the_body_is_no_part_of_its_text() -> None:
    # An embed of a related post or a person's card inside the body's container: its
    # heading and lines are not paragraphs of the piece.
    html = page(
        body="<article><header><h1>A Piece</h1></header><div class='entry-content'>"
        "<p>First paragraph.</p><div class='related-expert'><h3>Ana Lima</h3>"
        "<p>Senior Fellow</p></div><div class='teaser'><p>Another piece</p></div>"
        "<p>Last paragraph.</p></div></article>"
    )
    assert raw(html)["body"] == "First paragraph.\n\nLast paragraph."


@pytest.mark.parametrize(
    "credit",
    [
        "<div class='photo-caption no-print'>Source: Getty</div>",
        "<figure><img src='/a.jpg' alt=''><figcaption>Source: Getty</figcaption></figure>",
        "<p class='image-credit'>Source: Getty</p>",
    ],
)
def test_a_photo_credit_that_begins_source_names_no_outlet(credit: str) -> None:
    # A photo's credit line reads like a source line; the outlet's own line still counts.
    alone = raw(
        page(
            body=f"<article><header><h1>A Piece</h1>{credit}<p>By Ana Lima</p></header>"
            "<div class='entry-content'><p>Text.</p></div></article>"
        )
    )
    assert alone["source_line"] is None
    both = raw(
        page(
            body=f"<article><header><h1>A Piece</h1>{credit}<p>By Ana Lima</p>"
            "<p>Source: Outlet Weekly</p></header>"
            "<div class='entry-content'><p>Text.</p></div></article>"
        )
    )
    assert both["source_line"] == "Outlet Weekly"


def test_a_sidebar_teaser_of_another_piece_gives_neither_date_nor_author() -> None:
    # A WordPress sidebar's card of the newest piece, marked up as an Article of its own,
    # comes nearer the headline in document order than the header's plain date line.
    html = page(
        body="<article><header><h1>A Piece</h1>"
        "<ul><li class='meta--date'>February 1, 2019</li></ul></header>"
        "<section><p>Text.</p></section></article>"
        "<aside class='sidebar'><article itemscope itemtype='http://schema.org/Article'>"
        "<time datetime='2023-07-21'>Jul 21</time><h2><a href='/2023/07/other/'>Other</a></h2>"
        "<div itemprop='author'><a rel='author' href='/author/someone/'>Some One</a></div>"
        "</article></aside>"
    )
    found = raw(html)
    assert found["published_raw"] == "February 1, 2019"
    assert names(found) == []
    # the same card when the page's own modules are <article>s too: a byline box beside the
    # headline's is still the piece's
    module = page(
        body="<article><h1>A Piece</h1></article>"
        "<article class='byline-module'><p>By Ana Lima</p><p>March 5, 2024</p>"
        "<div class='entry-content'><p>Text.</p></div></article>"
    )
    assert raw(module)["published_raw"] == "March 5, 2024"


def test_an_unsigned_pieces_related_cards_give_neither_date_nor_byline() -> None:
    # Cards of other pieces after the article, in a block named "related", each with its
    # own "By" line and date: the page itself shows neither.
    html = page(
        body="<main><article><header><h1>A Podcast Episode</h1></header>"
        "<div class='article-body'><p>Text of the episode.</p></div></article>"
        "<section class='related-content'><h2>Related Content</h2>"
        "<div class='card'><a href='/analysis/other'>Other</a><p>By Ana Lima and Bo Chen</p>"
        "<p>March 5, 2024</p></div></section></main>"
    )
    found = raw(html)
    assert (found["byline_raw"], found["contributors"]) == (None, [])
    assert found["published_raw"] is None


def test_the_raw_half_has_every_raw_key_and_known_sources_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = register_site(
        monkeypatch, "example", publications=(TypeRule(r"/research/[a-z-]+", "report"),)
    )
    html = page('<meta property="article:published_time" content="2024-03-05">', ARTICLE_BODY)
    found = site.extract_article("http://www.example.org/research/a-piece/?utm_source=x", html)
    assert set(found) == set(RAW_FIELDS) - {"listing"}
    assert (found["url"], found["site"], found["type"]) == (URL, "example", "report")
    assert set(found["sources"].values()) <= set(SOURCES)


def test_a_page_with_neither_body_nor_date_is_no_article() -> None:
    found = raw(page("<title>Page not found</title>", "<h1>Page not found</h1>"))
    assert found["title"] is None and "title" not in found["sources"]


# --- a site's overrides and layout eras ----------------------------------------------------
class TopicsPage(ArticlePage):
    topic_links = ".//a[@rel='tag']"  # one field by a selector

    def subtitle(self) -> tuple[str | None, str | None]:  # one field by a small method
        text = self.sel.xpath("normalize-space(//p[@class='standfirst'])").get()
        return (text, "article_header") if text else (None, None)


def test_a_site_overrides_one_field_with_a_selector_and_one_with_a_method(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = register_site(
        monkeypatch,
        "example",
        publications=(TypeRule(r"/research/[a-z-]+", "report"),),
        article_pages=(TopicsPage,),
    )
    html = page(
        '<meta property="article:tag" content="Ignored">',
        "<article><header><h1>A Piece</h1><a rel='tag' href='/t/arms'>Arms control</a></header>"
        "<p class='standfirst'>The short of it.</p>"
        "<div class='entry-content'><p>Text.</p></div></article>",
    )
    found = site.extract_article(URL, html)
    assert found["topics"] == ["Arms control"]
    assert found["subtitle"] == "The short of it."
    # the other fields keep the general defaults
    assert found["title"] == "A Piece" and found["body"] == "Text."
    assert raw(html)["topics"] == ["Ignored"]


class OldLayout(ArticlePage):
    valid_until = "2020-01-01"
    body = (".//div[@id='old-body']",)


class NewLayout(ArticlePage):
    valid_from = "2020-01-01"
    body = (".//div[@class='new-body']",)


def era_page(date: str) -> str:
    return page(
        f'<meta property="article:published_time" content="{date}">',
        "<article><h1>A Piece</h1><div id='old-body'><p>Old body.</p></div>"
        "<div class='new-body'><p>New body.</p></div></article>",
    )


def test_the_page_version_is_chosen_by_the_pages_own_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = register_site(
        monkeypatch,
        "example",
        publications=(TypeRule(r"/research/[a-z-]+", "report"),),
        article_pages=(NewLayout, OldLayout),
    )
    assert site.extract_article(URL, era_page("2019-06-01"))["body"] == "Old body."
    assert site.extract_article(URL, era_page("2023-06-01"))["body"] == "New body."


class MarkedLayout(ArticlePage):
    body = (".//div[@class='new-body']",)

    @classmethod
    def matches(cls, page: ArticlePage) -> bool:
        return bool(page.sel.xpath("//body[@data-theme='2024']"))


def test_a_page_version_may_be_chosen_by_the_pages_markup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = register_site(monkeypatch, "example", article_pages=(MarkedLayout, OldLayout))
    marked = era_page("2019-06-01").replace("<body>", "<body data-theme='2024'>")
    assert site.extract_article(URL, marked)["body"] == "New body."
    assert site.extract_article(URL, era_page("2019-06-01"))["body"] == "Old body."
