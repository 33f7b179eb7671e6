"""Render an offline mirror of carnegieendowment.org (Payload CMS behind Next.js) from
publication records.

What the pages say follows the public evidence collected in the project's Carnegie site
notes: the visible order of a current article page (image, photo credit, lower-case type
label, title, dek, "by <names>", "Published on Month D, YYYY", body, "About the Authors",
the disclaimer; section 2.1), the migrated page of an older piece (a related teaser first,
the page-data object, "Source: Getty" or "REQUIRED IMAGE", dek, body, author cards with role
and bio, the disclaimer, more teasers; no visible title, date or type label; section 2.3),
listing cards ("commentary", title, dek, "• Name" per author, "· Month D, YYYY", an outlet
line for pieces in the media; section 2.4), the sitemap written as a ``<urlset>`` of child
``.xml`` files whose ``<lastmod>`` is the regeneration time (section 1.4), the Payload API's
``docs[].path.canonicalPath`` with no titles (section 1.4), ``?lang=en`` and ``/en/`` links
(section 1.2). Real publications keep their real URL, title, date and byline (section 4).

The notes record no markup or class names of the current site: every element and class of
these pages is invented, and so is anything else the notes do not show (robots.txt, listing
pagination, the child sitemaps that hold articles, where the page-data object sits, the
format of ``article:published_time``, body text, days of month the notes give no day for),
each announced in the page by an ``<!-- invented: ... -->`` comment. The API's answers are
JSON, which holds no comment: their ``invented`` key says the same; ``totalDocs``,
``totalPages``, ``page`` and ``hasNextPage`` are Payload's documented pagination fields, not
seen in the notes.

Usage: ``python -m sitegen.carnegie OUT_DIR`` (the bundled sample: tests/mirrors/carnegie).
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Iterable, Sequence
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from thinkscrape.mirror import mirror_file_name

HOME = "https://carnegieendowment.org"
SUFFIX = " | Carnegie Endowment for International Peace"  # section 2.1
PAGE_SIZE = 2  # invented: the notes record no pagination of the current listings
REGENERATED = "2026-05-20T03:00:00.000Z"  # every <lastmod>: when the sitemap was rebuilt
DISCLAIMER = (
    "Carnegie does not take institutional positions on public policy issues; the views "
    "represented herein are those of the author(s) and do not necessarily reflect the views "
    "of Carnegie, its staff, or its trustees."
)
ROBOTS_TXT = (
    "# invented: the notes found no copy of the site's robots.txt\n"
    f"User-agent: *\nDisallow: /admin/\n\nSitemap: {HOME}/sitemap.xml\n"
)

# People with a Carnegie page: slug, role and bio (section 2.3 gives Fukuyama's and Ng's).
PEOPLE: dict[str, dict[str, str]] = {
    "Matt Sheehan": {"slug": "matt-sheehan"},
    "Francis Fukuyama": {
        "slug": "francis-fukuyama",
        "role": "Nonresident Scholar, Democracy, Conflict, and Governance Program",
        "bio": "Francis Fukuyama is a nonresident scholar in Carnegie’s Democracy, Conflict, "
        "and Governance Program, where his research focuses on democratization and "
        "international political economy.",
    },
    "Tiffany Ng": {"slug": "tiffany-ng", "role": "Former Junior Fellow, Asia Program"},
    "Thomas Carothers": {"slug": "thomas-carothers"},
    "Sinem Adar": {"slug": "sinem-adar"},
    "Michele Dunne": {"slug": "michele-dunne"},
}

# Real publications of section 4 (URL, title, date, byline as the notes give them), newest
# first. "shown" is the page's address as links give it; "invented" lists what the notes do
# not give for the record.
RECORDS: list[dict[str, Any]] = [
    {
        "path": "/emissary/2025/12/carnegie-must-read-pieces-2025",
        "era": "current",
        "label": "commentary",
        "title": "Carnegie’s Must-Read Pieces From 2025",
        "dek": "Program directors share the analysis and research that stood out this year.",
        "day": "2025-12-22",
        "byline": "by Carnegie Program Directors",
        "authors": [],
        "body": [
            "“DeepSeek R1: Implications of a New AI Era for Africa” by Sylvester Quansah",
            "“Strategic Change in U.S. Foreign Policy” by Christopher S. Chivvis, Jennifer "
            "Kavanagh, Sahil Lauji, Adele Malle, Samuel Orloff, Stephen Wertheim, and Reid "
            "Wilcox",
        ],
        "invented": [
            "the title, dek and byline (those of the 2024 edition, section 2.1)",
            "the day of the date",
        ],
    },
    {
        "path": "/posts/2025/03/deepseek-ai-implications-africa",
        "era": "current",
        "label": "commentary",
        "title": "DeepSeek R1: Implications of a New AI Era for Africa",
        "day": "2025-03-04",
        "byline": "by Sylvester Quansah",
        "authors": ["Sylvester Quansah"],
        "invented": ["the day of the date", "the dek"],
    },
    {
        "path": "/research/2024/06/turkeys-electoral-map-explained-actors-dynamics-and-future"
        "-prospects",
        "era": "current",
        "label": "article",
        "title": "Turkey’s Electoral Map Explained: Actors, Dynamics, and Future Prospects",
        "day": "2024-06-04",
        "byline": "by Sinem Adar",
        "authors": ["Sinem Adar"],
        "invented": ["the URL (the notes give the card, not its link)", "the dek"],
    },
    {
        "path": "/posts/2024/05/chinas-race-to-tech-supremacy-shenzhen-speed",
        "era": "current",
        "label": "in the media",
        "title": "China's Race to Tech Supremacy: Shenzhen Speed",
        "day": "2024-05-14",
        "byline": "by Matt Sheehan",
        "authors": ["Matt Sheehan"],
        "outlet": "Tech Tonic Podcast (FT)",
        "credit": "Source: Getty",
        "invented": [
            "the URL (not recorded)",
            "the outlet's wording on the page (“Source: …”; the card's outlet line is real)",
            "the photo credit on this page",
        ],
    },
    {
        "path": "/russia-eurasia/posts/2024/07/to-secure-kazakhstans-uranium-chinese-players"
        "-were-compelled-to-accommodate-local-partners",
        "era": "current",
        "label": "commentary",
        "title": "To Secure Kazakhstan's Uranium, Chinese Players Were Compelled to "
        "Accommodate Local Partners",
        "day": "2024-07-16",
        "byline": None,
        "authors": [],
        "invented": [
            "the centre segment (/russia-eurasia/; the notes cite the piece without one)",
            "the day of the date",
            "no byline (the notes record none)",
        ],
    },
    {
        "path": "/research/2024/02/tracing-the-roots-of-chinas-ai-regulations",
        "era": "current",
        "label": "paper",
        "title": "Tracing the Roots of China’s AI Regulations",
        "dek": "How face swap apps, investigative journalism, and corporate thought leadership "
        "shaped governance.",
        "day": "2024-02-27",
        "byline": "by Matt Sheehan",
        "authors": ["Matt Sheehan"],
        "shown": "?lang=en",
        "invented": [],
    },
    {
        "path": "/emissary/2024/12/global-year-of-elections-three-conclusions",
        "era": "current",
        "label": "commentary",
        "title": "Three Conclusions From the Global Year of Elections",
        "day": "2024-12-18",
        "byline": "by Thomas Carothers",
        "authors": ["Thomas Carothers"],
        "invented": ["the URL (the notes give the card, not its link)", "the dek"],
    },
    {
        "path": "/emissary/2024/12/south-africa-g20-presidency-developing-countries-debt",
        "era": "current",
        "label": "commentary",
        "title": "How South Africa Can Use Its G20 Presidency to Reduce the Cost of Developing "
        "Countries’ Debt",
        "dek": "The debt limits these governments’ abilities to invest in their futures.",
        "day": "2024-12-13",
        "byline": "by David McNair",
        "authors": ["David McNair"],
        "invented": ["the URL (the notes give the card, not its link)"],
    },
    {
        "path": "/research/2023/07/chinas-ai-regulations-and-how-they-get-made",
        "era": "current",
        "label": "paper",
        "title": "China’s AI Regulations and How They Get Made",
        "day": "2023-07-10",
        "byline": "by Matt Sheehan",
        "authors": ["Matt Sheehan"],
        "invented": ["the day of the date", "the type label", "the dek"],
    },
    {
        "path": "/posts/2023/04/russia-is-winning-in-georgia",
        "era": "migrated",
        "title": "Russia Is Winning in Georgia",
        "day": "2023-04",
        "authors": ["Francis Fukuyama"],
        "data": {
            "type": "legacyinthemedia",
            "centerAffiliationAll": "dc",
            "centers": ["Carnegie Endowment for International Peace"],
            "collections": [],
            "englishNewsletterAll": "democracy",
            "nonEnglishNewsletterAll": "",
            "primaryCenter": "Carnegie Endowment for International Peace",
            "programAffiliation": "DCG",
            "programs": ["Democracy, Conflict, and Governance"],
            "projects": [],
            "regions": ["North America", "United States", "Caucasus", "Russia", "Georgia"],
            "topics": ["Foreign Policy"],
        },
        "image": None,  # "REQUIRED IMAGE"
        "teaser": (
            "The simple conclusion is that the scheme will bring neither peace nor prosperity, "
            "but will institutionalize devastation.",
            "Nathan J. Brown",
        ),
        "invented": ["the title (from the slug: no title line in the archived text)"],
    },
    {
        "path": "/posts/2019/05/nine-reasons-why-declaring-the-muslim-brotherhood-a-terrorist"
        "-organization-would-be-a-mistake",
        "era": "migrated",
        "title": "Nine Reasons Why Declaring the Muslim Brotherhood a Terrorist Organization "
        "Would Be a Mistake",
        "day": "2019-05",
        "authors": ["Michele Dunne", "Andrew Miller"],
        "data": {
            "type": "commentary",
            "primaryCenter": "Carnegie Endowment for International Peace",
        },
        "image": "Source: Getty",
        "shown": "/en",
        "teaser": ("Beijing regulated AI—and then Chinese AI companies took off.", "Matt Sheehan"),
        "more": [("Amr Hamzawy, Sarah Yerkes", "Egypt’s election season, in brief.")],
        "invented": [
            "the title (from the slug)",
            "the page-data fields other than authors and type",
            "the related teasers' summaries",
        ],
    },
    {
        "path": "/posts/2016/01/web-of-control-the-future-of-the-russian-internet",
        "era": "migrated",
        "title": "Web of Control: The Future of the Russian Internet",
        "day": "2016-01",
        "authors": [],
        "data": {
            "type": "commentary",
            "primaryCenter": "Carnegie Endowment for International Peace",
        },
        "image": "Source: Getty",
        "invented": [
            "the title (from the slug: the piece is cited as “Carnegie Endowment”)",
            "the empty authors list and the type",
        ],
    },
    {
        "path": "/posts/2010/09/chinas-role-in-shaping-the-future-of-afghanistan",
        "era": "migrated",
        "title": "China’s Role in Shaping the Future of Afghanistan",
        "day": "2010-09",
        "authors": ["Tiffany Ng"],
        "dek": "China's economic investment in Afghanistan provides an opportunity for Afghan "
        "development that could help stabilize the country—an outcome that would benefit not "
        "only Afghanistan and China, but also the United States.",
        "data": {
            "type": "other",
            "centers": ["Carnegie Endowment for International Peace", "Carnegie China"],
            "primaryCenter": "Carnegie China",
        },
        "image": "Source: Getty",
        "teaser": ("Beijing regulated AI—and then Chinese AI companies took off.", "Matt Sheehan"),
        "shown": "?lang=en",
        "invented": [
            "the title (from the slug)",
            "the page-data fields other than authors and type",
        ],
    },
]

# Non-publication pages the listings and sitemap lead to (section 1.2).
OTHER_PAGES = {
    "/people/matt-sheehan": "Matt Sheehan",
    "/programs/russia": "Russia and Eurasia Program",
    "/programs/nuclear-policy/proliferation-news/proliferation-news-4926": "Proliferation News",
    "/the-world-unpacked": "The World Unpacked",
}


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"  # "December 23, 2024": day not padded


def shown_url(record: dict[str, Any]) -> str:
    """The link as pages give it: some with ``?lang=en``, one under ``/en/`` (section 1.2)."""
    shown = record.get("shown", "")
    if shown == "/en":
        return f"{HOME}/en{record['path']}"
    return HOME + record["path"] + shown


def person(name: str) -> str:
    slug = PEOPLE.get(name, {}).get("slug")
    return f'<a href="{HOME}/people/{slug}">{escape(name)}</a>' if slug else escape(name)


def serial(parts: Sequence[str]) -> str:
    """ "A, B, and C" with the serial comma (section 2.5)."""
    if len(parts) < 3:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def paragraphs(record: dict[str, Any]) -> list[str]:
    out = [escape(p) for p in record.get("body", [])]
    return out + [
        "<!-- invented: body text -->",
        f"This text of “{escape(record['title'])}” stands in for the real article’s "
        "paragraphs, which are not part of the evidence.",
        "Its argument runs over several paragraphs with no markup of their own.",
    ]


def author_cards(record: dict[str, Any]) -> str:
    """ "About the Authors": role and bio for Carnegie people, the bare name for others."""
    cards = []
    for name in record["authors"]:
        facts = PEOPLE.get(name, {})
        lines = [f"<h3>{person(name)}</h3>"]
        lines += [f"<p>{escape(facts[key])}</p>" for key in ("role", "bio") if key in facts]
        cards.append('<div class="author-card">' + "".join(lines) + "</div>")
    if not cards:
        return ""
    return "<section><h2>About the Authors</h2>\n" + "\n".join(cards) + "\n</section>"


def teaser(summary: str, authors: str) -> str:
    return f'<div class="teaser"><p>{escape(summary)}</p><p>{escape(authors)}</p></div>'


def next_data(record: dict[str, Any]) -> str:
    # section 1.4: App Router data in self.__next_f.push chunks, not __NEXT_DATA__
    chunk = json.dumps(f'1:HL["/_next/static/css/{record["path"].rsplit("/", 1)[-1][:8]}.css"]')
    return f"<script>self.__next_f.push([1,{chunk}])</script>"


def head(title: str, canonical: str, description: str | None, extra: str = "") -> str:
    described = (
        f'<meta property="og:description" content="{escape(description)}">' if description else ""
    )
    return f"""<head>
