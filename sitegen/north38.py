"""Render an offline mirror of www.38north.org (WordPress, Yoast SEO) from publication records.

The markup follows the public evidence collected in the project's 38 North site notes: the
article header of the current theme (``h1.page-header``, ``ul.post__meta.list-inline`` with
``li.meta--authors`` "BY:&nbsp;" and ``a.author.url.fn`` links, ``li.meta--date``,
``li.meta--topics``) and its share block (section 4.1), the 2023 listing cards
(``article.ajax-item``, ``<time datetime>`` without a year, authors joined "A, B and C",
section 5.1), ``a.page-numbers`` pagination over ``/articles/page/N/`` with four cards a
page (section 3.1), the Yoast sitemap index, the RSS feed with UTC ``pubDate`` and
``content:encoded`` (sections 3.2, 3.3), robots.txt, and the Stimson newsletter footer.
Real publications keep their real URL, title, date and byline (section 8). Everything the
notes do not show (site chrome, wrappers, excerpt markup, body text, child sitemap names,
times of day) is announced in the page by an ``<!-- invented: ... -->`` comment.

Usage: ``python -m sitegen.north38 OUT_DIR`` (the bundled sample: tests/mirrors/38north).
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

HOME = "https://www.38north.org"
PAGE_SIZE = 4  # section 3.1: four items a page in 2019
SITE_NAME = "38 North: News and Analysis on North Korea"
FEED_SIZE = 10  # section 3.2

ROBOTS_TXT = f"User-agent: *\nDisallow:\n\nSitemap: {HOME}/sitemap_index.xml\n"

TOPICS = {  # slug -> label, section 2 (the clone's slugs)
    "satellite-analysis": "Satellite Imagery",
    "wmd": "WMD",
    "special-reports": "Special Reports",
    "foreign-affairs": "Foreign Affairs",
    "military-affairs": "Military Affairs",
    "mediabusters": "MEDIABUSTERS",
}

# Real publications of section 8 (URL, title, date, byline, topics as the notes give them),
# newest first. "invented" lists what the notes do not give for the record.
RECORDS: list[dict[str, Any]] = [
    {
        "path": "/2023/07/the-unintended-consequences-of-natos-drift-toward-asia/",
        "title": "The Unintended Consequences of NATO’s Drift Toward Asia",
        "day": "2023-07-21",
        "authors": ["Daniel R. DePetris"],
        "topics": ["foreign-affairs", "military-affairs"],
        "invented": ["body text"],
    },
    {
        "path": "/2023/05/sohae-satellite-launching-station-launch-pad-construction-resumes/",
        "title": "Sohae Satellite Launching Station: Launch Pad Construction Resumes",
        "day": "2023-05-14",
        "authors": ["Jack Liu", "Peter Makowsky", "Olli Heinonen"],
        "topics": ["satellite-analysis", "wmd"],
        "invented": ["body text", "the year of the date (the clone edited it)"],
    },
    {
        "path": "/2023/04/yongbyon-nuclear-scientific-research-center-expansion-work-continues/",
        "title": "Yongbyon Nuclear Scientific Research Center: Expansion Work Continues",
        "day": "2023-04-28",
        "authors": ["Peter Makowsky", "Jack Liu", "Olli Heinonen"],
        "topics": ["satellite-analysis", "wmd"],
        "excerpt": "Commercial satellite imagery of the Yongbyon Nuclear Scientific Research "
        "Center indicates that expansion and refurbishment work continues throughout the "
        "site, …",
        "invented": ["body text after the first sentence"],
    },
    {
        "path": "/reports/2023/04/deterring-a-nuclear-north-korea/",
        "title": "Deterring a Nuclear North Korea: What Does the Theory Tell Us?",
        "day": "2023-04-10",
        "authors": ["38 North"],
        "topics": ["special-reports"],
        "report": True,
        "invented": ["the URL slug and date", "the byline", "body text"],
    },
    {
        "path": "/2023/04/yongbyon-nuclear-research-center-growing-activity-at-the-experimental"
        "-light-water-reactor/",
        "title": "Growing Activity at North Korea’s Experimental Light Water Reactor",
        "day": "2023-04-01",
        "authors": ["Peter Makowsky", "Jack Liu"],
        "topics": ["satellite-analysis", "wmd"],
        "invented": ["body text"],
    },
    {
        "path": "/2019/02/pcroninklee020119/",
        "title": "Preparing for a “Decent Chance” of Success and Failure with North Korea",
        "day": "2019-02-01",
        # The slug names a second author ("k lee"): the byline's second name is a guess.
        "authors": ["Patrick M. Cronin", "Kristine Lee"],
        "topics": ["foreign-affairs"],
        "invented": ["the second author's name", "body text", "the topic"],
    },
    {
        "path": "/2019/02/bkatzeffsilberstein020119/",
        "title": "China’s Sanctions Enforcement and Fuel Prices in North Korea: What the "
        "Data Tells Us",
        "day": "2019-02-01",
        "authors": ["Benjamin Katzeff Silberstein"],
        "topics": ["foreign-affairs"],
        "endnote": (
            "Kang Mi-jin, “Pukhan Hwibaryu kyŏngyu kagyŏk harak, sijang hwallyŏksoro "
            "chagyonghal tŭt,” Daily NK, January 23, 2019.",
            "https://www.dailynk.com/english/",
        ),
        # the evening piece: the feed's UTC pubDate falls on the next day (section 3.2)
        "time": "23:30:00",
        "invented": ["body text", "the endnote's link", "the topic", "the time of day"],
    },
    {
        "path": "/2019/01/jwit013119/",
        "title": "Let’s Get Perspective",
        "day": "2019-01-31",
        "authors": ["Joel S. Wit"],
        "topics": ["foreign-affairs"],
        "first_paragraph": "Dan Coats, the Director of National Intelligence, made big news "
        "this week with a series of assertions about North Korea that appeared to contradict "
        "President Trump’s policy of engaging Pyongyang. Yes, they were interesting. But "
        "anyone who thought the conclusions were new or startling, think again.",
        "invented": ["body text after the first paragraph", "the topic"],
    },
    {
        "path": "/2019/01/ddepetris011819/",
        "title": "Advancing Peace and Security on the Korean Peninsula: The Case for Koreanization",
        "day": "2019-01-18",
        "authors": ["Daniel R. DePetris"],
        "topics": ["foreign-affairs"],
        "invented": ["body text", "the topic"],
    },
    {
        "path": "/2010/05/the-new-york-times-and-the-human-torpedo-a-close-second-place/",
        "title": "The New York Times and the Human Torpedo – A Close Second Place",
        "day": "2010-05-02",
        "authors": ["38 North"],
        "topics": ["mediabusters"],
        "first_paragraph": "The runner-up for the monthly bad reporting award is: the New York "
        "Times and the Human Torpedo.",
        "last_paragraph": "Rating: 3 Thumbs-down",
        "invented": ["body text between the first and the last paragraph"],
    },
]


def synthetic_records(n: int, first: date = date(2015, 1, 1)) -> list[dict[str, Any]]:
    """``n`` invented pieces, one a day from ``first`` on, newest first, written like the
    real ones (title slugs, the authors and topics of section 8): for crawls of a site larger
    than the sample. ``synthetic_records(n + k)`` is ``synthetic_records(n)`` with ``k``
    newer pieces before it, as a site looks a few days later."""
    people = ["Jenny Town", "Daniel R. DePetris", "Peter Makowsky", "Jack Liu", "Joel S. Wit"]
    topics = list(TOPICS)[:5]
    records = []
    for number in range(n, 0, -1):
        day = first + timedelta(days=number - 1)
        authors = [people[number % 5]] + ([people[(number + 2) % 5]] if number % 3 == 0 else [])
        records.append(
            {
                "path": f"/{day:%Y/%m}/synthetic-analysis-{number}/",
                "title": f"Synthetic Analysis {number}",
                "day": day.isoformat(),
                "authors": authors,
                "topics": [topics[number % 5]],
                "invented": ["the whole record"],
            }
        )
    return records


def slug_of(name: str) -> str:
    """The WordPress user slug of a display name: "Daniel R. DePetris" -> daniel-r-depetris."""
    return "-".join("".join(c for c in word if c.isalnum()) for word in name.lower().split())


def author_link(name: str) -> str:
    # section 4.1: a.author.url.fn[rel=author] with title="Posts by <Name>"
    return (
        f'<a class="author url fn" title="Posts by {escape(name)}" '
        f'href="{HOME}/author/{slug_of(name)}/" rel="author">{escape(name)}</a>'
    )


def joined(parts: Sequence[str]) -> str:
    """ "A, B and C": commas, then " and " before the last, no serial comma (section 6.2)."""
    if len(parts) < 2:
        return "".join(parts)
    return ",\n".join(parts[:-1]) + " and\n" + parts[-1]


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"  # "February 1, 2019": day not padded


def published_at(record: dict[str, Any]) -> datetime:
    """When the piece went out, in Washington (invented: the notes give no time of day)."""
    return datetime.fromisoformat(f"{record['day']}T{record.get('time', '09:00:00')}")


def utc_iso(record: dict[str, Any]) -> str:
    when = published_at(record)
    offset = 4 if 3 < when.month < 11 else 5
    return (when + timedelta(hours=offset)).isoformat() + "+00:00"


def paragraphs(record: dict[str, Any]) -> list[str]:
    """The body: the notes' real sentences where they give some, else invented ones."""
    first = record.get("first_paragraph") or record.get("excerpt", "").removesuffix(" …")
    out = [escape(first)] if first else []
    out += [
        "<!-- invented: body text -->",
        f"This analysis of “{escape(record['title'])}” is placeholder text for an offline "
        "mirror; the real article’s paragraphs are not part of the evidence.",
        "Commercial satellite imagery and open sources are read paragraph by paragraph, "
        "with no markup of their own beyond the paragraph.",
    ]
    if not record.get("report"):
        out.append(
            # invented: a link to the site's own special report (an own link, never the
            # "full article elsewhere")
            f'For the longer study, read the full report: <a href="{HOME}/reports/2023/04/'
            'deterring-a-nuclear-north-korea/">Deterring a Nuclear North Korea</a>.'
        )
    if "endnote" in record:  # section 4.1: endnotes as plain paragraphs at the end
        text, href = record["endnote"]
        out.append(f'<a href="{href}">{escape(text)}</a>')
    if "last_paragraph" in record:
        out.append(f"<strong>{escape(record['last_paragraph'])}</strong>")
    return out


