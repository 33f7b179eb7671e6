"""Render an offline mirror of www.atlanticcouncil.org (WordPress, Yoast sitemaps, a theme
whose classes begin ``ac-`` and ``gta-``) from publication records.

The markup follows the public evidence collected in the project's Atlantic Council site
notes: the two post headers of the theme's ``single.php`` (the marquee with its
``D, M j, Y`` date, h2 title, "by" line of expert links or plain spans and "Related Experts"
line; the standard site banner with its h1 title, ``*heading--date`` element, category and
``gta-post-embed--tax--expert`` authors), the body in ``.ac-single-post--content`` (section
2), listing cards in the order the archived pages show them (label, ``Mon D, YYYY`` date,
title, "By ..." line, excerpt, region and issue pills, section 1.4) in
``div.p-archives--container.row``, ``/category/blogs/new-atlanticist/page/N`` and program
collections paged by ``?ac-page-collection-block_<id>=N`` (section 1.2), expert embeds,
"In the News" items naming their outlet in the title and the lead (section 3.3), the Yoast
sitemap index with post and expert children, the feed mixing posts and events, robots.txt.
Real publications keep their real title, date and byline (section 5). Everything the notes
do not show (post URLs, site chrome, inner card classes, body text, the banner date's text
format, other sitemap children's names, the pager markup) is announced in the page by an
``<!-- invented: ... -->`` comment.

Usage: ``python -m sitegen.atlanticcouncil OUT_DIR`` (the bundled sample:
tests/mirrors/atlanticcouncil).
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

from thinkscrape.mirror import mirror_file_name

HOME = "https://www.atlanticcouncil.org"
PROGRAM = "/programs/scowcroft-center-for-strategy-and-security"
NEW_ATLANTICIST = "/category/blogs/new-atlanticist"
TSI_COMMENTARY = f"{PROGRAM}/transatlantic-security-initiative/commentary/"
TSI_BLOCK = "ac-page-collection-block_72fe98c70d920aa8006932975f1bef14"  # section 1.2
INSIGHT_IMPACT = f"{PROGRAM}/insight-impact"
INSIGHT_BLOCK = "ac-page-collection-block_5d61ceeda1be0"  # section 1.2
CARDS_PER_PAGE = 4  # invented: the notes give no page size
COLLECTION_PAGE = 3  # invented likewise
DISCLAIMER = (  # section 2, an older New Atlanticist page
    "The views expressed here are those of the signed authors and do not necessarily "
    "reflect opinions of the Council, its Board, or its members."
)
ROBOTS_TXT = (
    "# invented: the rules (the real robots.txt is not recorded; its Sitemap line is)\n"
    f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {HOME}/sitemap_index.xml\n"
)

# Experts with a page: /expert/<slug>/ (section 1.2, the path inferred)
EXPERTS = {
    "Kristen Taylor",
    "John R. Deni",
    "David A. Wemer",
    "David Wemer",
    "Alexander Vershbow",
    "Daniel Fried",
    "Anders Åslund",
}

# Real publications of section 5 (title, date, byline, label as shown), newest first.
# "invented" lists what the notes do not give for the record (always the post's URL slug).
RECORDS: list[dict[str, Any]] = [
    {
        "path": "/insight-impact/in-the-news/deni-in-breaking-defense-on-the-economic-argument"
        "-for-us-troops-in-europe/",
        "label": "In the News",
        "title": "Deni in Breaking Defense on the economic argument for US troops in Europe",
        "day": "2025-08-15",
        "authors": ["John R. Deni"],
        "lead": "On August 15, Transatlantic Security Initiative nonresident senior fellow "
        "John Deni wrote an op-ed in Breaking Defense on the economic argument for keeping US "
        "troops in Europe.",
        # invented: the page links the outlet's name to the op-ed (notes 3.3: not recorded)
        "outlet_link": (
            "Breaking Defense",
            "https://breakingdefense.com/2025/08/the-economic-argument-for-us-troops-in-europe/",
        ),
        "pills": ["Europe & Eurasia", "NATO"],
        "collections": ["tsi", "insight"],
        "invented": ["the URL", "the page", "the link to the op-ed"],
    },
    {
        "path": "/insight-impact/in-the-news/taylor-in-breaking-defense-on-how-nato-allies"
        "-should-communicate-defense-spending-hikes/",
        "label": "In the News",
        "title": "Taylor in Breaking Defense on how NATO allies should communicate defense "
        "spending hikes",
        "day": "2025-08-13",
        "authors": ["Kristen Taylor"],
        "lead": "On August 13, Transatlantic Security Initiative assistant director Kristen "
        "Taylor published an op-ed in Breaking Defense on how NATO allies should message "
        "defense spending increases to their publics.",
        "pills": ["Europe & Eurasia", "NATO"],
        "collections": ["tsi", "insight"],
        "invented": ["the URL", "the page"],
    },
    {
        "path": "/in-depth-research-reports/report/how-nato-can-integrate-ai-to-prevail-in"
        "-future-algorithmic-warfare/",
        "label": "Report",
        "title": "How NATO can integrate AI to prevail in future algorithmic warfare",
        "day": "2025-06-03",
        "authors": [],
        "marquee": True,
        "pdf": "/wp-content/uploads/2025/06/How-NATO-can-integrate-AI.pdf",
        "pills": ["NATO", "Technology & Innovation"],
        "collections": ["tsi"],
        "invented": [
            "the title (from the URL's slug)",
            "the date",
            "no byline",
            "the label",
            "the PDF's URL",
            "the body",
        ],
    },
    {
        "path": "/insight-impact/in-the-news/deni-in-the-washington-post-on-the-upcoming-nato"
        "-summit/",
        "label": "In the News",
        "title": "Deni in The Washington Post on the upcoming NATO Summit",
        "day": "2024-07-04",
        "authors": ["John R. Deni"],
        "lead": "On July 4, Transatlantic Security Initiative nonresident senior fellow John "
        "Deni was featured in The Washington Post discussing the upcoming NATO Summit.",
        "pills": ["Europe & Eurasia", "NATO"],
        "collections": ["tsi", "insight"],
        "invented": ["the URL", "the page"],
    },
    {
        "path": "/blogs/new-atlanticist/nato-allies-need-a-better-approach-to-industrial-strategy/",
        "label": "New Atlanticist",
        "title": "NATO allies need a better approach to industrial strategy",
        "day": "2024-07-01",
        "authors": ["Kristen Taylor"],
        "marquee": True,
        "related": ["Kristen Taylor", "John R. Deni"],
        "pills": ["Europe & Eurasia", "NATO", "Defense Industry"],
        "collections": ["tsi"],
        "invented": ["the URL", "the body", "the Related Experts", "the pills"],
    },
    {
        "path": "/blogs/new-atlanticist/four-steps-that-natos-southern-flank-strategy-needs-to"
        "-succeed/",
        "label": "New Atlanticist",
        "title": "Four steps that NATO’s southern flank strategy needs to succeed",
        "day": "2024-06-25",
        "authors": ["Jason Davidson"],
        "pills": ["Middle East", "NATO"],
        "collections": ["tsi"],
        "invented": ["the URL", "the body", "no expert page for the author", "the pills"],
    },
    {
        "path": "/blogs/new-atlanticist/kenyan-president-says-global-leaders-must-see-africa"
        "-as-the-worlds-biggest-opportunity/",
        "label": "New Atlanticist",
        "title": "Kenyan president says global leaders must see Africa as “the world’s biggest "
        "opportunity”",
        "day": "2020-02-05",
        "authors": ["David A. Wemer"],
        "pills": ["Africa"],
        "invented": ["the URL", "the body", "the pills"],
    },
    {
        "path": "/blogs/new-atlanticist/the-case-for-extending-new-start/",
        "label": "New Atlanticist",
        "title": "The case for extending New START",
        "day": "2020-02-05",
        "authors": ["Alexander Vershbow"],
        "expert_embed": "Alexander Vershbow",
        "pills": ["Russia", "Nuclear Deterrence"],
        "invented": ["the URL", "the body", "the embed's place in the body", "the pills"],
    },
    {
        "path": "/blogs/new-atlanticist/the-united-states-needs-its-allies-mattis-tells-naval"
        "-war-college-graduates/",
        "label": "New Atlanticist",
        "title": "The United States Needs Its Allies, Mattis Tells Naval War College Graduates",
        "day": "2018-06-19",
        "authors": ["David Wemer"],
        "excerpt": "United States Secretary of Defense James Mattis passionately defended … […]",
        "pills": ["Saudi Arabia", "The Gulf"],
        "invented": ["the URL", "the body"],
    },
    {
        "path": "/blogs/new-atlanticist/the-deter-act-will-not-deter-russia-it-will-instead"
        "-hurt-us-eu-economies/",
        "label": "New Atlanticist",
        "title": "The DETER Act Will Not Deter Russia. It Will Instead Hurt US, EU Economies",
        "day": "2018-06-18",
        "authors": ["Daniel Fried", "Brian O'Toole"],
        "pills": ["Russia", "Sanctions"],
        "invented": ["the URL", "the body", "no expert page for the second author"],
    },
    {
        "path": "/blogs/new-atlanticist/here-s-what-to-expect-from-yet-another-putin-presidency/",
        "label": "New Atlanticist",
        "title": "Here’s What to Expect From Yet Another Putin Presidency",
        "day": "2018-03-16",
        "authors": ["Anders Åslund"],
        "pills": ["Russia"],
        "invented": ["the URL", "the body", "the pills"],
    },
    {
        "path": "/blogs/new-atlanticist/can-an-eu-army-be-more-than-just-a-pipe-dream/",
        "label": "New Atlanticist",
        "title": "Can an EU Army Be More Than Just a Pipe Dream?",
        "day": "2016-10-05",
        "authors": ["Lukas Trakimavičius"],
        "pills": ["European Union"],
        "disclaimer": True,
        "invented": ["the URL", "the body", "the pills"],
    },
    {
        "path": "/blogs/new-atlanticist/south-sudan-free-at-last-now-what/",
        "label": "New Atlanticist",
        "title": "South Sudan: Free at Last! Now What?",
        "day": "2011-07-11",
        "authors": ["Peter Pham"],
        "pills": ["Africa"],
        "disclaimer": True,
        "imported": True,  # an older post imported into the current site: excerpt ends […]
        "invented": ["the URL", "the body", "the pills"],
    },
]


def slug_of(text: str) -> str:
    kept = "".join(c if c.isalnum() else " " for c in text.lower().replace("’", ""))
    return "-".join(kept.split())


def expert_url(name: str) -> str:
    return f"{HOME}/expert/{slug_of(name)}/"


def card_date(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"  # "Jun 19, 2018": day not padded (section 3.1)


def marquee_date(day: date) -> str:
    return f"{day:%a}, {card_date(day)}"  # get_the_date('D, M j, Y'): "Mon, Jul 1, 2024"


def joined(names: Sequence[str]) -> str:
    """The cards' "A and B" (section 3.2), commas before the last."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def excerpt_of(record: dict[str, Any]) -> str:
    if "excerpt" in record:
        return record["excerpt"]
    if "lead" in record:
        return record["lead"]
    first = paragraphs(record)[0]
    return first.split(". ")[0].rstrip(".") + (" […]" if record.get("imported") else " …")


