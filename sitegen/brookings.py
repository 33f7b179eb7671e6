"""Render an offline mirror of www.brookings.edu as it serves its pages today (the 2023
"byo-blocks" theme) from publication records.

The markup follows the public evidence collected in the project's Brookings site notes:
``<main>`` with a header ``<section>`` and a content section whose ``div.byo-blocks`` holds
the sidebars, the body blocks ``div.byo-block -narrow wysiwyg-block wysiwyg `` (class ending
in a space), an image block, ``div.byo-block -narrow authors`` and
``div.byo-block -narrow related-content`` (section 5.1); ``div.editors-note`` before the
body; ``div.author-row span.author-name`` in the header; ``article:published_time`` and a
Yoast JSON-LD graph with ``datePublished`` and a later ``dateModified``; titles ending
" | Brookings" (5.2); the authors block mixing names, role lines "<Title> - <Program>" and
handles (5.3, 4); ``/research-commentary/`` cards (``li.ais-InfiniteHits-item
article.article-nav``, ``a.overlay-link`` with ``span.sr-only``, ``.date``, a "load more"
``.btn-outline-alt``) as HTML over ``?page=N`` (5.4); the Yoast sitemap index with
``article-sitemap`` and ``person-sitemap`` children whose ``<lastmod>`` is the modification
date, and the RSS feed with one ``dc:creator`` in CDATA and ``+0000`` dates (3). Pieces of
2017-2019 are re-homed under ``/articles/<slug>/`` with their old slug and date (1).

Real publications keep their real URL, title, date and byline (section 8). Everything the
notes do not show (the header's inner markup, where the label and date sit, site chrome,
body text, times of day, child sitemap names, robots.txt) is announced in the page by an
``<!-- invented: ... -->`` comment.

With ``--era 2019`` it writes the site as it was in 2019 instead: the 2016-2023 theme
(section 4: ``h1.report-title``, ``time[itemprop=datePublished]`` with its ISO ``content``
and "Thursday, January 31, 2019", ``span.meta span[itemprop=author]``, the author cards
inside ``div.post-body.post-body-enhanced``) at the typed URLs of section 8, and its feed.

Usage: ``python -m sitegen.brookings [--era 2019] OUT_DIR`` (the bundled samples:
tests/mirrors/brookings, tests/mirrors/brookings-2019).
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

from thinkscrape.mirror import mirror_file_name

HOME = "https://www.brookings.edu"
PAGE_SIZE = 4  # invented: cards a page of /research-commentary/ (Algolia's page size)
FEED_SIZE = 10
UPLOADS = f"{HOME}/wp-content/uploads"

ROBOTS_TXT = (
    "# invented: robots.txt is not recorded (site notes 3)\n"
    "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
    f"Sitemap: {HOME}/sitemap_index.xml\n"
)

# People: (profile slug or None for an outside author, role lines, handle). Role lines as
# the notes give them (sections 4, 7, 8 #14, #15, #19, #20); others are invented.
PEOPLE: dict[str, tuple[str | None, list[str], str | None]] = {
    "Matthew Turner": (
        None,
        ["Professor of Economics and Director of Graduate Studies - Brown University"],
        None,
    ),
    "Justine Hastings": (
        None,
        [
            "Professor of Economics and International and Public Affairs - Brown University"
            " Founding Director - Research Improving People’s Lives"
        ],
        None,
    ),
    "Darrell M. West": (
        "darrell-m-west",
        [
            "Vice President and Director - Governance Studies",
            "Senior Fellow - Center for Technology Innovation",
        ],
        "@DarrWest",
    ),
    "John R. Allen": ("john-r-allen", ["President, The Brookings Institution"], None),
}

# Real publications of section 8, newest first. "invented" lists what the notes do not give.
RECORDS: list[dict[str, Any]] = [
    {
        "slug": "openai-floats-federal-support-for-ai-infrastructure-what-should-the-public-expect",
        "title": "OpenAI floats federal support for AI infrastructure—what should the public "
        "expect?",
        "day": "2025-11-24",
        "time": "21:30",  # an evening piece: its UTC time falls on November 25
        "authors": ["Tom Wheeler"],
        "label": "Commentary",
        # notes 6.3: a sentence naming an outlet that is no pointer to this piece
        "paragraphs": [
            "As I wrote in a recent op-ed in The New York Times, those two goals seem at odds"
            " with each other."
        ],
        "invented": [
            "the slug (the notes give a brook.gs short link)",
            "the time of day",
            "the body text; the op-ed sentence is from a 2017 feed item (notes 6.3)",
        ],
    },
    {
        "slug": "what-works-for-employment-records-international-practices-and-implications-"
        "for-the-united-states",
        "title": "What works for employment records: International practices and implications "
        "for the United States",
        "day": "2025-11-23",
        "authors": ["Eduardo Levy Yeyati", "Juan Camisassa", "Ian Seyal"],
        "label": "Commentary",
        "summary": "Eduardo Levy Yeyati, Juan Camisassa, and Ian Seyal review global employment"
        " record systems …",
        "invented": ["the slug (the notes give a brook.gs short link)", "the body text"],
    },
    {
        "slug": "a-little-known-way-the-tax-code-subsidizes-spending-on-health-care",
        "title": "A little-known way the tax code subsidizes spending on health care",
        "day": "2025-11-22",
        "authors": ["Gopi Shah Goda"],
        "label": "Commentary",
        "invented": ["the slug (the notes give a brook.gs short link)", "the body text"],
    },
    {
        "slug": "the-covid-reset-latin-america-needs",
        "title": "The COVID reset Latin America needs",
        "day": "2020-06-15",
        "authors": ["Eduardo Levy Yeyati"],
        "label": "Commentary",
        "editors_note": (
            "This op-ed originally appeared in Americas Quarterly.",
            "https://www.americasquarterly.org/article/the-covid-reset-latin-america-needs/",
        ),
        "invented": [
            "everything but the slug, which is a real /opinions/ URL (notes 2)",
            "the editor's note and its outbound link (notes 6.3: not recorded)",
        ],
    },
    {
        "slug": "the-urgency-of-securing-employment-for-youth-in-africa",
        "title": "The urgency of securing employment for youth in Africa",
        "day": "2019-01-30",
        "authors": ["Lindsay Wallace"],
        "label": "Commentary",
        "blog": "africa-in-focus",
        "invented": ["the body text", "authors after the first (unknown)"],
    },
    {
        "slug": "procedure-price-lookup-a-step-toward-transparency-in-the-health-care-system",
        "title": "Procedure Price Lookup: A step toward transparency in the health care system",
        "day": "2019-01-30",
        "authors": ["Niam Yaraghi"],
        "label": "Commentary",
        "blog": "techtank",
        "invented": ["the body text", "authors after the first (unknown)"],
    },
    {
        "slug": "local-transportation-policy-and-economic-opportunity",
        "title": "Local transportation policy and economic opportunity",
        "day": "2019-01-31",
        "authors": ["Matthew Turner"],
        "label": "Research",
        "headings": ["The Problem", "The Proposal"],
        "paragraphs": [
            "While highways and urban rail now serve nearly twice as many users as during "
            "the 1990s, bus usage has remained stagnant."
        ],
        "image": f"{UPLOADS}/2019/01/bus_stop001.jpg",
        "pdf_button": f"{UPLOADS}/2019/01/Turner_PP_web_20190128.pdf",
        "invented": ["body text after the first sentence", "the image", "the PDF button"],
    },
    {
        "slug": "fact-based-policy-how-do-state-and-local-governments-accomplish-it",
        "title": "Fact-based policy: How do state and local governments accomplish it?",
        "day": "2019-01-31",
        "authors": ["Justine Hastings"],
        "label": "Research",
        "headings": ["The Problem", "The Proposal"],
        "image": f"{UPLOADS}/2019/01/data_center001.jpg",
        "pdf_in_text": f"{UPLOADS}/2019/01/Hastings_PP_web_20190128.pdf",
        "invented": ["the body text", "the image", "the sentence linking the PDF"],
    },
    {
        "slug": "the-world-banks-strategy-for-addressing-fragility-in-sub-saharan-africa",
        "title": "The World Bank’s strategy for addressing fragility in sub-Saharan Africa",
        "day": "2019-01-28",
        "authors": ["Jim Yong Kim"],
        "label": "Commentary",
        "blog": "africa-in-focus",
        # notes 6.3: an editor's note about the post itself, not about another outlet
        "editors_note": (
            "Editors’ Note: One week after this post was originally published, President "
            "Benigno Aquino of the Philippines said …",
            None,
        ),
        "invented": [
            "the body text",
            "this editor's note's place (its wording is from an older blog post, notes 6.3)",
        ],
    },
    {
        "slug": "developments-in-somalia",
        "title": "Developments in Somalia",
        "day": "2018-11-14",
        "authors": ["Vanda Felbab-Brown"],
        "label": "Testimony",
        # notes 6.3: a testimony summary closing with a pointer to the full testimony
        "closing": (
            "Read the full testimony here.",
            f"{UPLOADS}/2018/11/Felbab-Brown_Somalia_testimony.pdf",
        ),
        "invented": ["the body text", "the closing pointer's wording and its PDF"],
    },
    {
        "slug": "how-artificial-intelligence-is-transforming-the-world",
        "title": "How artificial intelligence is transforming the world",
        "day": "2018-04-24",
        "authors": ["Darrell M. West", "John R. Allen"],
        "label": "Research",
        "invented": ["the day (the notes give 2018)", "the body text"],
    },
]

# notes 2, 8 #24: a news release, labelled "News Release", unsigned
NEWS: dict[str, Any] = {
    "path": "/news/brookings-northeast-asia-center-announces-new-visiting-fellows/",
    "title": "Brookings Northeast Asia Center Announces New Visiting Fellows",
    "day": "2002-09-20",
    "authors": [],
    "label": "News Release",
    "invented": ["the body text"],
}

BOOK: dict[str, Any] = {
    "path": "/books/turning-point/",
    "title": "Turning Point: Policymaking in the Era of Artificial Intelligence",
    "day": "2020-07-28",
    "authors": ["Darrell M. West", "John R. Allen"],
    "invented": ["the page's markup but the release date line", "the description"],
}


def slug_of(name: str) -> str:
    return "-".join("".join(c for c in word if c.isalnum()) for word in name.lower().split())


def path_of(record: dict[str, Any]) -> str:
    return record.get("path") or f"/articles/{record['slug']}/"


def person(name: str) -> tuple[str | None, list[str], str | None]:
    """A person's profile slug, role lines and handle; Brookings people not in PEOPLE get
    an invented role line and a /people/ page (notes 5.3: likely)."""
    return PEOPLE.get(name) or (slug_of(name), ["Senior Fellow - Economic Studies"], None)


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"  # "January 31, 2019" (notes 6.1, listing)


def published_utc(record: dict[str, Any]) -> str:
    """Yoast's UTC time (notes 5.2, inferred) of a piece published in Washington at the
    record's "time" (invented; 10:00 unless given): an evening piece falls on the next day."""
    when = datetime.fromisoformat(f"{record['day']}T{record.get('time', '10:00')}")
    when += timedelta(hours=4 if 3 < when.month < 11 else 5)
    return when.isoformat() + "+00:00"


