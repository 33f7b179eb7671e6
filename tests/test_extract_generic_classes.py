"""Classes of pages the generic layer reads: each test is a small hand-written page showing
one way real sites give (or hide) their title, date and authors."""

from __future__ import annotations

from typing import Any

from thinkscrape.pages.article import ArticlePage


def metadata(url: str, html: str) -> dict[str, Any]:
    """What the general article page reads of any page."""
    return ArticlePage(None, url, html).metadata()


URL = "https://example.org/news/a-story"


def page(head: str = "", body: str = "", lang: str = "de") -> str:
    return f"<html lang='{lang}'><head>{head}</head><body>{body}</body></html>"


def published(html: str, url: str = URL) -> tuple[str | None, str | None]:
    got = metadata(url, html)
    return got["published_raw"], got["sources"].get("published_raw")


# --- dates ------------------------------------------------------------------------------
def test_a_date_with_a_place_or_label_before_it_beside_the_headline() -> None:
    placed = page(body="<h1>Rede beim Konvent</h1><div><span>Lübeck, 31. März 2003</span></div>")
    assert published(placed) == ("31. März 2003", "article_header")
    labelled = page(
        body="<article><h1>Ein Buch</h1><span>Veröffentlicht am 06.10.2023</span>"
        "<p>Text</p></article>"
    )
    assert published(labelled) == ("06.10.2023", "article_header")
    by_line = page(
        body="<h1>Titel</h1><p class='byline'>VON <a href='/a'>ANNA BERG</a> am 21. April 2020</p>",
    )
    assert published(by_line) == ("21. April 2020", "article_header")


def test_a_date_in_a_long_sentence_of_the_body_is_not_a_date_line() -> None:
    html = page(
        body="<h1>Titel</h1><p>Bis einschließlich 9. November 2021 registrierte die Behörde "
        "mehr als neuntausend Fälle an der Grenze, wie sie am Mittwoch mitteilte.</p>"
    )
    assert published(html) == (None, None)


def test_a_time_element_without_datetime_gives_its_text() -> None:
    html = page(body="<article><h1>Umfrage</h1><time class='atime'>22. November 2022 </time>")
    assert published(html) == ("22. November 2022", "article_header")


def test_microdata_and_rdfa_publication_dates() -> None:
    microdata = page(
        body="<h1>Hafen</h1><div itemprop='datePublished' datetime='2022-02-04'>"
        " 04. Februar 2022 </div>"
    )
    assert published(microdata) == ("2022-02-04", "article_header")
    rdfa = page(
        body="<div class='teaser'>Lesen Sie auch</div>"
        "<span property='schema:dateCreated' content='2023-10-06T03:46:34+00:00'></span>"
        + "<p>x</p>" * 80
        + "<h1>Ein Buch</h1>"
    )
    assert published(rdfa) == ("2023-10-06T03:46:34+00:00", "article_header")


def test_a_comments_date_is_not_the_articles() -> None:
    html = page(
        body="<h1>Quests</h1><p>Text</p><div class='comment-meta'>"
        "<time datetime='2008-05-27T21:07'>27. Mai 2008 um 21:07</time></div>"
        "<div id='comments'><span property='schema:dateCreated' content='2008-05-28'></span>"
        "</div>"
    )
    assert published(html) == (None, None)


def test_an_update_or_the_current_time_is_not_the_publication_date() -> None:
    updated = page(
        body="<h1>Hydrangeas</h1><div class='timestamp'>Updated May 06, 2019</div>", lang="en"
    )
    assert published(updated) == (None, None)
    clock = page(body="<p class='time'>Aktuelle Zeit: 14.10.2020, 12:18</p><h1>Forum</h1>")
    assert published(clock) == (None, None)


def test_a_shown_date_outranks_a_loose_meta_date_but_not_a_declared_publication_time() -> None:
    body = "<h1>Präsidentin gewählt</h1><span>Erschienen am:</span><h2> 13.10.2021 </h2>"
    loose = page(head="<meta name='date' content='2021-10-15'>", body=body)
    assert published(loose) == ("13.10.2021", "article_header")
    declared = page(
        head="<meta property='article:published_time' content='2021-10-12T22:00:00Z'>",
        body=body,
    )
    assert published(declared) == ("2021-10-12T22:00:00Z", "meta")