def paragraphs(record: dict[str, Any]) -> list[str]:
    """The body's paragraphs as HTML: a lead the notes give, else invented text."""
    if "lead" in record:
        lead = escape(record["lead"])
        if "outlet_link" in record:
            outlet, href = record["outlet_link"]
            lead = lead.replace(escape(outlet), f'<a href="{href}">{escape(outlet)}</a>', 1)
        return [lead]
    out = [
        f"This piece, “{escape(record['title'])}”, is placeholder text for an offline mirror; "
        "the real post’s paragraphs are not part of the evidence.",
        "Its argument runs over several paragraphs of plain text, with the occasional link "
        f'to the Council’s own <a href="{HOME}{NEW_ATLANTICIST}/">New Atlanticist</a>.',
    ]
    if "pdf" in record:
        out.append(f'<a href="{HOME}{record["pdf"]}">Download the full report (PDF)</a>')
    if record.get("disclaimer"):
        out.append(f"<em>{escape(DISCLAIMER)}</em>")
    return out


def author_tags(record: dict[str, Any], classes: str) -> str:
    """The authors as the template writes them: expert links, or plain spans for authors
    without an expert page, joined with ", " (section 2)."""
    tags = []
    for name in record["authors"]:
        if name in EXPERTS:
            tags.append(f'<a class="{classes}" href="{expert_url(name)}">{escape(name)}</a>')
        else:
            tags.append(
                f'<span class="gta-embed--tax--expert gta-post-embed--tax--expert">'
                f"{escape(name)}</span>"
            )
    return ", ".join(tags)


