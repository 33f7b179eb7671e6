"""Render an offline mirror of www.csis.org (the current Drupal site) from publication records.

The markup follows the public evidence collected in the project's CSIS site notes: the
server-rendered /analysis listing with its ``article.article-search-listing`` /
``report-search-listing`` cards, ``h3.headline-sm a span`` titles, ``div.search-listing--summary``
teasers and the credit line ``<Type> by <span class="contributor--item">Name</span> — <Month D,
YYYY>`` (section 2.1), Event and Digital Feature cards among the publications, the
``N - M of T results`` counter, zero-based ``?page=N`` pages, the sitemap index whose children
are ``sitemap.xml?page=N`` (1.4), the frozen /rss.xml still answering with 2016 items, titles
ending " | CSIS", the topic link and "Photo:" line near the top and the "Available Downloads"
block of reports with their PDF on csis-website-prod.s3.amazonaws.com (2.2). Every piece of
2019 is served in the current markup, as the site serves it today. Real publications keep their
real URL, title, date and byline (section 4). Everything the notes do not show (the article
page's markup beyond those lines, the pager, site chrome, body text, robots.txt, page size) is
announced in the page by an ``<!-- invented: ... -->`` comment.

Usage: ``python -m sitegen.csis OUT_DIR`` (the bundled sample: tests/mirrors/csis).
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Iterable, Sequence
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from thinkscrape.mirror import mirror_file_name

HOME = "https://www.csis.org"
S3 = "https://csis-website-prod.s3.amazonaws.com/s3fs-public"
PAGE_SIZE = 5  # invented: the notes give no page size for /analysis

ROBOTS_TXT = (
    "# invented: no copy of the site's robots.txt is recorded (notes 1.4)\n"
    f"User-agent: *\nDisallow: /search\n\nSitemap: {HOME}/sitemap.xml\n"
)

# The Globalization Chameleon's closing lines (notes 3.3): a bio naming the author in a
# shorter form than the credit, then the commentary boilerplate.
REINSCH_BIO = (
    "William Reinsch holds the Scholl Chair in International Business at the Center for "
    "Strategic and International Studies in Washington, D.C."
)
COMMENTARY_BOILERPLATE = (
    "<em>Commentary</em> is produced by the Center for Strategic and International Studies "
    "(CSIS), a private, tax-exempt institution focusing on international public policy issues. "
    "Its research is nonpartisan and nonproprietary. CSIS does not take specific policy "
    "positions. Accordingly, all views, positions, and conclusions expressed in this "
    "publication should be understood to be solely those of the author(s)."
)
NATO_SERIES = (
    "This series—featuring scholars from the Futures Lab, the International Security Program, "
    "and across CSIS—explores emerging challenges and opportunities that NATO is likely to "
    "confront after its 75th anniversary."
)

# Publications (section 4), newest first; "invented" lists what the notes do not give.
RECORDS: list[dict[str, Any]] = [
    {
        "slug": "unpacking-trumps-new-critical-minerals-executive-order",
        "title": "Unpacking Trump’s New Critical Minerals Executive Order",
        "label": "Commentary",
        "day": "2025-03-21",
        "authors": ["Gracelin Baskaran", "Meredith Schwartz"],
        "invented": ["the date", "the type label", "body text"],
    },
    {
        "slug": "what-know-about-signed-us-ukraine-minerals-deal",
        "title": "What to Know About the Signed U.S.-Ukraine Minerals Deal",
        "label": "Commentary",
        "day": "2025-05-01",
        "authors": ["Gracelin Baskaran", "Meredith Schwartz"],
        "invented": ["the date", "the type label", "body text"],
    },
    {
        "slug": "assessing-impact-china-russia-security-coordination-latin-america-and-caribbean",
        "title": "Assessing the Impact of China-Russia Security Coordination in Latin America "
        "and the Caribbean",
        "label": "Report",
        "day": "2025-02-10",
        "authors": ["A. Scholar", "B. Scholar", "C. Scholar"],
        "pdf": f"{S3}/2025-02/250210_Scholar_China_Russia_LatAm.pdf"
        "?VersionId=Qm3xYp0aLk7TzR2wVn8sDf4Gh6Jc1Eb9",
        "invented": ["the date", "the three names (the notes record none)", "the PDF's name"],
    },
    {
        "slug": "demographic-dilemma-why-military-support-must-consider-population-trends",
        "title": "The Demographic Dilemma: Why Military Support Must Consider Population Trends",
        "label": "Commentary",
        "day": "2024-12-16",
        "authors": ["Benjamin Jensen", "Mark Montgomery"],
        "invented": ["the URL slug (FDD's list gives none)", "the type label", "body text"],
    },
    {
        "slug": "nato-and-cyber-outrunning-bear",
        "title": "NATO and Cyber: Outrunning the Bear",
        "label": "Commentary",
        "day": "2024-07-08",
        "authors": ["Suzanne Spaulding", "Mark Montgomery"],
        "series_line": NATO_SERIES,
        "invented": ["the URL slug (FDD's list gives none)", "the type label"],
    },
    {
        "slug": "ending-cycle-crisis-and-complacency-us-global-health-security",
        "title": "Ending the Cycle of Crisis and Complacency in U.S. Global Health Security",
        "label": "Report",
        "day": "2019-11-20",
        "authors": ["J. Stephen Morrison"],
        "subtitle": "A Report of the CSIS Commission on Strengthening America’s Health Security",
        "pdf": f"{S3}/publication/191122_EndingTheCycle_GHSC_WEB_FULL_11.22.pdf",
        "first_paragraph": "When health crises strike—measles, MERS, Zika, dengue, Ebola, "
        "pandemic flu—and the American people grow alarmed, the U.S. government springs into "
        "action.",
        "invented": ["body text after the first sentence"],
    },
    {
        "slug": "spaceports-world",
        "title": "Spaceports of the World",
        "label": "Report",
        "day": "2019-03-13",
        "authors": ["Thomas G. Roberts"],
        "invented": ["body text", "the PDF's name"],
        "pdf": f"{S3}/publication/190313_SpaceportsOfTheWorld_pages.pdf",
    },
    {
        "slug": "pathways-developing-natural-gas-vehicle-market",
        "title": "Pathways for Developing a Natural Gas Vehicle Market",
        "label": "Commentary",
        "day": "2019-03-13",
        # the notes cut the second author's name off: only the first is credited here
        "authors": ["Kartikeya Singh"],
        "invented": ["body text", "a credit without the second author"],
    },
    {
        "slug": "kremlin-playbook-2-enablers",
        "title": "The Kremlin Playbook 2: The Enablers",
        "label": "Transcript",
        "day": "2019-03-13",
        "authors": [],
        "invented": ["body text"],
    },
    {
        "slug": "state-trading-union",
        "title": "State of the Trading Union",
        "label": "Podcast",
        "day": "2019-02-06",
        "authors": [],
        "invented": ["body text"],
    },
    {
        "slug": "asia-reassurance-initiative-act-reassuring-australia",
        "title": "The Asia Reassurance Initiative Act: Reassuring for Australia?",
        "label": "Commentary",
        "day": "2019-02-06",
        "authors": ["Rohana Prince"],
        "invented": ["body text"],
    },
    {
        "slug": "globalization-chameleon",
        "title": "The Globalization Chameleon",
        "label": "Commentary",
        "day": "2019-02-05",
        "authors": ["William Alan Reinsch"],
        "closing": [REINSCH_BIO, COMMENTARY_BOILERPLATE],
        "invented": ["body text before the bio"],
    },
    {
        "slug": "evening-isis-south-korea-running-empty-and-more",
        "title": "The Evening: ISIS, South Korea, Running On Empty and More",
        "label": "Newsletter",
        "day": "2019-02-04",
        "authors": [],
        "invented": ["body text"],
    },
]

# Cards of the listing that are no publications (notes 1.3): an event, a digital feature.
OTHER_CARDS: list[dict[str, Any]] = [
    {
        "href": "/events/online-event-aids-2020-reimagined",
        "title": "Online Event: AIDS 2020 Reimagined",
        "label": "Event",
        "day": "2020-05-29",
    },
    {
        "href": "https://features.csis.org/hiddenreach/china-djibouti-base-upgrade",
        "title": "Hidden Reach: China’s Djibouti Base Upgrade",
        "label": "Digital Feature",
        "day": "2025-03-05",
        "invented": ["the title and date"],
    },
]


def long_date(day: str) -> str:
    parsed = date.fromisoformat(day)
    return f"{parsed:%B} {parsed.day}, {parsed.year}"  # "February 5, 2019": day not padded


def slug_of(name: str) -> str:
    return "-".join("".join(c for c in w if c.isalnum()) for w in name.lower().split())


def joined(parts: Sequence[str]) -> str:
    """ "A, B and C" (inferred: the separators between the credited names are plain text)."""
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def credit(record: dict[str, Any]) -> str:
    """The card's credit line (notes 2.1): "<Type> by <Names> — <Month D, YYYY>"."""
    people = record.get("authors", [])
    names = [f'<span class="contributor--item">{escape(n)}</span>' for n in people]
    by = f" by {joined(names)}" if names else ""
    invented = (
        "" if names else "<!-- invented: a credit naming no one (its shape is not recorded) -->"
    )
    return f"{invented}<p>{escape(record['label'])}{by} — {long_date(record['day'])}</p>"


