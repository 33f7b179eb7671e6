"""Render an offline mirror of www.rand.org (Adobe Experience Manager) from publication records.

The markup follows the public evidence collected in the project's RAND site notes: the
publication page's product header (``h1#RANDTitleHeadingId`` in ``div.product-header``,
``p.authors`` "by A, B", ``p.type-published`` with ``span.type`` and ``span.published``
"Published ...", the abstract, related topics, the PDF button under ``/content/dam/``, the
"Published in:" line of external publications, section 2.1), the ``rand-date`` and
``citation_online_date`` meta (2.2), the 2019 commentary page (``p.type``, ``p.authors``
"by A and B", ``p.date``, ``div.body-text`` ending with the bio, the "This commentary
originally appeared on <outlet> on <date>." sentence and the disclaimer, then the share
links; related products with dates and names of their own, 2.3 and 3.3), the later
commentary header's text order (type, outlet in parentheses, photo credit, byline, date),
and the all-publications listing ``/pubs.html?page=N`` (``ul.teasers li``, ``div.text > h3
> a``, ``.type-time p.type``, ``p.date`` "Feb 11, 2019", 1.3). Real publications keep their
real URL, title, date and byline (section 5). Everything the notes do not show (site
chrome, wrappers, the later commentary's markup, body text, the links of the "originally
appeared" sentences, robots.txt) is announced by an ``<!-- invented: ... -->`` comment.

Usage: ``python -m sitegen.rand OUT_DIR`` (the bundled sample: tests/mirrors/rand).
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

HOME = "https://www.rand.org"
PAGE_SIZE = 5  # invented: the notes do not give the listing's page size
DISCLAIMER = (
    "Commentary gives RAND researchers a platform to convey insights based on their "
    "professional expertise and often on their peer-reviewed research and analysis."
)
# invented: no copy of robots.txt was found (notes 1.4)
ROBOTS_TXT = "# invented: no copy of RAND's robots.txt is recorded\nUser-agent: *\nDisallow:\n"


def _blog(
    slug: str,
    title: str,
    day: str,
    byline: str,
    outlet: str | None,
    appeared: str | None,
    href: str | None = None,
    bio: str | None = None,
) -> dict[str, Any]:
    return {
        "path": f"/blog/{day[:4]}/{day[5:7]}/{slug}.html",
        "era": "2019",
        "type": "commentary",
        "title": title,
        "day": day,
        "byline": byline,
        "outlet": outlet,
        "appeared": appeared,
        # invented: whether the sentence links to the outside piece is not recorded (3.3)
        "href": href,
        "bio": bio,
    }


# Real publications of section 5, newest first within each group. A 2019 commentary's
# "appeared" date is the outside outlet's; it can differ from the page's own (3.3).
RECORDS: list[dict[str, Any]] = [
    _blog(
        "the-need-to-think-more-clearly-about-great-power-competition",
        "The Need to Think More Clearly About 'Great-Power Competition'",
        "2019-02-11",
        "by Ali Wyne",
        "The National Interest",
        "February 11, 2019",
        "https://nationalinterest.org/feature/need-think-more-clearly-about-great-power-"
        "competition-43892",
    ),
    _blog(
        "what-the-shutdown-revealed-about-the-fragility-of-american",
        "What the Shutdown Revealed About the Fragility of American Life",
        "2019-02-11",
        "by Krishna B. Kumar",
        "RealClearPolicy",
        "February 7, 2019",
        "https://www.realclearpolicy.com/articles/2019/02/07/what_the_shutdown_revealed.html"
        "?utm_source=rand&utm_medium=commentary",
    ),
    _blog(
        "terrorists-on-the-border-and-government-secrecy",
        "Terrorists on the Border and Government Secrecy",
        "2019-02-13",
        "by Brian Michael Jenkins and Richard Daddario",
        "The Hill",
        "February 13, 2019",
        "https://thehill.com/opinion/national-security/429797-terrorists-on-the-border",
    ),
    _blog(
        "syrian-skills-a-missed-opportunity",
        "Syrian Skills: A Missed Opportunity",
        "2019-02-14",
        "by Shanthi Nataraj and Louay Constant",
        "RealClearWorld",
        "February 13, 2019",
        "https://www.realclearworld.com/articles/2019/02/13/syrian_skills.html",
    ),
    _blog(
        "a-new-framework-for-evaluating-counter-violent-extremism",
        "A New Framework for Evaluating Counter Violent Extremism Projects",
        "2019-02-15",
        "by Ben Baruch",
        None,
        None,
    ),
    _blog(
        "book-review-the-woman-who-smashed-codes-by-jason-fagone",
        "Book Review: 'The Woman Who Smashed Codes' by Jason Fagone",
        "2019-02-19",
        "by Cortney Weinbaum",
        "Modern War Institute (West Point)",
        "February 19, 2019",
        "https://mwi.usma.edu/book-review-woman-smashed-codes/",
    ),
    _blog(
        "americas-national-defense-strategy-and-the-paradox",
        "America's National Defense Strategy and the Paradox of Technology",
        "2019-02-04",
        "by Chad C. Serena and Colin P. Clarke",
        "The National Interest",
        "January 30, 2019",
        "https://nationalinterest.org/feature/americas-national-defense-strategy-and-"
        "paradox-technology-42642",
    ),
    _blog(
        "hard-to-predict-outcome-of-second-trump-kim-summit",
        "Hard to Predict Outcome of Second Trump-Kim Summit",
        "2019-02-06",
        "by Bruce W. Bennett",
        "The National Interest",
        "February 6, 2019",
        "https://nationalinterest.org/blog/korea-watch/hard-predict-outcome-second-trump-"
        "kim-summit-43222",
        bio="Bruce W. Bennett is a senior international/defense researcher at the nonprofit,"
        " nonpartisan RAND Corporation.",
    ),
    _blog(
        "the-islamic-republics-foreign-policy-at-forty",
        "The Islamic Republic's Foreign Policy at Forty",
        "2019-02-08",
        "by Ariane M. Tabatabai",
        "Atlantic Council",
        "February 8, 2019",
        "https://www.atlanticcouncil.org/blogs/iransource/the-islamic-republic-s-foreign-"
        "policy-at-forty/",
    ),
    {
        "path": "/pubs/research_reports/RR2575z8.html",
        "era": "product",
        "type": "report",
        "label": "Research",  # invented: the span.type text
        "title": "Educator Access to and Use of Data Systems",
        "day": "2019-02-14",
        "byline": "by Tiffany Tsai, Katie Tosh",
        "pdf": "/content/dam/rand/pubs/research_reports/RR2500/RR2575z8/RAND_RR2575z8.pdf",
        "topics": ["Education Technology", "Data Science"],  # invented
        "series": "This report is part of the RAND Corporation research report series. RAND "
        "reports present research findings and objective analysis that address the "
        "challenges facing the public and private sectors.",
    },
    {
        "path": "/pubs/external_publications/EP67794.html",
        "era": "product",
        "type": "report",
        "label": "Journal Article",  # invented: the span.type text
        "title": "Market Power and Price Discrimination in the US Market for Higher Education",
        "day": "2019-02-15",
        "byline": "by Dennis N Epple, Richard Romano, Sinan Sarpca, Holger Sieg, Melanie A. Zaber",
        # invented: the notes say "an outside journal" without naming it
        "journal": "The RAND Journal of Economics",
        "external": "https://doi.org/10.1111/1756-2171.12268",  # invented
        "topics": ["Higher Education"],  # invented
    },
    {
        "path": "/pubs/commentary/2022/12/ten-things-that-inspired-me-in-2022.html",
        "era": "current",
        "type": "commentary",
        "title": "Ten Things That Inspired Me in 2022",
        "day": "2022-12-15",
        "byline": "by Jason Matheny",
        "header_outlet": "The RAND Blog",
        "outlet": None,
        "appeared": None,
        "invented": "the URL's year and month (the notes give the slug)",
    },
    {
        # invented: title, byline, date, outlet and link (the notes give the URL only)
        "path": "/pubs/commentary/2026/01/the-israel-iran-detente-wont-last.html",
        "era": "current",
        "type": "commentary",
        "title": "The Israel-Iran Détente Won't Last",
        "day": "2026-01-12",
        "byline": "by Avery Example and Jordan Sample",
        "header_outlet": "The Hill",
        "outlet": "The Hill",
        "appeared": "January 9, 2026",
        "href": "https://thehill.com/opinion/international/5680000-israel-iran-detente/",
        "invented": "the whole record but its URL",
    },
]


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"  # "February 6, 2019": day not padded


def short_date(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"  # "Nov 26, 2014" on cards (1.3, 3.1)


def names_of(byline: str) -> list[str]:
    rest = byline.split(" ", 1)[1]
    return [n.strip() for part in rest.split(" and ") for n in part.split(",") if n.strip()]


def linked_byline(byline: str) -> str:
    """ "by <a>A</a> and <a>B</a>": each name a link to a people page (invented hrefs)."""
    out = escape(byline)
    for name in names_of(byline):
        slug = name.split()[-1].lower()
        href = f"{HOME}/about/people/{slug[0]}/{slug}_{name.split()[0].lower()}.html"
        out = out.replace(escape(name), f'<a href="{href}">{escape(name)}</a>', 1)
    return out


def page(title: str, record_meta: str, main: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<!-- invented: the <title> suffix, the canonical link and the site chrome -->
<title>{escape(title)} | RAND</title>
{record_meta}
</head>
<body>
<div id="rand-header"><nav class="top-nav">
  <a href="{HOME}/">RAND</a> <a href="{HOME}/pubs.html">Research &amp; Commentary</a>
  <a href="{HOME}/topics/korean-peninsula.html">Korean Peninsula</a>
  <a href="{HOME}/about/people.html">Experts</a> <a href="{HOME}/events.html">Events</a>
</nav></div>
{main}
<div id="rand-footer"><p>The RAND Corporation is a research organization that develops
solutions to public policy challenges.</p></div>
</body>
</html>
"""


