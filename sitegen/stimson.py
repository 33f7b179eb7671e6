"""Render an offline mirror of www.stimson.org from publication records, both generations.

The markup follows the public evidence collected in the project's Stimson site notes.

- **Drupal** (to early 2020, notes 4.1, 3): ``/content/<alias>`` pages with
  ``h1.product-title``, ``div.author-date-block span.date-product`` ("Dec 5, 2018"), one
  ``div.expert-name`` a person, the body in ``div.field__item.even`` after the expert field;
  program listings ``/programs/<slug>`` paged ``?page=N`` from 0, each item a
  ``div.current-title > a`` with a relative href and a line
  ``<Month D, YYYY> | EXPERT: <Name> , EXPERT: <Name>``, closed by "Subscribe to RSS - China".
- **WordPress** (2020 on, notes 4.2): ``/YYYY/<slug>/`` pages whose visible blocks come in
  the notes' order (type label, title, dek, "Featuring"/"By" byline, body, share links,
  program attribution, Media Inquiries, newsletter form); migrated items keep their
  Drupal alias and old year and show an empty "In" line. Their class names, visible date,
  head and structured data are unknown: the pages carry Yoast SEO's usual head (og:,
  ``article:published_time``, a JSON-LD graph) and plain HTML5 with WordPress's usual
  ``div.entry-content``, all announced as invented. The feed ``/feed/`` is real (its item
  fields are WordPress's usual ones); the sitemap index is Yoast's usual one (invented).

The two generations never met on one server: the mirror holds the Drupal pages as a 2019
crawl saw them beside the WordPress pages of today, each page of one generation only.
Real publications keep their real URL, title, date and byline (notes 7); everything the
notes do not show is announced in the page by an ``<!-- invented: ... -->`` comment.

Usage: ``python -m sitegen.stimson OUT_DIR`` (the bundled sample: tests/mirrors/stimson).
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

from thinkscrape.mirror import mirror_file_name

HOME = "https://www.stimson.org"
PAGE_SIZE = 4  # invented: Drupal's views usually show 10 a page; 4 keeps the mirror small

# Drupal records (notes 7 rows 2, 3, 7, 11-13; the listing line of notes 3), oldest first.
DRUPAL: list[dict[str, Any]] = [
    {
        "path": "/content/china-mekong-river-states-placeholder",
        "title": "China and the Mekong River States (placeholder title)",
        "day": "2017-07-14",
        "authors": ["Amanda Shaver", "Yun Sun"],
        "programs": ["china"],
        "outbound": (
            "This column was originally published by The Diplomat on Juyl 14, 2017. Read the "
            "full column here.",
            "https://thediplomat.com/2017/07/china-and-the-mekong/",
        ),
        "invented": [
            "the URL and title (the notes give this item's date and experts only)",
            "the outbound sentence, its misspelt month and its link (notes 5.3: such "
            "sentences name the outlet and a date typed by hand)",
            "body text",
        ],
    },
    {
        "path": "/content/nukes-new-congress-and-lost-art-political-compromise",
        "title": "Nukes, the New Congress, and the Lost Art of Political Compromise",
        "day": "2018-11-13",
        "authors": ["Michael Krepon"],
        "programs": ["grand-strategy-pivotal-places"],
        "invented": ["body text", "the program listing it"],
    },
    {
        "path": "/content/northern-sea-route",
        "title": "The Northern Sea Route",
        "day": "2018-12-05",
        "authors": ["Yun Sun"],
        "programs": ["china", "grand-strategy-pivotal-places"],
        "invented": ["body text"],
    },
    {
        "path": "/content/fourth-estate-south-asia-media%E2%80%99s-role-inter-state-crises",
        "title": "The Fourth Estate in South Asia: Media’s Role in Inter-State Crises",
        "day": "2018-12-28",
        "authors": ["Hannah Haegeland"],
        "programs": ["grand-strategy-pivotal-places"],
        "invented": ["body text", "the program listing it"],
    },
    {
        "path": "/content/second-trump-kim-summit-no-good-option-japan",
        "title": "The Second Trump Kim Summit: No Good Option for Japan?",
        "day": "2019-03-05",
        "authors": ["Yuki Tatsumi"],
        "programs": ["grand-strategy-pivotal-places"],
        "outbound": (
            "This article was originally published by The Diplomat on February 27, 2019. "
            "Read the full article here.",
            "https://thediplomat.com/2019/02/the-second-trump-kim-summit-no-good-option-for-japan/",
        ),
        "invented": ["the date as shown (the notes give it parsed)", "the link of “here”"],
    },
    {
        "path": "/content/whats-next-us-north-korea-talks",
        "title": "What's next for U.S.-North Korea talks?",
        "day": "2019-03-06",
        "authors": ["Yuki Tatsumi"],
        "programs": ["grand-strategy-pivotal-places"],
        "outbound": (
            "This article was originally published by The Japan Times on March 4, 2019. Read "
            "the full article here.",
            "https://www.japantimes.co.jp/opinion/2019/03/04/commentary/whats-next-u-s-north"
            "-korea-talks/",
        ),
        "invented": ["the date as shown (the notes give it parsed)", "the link of “here”"],
    },
    {
        "path": "/content/second-trump-kim-summit-where-china",
        "title": "The Second Trump-Kim Summit: Where Is China?",
        "day": "2019-03-07",
        "authors": ["Yun Sun"],
        "programs": ["china", "grand-strategy-pivotal-places"],
        "outbound": (
            "This article was originally published on February 26, 2019 by 38 North. Read the "
            "full article here.",
            "https://www.38north.org/2019/02/ysun022619/",
        ),
        "invented": ["the date as shown (the notes give it parsed)", "the link of “here”"],
    },
]

PROGRAMS = {  # Drupal program listings (notes 2, 3)
    "grand-strategy-pivotal-places": "Grand Strategy: Pivotal Places",
    "china": "China",
}

# WordPress records (notes 7 rows 14-18 and 20), oldest first.
WORDPRESS: list[dict[str, Any]] = [
    {
        "path": "/2013/gordon-adamss-op-ed-defense-management-issues-published-foreign-policy-0/",
        "title": "Gordon Adams’s Op-Ed On Defense Management Issues Is Published In Foreign Policy",
        "label": "Stimson in the News",
        "time": "2013-06-11T10:00:00",
        "outbound": ("To read the full op-ed, click here.", "https://foreignpolicy.com/2013/06/"),
        "invented": ["the date", "the wording of the “click here” sentence and its link"],
    },
    {
        "path": "/2015/new-home-stimsons-next-25-years/",
        "title": "A New Home For Stimson’s Next 25 Years",
        "label": "Commentary",
        "in_line": "In",
        "time": "2015-02-02T10:00:00",
        "invented": ["the date", "body text"],
    },
    {
        "path": "/2016/stimsons-letters-mekong-time-new-narrative-mekong-hydropower-report-cited"
        "-mongabay/",
        "title": "Stimson’s Letters from the Mekong: Time for a New Narrative on Mekong "
        "Hydropower report cited in Mongabay",
        "label": "Stimson in the News",
        "in_line": "in Program",
        "time": "2016-08-10T10:00:00",
        "outbound": ("Read the full article here.", "https://news.mongabay.com/2016/08/mekong/"),
        "invented": ["the date", "the teaser", "the link of “here”"],
    },
    {
        "path": "/2020/new-mekong-dam-monitor-brings-unprecedented-transparency-to-base-wide-dam"
        "-operations/",
        "title": "New: Mekong Dam Monitor Brings Unprecedented Transparency to Basin-Wide Dam "
        "Operations",
        "label": "Press Release",
        "program": ("Mekong Policy Project", "Southeast Asia"),
        "time": "2020-12-15T10:00:00",
        "invented": ["the date", "body text"],
    },
    {
        "path": "/2021/stimsons-mekong-dam-monitor-wins-disaster-tech-award/",
        "title": "Stimson’s Mekong Dam Monitor Wins Disaster Tech Award",
        "label": "Press Release",
        "featuring": "Brian Eyler",
        "program": ("Mekong Policy Project", "Southeast Asia"),
        "time": "2021-06-17T10:00:00",
        "invented": ["the date", "body text"],
    },
    {
        "path": "/2025/four-days-in-may-the-india-pakistan-crisis-of-2025/",
        "title": "Four Days in May: The India-Pakistan Crisis of 2025",
        "label": "Commentary",
        "dek": "A dek under the title (placeholder).",
        "authors": [
            ("Yun Sun", "Co-Director, East Asia Program and Director, China Program"),
            ("Brian Eyler", "Director, Southeast Asia Program"),
        ],
        "program": ("South Asia",),
        "time": "2025-05-28T10:00:00",
        "invented": [
            "the label, dek and byline (the notes know this piece from a citation only; the "
            "roles are those notes 6 gives)",
            "the time of day (the day is the citation's)",
            "body text",
        ],
    },
]


def short_date(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"  # Drupal page: "Dec 5, 2018" (notes 4.1)


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"  # Drupal listing: "December 5, 2018" (notes 3)


def body_paragraphs(record: dict[str, Any]) -> list[str]:
    """The body: invented teaser text, then the outbound sentence with "here" linked."""
    out = [
        "<!-- invented: body text -->",
        f"This piece, “{escape(record['title'])}”, is placeholder text for an offline mirror;"
        " the real paragraphs are not part of the evidence.",
    ]
    if "outbound" in record:
        sentence, href = record["outbound"]
        linked = escape(sentence).replace("here", f'<a href="{href}">here</a>', 1)
        out += ["<!-- invented: the link of “here” -->", linked]
    return out


def drupal_page(record: dict[str, Any]) -> str:
    """A Drupal article page (notes 4.1)."""
    day = date.fromisoformat(record["day"])
    experts = "\n".join(
        f'      <div class="field__item {"even" if n % 2 == 0 else "odd"}">'
        f'<div class="expert-name">{escape(name)}</div></div>'
        for n, name in enumerate(record["authors"])
    )
    body = "\n    ".join(
        p if p.startswith("<!--") else f"<p>{p}</p>" for p in body_paragraphs(record)
    )
    invented = "; ".join(record["invented"])
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<!-- invented: the <title>, the page chrome and every wrapper; the notes give the classes
     h1.product-title, div.author-date-block span.date-product, div.expert-name and
     div.field__item.even (the expert field's item first, then the body's) -->
<title>{escape(record["title"])} | Stimson Center</title>
</head>
<body>
<!-- invented: {escape(invented)} -->
<nav class="main-menu"><a href="/">Stimson Center</a> <a href="/programs/china">China</a>
  <a href="/programs/grand-strategy-pivotal-places">Grand Strategy: Pivotal Places</a></nav>
<div class="main-container">
  <h1 class="product-title">{escape(record["title"])}</h1>
  <div class="author-date-block">
    <div class="field field--name-field-expert"><div class="field__items">
{experts}
    </div></div>
    <span class="date-product">{short_date(day)}</span>
  </div>
  <div class="field field--name-body"><div class="field__items"><div class="field__item even">
    {body}
  </div></div></div>
  <!-- invented: the program blurb's and the experts' bios' markup (notes 4.1: a scraper
       reading every p picked them up) -->
  <div class="program-blurb"><p>The program's blurb: what it studies and why.</p></div>
  <div class="expert-bio"><p>{escape(record["authors"][-1])} is a Stimson expert.</p></div>
</div>
<footer><p>The Stimson Center, 1211 Connecticut Ave NW, Washington, DC</p></footer>
</body>
</html>
"""