<meta charset="utf-8">
<title>{escape(title)}{SUFFIX}</title>
<meta property="og:title" content="{escape(title)}">
{described}
<meta property="og:site_name" content="Carnegie Endowment for International Peace">
<link rel="canonical" href="{canonical}">
{extra}</head>"""


def chrome(main: str) -> str:
    return f"""<body>
<!-- invented: the site chrome (navigation, footer) and every element and class -->
<header class="site-header"><nav><a href="{HOME}/">Carnegie Endowment for International Peace</a>
<a href="{HOME}/research">Research</a> <a href="{HOME}/emissary">Emissary</a>
<a href="{HOME}/programs/russia">Russia and Eurasia</a>
<a href="{HOME}/the-world-unpacked">The World Unpacked</a></nav></header>
<main>
{main}
</main>
<footer class="site-footer"><p>© 2026 Carnegie Endowment for International Peace</p></footer>
</body>"""


def current_page(record: dict[str, Any]) -> str:
    """A page of the current site (section 2.1)."""
    day = date.fromisoformat(record["day"])
    url = HOME + record["path"]
    credit = record.get("credit", "Photos by Getty Images and iStock")
    dek = f"<p>{escape(record['dek'])}</p>" if record.get("dek") else ""
    byline = ""
    if record.get("byline"):
        names = [person(n) for n in record["authors"]] or [escape(record["byline"][3:])]
        byline = f"<p>by {serial(names)}</p>"
    outlet = f"<p>Source: {escape(record['outlet'])}</p>" if record.get("outlet") else ""
    body = "\n".join(p if p.startswith("<!--") else f"<p>{p}</p>" for p in paragraphs(record))
    invented = "; ".join(record["invented"] + ["the time of day of article:published_time"])
    published = (
        f'<meta property="article:published_time" content="{day.isoformat()}T14:00:00.000Z">'
    )
    more = teaser("Beijing regulated AI—and then Chinese AI companies took off.", "Matt Sheehan")
    main = f"""<!-- invented: {escape(invented)} -->