def tax_line(record: dict[str, Any], p_class: str, expert_classes: str) -> str:
    cats = (
        '<span class="gta-site-banner--tax--cats gta-post-site-banner--tax--cats">'
        f"{escape(record['label'])}</span>"
    )
    if not record["authors"]:
        return f'<p class="{p_class}">{cats}</p>'
    connect = (
        '<span class="gta-site-banner--tax--connect gta-post-site-banner--tax--connect">by</span>'
    )
    return f'<p class="{p_class}">{cats}\n  {connect}\n  {author_tags(record, expert_classes)}</p>'


def pills(record: dict[str, Any], size: str) -> str:
    return "".join(
        f'<a class="s-pill{size}" href="{HOME}/issue/{slug_of(p)}/">{escape(p)}</a>'
        for p in record["pills"]
    )


def marquee_header(record: dict[str, Any]) -> str:
    """The template's marquee header (section 2), verbatim classes."""
    day = date.fromisoformat(record["day"])
    related = ""
    if record.get("related"):
        links = "".join(
            f'<a class="ac-single-post--marquee--tax--expert" href="{expert_url(n)}">'
            f"{escape(n)}<span>,</span></a>"
            for n in record["related"]
        )
        related = (
            '<p class="ac-single-post--marquee--tax"><span class="gta-site-banner--tax--cats '
            f'gta-post-site-banner--tax--cats">Related Experts: </span>{links}</p>'
        )
    byline = tax_line(
        record,
        "ac-single-post--marquee--tax",
        "gta-site-banner--tax--expert gta-post-site-banner--tax--expert",
    )
    return f"""<header class="ac-single-post--marquee">
  <p class="ac-single-post--marquee--heading s-tag-button">{marquee_date(day)}</p>
  <h2 class="ac-single-post--marquee--title">{escape(record["title"])}</h2>
  {byline}
  {related}
  <div class="ac-single-post--marquee--terms">{pills(record, " large")}</div>
  <!-- invented: the caption's text -->
  <p class="ac-single-post--marquee--caption">Photo: a placeholder caption.</p>
</header>"""