def body_paragraphs(record: dict[str, Any]) -> list[str]:
    first = record["byline"].split(" ", 1)[1].split(" and ")[0]
    bio = (
        record.get("bio")
        or f"{first} is a researcher at the nonprofit, nonpartisan RAND Corporation."
    )
    out = [
        "<!-- invented: body text and the bio (the notes give one bio, Bruce W. Bennett's) -->",
        f"<p>This commentary, “{escape(record['title'])},” is placeholder text for an offline "
        "mirror; the real piece’s paragraphs are not part of the evidence.</p>",
        f"<p>It was published on {long_date(date.fromisoformat(record['day']))} and argues "
        "its case in plain paragraphs.</p>",
        f"<p>{escape(bio)}</p>",
    ]
    if record.get("outlet"):
        outlet = escape(record["outlet"])
        if record.get("href"):
            outlet = f'<a href="{escape(record["href"])}">{outlet}</a>'
        out += [
            "<!-- invented: the link on the outlet's name -->",
            f"<p>This commentary originally appeared on {outlet} on {record['appeared']}.</p>",
        ]
    out.append(f"<p>{DISCLAIMER}</p>")
    return out


SHARE = (
    '<ul class="share">'
    + "".join(f'<li><a href="#">Share on {n}</a></li>' for n in ("Facebook", "Twitter", "LinkedIn"))
    + "</ul>"
)
RELATED = """<div class="related-products">
  <h2>Related Products</h2>
  <!-- invented: the related product's title and link (the notes give its date and names) -->
  <ul class="teasers"><li><div class="text">
    <h3><a href="https://www.rand.org/pubs/research_reports/RR2575z8.html">Educator Access to and Use of Data Systems</a></h3>
    <p class="authors">William R. Johnston @WR_Johnston, Goke Akinniranye, et al.</p>
    <p class="date">Dec 13, 2018</p>
  </div></li></ul>
</div>"""  # noqa: E501