<article>
<header>
<figure><img src="/images/{day:%Y%m}.jpg" alt="an illustration for the piece"><figcaption>{escape(credit)}</figcaption></figure>
<p>{escape(record["label"])}</p>
<h1>{escape(record["title"])}</h1>
{dek}
{byline}
<p>Published on {long_date(day)}</p>
{outlet}
</header>
<div class="post-content">
{body}
</div>
{author_cards(record)}
<p>{escape(DISCLAIMER)}</p>
<section><h2>More Work from Emissary</h2>
{more}
</section>
</article>
{next_data(record)}"""  # noqa: E501
    description = record.get("dek")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n'
        + head(record["title"], url, description, published + "\n")
        + "\n"
        + chrome(main)
        + "\n</html>\n"
    )


def migrated_page(record: dict[str, Any]) -> str:
    """A piece of the older site served in the new markup (section 2.3)."""
    url = HOME + record["path"]
    data = {"authors": record["authors"], **record["data"]}
    data.setdefault("centers", ["Carnegie Endowment for International Peace"])
    printed = json.dumps(data, indent=0, ensure_ascii=False)
    image = record.get("image")
    figure = (
        f'<figure><img src="/images/legacy.jpg" alt=""><figcaption>{escape(image)}</figcaption>'
        "</figure>"
        if image
        else "<p>REQUIRED IMAGE</p>"
    )
    dek = f'<p class="dek">{escape(record["dek"])}</p>' if record.get("dek") else ""
    first = teaser(*record["teaser"]) if record.get("teaser") else ""
    more = "\n".join(teaser(summary, authors) for authors, summary in record.get("more", []))
    body = "\n".join(p if p.startswith("<!--") else f"<p>{p}</p>" for p in paragraphs(record))
    invented = "; ".join(
        record["invented"]
        + ["where the page-data object sits (a script; the notes give its text only)"]
    )
    main = f"""<!-- invented: {escape(invented)} -->