def banner_header(record: dict[str, Any]) -> str:
    """The standard site banner (section 2: title, date element, category, authors)."""
    day = date.fromisoformat(record["day"])
    byline = tax_line(
        record,
        "gta-site-banner--tax gta-post-site-banner--tax",
        "gta-embed--tax--expert gta-post-embed--tax--expert",
    )
    return f"""<!-- invented: the banner's wrapper classes, the order of its lines, the date's text
     format (notes 6: not recorded; the cards' "Mon D, YYYY" is used) -->
<header class="gta-site-banner gta-post-site-banner">
  <div class="gta-site-banner--heading gta-post-site-banner--heading">
    <p class="gta-site-banner--heading--date gta-post-site-banner--heading--date">{card_date(day)}</p>
  </div>
  <h1 class="gta-site-banner--title gta-post-site-banner--title">{escape(record["title"])}</h1>
  {byline}
</header>"""  # noqa: E501


def expert_embed(name: str) -> str:
    # megaCrawler's expert embed: div.gta-embed--content.gta-expert-embed--content > h3 > a
    return f"""<div class="gta-embed gta-expert-embed">
  <div class="gta-embed--content gta-expert-embed--content">
    <h3><a href="{expert_url(name)}">{escape(name)}</a></h3>
    <!-- invented: the embed's position line -->
    <p>Distinguished Fellow</p>
  </div>
</div>"""