def meta(record: dict[str, Any], category: str) -> str:
    day = date.fromisoformat(record["day"])
    lines = [
        f'<link rel="canonical" href="{HOME}{record["path"]}">',
        f'<meta name="rand-date" content="{day:%Y%m%d}">',
        f'<meta name="rand-content-category" content="{category}">',
    ]
    if record["era"] == "product":  # Highwire tags on publication pages (2.2)
        lines.append(f'<meta name="citation_online_date" content="{day:%Y/%m/%d}">')
    return "\n".join(lines)


def blog_page(record: dict[str, Any]) -> str:
    """A 2019 commentary page (2.3)."""
    body = "\n  ".join(body_paragraphs(record))
    main = f"""<!-- invented: the wrappers around the notes' classes and their order -->
<div id="content">
<div class="blog-header">
  <p class="type">commentary</p>
  <h1 id="RANDTitleHeadingId">{escape(record["title"])}</h1>
  <p class="authors">{linked_byline(record["byline"])}</p>
  <p class="date">{long_date(date.fromisoformat(record["day"]))}</p>
</div>
<div class="body-text">
  {body}
  {SHARE}
</div>
{RELATED}
</div>"""
    return page(record["title"], meta(record, "blog"), main)


def current_page(record: dict[str, Any]) -> str:
    """A commentary page from about 2022 on: the notes give its text order only (2.3)."""
    body = "\n  ".join(body_paragraphs(record))
    note = f"; {escape(record['invented'])}" if record.get("invented") else ""
    main = f"""<!-- invented: every element of this page (the notes give its header's text order){note} -->
<main>
<article>
<header>
  <p>commentary</p>
  <p>({escape(record["header_outlet"])})</p>
  <h1>{escape(record["title"])}</h1>
  <figure><img src="{HOME}/content/dam/rand/image.jpg" alt=""><figcaption>Photo by Staff Photographer/Getty Images</figcaption></figure>
  <p>{linked_byline(record["byline"])}</p>
  <p>{long_date(date.fromisoformat(record["day"]))}</p>
</header>
<div class="article-body">
  {body}
</div>
{SHARE}
</article>
</main>"""  # noqa: E501
    return page(record["title"], meta(record, "blog"), main)