<article>
{first}
<script type="application/json">{printed}</script>
{figure}
{dek}
<div class="post-content">
{body}
</div>
{author_cards(record)}
<p>{escape(DISCLAIMER)}</p>
<section>
{more or teaser("Beijing regulated AI—and then Chinese AI companies took off.", "Matt Sheehan")}
</section>
</article>
{next_data(record)}"""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n'
        + head(record["title"], url, record.get("dek"))
        + "\n"
        + chrome(main)
        + "\n</html>\n"
    )


def card(record: dict[str, Any], outlet: bool = False) -> str:
    """A listing card (section 2.4): label, title, dek, "• Name", "· Month D, YYYY"."""
    label = record.get("label", "commentary")
    dek = f"<p>{escape(record['dek'])}</p>" if record.get("dek") else ""
    names = "".join(f"<li>• {person(name)}</li>" for name in record["authors"])
    authors = f"<ul>{names}</ul>" if names else ""
    when = date.fromisoformat(record["day"]) if len(record["day"]) == 10 else None
    day = f"<p>· {long_date(when)}</p>" if when else ""
    source = f"<p>{escape(record['outlet'])}</p>" if outlet and record.get("outlet") else ""
    return f"""<div class="card">
<img src="/images/card.jpg" alt="an illustration for the piece">
<p>{escape(label)}</p>
<h3><a href="{shown_url(record)}">{escape(record["title"])}</a></h3>
{dek}{authors}{day}{source}
</div>"""


def listing_pages(
    base: str, heading: str, records: Sequence[dict[str, Any]]
) -> Iterable[tuple[str, str]]:
    """(URL path, html) of each page of a listing, PAGE_SIZE cards a page, "N Results"."""
    pages = max(1, -(-len(records) // PAGE_SIZE))
    for page_no in range(1, pages + 1):
        chunk = records[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
        path = base if page_no == 1 else f"{base}?page={page_no}"
        links = [
            f'<a href="{HOME}{base}{"" if n == 1 else f"?page={n}"}">{n}</a>'
            for n in range(1, pages + 1)
            if n != page_no
        ]
        main = f"""<h1>{escape(heading)}</h1>