def excerpt_of(record: dict[str, Any]) -> str:
    if "excerpt" in record:
        return record["excerpt"]
    first = record.get("first_paragraph") or f"This analysis of “{record['title']}”"
    return first.split(". ")[0].rstrip(".") + " …"


def topic_links(record: dict[str, Any], wrap: bool) -> str:
    links = [
        f'<a href="{HOME}/topics/{slug}/" rel="category tag">{escape(TOPICS[slug])}</a>'
        for slug in record["topics"]
    ]
    if wrap:  # the cards wrap each topic in span[itemprop=about] (section 5.1)
        links = [f'<span itemprop="about">{link}</span>' for link in links]
    return ",\n".join(links)


def card(record: dict[str, Any]) -> str:
    """A 2023 listing card (section 5.1)."""
    day = date.fromisoformat(record["day"])
    title = escape(record["title"])
    return f"""<article class="article article--compact ajax-item" itemscope="" itemtype="http://schema.org/Article">
  <div class="article__date"><time datetime="{day.isoformat()}">{day:%b %d} </time></div>
  <div class="article__title" itemprop="name">
    <a href="{HOME}{record["path"]}" title="Article: {title}" class="article__link" itemprop="url">{title}</a>
  </div>
  <div class="article__authors" itemprop="author">
    {joined([author_link(name) for name in record["authors"]])}
  </div>
  <div class="article__topics">
    {topic_links(record, wrap=True)}
  </div>
  <!-- invented: the excerpt's markup (the notes give its text, not its tags) -->
  <div class="article__excerpt"><p>{escape(excerpt_of(record))}</p></div>
</article>"""  # noqa: E501