def test_scholarly_and_cms_variants_of_the_date_meta() -> None:
    bepress = page(head="<meta name='bepress_citation_date' content='2009-09-15'>")
    assert published(bepress) == ("2009-09-15", "meta")
    colon = page(head="<meta name='DC:date' content='2009-09-16'>")
    assert published(colon) == ("2009-09-16", "meta")
    swiftype = page(
        head="<meta name='last_modified_date' content='2022-03-01'>"
        "<meta name='publication_date' content='2022-02-08T14:00:00'>"
    )
    assert published(swiftype) == ("2022-02-08T14:00:00", "meta")


def test_the_headline_is_the_heading_that_reads_as_the_title() -> None:
    # A hidden navigation <h1> comes first; the date sits beside the real headline.
    html = page(
        head="<meta property='og:title' content='Rede von Bundespräsident Rau'>",
        body="<h1>Navigation und Service</h1>"
        + "<ul>"
        + "<li><a href='#'>Menü</a></li>" * 60
        + "</ul>"
        "<h1><span>Rede von Bundespräsident Rau</span></h1>"
        "<div class='article-metadata'><span>Lübeck, 31. März 2003</span></div>",
    )
    assert published(html) == ("31. März 2003", "article_header")


def test_an_unpadded_date_in_the_url_path() -> None:
    url = "https://example.org/home/2017/7/12/unter-uns"
    assert published(page(body="<h1>Unter uns</h1>"), url) == ("2017-07-12", "url")


def test_an_earlier_header_time_or_dated_permalink_beats_a_restamped_declaration() -> None:
    restamped = page(
        head="<meta property='article:published_time' content='2022-11-17T10:33:13.258Z'>"
        "<meta property='article:modified_time' content='2022-11-17T10:32:18.099Z'>",
        body="<h1>Wärmepumpe im Altbau</h1><time datetime='2022-03-09'>09.03.2022</time>",
    )
    assert published(restamped) == ("2022-03-09", "article_header")
    moved = page(
        head='<script type="application/ld+json">{"@type": "Article",'
        ' "datePublished": "2019-06-17T18:28:00+0200"}</script>',
        body="<h1>Montauk</h1>",
    )
    assert published(moved, "https://example.org/home/2017/7/12/montauk") == ("2017-07-12", "url")
    # a later header date does not move the declared one
    later = page(
        head="<meta property='article:published_time' content='2021-11-04T23:00Z'>",
        body="<h1>Wahlen</h1><time datetime='2021-11-05'>5. November 2021</time>",
    )
    assert published(later) == ("2021-11-04T23:00Z", "meta")


def test_a_line_saying_published_anywhere_in_the_page() -> None:
    html = page(
        body="<h1>Folge 158</h1>"
        + "<p>Absatz mit Text.</p>" * 60
        + "<p>Veröffentlicht am 16.08.2019<br/> Dauer: 1 Stunde</p>"
    )
    assert published(html) == ("16.08.2019", "article_header")


def test_navigation_menus_dates_are_not_the_articles() -> None:
    html = page(
        body="<h1>Liebe Menschen Europas</h1><ul class='menu'>"
        "<li class='menu-item'><a href='/12m'>12M – 12. Mai 2012</a></li></ul>"
        "<nav><p>Archiv: 15.10.2011</p></nav>"
    )
    assert published(html) == (None, None)


def test_an_xhtml_page_with_an_xml_declaration_is_read_as_html() -> None:
    html = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="de"><head>'
        "<meta property='og:title' content='Eine realistische Interpretation'>"
        "</head><body><h1>Eine realistische Interpretation</h1>"
        "<div class='author'><a href='/autoren/g'>Georg Quaas</a>, 21. Jan. 2015</div>"
        "</body></html>"
    )
    got = metadata(URL, html)
    assert (got["title"], got["published_raw"]) == (
        "Eine realistische Interpretation",
        "21. Jan. 2015",
    )


# --- titles -----------------------------------------------------------------------------
def test_without_a_declared_title_the_heading_the_title_tag_repeats() -> None:
    html = page(
        head="<title>Nummer zwei: Leo | seelenradio</title>",
        body="<h1>seelenradio</h1><h2 class='posttitle'><a href='/leo'>Nummer zwei: Leo</a></h2>",
    )
    got = metadata(URL, html)
    assert (got["title"], got["sources"]["title"]) == ("Nummer zwei: Leo", "article_header")