<p>All</p><p>filters</p><p>{len(records)} Results</p>
<div class="cards">
{chr(10).join(card(record) for record in chunk)}
</div>
<!-- invented: the pager (the notes record no pagination or "load more") -->
<nav class="pagination">{" ".join(links)}</nav>
<aside><a href="{HOME}/people/matt-sheehan">Matt Sheehan</a>
<a href="{HOME}/programs/nuclear-policy/proliferation-news/proliferation-news-4926">Proliferation News</a></aside>"""  # noqa: E501
        yield (
            path,
            '<!DOCTYPE html>\n<html lang="en">\n'
            + head(heading, HOME + base, None)
            + "\n"
            + chrome(main)
            + "\n</html>\n",
        )


def expert_page(records: Sequence[dict[str, Any]]) -> str:
    """Matt Sheehan's page: "All work from <Name>", cards with the outlet after the date."""
    theirs = [r for r in records if "Matt Sheehan" in r["authors"]]
    cards = "\n".join(card(record, outlet=True) for record in theirs)
    main = f"""<h1>Matt Sheehan</h1>
<h2>All work from Matt Sheehan</h2>
<p>filters</p><p>{len(theirs)} Results</p>
<div class="cards">
{cards}
</div>"""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n'
        + head("Matt Sheehan", HOME + "/people/matt-sheehan", None)
        + "\n"
        + chrome(main)
        + "\n</html>\n"
    )


def other_page(path: str, heading: str) -> str:
    main = f"<h1>{escape(heading)}</h1>\n<p>A page of the site that is no publication.</p>"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n'
        + head(heading, HOME + path, None)
        + ("\n" + chrome(main) + "\n</html>\n")
    )


