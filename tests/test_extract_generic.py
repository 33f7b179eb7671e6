"""Generic metadata extraction on real saved pages of other policy sites.

The pages are read from ``real-pages/`` of the shared folder at test time (they are not
copied into the repository; ``shared_files`` says where that folder is). Expected titles,
dates and bylines are the visible ones that each page's INDEX.md row and .json sidecar
record, or the value the page declares in its metadata where the sidecar names it
(article:published_time, JSON-LD datePublished).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from shared_files import real_pages

from thinkscrape.extract.common import block_page_reason
from thinkscrape.items import SOURCES
from thinkscrape.pages.article import ArticlePage
from thinkscrape.pages.structured import json_ld_objects


def metadata(url: str, html: str) -> dict[str, Any]:
    """What the general article page reads of any page."""
    return ArticlePage(None, url, html).metadata()


def load(name: str) -> tuple[str, str]:
    """(url, html) of a saved page; the html as served, line endings untouched."""
    page = real_pages() / f"{name}.html"
    sidecar = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    # newline="" keeps CR LF pairs where the page has them
    with page.open(encoding="utf-8", newline="") as handle:
        html = handle.read()
    return sidecar["url"].split(" ")[0], html


CASES = {
    # name: (title, published_raw, published source, authors)
    "carnegieendowment.org/benchmarking-second-trump-kim-summit-pub-78407": (
        "Benchmarking the Second Trump-Kim Summit",
        "February 19, 2019",  # visible div.post-date: no machine date on the page
        "article_header",
        ["Toby Dalton", "Ariel (Eli) Levite"],
    ),
    "theatlantic.com/californias-disasters-climate-change-2020-08-23": (
        "How Can We Plan for the Future in California?",  # the visible h1, not <title>
        "2020-08-23T07:30:00-04:00",
        "json_ld",
        ["Leah C. Stokes"],
    ),
    "theintercept.com/gaza-hospitals-2023-11-08": (
        "What It’s Like to Give Birth in Gaza",  # the visible h1, not <title>
        "2023-11-08T20:18:44Z",
        "json_ld",
        ["Ibtisam Mahdi", "Ruwaida Kamal Amer"],
    ),
    "osw.waw.pl/rosyjskie-zamachy-w-czechach-2021-04-20": (
        "Rosyjskie zamachy w Czechach – kontekst krajowy, implikacje, perspektywy",
        "2021-04-20T14:00:00+0200",
        "json_ld",
        ["Mateusz Gniazdowski", "Martyna Wasiuta"],  # JSON-LD gives them as HTML links
    ),
    "politico.com/mark-meadows-retirement-2019-12-30": (
        "Mark Meadows accused of timing retirement to help elect wife’s friend",  # h1 is a logo
        "2019-12-30T05:03-0500",
        "json_ld",
        ["Ally Mutnick"],
    ),
    "newrepublic.com/collapse-of-neoliberalism-2019-12-23": (
        "The Collapse of Neoliberalism",
        "2019-12-23",
        "meta",
        ["Ganesh Sitaraman"],  # visible "By Ganesh Sitaraman"; no author meta
    ),
    "kas.de/laenderbericht-kommunalwahlen-nordmazedonien": (
        "Kommunalwahlen in Nordmazedonien",  # <title> and h1s are "detail"/"Navigation"
        "2021-11-04T23:00Z",  # article:published_time as declared (visible: 5. November 2021)
        "meta",
        ["Daniel Braun", "Davor Pasoski"],  # visible "von Daniel Braun, Davor Pasoski"
    ),
    "legrandcontinent.eu/francois-heran-migrations-2020-03-02": (
        "« Il y a, d’abord, le poids de la géographie ». Sur les migrations avec François Héran",
        "2020-03-02T19:30:06+00:00",
        "meta",
        ["Uriel Gadessaud"],  # visible "Auteur Uriel Gadessaud", not the WebPage's CMS user
    ),
    "verfassungsblog.de/expertinnen-in-der-krise-2020-04-09": (
        "Expert*innen in der Krise",
        "2020-04-09T07:59:57+02:00",  # the article's <time>, not a comment's
        "article_header",
        ["Heiko Sauer"],
    ),
    "economist.com/open-future-collaborative-thinking-2018-06-18": (
        "Why collaborative thinking beats individual smarts",
        "2018-06-18T16:16:03Z",
        "json_ld",
        ["The Economist"],  # unsigned house style: the JSON-LD author is the paper
    ),
    "liberte.pl/koncesjonowana-opozycja": (
        "Koncesjonowana opozycja",  # og:title adds " -Leszek Jażdżewski - Liberté!"
        "2021-04-28T09:45:09+00:00",
        "meta",
        None,
    ),
    "rosalux.de/wir-waren-fast-40-tage-in-quarantaene": (
        "«Wir waren fast 40 Tage in Quarantäne»",  # og:title adds the foundation's name
        "2021-10-30",
        "meta",
        None,
    ),
    "freiheit.org/holocaust-ueberlebende-margot-friedlaender-100": (
        "Holocaust-Überlebende Margot Friedländer wird 100 Jahre",  # the h1 less its kicker
        "2021-11-05",
        "article_header",
        [],  # no byline for the item; the related teasers' authors are not its authors
    ),
    "klubjagiellonski.pl/nowa-zelandia-platny-urlop-2021-04-22": (
        "Nowa Zelandia: płatny urlop dla rodziców poronionego dziecka. Jak to wygląda w Polsce?",
        "22 kwietnia 2021",  # shown beside the headline; no machine-readable date
        "article_header",
        [],  # byline undetermined on the page
    ),
    "hss.de/tunesien-grosse-aufgaben-fuer-die-neue-regierung": (
        "Große Aufgaben für die neue Regierung",
        "2021-11-03",
        "meta",
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES), ids=lambda n: n.split("/")[0])
def test_title_date_and_authors_of_real_pages(name: str) -> None:
    title, published, published_source, authors = CASES[name]
    url, html = load(name)
    got = metadata(url, html)
    assert got["block_reason"] is None
    assert got["title"] == title
    assert (got["published_raw"], got["sources"]["published_raw"]) == (published, published_source)
    if authors is not None:
        assert got["authors"] == authors
    assert set(got["sources"].values()) <= set(SOURCES)


def test_whole_result_for_carnegie() -> None:
    url, html = load("carnegieendowment.org/benchmarking-second-trump-kim-summit-pub-78407")
    assert metadata(url, html) == {
        "url": url,
        "title": "Benchmarking the Second Trump-Kim Summit",
        "published_raw": "February 19, 2019",
        "authors": ["Toby Dalton", "Ariel (Eli) Levite"],
        "description": "Testing North Korea’s sincerity to take concrete steps toward "
        "denuclearization requires flexibility and innovation in the U.S. approach.",
        "site_name": "Carnegie Endowment for International Peace",
        "language": "en",
        "canonical_url": url,
        "block_reason": None,
        "sources": {
            "site_name": "meta",
            "title": "meta",
            "published_raw": "article_header",
            "authors": "meta",
            "description": "meta",
            "language": "meta",
            "canonical_url": "meta",
        },
    }


def test_protocol_relative_canonical_is_made_absolute() -> None:
    url, html = load("rosalux.de/wir-waren-fast-40-tage-in-quarantaene")
    got = metadata(url, html)
    assert got["canonical_url"] == (
        "https://www.rosalux.de/news/id/45292/wir-waren-fast-40-tage-in-quarantaene"
    )
    assert got["language"] == "de-DE"


def test_cloudflare_challenge_is_a_block_page() -> None:
    url, html = load("aei.org/cloudflare-challenge-articles-listing")
    assert block_page_reason(html) == "cloudflare-challenge"
    got = metadata(url, html)
    assert got["block_reason"] == "cloudflare-challenge"
    assert (got["title"], got["published_raw"], got["authors"]) == (None, None, [])


@pytest.mark.parametrize(
    "name",
    [
        "carnegieendowment.org/benchmarking-second-trump-kim-summit-pub-78407",  # Incapsula script
        "economist.com/open-future-collaborative-thinking-2018-06-18",
        "theatlantic.com/californias-disasters-climate-change-2020-08-23",
        "warontherocks.com/homepage-2020-05",
    ],
)
def test_ordinary_pages_are_not_block_pages(name: str) -> None:
    _, html = load(name)
    assert block_page_reason(html) is None


def test_non_article_pages_have_no_date_or_byline() -> None:
    url, html = load("iass-potsdam.de/forschungsbereich-energiewende-und-gesellschaftlicher-wandel")
    got = metadata(url, html)
    assert (got["title"], got["published_raw"], got["authors"]) == (
        "Energiewende und gesellschaftlicher Wandel",
        None,
        [],
    )
    # the canonical host differs from the fetched one (the institute was renamed)
    assert got["canonical_url"].startswith("https://www.rifs-potsdam.de/")

    url, html = load("warontherocks.com/homepage-2020-05")
    got = metadata(url, html)
    # a home page: the WebPage's own dates are not a publication date, card authors no byline
    assert (got["title"], got["published_raw"], got["authors"]) == ("War on the Rocks", None, [])


def test_malformed_json_ld_block_is_tolerated() -> None:
    _, html = load("hss.de/tunesien-grosse-aufgaben-fuer-die-neue-regierung")
    from parsel import Selector

    types = [obj.get("@type") for obj in json_ld_objects(Selector(text=html))]
    assert "BreadcrumbList" in types and "Organization" in types


def test_minimal_and_broken_pages_do_not_raise() -> None:
    for html in ("", "<html>", "<html><head><title> A  title </title></head></html>"):
        got = metadata("https://example.org/a/", html)
        assert got["authors"] == []
    got = metadata(
        "https://example.org/2020/05/22/a/", "<html><head><title> A  title </title></head></html>"
    )
    assert (got["title"], got["published_raw"], got["site_name"]) == (
        "A title",
        "2020-05-22",
        "example.org",
    )


# --- the shared helpers ----------------------------------------------------------------


def test_collapse_whitespace_handles_nbsp_crlf_and_zero_width() -> None:
    from thinkscrape.extract.common import collapse_whitespace

    text = "\u200bPatrick\u00a0M.\r\n  Cronin\t"
    assert collapse_whitespace(text) == "Patrick M. Cronin"
    assert collapse_whitespace(text, strip_zero_width=False) == "\u200bPatrick M. Cronin"
    assert collapse_whitespace(None) == ""


def test_node_text_keeps_inline_markup_tight_and_line_breaks_apart() -> None:
    from parsel import Selector

    from thinkscrape.extract.common import node_text

    sel = Selector(text="<p>Read <a>the full</a>, article<br>in <b>The Hill</b>.</p>")
    assert node_text(sel.css("p")[0]) == "Read the full, article in The Hill."


def test_json_ld_blocks_in_cdata_with_graphs_lists_and_junk() -> None:
    from parsel import Selector

    html = (
        '<script type="application/ld+json">//<![CDATA[\n{"@graph": [{"@type": "Article",'
        ' "headline": "A"}, {"@type": "Person", "@id": "#p", "name": "B"}]}\n//]]></script>'
        '<script type="Application/LD+JSON">[{"@type": "WebSite", "name": "C"}]</script>'
        '<script type="application/ld+json">{"@type": "Thing"} trailing junk</script>'
        '<script type="application/ld+json">{broken</script>'
    )
    types = [obj.get("@type") for obj in json_ld_objects(Selector(text=html))]
    assert types == [None, "Article", "Person", "WebSite", "Thing"]


def test_incapsula_incident_page_is_a_block_page_but_its_script_is_not() -> None:
    incident = (
        "<html><head><META NAME='ROBOTS' CONTENT='NOINDEX, NOFOLLOW'></head><body>"
        "Request unsuccessful. Incapsula incident ID: 123-456</body></html>"
    )
    assert block_page_reason(incident) == "incapsula"
    article = '<html><script src="/_Incapsula_Resource?SWJIYLWA=1"></script><h1>A</h1></html>'
    assert block_page_reason(article) is None


def test_cloudflare_block_title_marks_a_block_page_only_as_its_title() -> None:
    block = "<html><head><title>Attention Required! | Cloudflare</title></head><body/></html>"
    assert block_page_reason(block) == "cloudflare-block"
    quoted = (
        "<html><head><title>When the firewall says no</title></head><body><p>Readers saw "
        "a page titled \u201cAttention Required! | Cloudflare\u201d.</p></body></html>"
    )
    assert block_page_reason(quoted) is None


def test_block_markers_are_looked_for_in_the_first_200000_characters_only() -> None:
    filler = "<p>" + "x" * 200_000 + "</p>"
    marker = "window._cf_chl_opt"
    assert block_page_reason(f"<html><script>{marker}</script>{filler}") == "cloudflare-challenge"
    assert block_page_reason(f"<html>{filler}<script>{marker}</script>") is None
    # a marker that starts before the limit and ends after it is past it
    straddling = "<html>" + "y" * (200_000 - 6 - 5) + marker
    assert block_page_reason(straddling) is None
    assert block_page_reason(straddling[: -len(marker)] + "<br>" + marker) is None
    assert block_page_reason("<html><TITLE>Access Denied</TITLE></html>") == "captcha"
    assert block_page_reason(f"<html>{filler}<title>Access Denied</title></html>") is None