def test_a_declared_title_with_a_topic_or_site_head_gives_way_to_the_headline() -> None:
    topic = page(
        head="<meta property='og:title' content='Wahl: Eva Muster zur Präsidentin gewählt'>",
        body="<h1>Eva Muster zur Präsidentin gewählt</h1>",
    )
    assert metadata(URL, topic)["title"] == "Eva Muster zur Präsidentin gewählt"
    site = page(
        head="<meta property='og:title' content='MAGAZIN | Luftfahrt hebt ab - FACC profitiert'>",
        body="<h1>Luftfahrt hebt ab - FACC profitiert</h1>",
    )
    assert metadata(URL, site)["title"] == "Luftfahrt hebt ab - FACC profitiert"
    # a headline that only shares words with the declared title is not preferred to it
    other = page(
        head="<meta property='og:title' content='How to Care for Hydrangeas'>",
        body="<h1>Hydrangeas</h1>",
    )
    assert metadata(URL, other)["title"] == "How to Care for Hydrangeas"


def test_a_breadcrumb_title_tag_names_the_headline_after_a_hidden_heading() -> None:
    html = page(
        head="<title>www.example.de: Der Präsident / Reden / Rede beim Konvent</title>",
        body="<h1>Navigation und Service</h1>" + "<p>Menü</p>" * 50 + "<h1>Rede beim Konvent</h1>",
    )
    assert metadata(URL, html)["title"] == "Rede beim Konvent"


def test_a_labelled_date_after_the_label_element_far_from_the_headline() -> None:
    html = page(
        body="<h1>Von Sprachregeln</h1>" + "<p>Ein Absatz.</p>" * 60 + "<div class='block'>"
        "<span class='label'>Datum:</span> 19.11.2021 <br><span class='label'>Autor:</span>"
        " Fritz Imhof<br><span class='label'>Quelle:</span> Livenet</div>"
    )
    assert published(html) == ("19.11.2021", "article_header")


# --- authors ----------------------------------------------------------------------------
def authors(html: str) -> tuple[list[str], str | None]:
    got = metadata(URL, html)
    return got["authors"], got["sources"].get("authors")


def test_a_publisher_named_as_author_is_passed_over_for_the_person() -> None:
    html = page(
        head='<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Wohnen",'
        ' "author": {"@type": "Organization", "name": "Badische Zeitung"}}</script>',
        body="<h1>Wohnen</h1><p class='article-author'>Lisa Petrich</p>",
    )
    assert authors(html) == (["Lisa Petrich"], "article_header")
    # and a meta author naming the publisher the JSON-LD declares
    meta = page(
        head="<meta name='author' content='Makronom'>"
        '<script type="application/ld+json">{"@type": "NewsMediaOrganization",'
        ' "name": "Makronom"}</script>',
        body="<h1>Gesetz</h1><div class='byline'><a href='/a'>Clara Löw</a></div>",
    )
    assert authors(meta) == (["Clara Löw"], "article_header")


def test_a_personal_sites_owner_declared_person_and_organization_is_a_person() -> None:
    html = page(
        head='<script type="application/ld+json">{"@graph": ['
        '{"@type": "Article", "author": {"@id": "#me"}},'
        '{"@type": ["Person", "Organization"], "@id": "#me", "name": "Helge Beispiel"}]}'
        "</script>",
        body="<h1>Mahu</h1>",
    )
    assert authors(html) == (["Helge Beispiel"], "json_ld")


def test_microdata_author_beside_the_headline_not_the_teasers() -> None:
    html = page(
        body="<h1>Laub</h1><div itemscope itemprop='author' itemtype='http://schema.org/Person'>"
        "<span itemprop='name'> <div>Amelie Muster</div> </span></div>"
        + "<p>Text.</p>" * 80
        + "<div class='teaser' itemprop='author'><span itemprop='name'>Max Teaser</span></div>"
    )
    assert authors(html) == (["Amelie Muster"], "article_header")