def page(title: str, canonical: str, main: str, head: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<!-- invented: the <title> suffix, og:site_name, article:published_time and the site chrome -->
<title>{escape(title)} - Atlantic Council</title>
<link rel="canonical" href="{canonical}">
<meta property="og:site_name" content="Atlantic Council">
<meta property="og:title" content="{escape(title)} - Atlantic Council">
{head}<link rel="alternate" type="application/rss+xml" title="Atlantic Council &raquo; Feed" href="{HOME}/feed/">
</head>
<body>
<header class="gta-site-header">
  <nav><a href="{HOME}/">Atlantic Council</a> <a href="{HOME}{NEW_ATLANTICIST}/">New Atlanticist</a>
    <a href="{HOME}{INSIGHT_IMPACT}">Insight &amp; Impact</a> <a href="{HOME}/experts/">Experts</a></nav>
</header>
<main id="main">
{main}
</main>
<footer class="gta-site-footer"><p>Stay updated</p></footer>
</body>
</html>
"""  # noqa: E501


def published_at(record: dict[str, Any]) -> str:
    """Yoast's article:published_time (invented: the notes give no time of day)."""
    day = date.fromisoformat(record["day"])
    offset = "-04:00" if 3 < day.month < 11 else "-05:00"
    return f"{day.isoformat()}T09:00:00{offset}"


def article_page(record: dict[str, Any], latest: dict[str, Any]) -> str:
    url = HOME + record["path"]
    marquee = record.get("marquee", False)
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs(record))
    if record.get("expert_embed"):
        body += "\n" + expert_embed(record["expert_embed"])
    content = f"""<div class="ac-single-post--container row">
    <div class="columns-12 column-center">
      <div class="ac-single-post--content">
{body}
      </div>
    </div>
  </div>"""
    invented = "; ".join(record["invented"])
    if marquee:
        section = (
            "<!-- invented: the marquee header's place inside the section -->\n"
            f'<section class="ac-single-post marquee">\n{marquee_header(record)}\n  {content}\n'
            "</section>"
        )
    else:
        section = (
            f'{banner_header(record)}\n<section class="ac-single-post standard">\n  {content}\n'
            "</section>"
        )
    # the featured-posts band after the post (its class is one the notes strip as noise)
    featured = f"""<!-- invented: the featured band's content -->
<section class="gta-horizontal-featured">
  {card(latest)}
</section>"""
    main = f"<!-- invented: {escape(invented)} -->\n{section}\n{featured}"
    head = f'<meta property="article:published_time" content="{published_at(record)}">\n'
    return page(record["title"], url, main, head)


def card(record: dict[str, Any]) -> str:
    """A listing card in the order the archived pages show (section 1.4)."""
    day = date.fromisoformat(record["day"])
    byline = ""
    if record["authors"]:
        byline = f'\n  <p class="gta-post-embed--tax">By {escape(joined(record["authors"]))}</p>'
    return f"""<div class="gta-post-embed gta-embed">
  <!-- invented: the card's inner classes -->
  <p class="gta-post-embed--tax--cats">{escape(record["label"])}</p>
  <p class="gta-post-embed--heading">{card_date(day)}</p>
  <a class="gta-post-embed--title" href="{HOME}{record["path"]}">{escape(record["title"])}</a>{byline}
  <p class="gta-post-embed--excerpt">{escape(excerpt_of(record))}</p>
  <div class="gta-post-embed--terms">{pills(record, "")}</div>
</div>"""  # noqa: E501


