"""CNAS extraction: URLs, article pages and listing pages.

Expected values come from the site notes (docs of what the real cnas.org shows: URL
variants in 1.2, types in 1.3, markup in 2.1-2.6, real titles, dates and bylines in 4), not
from running the code. Inline pages follow the notes' reconstructed skeleton (2.2) and the
text order the notes record for in-the-news (2.5) and testimony (2.6) pages.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from crawling import MIRRORS
from shared_files import real_pages

from thinkscrape.items import RAW_FIELDS, SOURCES
from thinkscrape.sites import get

CNAS = get("cnas")

SAMPLES = MIRRORS / "cnas"

RAW_KEYS = {name for name in RAW_FIELDS if name != "listing"}


# --- canonical URLs (notes 1.1, 1.2) ------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://cnas.org/publications/commentary/the-ultimate-missile-shield-the-u-s-south-"
            "korea-alliance?x-craft-preview=sljrud8ndy",
            "https://www.cnas.org/publications/commentary/the-ultimate-missile-shield-the-u-s-"
            "south-korea-alliance",
        ),
        (
            "https://www.cnas.org/publications/reports/negotiating-with-north-korea"
            "?token=bVkdPxWLCzP0IEsRk92G4QE3LBFBwVos",
            "https://www.cnas.org/publications/reports/negotiating-with-north-korea",
        ),
        (
            "https://www.cnas.org/publications/commentary/sharper-nato-75?utm_medium=email"
            "&utm_campaign=Sharper&utm_source=Campaign%2520Monitor",
            "https://www.cnas.org/publications/commentary/sharper-nato-75",
        ),
        (
            "http://104.239.228.80/publications/reports/u-s-strategy-after-the-iran-deal-"
            "seizing-opportunities-and-managing-risks",
            "https://www.cnas.org/publications/reports/u-s-strategy-after-the-iran-deal-"
            "seizing-opportunities-and-managing-risks",
        ),
        (
            "HTTP://WWW.CNAS.ORG/publications/blog/the-best-defense-policy-paper-you-will-read-"
            "in-2011/#comments",
            "https://www.cnas.org/publications/blog/the-best-defense-policy-paper-you-will-read-"
            "in-2011",
        ),
        (
            "https://cnas.org/articles-multimedia?area=key-national-security-issues",
            "https://www.cnas.org/articles-multimedia",
        ),
        (
            "https://www.cnas.org/articles-multimedia/p2/",
            "https://www.cnas.org/articles-multimedia/p2",
        ),
        ("//www.cnas.org/people/paul-scharre", "https://www.cnas.org/people/paul-scharre"),
        ("https://www.cnas.org/", "https://www.cnas.org/"),
    ],
)
def test_canonical_url_reduces_every_variant_to_one_url(url: str, canonical: str) -> None:
    assert CNAS.canonical_url(url) == canonical


@pytest.mark.parametrize(
    "url",
    [
        "http://conference.cnas.org/schedule/",  # the conference microsite is another host
        "https://www.cna.org/news/2020",  # CNA is a different organisation
        "https://warontherocks.com/2020/01/defense-strategy-for-a-post-trump-world/",
        "//s3.amazonaws.com/files.cnas.org/documents/CNAS-Report_Iran-Final.pdf",
        "mailto:info@cnas.org",
        "/publications/reports/negotiating-with-north-korea",
        "",
        "http://[::1:bad/",
    ],
)
def test_canonical_url_is_none_for_other_hosts_and_non_urls(url: str) -> None:
    assert CNAS.canonical_url(url) is None


def test_canonical_url_accepts_a_local_mirror_only_when_told_its_origin() -> None:
    url = "http://127.0.0.1:8000/publications/commentary/north-korea-and-the-blink-of-war/"
    expected = "https://www.cnas.org/publications/commentary/north-korea-and-the-blink-of-war"
    assert CNAS.canonical_url(url, mirror_origin="http://127.0.0.1:8000") == expected
    assert CNAS.canonical_url(url + "index.html", mirror_origin="http://127.0.0.1:8000/") == (
        expected
    )
    assert CNAS.canonical_url(url) is None
    assert CNAS.canonical_url(url, mirror_origin="http://127.0.0.1:8001") is None


# --- publication types (notes 1.3, 1.4) ---------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (
            "https://www.cnas.org/publications/reports/negotiating-with-north-korea",
            ("report", None),
        ),
        (
            "https://www.cnas.org/publications/commentary/north-korea-and-the-blink-of-war",
            ("commentary", None),
        ),
        ("https://www.cnas.org/publications/commentary/sharper-nato-75", ("commentary", "Sharper")),
        ("https://cnas.org/publications/commentary/sharper-nato", ("commentary", "Sharper")),
        (
            "https://www.cnas.org/publications/cnas-insights/cnas-insights-sovereign-ais-second-"
            "wave-is-coming-into-view",
            ("commentary", "CNAS Insights"),
        ),
        (
            "https://www.cnas.org/publications/commentary/cnas-insights-unpacking-the-h200-export-"
            "policy",
            ("commentary", "CNAS Insights"),
        ),
        (
            "https://www.cnas.org/publications/blog/the-best-defense-policy-paper-you-will-read-"
            "in-2011",
            ("blog", None),
        ),
        (
            "https://www.cnas.org/publications/transcript/transcript-cnas-ai-task-force-press-"
            "briefing",
            ("transcript", None),
        ),
        (
            "https://www.cnas.org/publications/congressional-testimony/a-testimony-slug",
            ("testimony", None),
        ),
        (
            "https://www.cnas.org/publications/podcast/why-nato-is-like-a-potluck-dinner-"
            "conversation-with-jim-townsend-and-julianne-smith",
            ("podcast", None),
        ),
        (
            "https://www.cnas.org/publications/video/making-the-case-for-an-artificial-"
            "intelligence-agency",
            ("video", None),
        ),
        (
            "https://www.cnas.org/press/press-release/cnas-launches-artificial-intelligence-task-"
            "force",
            ("press-release", None),
        ),
        (
            "https://www.cnas.org/press/in-the-news/trumps-chance-to-take-the-high-road-with-iran",
            ("in-the-news", None),
        ),
        # slugs keep the dots of abbreviations on some older commentary (notes 1.4)
        (
            "https://www.cnas.org/publications/commentary/the-u.s.-japan-alliance-at-60",
            ("commentary", None),
        ),
        # "sharperton" is not the Sharper series: the prefix must be a whole slug word
        ("https://www.cnas.org/publications/commentary/sharperton-on-nato", ("commentary", None)),
    ],
)
def test_classify_publication_urls(url: str, kind: tuple[str, str | None]) -> None:
    assert CNAS.classify(url) == kind


@pytest.mark.parametrize(
    "url",
    [
        "https://www.cnas.org/events/project-maven",
        "https://www.cnas.org/people/paul-scharre",
        "https://www.cnas.org/research/technology-and-national-security/biotechnology",
        "https://www.cnas.org/reports",
        "https://www.cnas.org/reports/p2",
        "https://www.cnas.org/articles-multimedia/p2/?area=defense",
        "https://www.cnas.org/press",
        "https://www.cnas.org/publications/reports",
        "https://www.cnas.org/publications/reports/negotiating-with-north-korea/extra",
        "https://www.cnas.org/ai-security",
        "https://www.cnas.org/support-cnas/cnas-supporters",
        "https://www.38north.org/2020/10/mgarlauskas102220/",
    ],
)
def test_classify_is_none_for_pages_that_are_not_publications(url: str) -> None:
    assert CNAS.classify(url) is None


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("https://www.cnas.org/reports", 1),
        ("https://www.cnas.org/reports/p2", 2),
        ("https://www.cnas.org/reports/p1?area=defense", 1),
        ("https://www.cnas.org/articles-multimedia/p2/", 2),
        ("https://cnas.org/articles-multimedia/p2?author=richard-fontaine&type=commentary", 2),
        ("https://www.cnas.org/articles-multimedia?area=key-national-security-issues", 1),
        ("https://www.cnas.org/press/p2", 2),
        ("https://www.cnas.org/reports/p72", 72),
    ],
)
def test_listing_urls_and_their_page_numbers(url: str, page: int) -> None:
    assert CNAS.listing_index(url) == "/" + urlsplit(url).path.strip("/").split("/")[0]
    assert listing_page_number(url) == page


def listing_page_number(url: str) -> int:
    """N for a CNAS listing page /p{N}, 1 for the bare index."""
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return int(last[1:]) if last[:1] == "p" and last[1:].isdigit() else 1


@pytest.mark.parametrize(
    "url",
    [
        "https://www.cnas.org/events",
        "https://www.cnas.org/publications/reports/negotiating-with-north-korea",
        "https://www.cnas.org/reports/page2",
        "https://www.cnas.org/reports/p2/extra",
        "https://example.org/reports/p2",
    ],
)
def test_other_urls_are_not_listings(url: str) -> None:
    assert CNAS.listing_index(url) is None


# --- article pages: the notes' skeleton (2.2) ---------------------------------------------

# The reconstructed skeleton of notes 2.2, with the print button the notes describe (2.1), a
# zero-width space before a contributor name (2.1) and a 2019-style related list (2.4) whose
# real card values (4.3) must not leak into the article.
SKELETON = """<!DOCTYPE html><html lang="en"><head>
<title>Negotiating With North Korea | CNAS</title>
<meta property="og:title" content="Negotiating With North Korea">
</head><body>
<header class="site-header"><nav><a href="https://www.cnas.org/reports">Reports</a></nav></header>
<div id="content"><article><header>
  <div class="attribution-block">
    <button class="image-attribution credit"><span>Image Credit</span></button>
    <p class="sans-serif fz11 bold uppercase margin-bottom-1em">February 12, 2019</p>
  </div>
  <div class="article__header__title-group"><h1 class="page-title">Negotiating With North Korea</h1><h2>How Will This End?</h2></div>
  <div><div><p>By <a class="contributor" href="https://www.cnas.org/people/patrick-m-cronin">\u200bPatrick M. Cronin</a></p></div></div>
  <a class="button margin-top-1em" href="javascript:window.print()">Print</a>
  <a class="button margin-top-1em" href="//s3.amazonaws.com/files.cnas.org/documents/CNAS-Report_North-Korea-How-Does-This-End_Final-WEB-1.pdf?mtime=20190204114900">Download PDF</a>