def modified_utc(record: dict[str, Any]) -> str:
    """Re-homed pieces were saved again when the theme changed (invented day)."""
    if record["day"] < "2023-08-01":
        return "2023-08-29T19:04:11+00:00"
    return published_utc({**record, "time": "23:50"})


def summary_of(record: dict[str, Any]) -> str:
    if "summary" in record:
        return record["summary"]
    first = (record.get("paragraphs") or [f"This piece asks: {record['title']}"])[0]
    return first.split(". ")[0].rstrip(".") + "."


def head(title: str, url: str, description: str, dates: dict[str, str], graph: list) -> str:
    schema = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    times = "".join(
        f'<meta property="article:{name}_time" content="{value}">\n'
        for name, value in dates.items()
    )
    return f"""<head>
<meta charset="UTF-8">
<title>{escape(title)} | Brookings</title>
<meta name="description" content="{escape(description)}">
<link rel="canonical" href="{url}">
<meta property="og:locale" content="en_US">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(title)} | Brookings">
<meta property="og:description" content="{escape(description)}">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="Brookings">
{times}<!-- invented: the JSON-LD graph's nodes (notes 5.2: its datePublished, dateModified) -->
<script type="application/ld+json" class="yoast-schema-graph">{schema}</script>
</head>"""


def graph_of(record: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [
        {
            "@type": "WebPage",
            "@id": url,
            "url": url,
            "name": f"{record['title']} | Brookings",
            "isPartOf": {"@id": f"{HOME}/#website"},
            "datePublished": published_utc(record),
            "dateModified": modified_utc(record),
        },
        {"@type": "WebSite", "@id": f"{HOME}/#website", "url": f"{HOME}/", "name": "Brookings"},
    ]


def chrome(main: str, head_html: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en-US">
{head_html}
<body>
<!-- invented: the site chrome (navigation, footer) -->
<header class="site-header"><nav>
  <a href="{HOME}/">Brookings</a> <a href="{HOME}/research-commentary/">Research &amp; Commentary</a>
  <a href="{HOME}/topic/international-affairs/">International Affairs</a>
  <a href="{HOME}/center/brookings-doha-center/">Brookings Doha Center</a>
</nav></header>
{main}
<footer class="site-footer"><p>The Brookings Institution, 1775 Massachusetts Ave., NW, Washington, DC 20036</p></footer>
</body>
</html>
"""  # noqa: E501


def author_name(name: str) -> str:
    slug = person(name)[0]
    span = f'<span class="author-name">{escape(name)}</span>'
    return f'<a href="{HOME}/people/{slug}/">{span}</a>' if slug else span


def authors_block(names: Sequence[str]) -> str:
    """Notes 5.3: names mixed with role lines and handles; outside authors unlinked."""
    cards = []
    for name in names:
        slug, roles, handle = person(name)
        link = f'<a href="{HOME}/people/{slug}/">{escape(name)}</a>' if slug else escape(name)
        lines = [f"<p>{link}</p>", *(f"<p>{escape(role)}</p>" for role in roles)]
        if handle:
            lines.append(f'<p><a href="https://twitter.com/{handle[1:]}">{handle}</a></p>')
        cards.append('<div class="author">\n      ' + "\n      ".join(lines) + "\n    </div>")
    heading = "Author" if len(names) == 1 else "Authors"
    return (
        '<div class="byo-block -narrow authors">\n'
        "    <!-- invented: the authors block's inner markup (notes 5.3 give its text) -->\n"
        f"    <h2>{heading}</h2>\n    " + "\n    ".join(cards) + "\n  </div>"
    )


def related_block(others: Sequence[dict[str, Any]]) -> str:
    """Related cards with their own titles, dates and names (notes 9)."""
    cards = "\n".join(
        f'    <article class="article-nav"><a class="overlay-link" href="{HOME}{path_of(r)}">'
        f'<span class="sr-only">{escape(r["title"])}</span></a>\n'
        f'      <div class="date">{long_date(date.fromisoformat(r["day"]))}</div>\n'
        f"      <p>{escape(r['authors'][0])}</p></article>"
        for r in others
    )
    return (
        '<div class="byo-block -narrow related-content">\n'
        "    <!-- invented: the related cards' markup (the listing's cards, notes 5.4) -->\n"
        f"    <h2>Related Content</h2>\n{cards}\n  </div>"
    )


def body_blocks(record: dict[str, Any]) -> list[str]:
    """The body as wysiwyg blocks (class ending in a space, notes 5.1), with an image block
    and the blocks BrookingsBridge skips."""
    texts = [escape(p) for p in record.get("paragraphs", [])]
    texts += [
        f"This piece on “{escape(record['title'])}” is placeholder text for an offline "
        "mirror; the real page’s paragraphs are not part of the evidence.",
        "Its blocks are read one by one, with no markup of their own beyond the paragraph.",
    ]
    if "pdf_in_text" in record:
        texts.append(f'The <a href="{record["pdf_in_text"]}">full policy proposal</a> is a PDF.')
    if "closing" in record:
        sentence, href = record["closing"]
        texts.append(
            "The testimony reviews the security situation and U.S. policy. "
            + sentence.replace("here", f'<a href="{href}">here</a>')
        )
    blocks = ["<!-- invented: the body text -->"]
    headings = list(record.get("headings", []))
    for number, text in enumerate(texts):
        heading = f"<h2>{escape(headings.pop(0))}</h2>\n    " if headings and number < 2 else ""
        blocks.append(
            f'<div class="byo-block -narrow wysiwyg-block wysiwyg ">\n    {heading}<p>{text}</p>'
            "\n  </div>"
        )
        if number == 0 and "image" in record:
            blocks.append(
                '<div class="byo-block -wide -medium image-block">'
                f'<img src="{record["image"]}" alt=""></div>'
            )
    blocks.append(
        '<div class="byo-block -narrow wysiwyg-block wysiwyg border-t">'
        "<p>The Brookings Institution is committed to quality, independence, and impact.</p></div>"
    )
    return blocks


def article_page(record: dict[str, Any], others: Sequence[dict[str, Any]]) -> str:
    url = HOME + path_of(record)
    day = date.fromisoformat(record["day"])
    names = "\n    ".join(author_name(name) for name in record["authors"])
    if names:
        names = f'  <div class="author-row">\n    {names}\n  </div>\n'
    pdf = ""
    if "pdf_button" in record:
        pdf = (
            f'\n  <a class="button" href="{record["pdf_button"]}">Download the proposal</a>'
            "  <!-- invented: the PDF button (notes 9: its place is not recorded) -->"
        )
    note = ""
    if "editors_note" in record:
        text, href = record["editors_note"]
        if href:
            outlet = text.split(" in ", 1)[1].rstrip(".")
            text = text.replace(outlet, f'<a href="{href}">{escape(outlet)}</a>')
        note = f'<div class="editors-note"><p>{text}</p></div>\n  '
    invented = "; ".join(record["invented"])
    blocks = "\n  ".join(body_blocks(record))
    main = f"""<!-- invented: {escape(invented)} -->
<main>
<!-- invented: the header section's inner markup, the label's and the date's places (notes 5.2, 9) -->
<section class="article-header">
  <p class="article-type">{escape(record.get("label", ""))}</p>
  <h1>{escape(record["title"])}</h1>
{names}  <p class="article-date">{long_date(day)}</p>{pdf}
</section>
<section id="content">
  <div class="byo-blocks -with-sidebars article-content">
  <aside class="sidebar sidebar-left"><nav><a href="{HOME}/research-commentary/">Research &amp; Commentary</a></nav></aside>
  <aside class="sidebar sidebar-right"><p>Table of contents</p></aside>
  {note}{blocks}
  {authors_block(record["authors"]) if record["authors"] else ""}
  {related_block(others)}
  </div>
</section>
<section class="article-footer"><a href="{HOME}/topic/international-affairs/">International Affairs</a></section>
</main>"""  # noqa: E501
    dates = {"published": published_utc(record), "modified": modified_utc(record)}
    return chrome(
        main, head(record["title"], url, summary_of(record), dates, graph_of(record, url))
    )


def book_page(book: dict[str, Any]) -> str:
    """A book page: "Release Date: July 28, 2020" (notes 2, 8 #23); no article times."""
    url = HOME + book["path"]
    names = ", ".join(escape(n) for n in book["authors"])
    main = f"""<!-- invented: {escape("; ".join(book["invented"]))} -->
<main>
<section class="book-header">
  <p class="article-type">Book</p>
  <h1>{escape(book["title"])}</h1>
  <p>{names}</p>
  <p>Release Date: {long_date(date.fromisoformat(book["day"]))}</p>
</section>
<section id="content">
  <div class="byo-blocks article-content">
  <div class="byo-block -narrow wysiwyg-block wysiwyg ">
    <p>Artificial intelligence is no longer the stuff of science fiction.</p>
  </div>
  {authors_block(book["authors"])}
  </div>
</section>
</main>"""
    description = "How artificial intelligence is changing policy."
    graph = graph_of({**book, "day": "2020-05-12"}, url)  # invented: the page made before
    return chrome(main, head(book["title"], url, description, {}, graph))


def card(record: dict[str, Any]) -> str:
    day = date.fromisoformat(record["day"])
    return (
        '<li class="ais-InfiniteHits-item"><article class="article-nav">\n'
        f'  <a class="overlay-link" href="{HOME}{path_of(record)}">'
        f'<span class="sr-only">{escape(record["title"])}</span></a>\n'
        f'  <div class="date">{long_date(day)}</div>\n</article></li>'
    )


EVENT_CARD = (
    '<li class="ais-InfiniteHits-item"><article class="article-nav">\n'
    "  <!-- invented: an event card (events are no publications) -->\n"
    f'  <a class="overlay-link" href="{HOME}/events/the-future-of-ai-governance/">'
    '<span class="sr-only">The future of AI governance</span></a>\n'
    '  <div class="date">December 2, 2025</div>\n</article></li>'
)


def listing_pages(records: Sequence[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    """/research-commentary/ and ?page=N, drawn as HTML (the real list needs JavaScript)."""
    base = "/research-commentary/"
    pages = max(1, -(-len(records) // PAGE_SIZE))
    for number in range(1, pages + 1):
        chunk = records[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        cards = [card(r) for r in chunk]
        if number == 1:
            cards.insert(1, EVENT_CARD)
        more = (
            f'<a class="btn btn-outline-alt" href="{HOME}{base}?page={number + 1}">Load More</a>'
            if number < pages
            else ""
        )
        path = base if number == 1 else f"{base}?page={number}"
        cards_html = "\n".join(cards)
        main = f"""<main>
<!-- invented: the list as HTML, its wrappers and page size (notes 5.4: Algolia draws it) -->
<section><h1>Research &amp; Commentary</h1>
<div id="results-limiter"><input class="form-checkbox" type="checkbox" value="research"> Research</div>
<div class="ais-InfiniteHits"><ol class="ais-InfiniteHits-list">
{cards_html}
</ol>
{more}
</div></section>
</main>"""  # noqa: E501
        graph = [{"@type": "CollectionPage", "@id": HOME + path, "url": HOME + path}]
        yield path, chrome(main, head("Research & Commentary", HOME + path, "", {}, graph))


def sitemaps(records: Sequence[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    """Yoast's index and children: article-sitemap, person-sitemap (notes 3); <lastmod> is
    the modification time. The children's exact names are invented (Yoast's usual ones)."""
    oldest_first = sorted(records, key=lambda r: r["day"])
    half = len(oldest_first) // 2
    people = sorted({n for r in [*records, BOOK] for n in r["authors"] if person(n)[0]})
    children = {
        "article-sitemap.xml": [(HOME + path_of(r), modified_utc(r)) for r in oldest_first[:half]],
        "article-sitemap2.xml": [(HOME + path_of(r), modified_utc(r)) for r in oldest_first[half:]],
        "book-sitemap.xml": [(HOME + BOOK["path"], modified_utc(BOOK))],
        "news-sitemap.xml": [(HOME + NEWS["path"], modified_utc(NEWS))],
        "person-sitemap.xml": [(f"{HOME}/people/{person(n)[0]}/", None) for n in people],
    }
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n'
    index = [xml, "<!-- invented: the child sitemaps' names and lastmod times -->\n"]
    index.append('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
    for name, entries in children.items():
        newest = max((m for _, m in entries if m), default=None)
        lastmod = f"\n\t\t<lastmod>{newest}</lastmod>" if newest else ""
        index.append(f"\t<sitemap>\n\t\t<loc>{HOME}/{name}</loc>{lastmod}\n\t</sitemap>\n")
    index.append("</sitemapindex>\n<!-- XML Sitemap generated by Yoast SEO -->\n")
    yield "/sitemap_index.xml", "".join(index)
    for name, entries in children.items():
        rows = "".join(
            f"\t<url>\n\t\t<loc>{loc}</loc>\n"
            + (f"\t\t<lastmod>{modified}</lastmod>\n" if modified else "")
            + "\t</url>\n"
            for loc, modified in entries
        )
        yield (
            f"/{name}",
            f'{xml}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}'
            "</urlset>\n<!-- XML Sitemap generated by Yoast SEO -->\n",
        )


def feed(records: Sequence[dict[str, Any]]) -> str:
    """RSS 2.0 as WordPress writes it: dc:creator in CDATA (one per item: the first author),
    pubDate in UTC (notes 3)."""
    items = []
    for record in records[:FEED_SIZE]:
        when = datetime.fromisoformat(published_utc(record))
        items.append(
            f"\t<item>\n\t\t<title>{escape(record['title'])}</title>\n"
            f"\t\t<link>{HOME}{path_of(record)}</link>\n"
            f"\t\t<dc:creator><![CDATA[{record['authors'][0]}]]></dc:creator>\n"
            f"\t\t<pubDate>{format_datetime(when)}</pubDate>\n"
            f'\t\t<guid isPermaLink="false">{HOME}{path_of(record)}</guid>\n'
            f"\t\t<description><![CDATA[{summary_of(record)}]]></description>\n\t</item>\n"
        )
    built = format_datetime(datetime.fromisoformat(published_utc(records[0])))
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        "\t<title>Brookings</title>\n"
        f'\t<atom:link href="{HOME}/feed/" rel="self" type="application/rss+xml" />\n'
        f"\t<link>{HOME}</link>\n\t<lastBuildDate>{built}</lastBuildDate>\n"
        "\t<language>en-US</language>\n"
        "\t<!-- invented: the items' times of day -->\n" + "".join(items) + "</channel>\n</rss>\n"
    )


# --- the site as it was in 2019: the 2016-2023 theme (notes 4), typed URLs, the feed ------
# Real pieces of section 8 as brooking_scraper saved them: URL, title, date as shown, the
# first author (its parser kept no other). "card" is the author card's role lines.
LEGACY_RECORDS: list[dict[str, Any]] = [
    {
        "path": "/research/fact-based-policy-how-do-state-and-local-governments-accomplish-it/",
        "title": "Fact-based policy: How do state and local governments accomplish it?",
        "day": "2019-01-31",
        "authors": ["Justine Hastings"],
        "card": [
            "Professor of Economics and International and Public Affairs - Brown University"
            " Founding Director - Research Improving People’s Lives"
        ],
        "initial": "J",  # notes 4: a card without a photo starts with the initial
        "headings": ["The Problem", "The Proposal"],
        "paragraphs": [
            "State and local governments collect data on the people they serve, but few use "
            "it to learn what works.",
            "Governments can build data infrastructure that links records across agencies.",
        ],
        "image": f"{UPLOADS}/2019/01/data_center001.jpg",
        "pdf": (f"{UPLOADS}/2019/01/Hastings_PP_web_20190128.pdf", "Download the full proposal"),
        "invented": ["the body text (the notes give its section headings)", "the image"],
    },
    {
        "path": "/research/local-transportation-policy-and-economic-opportunity/",
        "title": "Local transportation policy and economic opportunity",
        "day": "2019-01-31",
        "authors": ["Matthew Turner"],
        "card": ["Professor of Economics and Director of Graduate Studies - Brown University"],
        "headings": ["The Problem", "The Proposal"],
        "paragraphs": [
            "While highways and urban rail now serve nearly twice as many users as during "
            "the 1990s, bus usage has remained stagnant.",
            "Cities can price roads and reorganise their bus networks.",
        ],
        "pdf": (f"{UPLOADS}/2019/01/Turner_PP_web_20190128.pdf", "Download the full proposal"),
        "invented": ["the body text after the first sentence"],
    },
    {
        "path": "/blog/education-plus-development/2019/01/30/education-systems-need-alignment-"
        "for-teaching-and-learning-21st-century-skills/",
        "title": "Education systems need alignment for teaching and learning 21st century skills",
        "day": "2019-01-30",
        "authors": ["Helyn Kim"],
        "card": ["Fellow - Global Economy and Development, Center for Universal Education"],
        "invented": ["the body text", "the role line"],
    },
    {
        "path": "/blog/africa-in-focus/2019/01/30/the-urgency-of-securing-employment-for-youth-"
        "in-africa/",
        "title": "The urgency of securing employment for youth in Africa",
        "day": "2019-01-30",
        "authors": ["Lindsay Wallace"],
        "card": ["Research Analyst - Global Economy and Development, Africa Growth Initiative"],
        "invented": ["the body text", "the role line"],
    },
    {
        "path": "/blog/future-development/2019/01/28/the-deforestation-risks-of-chinas-belt-and-"
        "road-initiative/",
        "title": "The deforestation risks of China’s Belt and Road Initiative",
        "day": "2019-01-28",
        "authors": ["Elizabeth Losos"],
        "card": ["Senior Fellow - Duke University"],
        "paragraphs": [
            "China’s Belt and Road Initiative will build roads, railways and ports across "
            "forests that store much of the world’s carbon.",
            "Safeguards agreed before construction cost far less than repairs after it.",
        ],
        # notes 4: dates of other items inside a blog post's body (a related post)
        "related": 3,
        "invented": ["the body text", "the role line", "the related post's markup"],
    },
    {
        "path": "/testimonies/united-states-international-trade-commission-fact-finding-"
        "investigation/",
        "title": "United States International Trade Commission fact finding investigation",
        "day": "2018-11-19",
        "authors": ["Joshua P. Meltzer"],
        "card": ["Senior Fellow - Global Economy and Development"],
        "invented": ["the body text", "the role line"],
    },
    {
        "path": "/testimonies/developments-in-somalia/",
        "title": "Developments in Somalia",
        "day": "2018-11-14",
        "authors": ["Vanda Felbab-Brown"],
        "card": ["Senior Fellow - Foreign Policy, Center for Security, Strategy, and Technology"],
        "invented": ["the body text", "the role line"],
    },
    {
        "path": "/bpea-articles/the-real-effects-of-the-financial-crisis/",
        "title": "The real effects of the financial crisis",
        "day": "2018-09-13",
        "authors": ["Ben S. Bernanke"],
        "expert": "ben-s-bernanke",
        "card": [
            "Distinguished Fellow in Residence - Economic Studies",
            "Hutchins Center on Fiscal and Monetary Policy",
        ],
        "paragraphs": [
            "The financial crisis of 2007-2009 was followed by the deepest recession since the "
            "Depression.",
            "This paper asks how much of that fall the panic in funding markets explains.",
        ],
        "pdf": (
            f"{UPLOADS}/2018/09/BPEA_Fall2018_The-real-effects-of-the-financial-crisis.pdf",
            "Download the paper",
        ),
        "invented": ["the body text", "the role lines", "the /experts/ slug", "the PDF's name"],
    },
]


def legacy_header(record: dict[str, Any]) -> str:
    """Research, testimony and BPEA pages name their authors in the header (span.meta
    span[itemprop=author], in span.names with /experts/ links); blog posts in their cards."""
    lines = []
    if not record["path"].startswith("/blog/"):
        name = f'<span itemprop="author">{escape(record["authors"][0])}</span>'
        if "expert" in record:
            name = f'<a href="{HOME}/experts/{record["expert"]}/">{name}</a>'
        lines.append(f'<span class="meta"><span class="names">{name}</span></span>')
    day = date.fromisoformat(record["day"])
    offset = "-04:00" if 3 < day.month < 11 else "-05:00"
    shown = f"{day:%A}, {long_date(day)}"  # "Thursday, January 31, 2019" (notes 4, 6.1)
    lines.append(
        f'<time class="date" itemprop="datePublished" content="{day}T00:00:00{offset}">'
        f"{shown}</time>"
    )
    return "\n".join(f"  {line}" for line in lines)


def legacy_card(record: dict[str, Any]) -> str:
    """The author card under "Author" after the first paragraph (notes 4: its text)."""
    lines = [f'<span class="initial">{record["initial"]}</span>'] if "initial" in record else []
    lines.append(
        f'<h2 class="name"><span itemprop="name">{escape(record["authors"][0])}</span></h2>'
    )
    lines += [f'<p class="title">{escape(role)}</p>' for role in record["card"]]
    inner = "\n    ".join(lines)
    return (
        "  <!-- invented: the author card's markup (the notes give its text: heading, name,"
        " role lines, initial) -->\n"
        f'  <div class="expert-card">\n    <h3>Author</h3>\n    {inner}\n  </div>'
    )


def legacy_page(record: dict[str, Any], records: Sequence[dict[str, Any]]) -> str:
    """A page of the 2016-2023 theme (notes 4)."""
    texts = record.get("paragraphs") or [
        f"This piece on “{record['title']}” is placeholder text for an offline mirror.",
        "The real page’s paragraphs are not part of the evidence.",
    ]
    headings = list(record.get("headings", []))
    body = [f"  <h2>{headings[0]}</h2>"] if headings else []
    body += [f"  <p>{escape(texts[0])}</p>", legacy_card(record)]
    if "image" in record:
        image = record["image"]
        body.append(f'  <p><a href="{image}"><img src="{image}" alt=""></a></p>')
    if len(headings) > 1:
        body.append(f"  <h2>{headings[1]}</h2>")
    body += [f"  <p>{escape(text)}</p>" for text in texts[1:]]
    if "pdf" in record:
        href, label = record["pdf"]
        body.append(f'  <p><a class="pdf-link" href="{href}">{label}</a></p>')
    if "related" in record:
        other = records[record["related"]]
        body.append(
            '  <div class="related-posts"><h3>Related</h3>\n'
            f'    <p><a href="{HOME}{other["path"]}">{escape(other["title"])}</a></p>\n'
            f"    <p>{escape(other['authors'][0])}</p>\n"
            f"    <p>{date.fromisoformat(other['day']):%A}, "
            f"{long_date(date.fromisoformat(other['day']))}</p>\n  </div>"
        )
    body_html = "\n".join(body)
    invented = escape("; ".join([*record["invented"], "the topic"]))
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<!-- invented: the head (the notes record no meta tags of this theme) and the <title> suffix -->
<title>{escape(record["title"])} | Brookings Institution</title>
</head>
<body>
<!-- invented: {invented} -->
<!-- invented: the site chrome, and the wrappers around the classes the notes record (h1.report-title in div.headline-wrapper, span.meta, span.names, time.date[itemprop=datePublished], div.post-body.post-body-enhanced) -->
<header class="site-header"><nav>
  <a href="{HOME}/">Brookings</a> <a href="{HOME}/experts/">Experts</a> <a href="{HOME}/research/">Research</a>
</nav></header>
<div id="content">
<article class="report">
<div class="headline-wrapper">
  <h1 class="report-title">{escape(record["title"])}</h1>
{legacy_header(record)}
</div>
<div class="post-body post-body-enhanced">
{body_html}
</div>
<section class="related-topics"><div><ul><li><a href="{HOME}/topic/economic-studies/">Economic Studies</a></li></ul></div></section>
</article>
</div>
<footer class="site-footer"><p>The Brookings Institution, 1775 Massachusetts Ave., NW, Washington, DC 20036</p></footer>
</body>
</html>
"""  # noqa: E501


LEGACY_ROBOTS_TXT = (
    "# invented: robots.txt is not recorded (site notes 3)\nUser-agent: *\nDisallow:\n"
)


def legacy_site_files(
    records: Sequence[dict[str, Any]] = LEGACY_RECORDS,
) -> Iterable[tuple[str, str]]:
    """The 2019 site: its pages and its feed (typed URLs; no sitemap index is recorded then,
    and /research-commentary/ did not exist)."""
    yield "/robots.txt", LEGACY_ROBOTS_TXT
    for record in records:
        yield record["path"], legacy_page(record, records)
    yield "/feed/", feed(records)


def site_files(records: Sequence[dict[str, Any]] = RECORDS) -> Iterable[tuple[str, str]]:
    """(URL path, content) of every page of the mirror."""
    records = sorted(records, key=lambda r: r["day"], reverse=True)
    yield "/robots.txt", ROBOTS_TXT
    for number, record in enumerate(records):
        # two other pieces as related cards: the next older ones, else the newest
        others = [r for r in (records * 2)[number + 1 : number + 3] if r is not record]
        yield path_of(record), article_page(record, others)
    yield BOOK["path"], book_page(BOOK)
    yield NEWS["path"], article_page(NEWS, records[:2])
    yield from listing_pages(records)
    yield from sitemaps(records)
    yield "/feed/", feed(records)


def generate_site(
    out_dir: Path, records: Sequence[dict[str, Any]] = RECORDS, *, era: str = "today"
) -> list[str]:
    """Write the mirror into ``out_dir`` (emptied first): today's site, or with
    ``era="2019"`` the site as it was in 2019; the URL paths written."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / "robots.txt").is_file():
            raise SystemExit(f"{out_dir} is not empty and holds no mirror: not overwritten")
        shutil.rmtree(out_dir)
    written = []
    files = legacy_site_files() if era == "2019" else site_files(records)
    for path, content in files:
        name = "feed/index.xml" if path == "/feed/" else mirror_file_name(path)
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the offline mirror of www.brookings.edu.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--era", choices=("today", "2019"), default="today")
    args = parser.parse_args(argv)
    written = generate_site(args.out_dir, era=args.era)
    print(f"{len(written)} pages written to {args.out_dir}")


if __name__ == "__main__":
    main()