def page(
    title: str, canonical: str, main: str, *, graph: list[dict[str, Any]], latest: dict[str, Any]
) -> str:
    """A page of the theme around ``main``, the sidebar showing the ``latest`` piece."""
    schema = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<!-- invented: the <title> suffix and the site chrome (navigation, sidebar) -->
<title>{escape(title)} - 38 North: Informed Analysis of North Korea</title>
<link rel="canonical" href="{canonical}">
<link rel="alternate" type="application/rss+xml" title="38 North &raquo; Feed" href="{HOME}/feed/">
<script type="application/ld+json" class="yoast-schema-graph">{schema}</script>
</head>
<body>
<header class="site-header">
  <nav class="navbar"><a href="{HOME}/">38 North</a>
    <a href="{HOME}/articles/">Articles</a> <a href="{HOME}/reports/">Special Reports</a>
    <a href="{HOME}/topics/satellite-analysis/">Satellite Imagery</a>
    <a href="{HOME}/topics/wmd/">WMD</a> <a href="{HOME}/about/">About</a></nav>
</header>
<div class="content">
{main}
<aside class="sidebar">
  <h3>Latest Articles</h3>
  <div class="ajax-target">
{card(latest)}
  </div>
</aside>
</div>
<footer class="site-footer">
  <p>Stay informed about our latest news, publications, &amp; uploads:</p>
  <p>I'm interested in...</p>
  <label><input type="checkbox" name="lists" value="38north"> 38 North: News and Analysis on North Korea</label>