def drupal_item(record: dict[str, Any]) -> str:
    """An item of a Drupal program listing (notes 3)."""
    experts = " , ".join(f"EXPERT: {escape(name)}" for name in record["authors"])
    line = f"{long_date(date.fromisoformat(record['day']))} | {experts}"
    return f"""  <div class="views-row">
    <div class="current-title"><a href="{record["path"]}">{escape(record["title"])}</a></div>
    <div class="item-meta">{line}</div>
    <div class="item-teaser"><p>A teaser of “{escape(record["title"])}”.</p></div>
  </div>"""


def drupal_pager(base: str, page_no: int, pages: int) -> str:
    """Drupal 7's pager: ?page=N counted from 0, the first page without a query."""

    def href(n: int) -> str:
        return base if n == 0 else f"{base}?page={n}"

    items = []
    for n in range(pages):
        if n == page_no:
            items.append(f'<li class="pager-current">{n + 1}</li>')
        else:
            items.append(f'<li class="pager-item"><a href="{href(n)}">{n + 1}</a></li>')
    if page_no + 1 < pages:
        items.append(f'<li class="pager-next"><a href="{href(page_no + 1)}">next ›</a></li>')
    return '<div class="item-list"><ul class="pager">' + "".join(items) + "</ul></div>"


def drupal_listing(slug: str, records: Sequence[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    """(URL path, html) of each page of a program listing, newest first."""
    base = f"/programs/{slug}"
    newest = sorted(records, key=lambda r: r["day"], reverse=True)
    pages = max(1, -(-len(newest) // PAGE_SIZE))
    for page_no in range(pages):
        chunk = newest[page_no * PAGE_SIZE : (page_no + 1) * PAGE_SIZE]
        items = "\n".join(drupal_item(record) for record in chunk)
        path = base if page_no == 0 else f"{base}?page={page_no}"
        label = PROGRAMS[slug]
        yield (
            path,
            f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head><meta charset="utf-8"><title>{escape(label)} | Stimson Center</title></head>
<body>
<!-- invented: every tag and class but div.current-title > a (notes 3: the listing's text,
     the item line "<Month D, YYYY> | EXPERT: <Name>", the ?page=N pager from 0); which
     program lists which piece; the teasers; the feed link's URL -->
<nav class="main-menu"><a href="/">Stimson Center</a> <a href="/staff/yun-sun">Yun Sun</a></nav>
<div class="main-container">
<h1>{escape(label)}</h1>
<h2>Research and Analysis</h2>
<div class="view-content">
{items}
</div>
{drupal_pager(base, page_no, pages)}
<a class="feed-icon" href="/taxonomy/term/56/feed">Subscribe to RSS - {escape(label)}</a>
</div>
</body>
</html>
""",
        )


def wordpress_graph(record: dict[str, Any], url: str, published: str) -> list[dict[str, Any]]:
    article: dict[str, Any] = {
        "@type": "Article",
        "@id": f"{url}#article",
        "isPartOf": {"@id": url},
        "headline": record["title"],
        "datePublished": published,
        "mainEntityOfPage": {"@id": url},
        "publisher": {"@id": f"{HOME}/#organization"},
    }
    if record.get("authors"):
        article["author"] = [{"@type": "Person", "name": name} for name, _ in record["authors"]]
    return [
        article,
        {"@type": "WebPage", "@id": url, "url": url, "name": record["title"]},
        {"@type": "Organization", "@id": f"{HOME}/#organization", "name": "Stimson Center"},
        {"@type": "WebSite", "@id": f"{HOME}/#website", "url": f"{HOME}/", "name": "Stimson"},
    ]


def utc(record: dict[str, Any]) -> str:
    # invented: times of day, written in UTC as Yoast does
    return datetime.fromisoformat(record["time"]).isoformat() + "+00:00"


def wordpress_page(record: dict[str, Any]) -> str:
    """A WordPress article page (notes 4.2): the blocks in the notes' order."""
    url = HOME + record["path"]
    published = utc(record)
    schema = json.dumps(
        {"@context": "https://schema.org", "@graph": wordpress_graph(record, url, published)},
        ensure_ascii=False,
    )
    header = [f"<p>{escape(record['label'])}</p>", f"<h1>{escape(record['title'])}</h1>"]
    if "in_line" in record:
        header.append(f"<p>{record['in_line']}</p>")
    if "dek" in record:
        header.append(f"<p>{escape(record['dek'])}</p>")
    if "featuring" in record:
        header.append(f"<p>Featuring {escape(record['featuring'])}</p>")
    if record.get("authors"):
        people = "".join(
            f"<li><span>{escape(name)}</span> <span>{escape(role)}</span></li>"
            for name, role in record["authors"]
        )
        header.append(f"<p>By</p><ul>{people}</ul>")
    body = "\n    ".join(
        p if p.startswith("<!--") else f"<p>{p}</p>" for p in body_paragraphs(record)
    )
    share = "".join(
        f'<a href="#">Share on {name}</a> ' for name in ("twitter", "facebook", "linkedin", "email")
    )
    program = ""
    if "program" in record:
        first, *rest = record["program"]
        program = f"<p>Part of the {escape(first)}</p>" if rest else f"<p>{escape(first)}</p>"
        program += "".join(f"<p>{escape(more)}</p>" for more in rest)
    invented = "; ".join(record["invented"])
    header_lines = "\n  ".join(header)
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<!-- invented: the whole head (Yoast SEO's usual tags: notes 4.2 only infer them) -->
<title>{escape(record["title"])} • Stimson Center</title>
<link rel="canonical" href="{url}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(record["title"])}">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="Stimson Center">
<meta property="article:published_time" content="{published}">
<link rel="alternate" type="application/rss+xml" title="Stimson Center &raquo; Feed" href="{HOME}/feed/">
<script type="application/ld+json" class="yoast-schema-graph">{schema}</script>
</head>
<body>
<!-- invented: every tag and class of the body, and the visible date left out (notes 4.2:
     only the visible order of the blocks is known, and the date was never captured) -->
<!-- invented: {escape(invented)} -->
<nav><a href="{HOME}/">Stimson</a> <a href="{HOME}/program/south-asia-program/">Programs</a>
  <a href="{HOME}/events/dam-dilemmas-competing-priorities-for-development-of-the-mekong-river/">Events</a>
  <span>Commentary</span> <span>Press Release</span></nav>
<main>
<article>
<header>
  {header_lines}
</header>
<div class="entry-content">
    {body}
</div>
<div>{share}</div>
<div>{program}</div>
<div>
  <h2>Media Inquiries</h2>
  <p>Contact Caitlin Goodman at [email protected] or 202-478-3437. Our main line is  202-223-5956.</p>
</div>
<form>
  <p>Choose Your Subscription Topics * indicates required I'm interested in...</p>
  <label><input type="checkbox"> 38 North: News and Analysis on North Korea</label>
  <label><input type="checkbox"> South Asian Voices</label>
</form>
</article>
</main>
</body>
</html>
"""  # noqa: E501


def sitemaps(records: Sequence[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    """Yoast's usual sitemap index and children (invented: notes 3 found no sitemap)."""
    children = {
        "post-sitemap.xml": [(HOME + r["path"], utc(r)) for r in records],
        "event-sitemap.xml": [
            (
                f"{HOME}/events/dam-dilemmas-competing-priorities-for-development-of-the-mekong"
                "-river/",
                None,
            )
        ],
        "program-sitemap.xml": [(f"{HOME}/program/south-asia-program/", None)],
    }
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    note = "<!-- invented: the sitemap index, its URL and its children (Yoast's usual) -->\n"
    index = [head, note, '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    for name in children:
        index.append(f"\t<sitemap>\n\t\t<loc>{HOME}/{name}</loc>\n\t</sitemap>\n")
    yield "/sitemap_index.xml", "".join([*index, "</sitemapindex>\n"])
    for name, entries in children.items():
        rows = "".join(
            f"\t<url>\n\t\t<loc>{loc}</loc>\n"
            + (f"\t\t<lastmod>{modified}</lastmod>\n" if modified else "")
            + "\t</url>\n"
            for loc, modified in entries
        )
        urlset = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        yield f"/{name}", f"{head}{note}{urlset}{rows}</urlset>\n"


def feed(records: Sequence[dict[str, Any]]) -> str:
    """/feed/ (notes 3), newest first, with WordPress's usual item fields (inferred)."""
    items = []
    for record in sorted(records, key=lambda r: r["time"], reverse=True)[:10]:
        when = format_datetime(datetime.fromisoformat(utc(record)))
        creator = record["authors"][0][0] if record.get("authors") else "Stimson Center"
        items.append(
            f"\t<item>\n\t\t<title>{escape(record['title'])}</title>\n"
            f"\t\t<link>{HOME}{record['path']}</link>\n"
            f"\t\t<dc:creator><![CDATA[{creator}]]></dc:creator>\n"
            f"\t\t<pubDate>{when}</pubDate>\n"
            f"\t\t<category><![CDATA[{record['label']}]]></category>\n"
            f'\t\t<guid isPermaLink="false">{HOME}{record["path"]}</guid>\n'
            f"\t\t<description><![CDATA[A teaser.]]></description>\n\t</item>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- invented: the item fields (WordPress's usual ones) and the texts -->\n"
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        f"\t<title>Stimson Center</title>\n\t<link>{HOME}</link>\n"
        "\t<language>en-US</language>\n" + "".join(items) + "</channel>\n</rss>\n"
    )


ROBOTS_TXT = (
    "# invented: the notes found no robots.txt; this is WordPress's usual one\n"
    f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {HOME}/sitemap_index.xml\n"
)


def site_files() -> Iterable[tuple[str, str]]:
    """(URL path, content) of every file of the mirror."""
    yield "/robots.txt", ROBOTS_TXT
    for record in DRUPAL:
        yield record["path"], drupal_page(record)
    for slug in PROGRAMS:
        yield from drupal_listing(slug, [r for r in DRUPAL if slug in r["programs"]])
    for record in WORDPRESS:
        yield record["path"], wordpress_page(record)
    yield from sitemaps(WORDPRESS)
    yield "/feed/", feed(WORDPRESS)


def generate_site(out_dir: Path) -> list[str]:
    """Write the mirror into ``out_dir`` (emptied first); the URL paths written."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / "robots.txt").is_file():
            raise SystemExit(f"{out_dir} is not empty and holds no mirror: not overwritten")
        shutil.rmtree(out_dir)
    written = []
    for path, content in site_files():
        name = "feed/index.xml" if path == "/feed/" else mirror_file_name(path)
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the offline mirror of www.stimson.org.")
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    written = generate_site(args.out_dir)
    print(f"{len(written)} files written to {args.out_dir}")


if __name__ == "__main__":
    main()