def teaser(record: dict[str, Any]) -> str:
    return record.get("first_paragraph") or f"An analysis of “{record['title']}”."


def card(record: dict[str, Any]) -> str:
    """An /analysis card (notes 2.1); ``report-search-listing`` marks reports."""
    kind = "report-search-listing" if record.get("label") == "Report" else "article-search-listing"
    href = record.get("href") or f"/analysis/{record['slug']}"
    summary = escape(teaser(record)) if "slug" in record else escape(record["title"])
    invented = "; ".join(record.get("invented", []))
    note = f"<!-- invented: {escape(invented)} -->\n" if invented and "slug" not in record else ""
    return f"""{note}<div class="views-row">
  <article class="{kind}">
    <!-- invented: the thumbnail's place and markup (not recorded) -->
    <h3 class="headline-sm"><a href="{href}"><span>{escape(record["title"])}</span></a></h3>
    <div class="search-listing--summary"><p>{summary}</p></div>
    <div class="contributors">{credit(record)}</div>
  </article>
</div>"""


def page(title: str, canonical: str, main: str, *, description: str = "") -> str:
    meta = (
        f'<meta property="og:description" content="{escape(description)}">\n' if description else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<title>{escape(title)} | CSIS</title>
<!-- invented: the meta tags beyond the title (the older theme's og: tags are assumed kept) -->
<link rel="canonical" href="{canonical}">
<meta property="og:title" content="{escape(title)}">
<meta property="og:url" content="{canonical}">
{meta}</head>
<body>
<!-- invented: the site chrome -->
<header class="site-header"><nav>
  <a href="/">Center for Strategic and International Studies</a>
  <a href="/analysis">Analysis</a> <a href="/experts">Experts</a> <a href="/events">Events</a>
  <a href="/podcasts">Podcasts</a> <a href="/programs/renewing-american-innovation">Renewing American Innovation</a>
</nav></header>
<main role="main">
{main}
</main>
<footer>
  <p>Sign up to receive <em>The Evening,</em> a daily brief on the news, events, and people shaping the world of international affairs.</p>
  <p><a href="/subscribe">Subscribe to More CSIS Newsletters</a></p>
</footer>
</body>
</html>
"""  # noqa: E501


def paragraphs(record: dict[str, Any], others: Sequence[dict[str, Any]]) -> list[str]:
    out = [escape(record["first_paragraph"])] if "first_paragraph" in record else []
    if "series_line" in record:
        out.append(f"<em>{escape(record['series_line'])}</em>")
    out += [
        "<!-- invented: body text -->",
        f"This piece, “{escape(record['title'])}”, is placeholder text for an offline mirror; "
        "the real page’s paragraphs are not part of the evidence.",
    ]
    other = next((o for o in others if o is not record), None)
    if other is not None:  # invented: a link to another CSIS piece, an own link
        out.append(
            f'See also <a href="/analysis/{other["slug"]}">{escape(other["title"])}</a> and the '
            f'data behind it (<a href="{S3}/2023-08/230804_Significant_Cyber_Events.pdf'
            '?VersionId=4gFwypzI2sLoxgX.9mUbuJfsIQDcV3is">Significant Cyber Events</a>).'
        )
    out += record.get("closing", [])
    return out


def byline(record: dict[str, Any]) -> str:
    links = [f'<a href="/people/{slug_of(n)}">{escape(n)}</a>' for n in record["authors"]]
    return f'<p class="byline">By {joined(links)}</p>' if links else ""


def article_page(record: dict[str, Any], records: Sequence[dict[str, Any]]) -> str:
    url = f"{HOME}/analysis/{record['slug']}"
    subtitle = f"<p>{escape(record['subtitle'])}</p>" if "subtitle" in record else ""
    downloads = ""
    if "pdf" in record:  # notes 2.2: "Available Downloads" right after the title
        downloads = (
            '<div class="downloads"><h2>Available Downloads</h2>'
            f'<a href="{escape(record["pdf"])}">Download the Full Report</a></div>'
        )
    body = "\n    ".join(
        p if p.startswith("<!--") else f"<p>{p}</p>" for p in paragraphs(record, records)
    )
    related = [r for r in records if r is not record and r["authors"]][:2]
    cards = "\n".join(
        f'  <div class="related-card"><a href="/analysis/{r["slug"]}">{escape(r["title"])}</a>'
        f"<p>By {escape(joined(r['authors']))}</p><p>{long_date(r['day'])}</p></div>"
        for r in related
    )
    invented = "; ".join(record["invented"])
    main = f"""<!-- invented: {escape(invented)} -->
<!-- invented: the article page's markup (notes 2.2: only the title, the topic link, the Photo: line and Available Downloads are recorded); the byline and date lines are the general shapes -->
<article>
  <header>
    <a href="/defense-and-security">Defense and Security</a>
    <h1>{escape(record["title"])}</h1>
    {subtitle}{byline(record)}
    <p>{long_date(record["day"])}</p>
    {downloads}
  </header>
  <p>Photo: Getty Images</p>
  <div class="article-body">
    {body}
  </div>
</article>
<!-- invented: the related cards' markup -->
<section class="related-content">
  <h2>Related Content</h2>
{cards}
</section>"""  # noqa: E501
    return page(record["title"], url, main, description=teaser(record))


def pager(page_no: int, pages: int) -> str:
    """Drupal's default pager (inferred: the current site's pager is not recorded)."""
    items = []
    for n in range(pages):
        current = ' class="pager__item is-active"' if n == page_no else ' class="pager__item"'
        items.append(f'<li{current}><a href="?page={n}">{n + 1}</a></li>')
    if page_no + 1 < pages:
        items.append(
            f'<li class="pager__item pager__item--next"><a href="?page={page_no + 1}" '
            'rel="next">Next ›</a></li>'
        )
    return (
        '<!-- invented: the pager (Drupal\'s default markup) -->\n<nav class="pager">'
        '<ul class="pager__items">' + "".join(items) + "</ul></nav>"
    )


def listing_pages(records: Sequence[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    cards = sorted([*records, *OTHER_CARDS], key=lambda r: r["day"], reverse=True)
    pages = -(-len(cards) // PAGE_SIZE)
    for page_no in range(pages):
        chunk = cards[page_no * PAGE_SIZE : (page_no + 1) * PAGE_SIZE]
        first = page_no * PAGE_SIZE + 1
        counter = f"{first} - {first + len(chunk) - 1} of {len(cards)} results"
        main = (
            '<h1>Analysis</h1>\n<div class="view-content">\n'
            f'<div class="csis-search-results-text">{counter}</div>\n'
            + "\n".join(card(c) for c in chunk)
            + "\n</div>\n"
            + pager(page_no, pages)
        )
        path = "/analysis" + (f"?page={page_no}" if page_no else "")
        yield path, page("Analysis", HOME + "/analysis", main)


def sitemaps(records: Sequence[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    """The index and its children sitemap.xml?page=N, listing every node type (notes 1.4);
    lastmod is the last edit, not the publication date."""
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    people = sorted({n for r in records for n in r["authors"]})
    children = [
        [f"{HOME}/analysis/{r['slug']}" for r in records[:7]]
        + [f"{HOME}/people/{slug_of(n)}" for n in people],
        [f"{HOME}/analysis/{r['slug']}" for r in records[7:]]
        + [f"{HOME}{OTHER_CARDS[0]['href']}", f"{HOME}/programs/renewing-american-innovation"],
    ]
    index = "".join(
        f"<sitemap><loc>{HOME}/sitemap.xml?page={n}</loc>"
        f"<lastmod>2026-09-09T11:55:26-04:00</lastmod></sitemap>\n"
        for n in range(1, len(children) + 1)
    )
    yield "/sitemap.xml", f"{head}<sitemapindex {ns}>\n{index}</sitemapindex>\n"
    for n, locs in enumerate(children, start=1):
        rows = "".join(
            f"<url><loc>{loc}</loc><lastmod>2026-09-{9 - n:02d}T11:55:26-04:00</lastmod>"
            "<changefreq>daily</changefreq></url>\n"
            for loc in locs
        )
        yield f"/sitemap.xml?page={n}", f"{head}<urlset {ns}>\n{rows}</urlset>\n"


FROZEN_FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<!-- invented: the items (the notes record only that the feed froze in 2016, with event content) -->
<rss version="2.0" xml:base="{HOME}/">
<channel>
<title>Center for Strategic and International Studies</title>
<link>{HOME}/</link>
<description></description>
<language>en</language>
<item><title>Global Security Forum 2016</title><link>{HOME}/events/global-security-forum-2016</link>
<pubDate>Mon, 07 Nov 2016 09:00:00 -0500</pubDate></item>
<item><title>Online Event: Energy Outlook 2016</title><link>{HOME}/events/energy-outlook-2016</link>
<pubDate>Tue, 01 Nov 2016 10:00:00 -0400</pubDate></item>
</channel>
</rss>
"""


def site_files(records: Sequence[dict[str, Any]] = RECORDS) -> Iterable[tuple[str, str]]:
    """(URL path, content) of every page of the mirror."""
    records = sorted(records, key=lambda r: r["day"], reverse=True)
    yield "/robots.txt", ROBOTS_TXT
    for record in records:
        yield f"/analysis/{record['slug']}", article_page(record, records)
    yield from listing_pages(records)
    yield from sitemaps(records)
    yield "/rss.xml", FROZEN_FEED


def generate_site(out_dir: Path, records: Sequence[dict[str, Any]] = RECORDS) -> list[str]:
    """Write the mirror into ``out_dir`` (emptied first); the URL paths written."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / "robots.txt").is_file():
            raise SystemExit(f"{out_dir} is not empty and holds no mirror: not overwritten")
        shutil.rmtree(out_dir)
    written = []
    for path, content in site_files(records):
        target = out_dir / mirror_file_name(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the offline mirror of www.csis.org.")
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    written = generate_site(args.out_dir)
    print(f"{len(written)} pages written to {args.out_dir}")


if __name__ == "__main__":
    main()