</footer>
</body>
</html>
"""  # noqa: E501


def website_node() -> dict[str, Any]:
    return {"@type": "WebSite", "@id": f"{HOME}/#website", "url": f"{HOME}/", "name": SITE_NAME}


def article_page(record: dict[str, Any], latest: dict[str, Any]) -> str:
    """An article page of the current theme (section 4.1)."""
    url = HOME + record["path"]
    share = "".join(
        f'<li class="{name}"><a title="Share on {label}" href="#" target="_blank" '
        f'rel="noopener"><span class="sr-only">{label}</span></a></li>'
        for name, label in (("facebook", "Facebook"), ("twitter", "Twitter"))
    )
    body = "\n  ".join(p if p.startswith("<!--") else f"<p>{p}</p>" for p in paragraphs(record))
    authors = joined([author_link(name) for name in record["authors"]])
    invented = "; ".join(record["invented"])
    main = f"""<!-- invented: {escape(invented)} -->
<!-- invented: the article element around the header and the section -->
<article>
<header>
  <h1 class="page-header">{escape(record["title"])}</h1>
  <ul class="post__meta list-inline">
    <li class="meta--authors">BY:&nbsp;{authors}</li>
    <li class="meta--date">{long_date(date.fromisoformat(record["day"]))}</li>
    <li class="meta--topics">{topic_links(record, wrap=False)}</li>
  </ul>
</header>
<section>
  <div class="social-share-container no-print">
    <ul class="social-share affix-bottom">{share}</ul>
  </div>
  {body}