def product_page(record: dict[str, Any]) -> str:
    """A publication page (2.1)."""
    day = date.fromisoformat(record["day"])
    topics = "".join(
        f'<li><a href="{HOME}/topics/{t.lower().replace(" ", "-")}.html">{escape(t)}</a></li>'
        for t in record["topics"]
    )
    extra = ""
    if "journal" in record:  # external publications: where it appeared, no PDF
        extra = (
            f"<p>Published in: {escape(record['journal'])}</p>\n"
            f"  <p>Posted on rand.org {short_date(day)}</p>"
        )
    buybox = ""
    if "pdf" in record:
        buybox = f"""<div class="cover-cta"><div id="buybox">
    <div class="btn-download"><a href="{HOME}{record["pdf"]}">Download PDF</a></div>
  </div></div>"""
    external = ""
    if "external" in record:
        external = f"""<div class="section external-link">
    <a class="more-link" href="{record["external"]}">Read Full Text</a></div>"""
    series = f"<p>{escape(record['series'])}</p>" if "series" in record else ""
    main = f"""<!-- invented: the wrappers, the abstract text, the topics{" and the journal" if "journal" in record else ""} -->
<div id="content">
<div class="product-header">
  <h1 id="RANDTitleHeadingId">{escape(record["title"])}</h1>
  <p class="authors">{linked_byline(record["byline"])}</p>
  <p class="type-published"><span class="type">{escape(record["label"])}</span> <span class="published">Published {long_date(day)}</span></p>
  {extra}
  {buybox}
</div>
<div class="product-main">
  <div class="abstract product-page-abstract">
    <div class="abstract-first-letter"><p>This study, “{escape(record["title"])},” is summarised here in placeholder text for an offline mirror.</p></div>
    <p>Its findings are not part of the evidence.</p>
  </div>
  {external}
  <ul class="related-topics">{topics}</ul>
  <div class="document-details"><h2>Document Details</h2><ul><li><span class="doi">invented</span></li></ul></div>
  {series}
</div>
</div>"""  # noqa: E501
    return page(record["title"], meta(record, "research"), main)


def card(record: dict[str, Any]) -> str:
    """A card of /pubs.html (1.3)."""
    label = record.get("label") or "Commentary"
    return f"""<li>
  <div class="text">
    <h3><a href="{HOME}{record["path"]}">{escape(record["title"])}</a></h3>
    <div class="type-time"><p class="type">{escape(label)}</p><p class="date">{short_date(date.fromisoformat(record["day"]))}</p></div>
    <!-- invented: the card's summary -->
    <p class="desc">A summary of “{escape(record["title"])}”.</p>
  </div>
</li>"""  # noqa: E501


NOT_A_PUBLICATION = f"""<li>
  <!-- invented: a news advisory card on the listing (its URL is real, 1.2) -->
  <div class="text">
    <h3><a href="{HOME}/news/advisories/2017/05/11.html">RAND Experts Available</a></h3>
    <div class="type-time"><p class="type">News Advisory</p><p class="date">May 11, 2017</p></div>
  </div>
</li>"""


def listing_pages(records: Sequence[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    pages = max(1, -(-len(records) // PAGE_SIZE))
    for number in range(1, pages + 1):
        chunk = records[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        cards = [card(r) for r in chunk] + ([NOT_A_PUBLICATION] if number == pages else [])
        links = "".join(
            f'<a href="{HOME}/pubs.html{"" if n == 1 else f"?page={n}"}">{n}</a>'
            if n != number
            else f"<span>{n}</span>"
            for n in range(1, pages + 1)
        )
        if number < pages:
            links += f'<a class="next" href="{HOME}/pubs.html?page={number + 1}">Next</a>'
        path = "/pubs.html" if number == 1 else f"/pubs.html?page={number}"
        main = f"""<!-- invented: the wrappers and the page size -->
<div id="content">
<h1>Research &amp; Commentary</h1>
<div class="filteredlist">
<ul class="teasers">
{chr(10).join(cards)}
</ul>
<nav class="pagination">{links}</nav>
</div>
</div>"""
        yield (
            path,
            page("Research & Commentary", f'<link rel="canonical" href="{HOME}{path}">', main),
        )


def site_files(records: Sequence[dict[str, Any]] = RECORDS) -> Iterable[tuple[str, str]]:
    """(URL path, content) of every page of the mirror."""
    records = sorted(records, key=lambda r: r["day"], reverse=True)
    yield "/robots.txt", ROBOTS_TXT
    for record in records:
        render = {"2019": blog_page, "current": current_page, "product": product_page}
        yield record["path"], render[record["era"]](record)
    yield from listing_pages(records)


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
    parser = argparse.ArgumentParser(description="Write the offline mirror of www.rand.org.")
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    written = generate_site(args.out_dir)
    print(f"{len(written)} pages written to {args.out_dir}")


if __name__ == "__main__":
    main()