</header>
<div id="mainbar"><div class="wrapper wysiwyg margin-vertical drop-cap">
<p>Image credit: U.S. Army</p>
<p>North Korea has pursued\u00a0nuclear weapons for decades.</p>
<p>Read the full article in <a href="https://foreignpolicy.com/2019/02/12/negotiating/">Foreign Policy</a>.</p>
</div></div>
</article>
<section><h2>More from CNAS</h2><ul>
<li><ul><li>Commentary</li><li>War on the Rocks</li><li>January 15, 2020</li></ul>
<a class="sans-serif fz16 bold" href="https://www.cnas.org/publications/commentary/defense-strategy-for-a-post-trump-world">Defense Strategy for a Post-Trump World</a>
<p>In a recent piece warning about an emerging arms race in hypersonic missiles, ...</p>
<p>By <a class="contributor" href="https://www.cnas.org/people/van-jackson">Van Jackson</a></p>
<a class="button" href="https://s3.amazonaws.com/files.cnas.org/documents/Other.pdf">PDF</a></li>
</ul></section>
</div></body></html>"""  # noqa: E501 (markup kept on the lines the site would write)

SKELETON_URL = (
    "https://cnas.org/publications/reports/negotiating-with-north-korea?x-craft-preview=1"
)


def test_skeleton_article_gives_every_raw_field() -> None:
    got = CNAS.extract_article(SKELETON_URL, SKELETON)
    assert set(got) == RAW_KEYS
    assert got == {
        "url": "https://www.cnas.org/publications/reports/negotiating-with-north-korea",
        "site": "cnas",
        "type": "report",
        "type_label": None,
        "series": None,
        "title": "Negotiating With North Korea",
        "subtitle": "How Will This End?",
        "summary": "North Korea has pursued nuclear weapons for decades.",
        "body": "North Korea has pursued nuclear weapons for decades.\n\n"
        "Read the full article in Foreign Policy.",
        "topics": [],
        "published_raw": "February 12, 2019",
        "byline_raw": "By Patrick M. Cronin",
        "contributors": [
            {
                "name": "\u200bPatrick M. Cronin",
                "profile_url": "https://www.cnas.org/people/patrick-m-cronin",
                "role": "author",
            }
        ],
        "source_line": None,
        "links_raw": [
            {
                "url": "https://foreignpolicy.com/2019/02/12/negotiating/",
                "text": "Foreign Policy",
                "context": "Read the full article in Foreign Policy.",
            }
        ],
        "pdf_href": "//s3.amazonaws.com/files.cnas.org/documents/"
        "CNAS-Report_North-Korea-How-Does-This-End_Final-WEB-1.pdf?mtime=20190204114900",
        "sources": {
            "type": "url",
            "title": "article_header",
            "subtitle": "article_header",
            "published_raw": "article_header",
            "byline_raw": "article_header",
            "contributors": "article_header",
            "summary": "body_sentence",
            "pdf_href": "article_header",
        },
    }
    assert set(got["sources"].values()) <= set(SOURCES)


def test_date_without_image_credit_is_in_the_first_header_paragraph() -> None:
    # Without a hero image the date is the header's first paragraph (notes 2.1), and the
    # second "date" paragraph after the title is not the publication date.
    html = SKELETON.replace(
        '<button class="image-attribution credit"><span>Image Credit</span></button>', ""
    ).replace(
        "<h2>How Will This End?</h2></div>",
        '<h2>How Will This End?</h2></div><p class="margin-top-1em date">January 2, 2020</p>',
    )
    assert CNAS.extract_article(SKELETON_URL, html)["published_raw"] == "February 12, 2019"


def test_date_in_a_plain_header_paragraph_is_found_without_the_known_classes() -> None:
    html = SKELETON.replace(
        '<p class="sans-serif fz11 bold uppercase margin-bottom-1em">February 12, 2019</p>',
        "<p>February 12, 2019</p>",
    )
    got = CNAS.extract_article(SKELETON_URL, html)
    assert (got["published_raw"], got["sources"]["published_raw"]) == (
        "February 12, 2019",
        "article_header",
    )


def test_missing_header_date_falls_back_to_meta_and_never_to_related_cards() -> None:
    no_date = SKELETON.replace(
        '<p class="sans-serif fz11 bold uppercase margin-bottom-1em">February 12, 2019</p>', ""
    )
    got = CNAS.extract_article(SKELETON_URL, no_date)
    assert got["published_raw"] is None  # not "January 15, 2020" from the related card
    with_meta = no_date.replace(
        "</head>",
        '<meta property="article:published_time" content="2019-02-12T10:00:00-05:00"></head>',
    )
    got = CNAS.extract_article(SKELETON_URL, with_meta)
    assert (got["published_raw"], got["sources"]["published_raw"]) == (
        "2019-02-12T10:00:00-05:00",
        "meta",
    )


def test_title_falls_back_to_og_title_when_the_h1_is_missing() -> None:
    html = SKELETON.replace(
        '<h1 class="page-title">Negotiating With North Korea</h1><h2>How Will This End?</h2>', ""
    )
    got = CNAS.extract_article(SKELETON_URL, html)
    assert (got["title"], got["subtitle"], got["sources"]["title"]) == (
        "Negotiating With North Korea",
        None,
        "meta",
    )


def test_title_from_the_html_title_loses_the_site_suffix() -> None:
    html = SKELETON.replace(
        '<h1 class="page-title">Negotiating With North Korea</h1><h2>How Will This End?</h2>', ""
    ).replace('<meta property="og:title" content="Negotiating With North Korea">', "")
    assert CNAS.extract_article(SKELETON_URL, html)["title"] == "Negotiating With North Korea"


def test_pdf_is_the_first_pdf_button_and_never_the_print_button() -> None:
    # cnas_scraper took the last button and saved the wrong PDF (notes 4.2 row 27).
    two_pdfs = SKELETON.replace(
        '<a class="button margin-top-1em" href="javascript:window.print()">Print</a>',
        '<a class="button margin-top-1em" href="//s3.amazonaws.com/files.cnas.org/documents/'
        'Rethinking-Requirements.pdf?mtime=20190115000000">Download PDF</a>'
        '<a class="button margin-top-1em" href="javascript:window.print()">Print</a>',
    )
    assert CNAS.extract_article(SKELETON_URL, two_pdfs)["pdf_href"] == (
        "//s3.amazonaws.com/files.cnas.org/documents/Rethinking-Requirements.pdf"
        "?mtime=20190115000000"
    )
    print_only = SKELETON.replace(
        '<a class="button margin-top-1em" href="//s3.amazonaws.com/files.cnas.org/documents/'
        'CNAS-Report_North-Korea-How-Does-This-End_Final-WEB-1.pdf?mtime=20190204114900">'
        "Download PDF</a>",
        "",
    )
    # the related card's PDF link does not stand in for the article's
    assert CNAS.extract_article(SKELETON_URL, print_only)["pdf_href"] is None


def test_span_contributor_is_the_fallback_for_testimony() -> None:
    # Testimony text order (notes 2.6): date, title, Watch line, "Testimony by Name, Role,
    # Affiliation"; cnas_scraper reads the name from span.contributor.
    html = """<html><body><div id="content"><article><header>
      <div><div><p class="sans-serif fz11 bold uppercase margin-bottom-1em">January 29, 2019</p></div></div>
      <div class="article__header__title-group"><h1>Strengthening U.S. Sanctions</h1></div>
      <p><strong>Watch:</strong> the committee's video of the full hearing.</p>
      <p><span>Testimony by</span> <span class="contributor">Elizabeth Rosenberg</span>,
         Senior Fellow and Director, Center for a New American Security</p>
    </header><div id="mainbar"><div class="wrapper wysiwyg margin-vertical">
      <h2>Introduction</h2><p>Chairman, Ranking Member, thank you.</p></div></div>
    </article></div></body></html>"""  # noqa: E501
    got = CNAS.extract_article(
        "https://www.cnas.org/publications/congressional-testimony/strengthening-sanctions", html
    )
    assert got["byline_raw"] == (
        "Testimony by Elizabeth Rosenberg, Senior Fellow and Director, Center for a New American"
        " Security"
    )
    assert got["contributors"] == [
        {"name": "Elizabeth Rosenberg", "profile_url": None, "role": "author"}
    ]
    assert got["body"] == "Introduction\n\nChairman, Ranking Member, thank you."
    assert got["type"] == "testimony"


def test_in_the_news_page_reads_featuring_source_and_journalist_lines() -> None:
    # Text layout of the real page (notes 2.5).
    html = """<html><head><meta name="description" content="Ilan Goldenberg spoke to The Atlantic.">
    </head><body><div id="content"><article><header>
      <p class="sans-serif fz11 bold uppercase margin-bottom-1em">January 08, 2020</p>
      <div class="article__header__title-group"><h1>Trump\u2019s Chance to Take the High Road With Iran</h1></div>
      <p>Featuring <a class="contributor" href="/people/ilan-goldenberg">Ilan Goldenberg</a></p>
      <p>Source: The Atlantic</p>
      <p>Journalist Mike Giglio</p>
    </header><div id="mainbar"><div class="wrapper wysiwyg margin-vertical">
      <p>The killing of Qassem Soleimani ...</p>
      <p>Read the full story and more in <a href="https://www.theatlantic.com/x/">The Atlantic</a>.</p>
    </div></div>
    <div><a href="https://www.cnas.org/people/ilan-goldenberg">Ilan Goldenberg</a>
    <p>Former Senior Fellow and Director, Middle East Security Program</p></div>
    </article></div></body></html>"""  # noqa: E501
    got = CNAS.extract_article(
        "https://www.cnas.org/press/in-the-news/trumps-chance-to-take-the-high-road-with-iran", html
    )
    assert got["byline_raw"] == "Featuring Ilan Goldenberg"
    assert got["source_line"] == "The Atlantic"
    assert got["contributors"] == [
        {
            "name": "Ilan Goldenberg",
            "profile_url": "https://www.cnas.org/people/ilan-goldenberg",
            "role": "featured",
        },
        {"name": "Mike Giglio", "profile_url": None, "role": "journalist"},
    ]
    assert (got["summary"], got["sources"]["summary"]) == (
        "Ilan Goldenberg spoke to The Atlantic.",
        "meta",
    )
    assert got["sources"]["source_line"] == "article_header"


def test_in_the_news_without_featuring_takes_the_person_card_as_featured() -> None:
    # Notes 4.1 row 2: Source: NK News / Journalist: Oliver Hotham / author card.
    html = """<html><body><div id="content"><article><header>
      <p class="sans-serif fz11 bold uppercase margin-bottom-1em">November 22, 2017</p>
      <div class="article__header__title-group"><h1>Where Washington\u2019s North Korea policy goes from here</h1></div>
      <p>Source: NK News</p><p>Journalist: Oliver Hotham</p>
    </header><div id="mainbar"><div class="wrapper wysiwyg margin-vertical">
      <p>Read the full interview <a href="https://www.nknews.org/2017/11/x/">here</a>.</p>
    </div></div>
    <h3>Author</h3><div><a href="https://www.cnas.org/people/patrick-m-cronin">Patrick M. Cronin</a></div>
    </article></div></body></html>"""  # noqa: E501
    got = CNAS.extract_article(
        "https://cnas.org/press/in-the-news/where-washingtons-north-korea-policy-goes-from-here",
        html,
    )
    assert got["contributors"] == [
        {"name": "Oliver Hotham", "profile_url": None, "role": "journalist"},
        {
            "name": "Patrick M. Cronin",
            "profile_url": "https://www.cnas.org/people/patrick-m-cronin",
            "role": "featured",
        },
    ]
    assert got["byline_raw"] is None
    assert got["links_raw"] == [
        {
            "url": "https://www.nknews.org/2017/11/x/",
            "text": "here",
            "context": "Read the full interview here.",
        }
    ]


def test_research_links_in_the_header_are_topics() -> None:
    html = SKELETON.replace(
        '<div class="attribution-block">',
        '<p><a href="/research/indo-pacific-security">Indo-Pacific Security</a> / '
        '<a href="/research/defense">Defense</a></p><div class="attribution-block">',
    )
    got = CNAS.extract_article(SKELETON_URL, html)
    assert got["topics"] == ["Indo-Pacific Security", "Defense"]
    assert got["published_raw"] == "February 12, 2019"


def test_block_page_gives_no_title() -> None:
    html = (real_pages() / "aei.org" / "cloudflare-challenge-articles-listing.html").read_text(
        encoding="utf-8"
    )
    got = CNAS.extract_article(
        "https://www.cnas.org/publications/commentary/north-korea-and-the-blink-of-war", html
    )
    assert set(got) == RAW_KEYS
    assert (got["title"], got["body"], got["published_raw"]) == (None, None, None)
    assert got["type"] == "commentary"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html></html>",
        "not html at all \x00\ufffd",
        "<html><head><title>Page Not Found | CNAS</title></head><body><h1>Page Not Found</h1>"
        "</body></html>",
        "<div id='content'><article><header></header></article></div>",
    ],
)
def test_odd_pages_do_not_raise_and_have_no_title(html: str) -> None:
    got = CNAS.extract_article("https://www.cnas.org/publications/reports/gone", html)
    assert set(got) == RAW_KEYS
    assert got["title"] is None
    assert got["contributors"] == [] and got["links_raw"] == [] and got["topics"] == []


# --- listing pages (notes 2.3, 1.5) -------------------------------------------------------

# The visible text of the real listing page (notes 2.3) in the markup the notes give for
# item links (absolute href, a.sans-serif.fz16.bold.margin-top-half-em).
LISTING = """<html><body>
<header><nav><a href="https://www.cnas.org/reports">Reports</a>
<a href="https://www.cnas.org/articles-multimedia">Articles &amp; Multimedia</a></nav></header>
<div id="content"><h1>Articles &amp; Multimedia</h1>
<p>Showing 21-40 of 217 Publications</p>
<ul>
<li>-<a class="sans-serif fz16 bold margin-top-half-em" href="https://www.cnas.org/publications/commentary/chinas-balloon-could-be-americas-awakening">China\u2019s Balloon Could Be America\u2019s Awakening</a>
<p>Beijing\u2019s blunder may well represent\u2014forgive the expression\u2014a great-power trial balloon. And it may even spur a broad American awakening....</p>
<p>By Richard Fontaine</p></li>
<li>-<a class="sans-serif fz16 bold margin-top-half-em" href="https://www.cnas.org/publications/commentary/to-help-afghanistan-engage-its-political-opposition">To Help Afghanistan, Engage Its Political Opposition</a>
<p>The effort to help Afghans shape a better alternative should begin now....</p>
<p>By Richard Fontaine &amp; Lisa Curtis</p></li>
</ul>
<div class="pagination">
<a href="https://www.cnas.org/articles-multimedia/p1?author=richard-fontaine&amp;type=commentary">1</a>
<a href="https://www.cnas.org/articles-multimedia/p3?author=richard-fontaine&amp;type=commentary">3</a>
<a href="https://www.cnas.org/articles-multimedia/p3?author=richard-fontaine&amp;type=commentary">Next</a>
</div></div>
<footer><a href="https://www.cnas.org/publications/reports/negotiating-with-north-korea">Featured</a></footer>
</body></html>"""  # noqa: E501
LISTING_URL = "https://cnas.org/articles-multimedia/p2?author=richard-fontaine&type=commentary"


def test_listing_page_cards_pagination_links_and_count() -> None:
    got = CNAS.extract_listing(LISTING_URL, LISTING)
    assert got == {
        "cards": [
            {
                "url": "https://www.cnas.org/publications/commentary/chinas-balloon-could-be-"
                "americas-awakening",
                "title": "China\u2019s Balloon Could Be America\u2019s Awakening",
                "type": None,
                "outlet": None,
                "date_raw": None,
                "byline_raw": "By Richard Fontaine",
                "summary": "Beijing\u2019s blunder may well represent\u2014forgive the "
                "expression\u2014a great-power trial balloon. And it may even spur a broad "
                "American awakening....",
            },
            {
                "url": "https://www.cnas.org/publications/commentary/to-help-afghanistan-engage-"
                "its-political-opposition",
                "title": "To Help Afghanistan, Engage Its Political Opposition",
                "type": None,
                "outlet": None,
                "date_raw": None,
                "byline_raw": "By Richard Fontaine & Lisa Curtis",
                "summary": "The effort to help Afghans shape a better alternative should begin "
                "now....",
            },
        ],
        "pagination": [
            "https://www.cnas.org/articles-multimedia/p1?author=richard-fontaine&type=commentary",
            "https://www.cnas.org/articles-multimedia/p3?author=richard-fontaine&type=commentary",
        ],
        "publication_links": [
            "https://www.cnas.org/publications/commentary/chinas-balloon-could-be-americas-"
            "awakening",
            "https://www.cnas.org/publications/commentary/to-help-afghanistan-engage-its-"
            "political-opposition",
            "https://www.cnas.org/publications/reports/negotiating-with-north-korea",
        ],
        "showing": {"first": 21, "last": 40, "total": 217},
    }


def test_listing_card_with_type_outlet_and_unpadded_date() -> None:
    # A 2019-style card (notes 2.4, values from 4.3): type, outlet, date, title, excerpt, byline.
    html = """<html><body><div id="content"><ul class="listing">
    <li><ul><li>Commentary</li><li>War on the Rocks</li><li>January 15, 2020</li></ul>
    <a class="sans-serif fz16 bold margin-top-half-em" href="/publications/commentary/defense-strategy-for-a-post-trump-world?utm_source=x">Defense Strategy for a Post-Trump World</a>
    <p>In a recent piece warning about an emerging arms race in hypersonic missiles, ...</p>
    <p>By Van Jackson</p></li>
    <li><ul><li>Reports</li><li>December 18, 2019</li></ul>
    <a class="sans-serif fz16 bold margin-top-half-em" href="https://www.cnas.org/publications/reports/crossed-wires">Crossed Wires</a>
    <p>By Kristine Lee, Daniel Kliman &amp; Joshua Fitt</p></li>
    </ul><p>Showing 1-20 of 31 Publications</p></div></body></html>"""  # noqa: E501
    got = CNAS.extract_listing("https://www.cnas.org/reports", html)
    assert got["cards"] == [
        {
            "url": "https://www.cnas.org/publications/commentary/defense-strategy-for-a-post-"
            "trump-world",
            "title": "Defense Strategy for a Post-Trump World",
            "type": "Commentary",
            "outlet": "War on the Rocks",
            "date_raw": "January 15, 2020",
            "byline_raw": "By Van Jackson",
            "summary": "In a recent piece warning about an emerging arms race in hypersonic "
            "missiles, ...",
        },
        {
            "url": "https://www.cnas.org/publications/reports/crossed-wires",
            "title": "Crossed Wires",
            "type": "Reports",
            "outlet": None,
            "date_raw": "December 18, 2019",
            "byline_raw": "By Kristine Lee, Daniel Kliman & Joshua Fitt",
            "summary": None,
        },
    ]
    assert got["showing"] == {"first": 1, "last": 20, "total": 31}
    assert got["pagination"] == []


def test_block_page_listing_is_empty() -> None:
    html = (real_pages() / "aei.org" / "cloudflare-challenge-articles-listing.html").read_text(
        encoding="utf-8"
    )
    assert CNAS.extract_listing("https://www.cnas.org/reports", html) == {
        "cards": [],
        "pagination": [],
        "publication_links": [],
        "showing": None,
    }


def test_card_date_slot_holding_a_non_date_is_the_date_not_the_outlet() -> None:
    html = """<html><body><div id="content"><ul>
    <li><ul><li>Commentary</li><li>Forthcoming</li></ul>
    <a class="sans-serif fz16 bold margin-top-half-em" href="/publications/commentary/notes">Notes</a>
    <p>By Van Jackson</p></li></ul></div></body></html>"""  # noqa: E501
    [card] = CNAS.extract_listing("https://www.cnas.org/articles-multimedia", html)["cards"]
    assert (card["type"], card["outlet"], card["date_raw"]) == ("Commentary", None, "Forthcoming")


def test_article_whose_title_is_empty_has_no_title() -> None:
    # A test entry that leaked onto the live site (notes 2.4, "(JCE TEST)") with an empty h1:
    # the <title> then holds only the site name, which is no title.
    html = (
        SKELETON.replace(
            '<h1 class="page-title">Negotiating With North Korea</h1><h2>How Will This End?</h2>',
            '<h1 class="page-title"></h1>',
        )
        .replace(
            '<meta property="og:title" content="Negotiating With North Korea">',
            '<meta property="og:title" content="">',
        )
        .replace("<title>Negotiating With North Korea | CNAS</title>", "<title>| CNAS</title>")
    )
    got = CNAS.extract_article(SKELETON_URL, html)
    assert got["title"] is None
    assert "title" not in got["sources"]


def _listing_pages(index: str) -> list[dict]:
    """Every page of a mirror listing, found by following its pagination links."""
    pages: dict[str, dict] = {}
    queue = [f"https://www.cnas.org/{index}"]
    while queue and len(pages) < 50:  # bounded: the mirror has a handful of pages
        url = queue.pop(0)
        number = listing_page_number(url)
        if number in pages:
            continue
        folder = SAMPLES / index / (f"p{number}" if number > 1 else "")
        pages[number] = CNAS.extract_listing(url, (folder / "index.html").read_text("utf-8"))
        queue.extend(pages[number]["pagination"])
    return [pages[n] for n in sorted(pages)]


@pytest.mark.parametrize("index", ["reports", "articles-multimedia", "press"])
def test_mirror_listing_pages_chain_and_count_their_cards(index: str) -> None:
    pages = _listing_pages(index)
    total = pages[0]["showing"]["total"]
    first = 1
    for page in pages:
        cards = page["cards"]
        assert page["showing"] == {"first": first, "last": first + len(cards) - 1, "total": total}
        assert len(cards) == (20 if page is not pages[-1] else total - 20 * (len(pages) - 1))
        assert page["publication_links"][: len(cards)] == [card["url"] for card in cards]
        first += len(cards)
    assert first - 1 == total


def test_mirror_listing_cards_agree_with_their_article_pages() -> None:
    for index in ("reports", "articles-multimedia", "press"):
        for page in _listing_pages(index):
            for card in page["cards"]:
                path = card["url"].removeprefix("https://www.cnas.org/")
                html = (SAMPLES / path / "index.html").read_text("utf-8")
                article = CNAS.extract_article(card["url"], html)
                assert card["type"] is not None
                if article["title"]:
                    assert card["title"] == article["title"]
                # the card's unpadded date is the article's zero-padded one (notes 3.1)
                if card["date_raw"] and article["published_raw"] and "," in card["date_raw"]:
                    month, day, year = card["date_raw"].replace(",", "").split()
                    assert article["published_raw"] == f"{month} {int(day):02d}, {year}"


def test_mirror_listing_holds_the_real_cards_of_the_notes() -> None:
    # notes 4.4: the articles-multimedia listing filtered by author (Richard Fontaine)
    cards = {
        card["title"]: card
        for page in _listing_pages("articles-multimedia")
        for card in page["cards"]
    }
    assert cards["China’s Balloon Could Be America’s Awakening"]["byline_raw"] == (
        "By Richard Fontaine"
    )
    assert cards["To Help Afghanistan, Engage Its Political Opposition"]["byline_raw"] == (
        "By Richard Fontaine & Lisa Curtis"
    )
    assert cards["Sharper: The Next Congress"]["byline_raw"] == (
        "By Katie Galgano, Chris Estep & Cole Stevens"
    )


def test_summary_from_the_body_skips_the_originally_published_opening() -> None:
    # The newer opening line (notes 3.3 row 15) points elsewhere; it is no summary.
    html = SKELETON.replace(
        "<p>Image credit: U.S. Army</p>",
        "<p><em>This article was originally published on Foreign Affairs.</em></p>",
    )
    got = CNAS.extract_article(SKELETON_URL, html)
    assert got["summary"] == "North Korea has pursued nuclear weapons for decades."
    assert got["body"].split("\n\n")[0] == (
        "This article was originally published on Foreign Affairs."
    )