</section>
</article>"""
    graph = [  # section 3.4: WebPage, WebSite, BreadcrumbList; Yoast dates in UTC
        {
            "@type": "WebPage",
            "@id": url,
            "url": url,
            "name": f"{record['title']} - 38 North: Informed Analysis of North Korea",
            "isPartOf": {"@id": f"{HOME}/#website"},
            "datePublished": utc_iso(record),
            "dateModified": utc_iso(record),
            "breadcrumb": {"@id": f"{url}#breadcrumb"},
        },
        {
            "@type": "BreadcrumbList",
            "@id": f"{url}#breadcrumb",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{HOME}/"},
                {"@type": "ListItem", "position": 2, "name": record["title"]},
            ],
        },
        website_node(),
    ]
    return page(record["title"], url, main, graph=graph, latest=latest)


def pager(base: str, page_no: int, pages: int) -> str:
    """WordPress paginate_links() (section 5.1: a.page-numbers, span.current, a.next)."""

    def href(n: int) -> str:
        return f"{HOME}{base}" if n == 1 else f"{HOME}{base}page/{n}/"

    items = []
    if page_no > 1:
        items.append(f'<a class="prev page-numbers" href="{href(page_no - 1)}">&laquo; Prev</a>')
    for n in range(1, pages + 1):
        if n == page_no:
            items.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
        else:
            items.append(f'<a class="page-numbers" href="{href(n)}">{n}</a>')
    if page_no < pages:
        items.append(f'<a class="next page-numbers" href="{href(page_no + 1)}">Next &raquo;</a>')
    # invented: the element around the page numbers
    return '<div class="pagination">\n' + "\n".join(items) + "\n</div>"


def listing_pages(
    base: str, title: str, records: Sequence[dict[str, Any]], latest: dict[str, Any]
) -> Iterable[tuple[str, str]]:
    """(URL path, html) of each page of a listing of ``records`` (newest first)."""
    pages = max(1, -(-len(records) // PAGE_SIZE))
    for page_no in range(1, pages + 1):
        chunk = records[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
        path = base if page_no == 1 else f"{base}page/{page_no}/"
        main = (
            f'<h1 class="page-header">{escape(title)}</h1>\n<div class="ajax-target">\n'
            + "\n".join(card(record) for record in chunk)
            + "\n</div>\n"
            + pager(base, page_no, pages)
        )
        graph = [{"@type": "CollectionPage", "@id": HOME + path, "url": HOME + path}]
        yield path, page(title, HOME + path, main, graph=[*graph, website_node()], latest=latest)


def sitemaps(records: Sequence[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    """Yoast's sitemap index and its children (section 3.3; the child names are Yoast's
    usual ones, not seen on the site)."""
    posts = [r for r in records if not r.get("report")]
    reports = [r for r in records if r.get("report")]
    authors = sorted({name for r in records for name in r["authors"]})
    children = {
        "post-sitemap.xml": [(HOME + r["path"], utc_iso(r)) for r in posts],
        "report-sitemap.xml": [(HOME + r["path"], utc_iso(r)) for r in reports],
        "page-sitemap.xml": [(f"{HOME}/", utc_iso(records[0])), (f"{HOME}/about/", None)],
        "author-sitemap.xml": [(f"{HOME}/author/{slug_of(a)}/", None) for a in authors],
    }
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    index = [head, "<!-- invented: the child sitemaps' names (Yoast's usual ones) -->\n"]
    index.append('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
    for name, entries in children.items():
        newest = max((modified for _, modified in entries if modified), default=None)
        lastmod = f"<lastmod>{newest}</lastmod>" if newest else ""
        index.append(f"\t<sitemap>\n\t\t<loc>{HOME}/{name}</loc>\n\t\t{lastmod}\n\t</sitemap>\n")
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
    """RSS 2.0, ten items, the full body in content:encoded, dc:creator, categories, pubDate
    in UTC (section 3.2). Several authors' dc:creator is not recorded: the first is used."""
    items = []
    for record in records[:FEED_SIZE]:
        when = datetime.fromisoformat(utc_iso(record))
        body = "".join(f"<p>{p}</p>" for p in paragraphs(record) if not p.startswith("<!--"))
        categories = "".join(
            f"\t\t<category><![CDATA[{TOPICS[slug]}]]></category>\n" for slug in record["topics"]
        )
        items.append(
            f"\t<item>\n\t\t<title>{escape(record['title'])}</title>\n"
            f"\t\t<link>{HOME}{record['path']}</link>\n"
            f"\t\t<dc:creator><![CDATA[{record['authors'][0]}]]></dc:creator>\n"
            f"\t\t<pubDate>{format_datetime(when)}</pubDate>\n{categories}"
            f'\t\t<guid isPermaLink="false">{HOME}{record["path"]}</guid>\n'
            f"\t\t<description><![CDATA[{excerpt_of(record)}]]></description>\n"
            f"\t\t<content:encoded><![CDATA[{body}]]></content:encoded>\n\t</item>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"\t<title>38 North: Informed Analysis of North Korea</title>\n"
        f'\t<atom:link href="{HOME}/feed/" rel="self" type="application/rss+xml" />\n'
        f"\t<link>{HOME}</link>\n"
        f"\t<lastBuildDate>{format_datetime(datetime.fromisoformat(utc_iso(records[0])))}"
        "</lastBuildDate>\n\t<language>en-US</language>\n" + "".join(items) + "</channel>\n</rss>\n"
    )


def site_files(records: Sequence[dict[str, Any]] = RECORDS) -> Iterable[tuple[str, str]]:
    """(URL path, content) of every page of the mirror."""
    records = sorted(records, key=lambda r: r["day"], reverse=True)
    latest = records[0]  # the sidebar's card on every page
    posts = [r for r in records if not r.get("report")]
    yield "/robots.txt", ROBOTS_TXT
    for record in records:
        yield record["path"], article_page(record, latest)
    yield from listing_pages("/articles/", "Articles", posts, latest)
    reports = [r for r in records if r.get("report")]
    yield from listing_pages("/reports/", "Special Reports", reports, latest)
    yield next(iter(listing_pages("/", SITE_NAME, posts[:PAGE_SIZE], latest)))
    # non-publication pages: author archives and topics list the same cards
    for name in sorted({name for r in records for name in r["authors"]}):
        theirs = [r for r in records if name in r["authors"]]
        yield from listing_pages(f"/author/{slug_of(name)}/", name, theirs, latest)
    for slug, label in TOPICS.items():
        tagged = [r for r in records if slug in r["topics"]]
        yield from listing_pages(f"/topics/{slug}/", label, tagged, latest)
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
        name = mirror_file_name(path)
        if path == "/feed/":
            name = "feed/index.xml"  # served as XML, not HTML
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the offline mirror of www.38north.org.")
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    written = generate_site(args.out_dir)
    print(f"{len(written)} pages written to {args.out_dir}")


if __name__ == "__main__":
    main()