def sitemaps(records: Sequence[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    """/sitemap.xml: a <urlset> whose <loc>s are child sitemaps (section 1.4); every
    <lastmod> is the regeneration time. videos-, topics- and staff-index.xml are the names
    the notes give; the children that hold articles are invented."""
    by_section: dict[str, list[str]] = {"posts": [], "research": [], "emissary": []}
    for record in records:
        section = next(s for s in by_section if f"/{s}/" in record["path"])
        by_section[section].append(shown_url(record).split("?")[0])
    children = {
        "videos-index.xml": [],
        "topics-index.xml": [f"{HOME}/programs/russia"],
        "staff-index.xml": [f"{HOME}/people/{p['slug']}" for p in PEOPLE.values()],
        **{f"{section}-index.xml": urls for section, urls in by_section.items()},
    }
    head_xml = '<?xml version="1.0" encoding="UTF-8"?>\n'
    ns = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    index = [head_xml, "<!-- invented: posts-, research- and emissary-index.xml -->\n", ns]
    for name in children:
        index.append(f"<url><loc>{HOME}/{name}</loc><lastmod>{REGENERATED}</lastmod></url>\n")
    yield "/sitemap.xml", "".join(index) + "</urlset>\n"
    for name, urls in children.items():
        rows = "".join(
            f"<url><loc>{loc}</loc><lastmod>{REGENERATED}</lastmod></url>\n" for loc in urls
        )
        yield f"/{name}", f"{head_xml}{ns}{rows}</urlset>\n"


def api(records: Sequence[dict[str, Any]]) -> str:
    """A Payload collection's answer: paths and creation times, titles withheld (1.4)."""
    docs = []
    for record in records:
        # a migrated record was made when the site moved, not when the piece came out
        created = (
            "2024-03-01T00:00:00.000Z"
            if record["era"] == "migrated"
            else (f"{record['day']}T13:00:00.000Z")
        )
        slug = record["path"].rsplit("/", 1)[-1]
        docs.append({"path": {"canonicalPath": record["path"], "path": slug}, "createdAt": created})
    docs.sort(key=lambda doc: doc["createdAt"], reverse=True)
    return (
        json.dumps(
            {
                "invented": "the creation times and the pagination fields (Payload's documented "
                "ones); the notes give docs[].path.canonicalPath and createdAt only",
                "docs": docs,
                "totalDocs": len(docs),
                "limit": 20,
                "totalPages": 1,
                "page": 1,
                "hasNextPage": False,
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n"
    )


def site_files(records: Sequence[dict[str, Any]] = RECORDS) -> Iterable[tuple[str, str]]:
    """(URL path, content) of every page of the mirror."""
    records = sorted(records, key=lambda r: r["day"], reverse=True)
    yield "/robots.txt", ROBOTS_TXT
    for record in records:
        page = current_page(record) if record["era"] == "current" else migrated_page(record)
        yield record["path"], page
        if record.get("shown") == "/en":
            yield "/en" + record["path"], page
    research = [r for r in records if r["path"].startswith("/research/")]
    emissary = [r for r in records if r["path"].startswith("/emissary/")]
    yield from listing_pages("/research", "Recent Articles & Papers", research)
    yield from listing_pages("/emissary", "Emissary", emissary)
    yield "/people/matt-sheehan", expert_page(records)
    for path, heading in OTHER_PAGES.items():
        if path != "/people/matt-sheehan":
            yield path, other_page(path, heading)
    yield from sitemaps(records)
    posts = [r for r in records if "/posts/" in r["path"]]
    yield "/api/posts", api(posts)
    yield "/api/research", api(research)


def generate_site(out_dir: Path, records: Sequence[dict[str, Any]] = RECORDS) -> list[str]:
    """Write the mirror into ``out_dir`` (emptied first); the URL paths written."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / "robots.txt").is_file():
            raise SystemExit(f"{out_dir} is not empty and holds no mirror: not overwritten")
        shutil.rmtree(out_dir)
    written = []
    for path, content in site_files(records):
        name = mirror_file_name(path)
        if path.startswith("/api/"):
            name = path.strip("/") + "/index.json"  # served as JSON
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Write the offline mirror of carnegieendowment.org."
    )
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    written = generate_site(args.out_dir)
    print(f"{len(written)} pages written to {args.out_dir}")


if __name__ == "__main__":
    main()