def test_a_byline_line_beside_the_headline_whatever_its_markup() -> None:
    html = page(
        body="<h1>Probleme in Afrika</h1><p>Von <strong><a href='/rb'>Roland Beispiel</a></strong>"
        " und <strong><a href='/sd'>Sebastian Muster</a></strong><br>Kakuma /Kenia</p>"
    )
    assert authors(html) == (["Roland Beispiel", "Sebastian Muster"], "article_header")
    # the names end where the line's other fields begin: a date, a separator
    dated = page(
        body="<h1>Climate</h1><p>Giovanni Esempio | 12/10/2020</p>"
        "<span>by Giovanni Esempio | 12/10/2020</span>",
        lang="en",
    )
    assert authors(dated) == (["Giovanni Esempio"], "article_header")


def test_a_headline_starting_like_a_byline_is_not_one() -> None:
    html = page(body="<h1>Von Sprachregeln und Deutsch</h1><p>Ein Text ohne Autor.</p>")
    assert authors(html) == ([], None)


def test_author_links_worded_as_actions_or_tools_give_only_the_names() -> None:
    call = page(
        body="<h1>JSON</h1><a rel='author' href='/author/d'>View all posts by Daniel Beispiel</a>",
        lang="en",
    )
    assert authors(call) == (["Daniel Beispiel"], "article_header")
    tools = page(
        body="<h1>Justice</h1><div class='byline'>By <a href='/w/emily'>Emily Muster</a>"
        " <a href='/edit'>Edit</a></div>",
        lang="en",
    )
    assert authors(tools) == (["Emily Muster"], "article_header")


def test_the_sites_name_before_or_after_the_title_whatever_its_case() -> None:
    tail = page(head="<meta property='og:title' content='Eine Tischdecke nähen | homify'>")
    assert metadata("https://www.homify.de/diy/1", tail)["title"] == "Eine Tischdecke nähen"
    head = page(
        head="<meta property='og:title' content='INDUSTRIEMAGAZIN | Luftfahrt hebt ab'>"
        "<meta property='og:site_name' content='Industriemagazin'>"
    )
    assert metadata(URL, head)["title"] == "Luftfahrt hebt ab"


def test_a_kicker_over_the_headline_is_not_part_of_the_title() -> None:
    html = page(
        head="<meta property='og:title' content='Klimaschutz: Bohren, bis es heiß wird'>",
        body="<h1><span class='kicker'>Klimaschutz</span><span class='visually-hidden'>: </span>"
        "<span class='title'>Bohren, bis es heiß wird</span></h1>",
    )
    assert metadata(URL, html)["title"] == "Bohren, bis es heiß wird"
    small = page(
        head="<meta property='og:title' content='Einheit der Woche | Lagen-Pyramide mit GA2'>",
        body="<h1><span class='post-title'><small>Einheit der Woche</small><br>"
        "Lagen-Pyramide mit GA2</span></h1>",
    )
    assert metadata(URL, small)["title"] == "Lagen-Pyramide mit GA2"


def test_a_title_worded_for_search_engines_gives_way_to_the_articles_headline() -> None:
    html = page(
        head="<meta property='og:title' content='Lounge: Kein Zutritt mit Sparpreis-Tickets'>",
        body="<main><h1>Lounge: Kein Zugang mit Sparpreis-Ticket</h1></main>",
    )
    assert metadata(URL, html)["title"] == "Lounge: Kein Zugang mit Sparpreis-Ticket"
    # a box's heading in the main element shares no word with the piece's title
    box = page(
        head="<meta property='og:title' content='Expert*innen in der Krise'>",
        body="<main><h1>While you are here…</h1><p>Donate.</p></main>",
    )
    assert metadata(URL, box)["title"] == "Expert*innen in der Krise"


def test_instructions_and_recipes_declare_their_date_like_articles() -> None:
    html = page(
        head='<script type="application/ld+json">{"@type": "HowTo", "name": "Tischdecke",'
        ' "datePublished": "2022-01-10T22:06:08:684Z"}</script>',
        body="<h1>Tischdecke</h1>",
    )
    assert published(html) == ("2022-01-10T22:06:08:684Z", "json_ld")


def test_a_meta_author_that_is_the_sites_own_name_is_passed_over() -> None:
    html = page(
        head="<meta name='author' content='Badische Zeitung'>"
        "<meta property='og:site_name' content='Badische Zeitung'>",
        body="<h1>Wohnungssuche</h1><div class='info'><p>Von <a href='/lp'>Lisa Muster</a></p>"
        "<p><a href='/archiv'>Mi, 18. Oktober 2023</a> um 12:50 Uhr</p></div>",
    )
    assert authors(html) == (["Lisa Muster"], "article_header")