EVENT = {  # the collections list events too (invented: an event card's markup and URL)
    "path": "/event/nato-summit-preview/",
    "label": "Event",
    "title": "What to watch at the NATO Summit",
    "day": "2025-08-14",
    "authors": [],
    "excerpt": "Join Transatlantic Security Initiative experts for a preview of the summit.",
    "pills": ["NATO"],
}


def archive_page(
    title: str, path: str, cards: str, pager: str, header: str, extra: str = ""
) -> str:
    main = f"""<!-- invented: the archive's wrapper and heading markup; the cards' excerpts and
     pills but the Mattis card's and the In the News leads (notes 1.4, 3.3) -->
<div class="p-archives">
  <div class="p-archives--header">
    <h1>{escape(title)}</h1>
    {header}
  </div>
  <div class="p-archives--container row">
{cards}
  </div>
  {pager}
  {extra}
</div>"""
    return page(title, HOME + path, main)


def category_pages(records: Sequence[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    """/category/blogs/new-atlanticist/ and its /page/N (section 1.2)."""
    posts = [r for r in records if r["label"] == "New Atlanticist"]
    pages = -(-len(posts) // CARDS_PER_PAGE)
    header = "<p>Stay updated</p>\n    <p>Explore our unique analysis</p>\n    <p>Content</p>"

    def href(n: int) -> str:
        return f"{HOME}{NEW_ATLANTICIST}/" if n == 1 else f"{HOME}{NEW_ATLANTICIST}/page/{n}"

    for n in range(1, pages + 1):
        chunk = posts[(n - 1) * CARDS_PER_PAGE : n * CARDS_PER_PAGE]
        links = [f'<a href="{href(m)}">{m}</a>' for m in range(1, pages + 1) if m != n]
        if n < pages:
            links.append(f'<a class="next" href="{href(n + 1)}">Next</a>')
        # megaCrawler: pagination div.j-posts--pagination > a (the older variant)
        pager = f'<div class="j-posts--pagination">{" ".join(links)}</div>'
        extra = ""
        if n == 1:  # megaCrawler's expert embeds on archive pages
            extra = "<!-- invented: the embed's place on the page -->\n" + expert_embed(
                "Daniel Fried"
            )
        path = f"{NEW_ATLANTICIST}/" if n == 1 else f"{NEW_ATLANTICIST}/page/{n}"
        cards = "\n".join(card(r) for r in chunk)
        yield path, archive_page("New Atlanticist", path, cards, pager, header, extra)


def collection_pages(
    path: str, block: str, items: Sequence[dict[str, Any]]
) -> Iterable[tuple[str, str]]:
    """A program collection paged by ?<block>=N (section 1.2)."""
    pages = -(-len(items) // COLLECTION_PAGE)
    for n in range(1, pages + 1):
        chunk = items[(n - 1) * COLLECTION_PAGE : n * COLLECTION_PAGE]
        # the first page without the parameter, as WordPress's paginate_links() writes it
        hrefs = {
            m: f"{HOME}{path}" + (f"?{block}={m}" if m > 1 else "") for m in range(1, pages + 1)
        }
        links = [f'<a href="{hrefs[m]}">{m}</a>' for m in hrefs if m != n]
        pager = (
            "<!-- invented: the collection block's pager markup -->\n"
            f'  <div class="ac-page-collection-block--pagination">{" ".join(links)}</div>'
        )
        url_path = path if n == 1 else f"{path}?{block}={n}"
        cards = "\n".join(card(r) for r in chunk)
        header = "<p>All timely commentary &amp; analysis</p>"
        yield url_path, archive_page("Commentary", url_path, cards, pager, header)


def sitemaps(records: Sequence[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    """Yoast's index with post-sitemapN.xml and expert-sitemap.xml children (section 1.3);
    the reports' child is named by Yoast's habit (invented)."""
    posts = [r for r in records if "/in-depth-research-reports/" not in r["path"]]
    reports = [r for r in records if "/in-depth-research-reports/" in r["path"]]
    half = (len(posts) + 1) // 2
    experts = sorted({n for r in records for n in r["authors"] if n in EXPERTS})
    children = {
        "post-sitemap.xml": [(HOME + r["path"], published_at(r)) for r in posts[:half]],
        "post-sitemap2.xml": [(HOME + r["path"], published_at(r)) for r in posts[half:]],
        "report-sitemap.xml": [(HOME + r["path"], published_at(r)) for r in reports],
        "expert-sitemap.xml": [(expert_url(n), None) for n in experts],
    }
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    index = [head, "<!-- invented: report-sitemap.xml's name and every lastmod -->\n"]
    index.append('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
    for name, entries in children.items():
        newest = max((m for _, m in entries if m), default=None)
        lastmod = f"\t\t<lastmod>{newest}</lastmod>\n" if newest else ""
        index.append(f"\t<sitemap>\n\t\t<loc>{HOME}/{name}</loc>\n{lastmod}\t</sitemap>\n")
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
            f'{head}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}'
            "</urlset>\n<!-- XML Sitemap generated by Yoast SEO -->\n",
        )


def feed(records: Sequence[dict[str, Any]]) -> str:
    """RSS 2.0 mixing posts and an event (section 1.3); blog links without their slash, as
    archived blog links appear (section 1.1)."""
    items = []
    for record in sorted([*records[:6], EVENT], key=lambda r: r["day"], reverse=True):
        link = HOME + record["path"]
        if record["path"].startswith("/blogs/"):
            link = link.rstrip("/")
        when = datetime.fromisoformat(published_at(record))
        creator = record["authors"][0] if record["authors"] else "Atlantic Council"
        items.append(
            f"\t<item>\n\t\t<title>{escape(record['title'])}</title>\n"
            f"\t\t<link>{link}</link>\n"
            f"\t\t<dc:creator><![CDATA[{creator}]]></dc:creator>\n"
            f"\t\t<pubDate>{format_datetime(when)}</pubDate>\n"
            f"\t\t<category><![CDATA[{record['label']}]]></category>\n"
            f'\t\t<guid isPermaLink="false">{link}</guid>\n'
            f"\t\t<description><![CDATA[{excerpt_of(record)}]]></description>\n\t</item>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- invented: the channel's details, creators, categories and times of day -->\n"
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        f"\t<title>Atlantic Council</title>\n\t<link>{HOME}</link>\n"
        "\t<language>en-US</language>\n" + "".join(items) + "</channel>\n</rss>\n"
    )


def site_files(records: Sequence[dict[str, Any]] = RECORDS) -> Iterable[tuple[str, str]]:
    """(URL path, content) of every page of the mirror."""
    records = sorted(records, key=lambda r: r["day"], reverse=True)
    yield "/robots.txt", ROBOTS_TXT
    for record in records:
        yield record["path"], article_page(record, records[0])
    yield from category_pages(records)
    tsi = [r for r in records if "tsi" in r.get("collections", ())]
    yield from collection_pages(TSI_COMMENTARY, TSI_BLOCK, tsi)
    insight = [r for r in records if "insight" in r.get("collections", ())] + [EVENT]
    insight.sort(key=lambda r: r["day"], reverse=True)
    yield from collection_pages(INSIGHT_IMPACT, INSIGHT_BLOCK, insight)
    yield from sitemaps(records)
    yield "/feed/", feed(records)


def generate_site(out_dir: Path, records: Sequence[dict[str, Any]] = RECORDS) -> list[str]:
    """Write the mirror into ``out_dir`` (emptied first); the URL paths written."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / "robots.txt").is_file():
            raise SystemExit(f"{out_dir} is not empty and holds no mirror: not overwritten")
        shutil.rmtree(out_dir)
    written = []
    for path, content in site_files(records):
        name = "feed/index.xml" if path == "/feed/" else mirror_file_name(path)
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Write the offline mirror of www.atlanticcouncil.org."
    )
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    written = generate_site(args.out_dir)
    print(f"{len(written)} pages written to {args.out_dir}")


if __name__ == "__main__":
    main()
