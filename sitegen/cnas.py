"""Render an offline mirror of www.cnas.org from publication records.

The markup follows the public evidence collected in the project's CNAS site notes (sections
2.1-2.6 and 3): the header with its attribution block, date paragraph and title group,
``a.contributor`` / ``span.contributor`` bylines, the PDF and print buttons, the
``#mainbar`` body, the "More from CNAS" card layouts of each period, the listing pages with
20 items and ``p{N}`` pagination, and robots.txt word for word. Everything the notes do not
show (site chrome, card and in-the-news markup, invented body text) is announced in the page
by an ``<!-- invented: ... -->`` comment, so nobody mistakes it for the real site.

A record is a dict (see ``cnas_records.json`` for the bundled ones)::

    {"url": "https://www.cnas.org/publications/commentary/<slug>", "type": "commentary",
     "title": "...", "date": "August 02, 2017", "date_iso": "2017-08-02",
     "authors": [{"name": "Patrick M. Cronin", "slug": "patrick-m-cronin"}], ...}

Usage: ``python -m sitegen.cnas OUT_DIR [--synthetic N] [--seed S] [--no-pad]``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from html import escape as _html_escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HOME = "https://www.cnas.org"
PAGE_SIZE = 20
RECORDS_PATH = Path(__file__).with_name("cnas_records.json")
PDF_PREFIX = "//s3.amazonaws.com/files.cnas.org/documents/"
TITLE_SUFFIX = " | Center for a New American Security (en-US)"

# Word for word as the notes record it (section 1.6).
ROBOTS_TXT = (
    "Sitemap: https://www.cnas.org/sitemap.xml\n"
    "\n"
    "# Don't allow web crawlers to index Craft CMS\n"
    "User-agent: *\n"
    "Disallow: /admin/\n"
    "Disallow: /cache/\n"
)

# Labels shown on cards (section 2.4 shows "Commentary", "Reports" and "Video").
TYPE_LABELS = {
    "report": "Reports",
    "commentary": "Commentary",
    "podcast": "Podcast",
    "video": "Video",
    "transcript": "Transcript",
    "testimony": "Congressional Testimony",
    "blog": "Blog",
    "press-release": "Press Release",
    "in-the-news": "In the News",
    "event": "Event",
}

MONTHS = (
    "January February March April May June July August September October November December"
).split()


def text(value: str) -> str:
    """Escape for a text node (quotes stay as written, as the site writes them)."""
    return _html_escape(value, quote=False)


def attr(value: str) -> str:
    """Escape for an attribute value."""
    return _html_escape(value, quote=True)


@dataclass(frozen=True)
class Listing:
    """One of the site's publication indexes."""

    path: str
    heading: str
    types: frozenset[str]
    trailing_slash: bool  # cnas_scraper wrote /articles-multimedia/p{N}/ but /reports/p{N}

    def page_path(self, page: int, query: str = "") -> str:
        """URL path of page ``page`` (1-based); page 1 is the bare index.

        A filtered page keeps its query and has no trailing slash, as archived:
        ``/articles-multimedia/p2?author=richard-fontaine&type=commentary``.
        """
        if page == 1:
            path = self.path
        else:
            path = f"{self.path}/p{page}" + ("/" if self.trailing_slash and not query else "")
        return f"{path}?{query}" if query else path


LISTINGS = (
    Listing("/reports", "Reports", frozenset({"report"}), False),
    Listing(
        "/articles-multimedia",
        "Articles & Multimedia",
        frozenset({"commentary", "podcast", "video", "transcript", "testimony", "blog"}),
        True,
    ),
    Listing("/press", "Press", frozenset({"press-release", "in-the-news"}), False),
)


# --- small formatting helpers ----------------------------------------------------------


def page_count(total: int, page_size: int = PAGE_SIZE) -> int:
    """Number of listing pages for ``total`` items (an empty listing still has page 1)."""
    return max(1, -(-total // page_size))


def showing_line(page: int, total: int, page_size: int = PAGE_SIZE) -> str:
    """The listing header, e.g. "Showing 21-40 of 217 Publications"."""
    start = (page - 1) * page_size + 1
    end = min(page * page_size, total)
    return f"Showing {start}-{end} of {total} Publications"


def padded_date(day: date) -> str:
    """Detail-page form: "February 06, 2019"."""
    return f"{MONTHS[day.month - 1]} {day.day:02d}, {day.year}"


def unpadded_date(day: date) -> str:
    """Card form: "January 6, 2019"."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def card_date(record: dict[str, Any]) -> str:
    if record.get("date_iso"):
        return unpadded_date(date.fromisoformat(record["date_iso"]))
    return record["date"]


def listing_for(record: dict[str, Any]) -> Listing | None:
    for listing in LISTINGS:
        if record["type"] in listing.types and record["url_path"].startswith(
            ("/publications/", "/press/")
        ):
            return listing
    return None


def url_path(url: str) -> str:
    return urlsplit(url).path


def people_url(slug: str) -> str:
    return f"{HOME}/people/{slug}"


def _author_name(author: dict[str, Any]) -> str:
    # Some contributor link texts start with a zero-width space (site notes 2.1).
    return ("\u200b" if author.get("zwsp") else "") + author["name"]


def _author_html(author: dict[str, Any], css_class: str = "contributor") -> str:
    name = text(_author_name(author))
    if author.get("slug"):
        return f'<a class="{css_class}" href="{people_url(author["slug"])}">{name}</a>'
    return name  # co-authors outside CNAS are plain text (notes 2.1, inferred)


def join_names(names: Sequence[str], last: str) -> str:
    """Join names as bylines do: "A and B" on detail pages, "A, B & C" on cards."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {last} " + names[-1]


def card_byline(record: dict[str, Any]) -> str:
    if "card_byline" in record:
        return record["card_byline"] or ""
    names = [a["name"] for a in record.get("authors", [])]
    return "By " + join_names(names, "&") if names else ""


def strip_tags(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment)


def excerpt_of(record: dict[str, Any]) -> str:
    """A card or listing excerpt, without the trailing "..." the page adds."""
    if record.get("excerpt"):
        return record["excerpt"]
    paragraphs = body_paragraphs(record)
    first = strip_tags(paragraphs[0]) if paragraphs else record.get("title", "")
    if len(first) <= 160:
        return first
    return first[:160].rsplit(" ", 1)[0]


# --- invented prose -----------------------------------------------------------------------

_SUBJECTS = (
    "Washington",
    "The United States",
    "The Pentagon",
    "Congress",
    "The administration",
    "NATO",
    "The alliance",
    "The next administration",
)
_VERBS = (
    "is running out of time on",
    "cannot afford to ignore",
    "should prepare for",
    "has underestimated",
    "needs a clearer strategy for",
    "must weigh the costs of",
)
_OBJECTS = (
    "the risks of escalation on the Korean Peninsula",
    "a long competition with China over critical technologies",
    "sanctions that bite without fracturing coalitions",
    "the erosion of deterrence in the Indo-Pacific",
    "the pace of change in artificial intelligence",
    "an energy transition that reshapes geopolitics",
    "the readiness of forces that are stretched thin",
    "the credibility of its commitments to allies",
)
_CODAS = (
    "The stakes are high, and the window for action is closing.",
    "That will require patience, resources and sustained attention from senior leaders.",
    "None of this will be easy, but the alternative is worse.",
    "The record of the last decade offers lessons worth heeding.",
    "Allies are watching closely to see what comes next.",
)


def invented_paragraphs(seed: str, count: int) -> list[str]:
    """Plausible policy prose, the same for the same seed."""
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(count):
        sentences = [
            f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}."
            for _ in range(rng.randint(2, 4))
        ]
        sentences.append(rng.choice(_CODAS))
        paragraphs.append(" ".join(sentences))
    return paragraphs


def body_paragraphs(record: dict[str, Any]) -> list[str]:
    """Body paragraphs as HTML fragments: the record's own, or invented ones."""
    if record.get("body") is not None:
        return list(record["body"])
    return [text(p) for p in invented_paragraphs(record["url"], 4)]


# --- site chrome (padding) ----------------------------------------------------------------

_PROGRAMS = (
    ("defense", "Defense"),
    ("energy-economics-and-security", "Energy, Economics & Security"),
    ("indo-pacific-security", "Indo-Pacific Security"),
    ("middle-east-security", "Middle East Security"),
    ("technology-and-national-security", "Technology & National Security"),
    ("transatlantic-security", "Transatlantic Security"),
    ("key-national-security-issues", "Key National Security Issues"),
)
_TOPICS = (
    "artificial-intelligence-ssp",
    "biotechnology",
    "defense-technology/autonomous-weapons",
    "sanctions",
    "north-korea",
    "china",
    "russia",
    "iran",
    "cyber",
    "space",
    "future-of-warfare",
    "military-personnel",
)


@cache
def _css() -> str:
    """Utility classes the way a Craft front end ships them (bulky, like the real ~100 KB)."""
    rules = []
    for size in range(8, 73):
        rules.append(
            f".fz{size}{{font-size:{size / 16:.4f}rem;line-height:{1.2 + size / 200:.3f}}}"
        )
    for side in ("top", "bottom", "left", "right", "vertical", "horizontal"):
        for step, value in (("half-em", ".5em"), ("1em", "1em"), ("2em", "2em"), ("3em", "3em")):
            for prop in ("margin", "padding"):
                if side in ("vertical", "horizontal"):
                    pair = ("top", "bottom") if side == "vertical" else ("left", "right")
                    body = ";".join(f"{prop}-{p}:{value}" for p in pair)
                else:
                    body = f"{prop}-{side}:{value}"
                rules.append(f".{prop}-{side}-{step}{{{body}}}")
    for weight, value in (("bold", 700), ("normal", 400), ("light", 300)):
        rules.append(f".{weight}{{font-weight:{value}}}")
    rules += [
        ".sans-serif{font-family:'Atlas Grotesk',Helvetica,Arial,sans-serif}",
        ".uppercase{text-transform:uppercase;letter-spacing:.08em}",
        ".wysiwyg p{margin:0 0 1.25em}.wysiwyg a{color:#c8102e;text-decoration:underline}",
        ".drop-cap>p:first-of-type:first-letter{float:left;font-size:4.2em;line-height:.8}",
        ".button{display:inline-block;border:2px solid #111;padding:.6em 1.4em}",
    ]
    for breakpoint in (480, 768, 1024, 1280):
        inner = "".join(
            f".bp{breakpoint}-col-{n}{{width:{100 * n / 12:.5f}%;float:left}}" for n in range(1, 13)
        )
        inner += "".join(
            f".bp{breakpoint}-hide-{n}{{display:none}}.bp{breakpoint}-show-{n}{{display:block}}"
            for n in range(1, 25)
        )
        rules.append(f"@media (min-width:{breakpoint}px){{{inner}}}")
    for index in range(300):
        hue = (index * 37) % 360
        rules.append(
            f".c-{index}{{color:hsl({hue},45%,32%)}}.bg-{index}{{background:hsl({hue},30%,96%)}}"
        )
    return "\n".join(rules)


@cache
def _icon_sprite() -> str:
    rng = random.Random("cnas-icons")
    symbols = []
    for name in (
        "search menu close arrow-right arrow-left up-arrow download print twitter facebook "
        "linkedin instagram youtube email rss podcast video play pause share external"
    ).split():
        points = " ".join(
            f"{rng.choice('MLQC')}{rng.randint(0, 480)} {rng.randint(0, 480)}" for _ in range(60)
        )
        symbols.append(
            f'<symbol id="icon-{name}" viewBox="0 0 480 480"><path d="{points}Z"/></symbol>'
        )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" style="display:none">'
        + "".join(symbols)
        + "</svg>"
    )


def _topic_label(topic: str) -> str:
    return topic.rsplit("/", 1)[-1].replace("-", " ").title()


@cache
def _navigation() -> str:
    program_items = []
    for slug, label in _PROGRAMS:
        topics = "".join(
            f'<li><a href="/research/{slug}/{topic}">{text(_topic_label(topic))}</a></li>'
            for topic in _TOPICS
        )
        program_items.append(
            f'<li class="nav__program"><a class="sans-serif fz14 bold" href="/research/{slug}">'
            f'{text(label)}</a><ul class="nav__topics">{topics}</ul></li>'
        )
    menus = [
        ("Research", "/research", "".join(program_items)),
        (
            "Publications",
            "/reports",
            '<li><a href="/reports">Reports</a></li>'
            '<li><a href="/articles-multimedia">Articles &amp; Multimedia</a></li>',
        ),
        ("Events", "/events", '<li><a href="/events">Upcoming Events</a></li>'),
        (
            "Press",
            "/press",
            '<li><a href="/press">Press Releases</a></li><li><a href="/press">In the News</a></li>',
        ),
        (
            "About",
            "/about",
            '<li><a href="/about">Mission</a></li><li><a href="/careers">Careers</a></li>',
        ),
        (
            "Support",
            "/support-cnas",
            '<li><a href="/support-cnas">Support CNAS</a></li>'
            '<li><a href="/support-cnas/cnas-supporters">CNAS Supporters</a></li>'
            '<li><a href="/donate">Donate</a></li>',
        ),
    ]
    items = "".join(
        f'<li class="nav__item"><a class="nav__link sans-serif fz13 bold uppercase" href="{href}">'
        f'{label}</a><ul class="nav__dropdown">{inner}</ul></li>'
        for label, href, inner in menus
    )
    return (
        '<header id="site-header" class="site-header">'
        '<a class="site-header__logo" href="/"><span class="visually-hidden">'
        "Center for a New American Security</span>"
        '<svg class="icon"><use href="#icon-menu"/></svg></a>'
        f'<nav class="site-nav" aria-label="Main"><ul class="nav">{items}</ul></nav>'
        '<form class="site-search" action="/search" method="get">'
        '<label for="q" class="visually-hidden">Search</label>'
        '<input id="q" type="search" name="q" placeholder="Search CNAS">'
        '<button type="submit"><svg class="icon"><use href="#icon-search"/></svg></button>'
        "</form></header>"
    )


@cache
def _footer() -> str:
    programs = "".join(
        f'<li><a href="/research/{slug}">{text(label)}</a></li>' for slug, label in _PROGRAMS
    )
    social = "".join(
        f'<li><a href="#" aria-label="{name}">'
        f'<svg class="icon"><use href="#icon-{name}"/></svg></a></li>'
        for name in ("twitter", "facebook", "linkedin", "instagram", "youtube")
    )
    return (
        '<section class="newsletter bg-3 padding-vertical-3em">'
        '<h2 class="sans-serif fz24 bold">Get the latest from CNAS</h2>'
        '<form class="newsletter__form" action="/join" method="post">'
        '<input type="hidden" name="CRAFT_CSRF_TOKEN" value="'
        + "".join(
            random.Random("csrf").choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(96)
        )
        + '"><label for="email">Email address</label>'
        '<input id="email" type="email" name="email" required>'
        "<fieldset><legend>Topics</legend>"
        + "".join(
            f'<label><input type="checkbox" name="lists[]" value="{slug}"> {text(label)}</label>'
            for slug, label in _PROGRAMS
        )
        + '</fieldset><button class="button" type="submit">Subscribe</button></form></section>'
        '<footer id="site-footer" class="site-footer">'
        f'<ul class="site-footer__programs">{programs}</ul>'
        f'<ul class="site-footer__social">{social}</ul>'
        '<ul class="site-footer__links"><li><a href="/about">About</a></li>'
        '<li><a href="/careers">Careers</a></li><li><a href="/support-cnas">Support</a></li>'
        '<li><a href="/rss">RSS</a></li></ul>'
        '<p class="fz12">&copy; 2026 Center for a New American Security. All rights reserved.</p>'
        "</footer>"
    )


@cache
def _scripts() -> str:
    config = {
        "site": "cnas",
        "programs": [{"slug": slug, "label": label} for slug, label in _PROGRAMS],
        "breakpoints": [480, 768, 1024, 1280],
        "lazyload": {"threshold": 200, "selectors": [f".lazy-{n}" for n in range(120)]},
    }
    return (
        "<script>window.CNAS = " + json.dumps(config) + ";</script>"
        '<script src="/assets/js/vendor.js" defer></script>'
        '<script src="/assets/js/main.js" defer></script>'
    )


_CHROME_NOTE = (
    "<!-- invented: site chrome (navigation, newsletter form, footer, icons, styles, scripts);"
    " the notes confirm only the <title> suffix and og:title -->"
)


def _page(title: str, body: str, *, pad: bool, body_class: str) -> str:
    """A whole HTML document around ``body`` (the ``#content`` element)."""
    head = [
        '<meta charset="utf-8">',
        f"<title>{text(title)}{TITLE_SUFFIX}</title>",
        f'<meta property="og:title" content="{attr(title)}">',
    ]
    if pad:
        head += [
            "<!-- invented: the head's viewport, stylesheet and inline styles -->",
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<link rel="stylesheet" href="/assets/css/main.css">',
            f"<style>{_css()}</style>",
        ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-US">',
        "<head>",
        *head,
        "</head>",
        f'<body class="{body_class}">',
    ]
    if pad:
        parts += [_CHROME_NOTE, _icon_sprite(), _navigation()]
    parts += ['<main id="main">', body, "</main>"]
    if pad:
        parts += [_footer(), _scripts()]
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


# --- article pages ----------------------------------------------------------------------


def _invented_note(record: dict[str, Any]) -> str:
    fields = record.get("invented") or []
    if record.get("body") is None:
        fields = [*fields, "body"]
    if not fields:
        return ""
    listed = ", ".join(dict.fromkeys(fields))
    return f"<!-- invented: {text(listed)} (beyond the site notes' evidence) -->"


def _header_byline(record: dict[str, Any]) -> str:
    style = record.get("byline", "by")
    authors = record.get("authors", [])
    if style == "testimony":
        witness = authors[0]
        name = text(_author_name(witness))
        return (
            '<div class="article__header__byline"><p class="sans-serif fz14">'
            f'<span>Testimony by</span> <span class="contributor">{name}</span>, '
            f"{text(witness['role'])}, {text(witness['affiliation'])}</p></div>"
        )
    if style == "task-force":
        # No "By ..." line; a heading for the task force's leadership takes its place.
        leaders = "".join(
            f"<li>{text(a['name'])}, {text(a.get('role', 'Co-Chair'))}</li>" for a in authors
        )
        return (
            "<!-- invented: markup of the task-force leadership heading -->"
            '<div class="article__header__byline"><h4 class="sans-serif fz14 bold">'
            f"{text(record.get('task_force_heading', 'Task Force Leadership'))}</h4>"
            f"<ul>{leaders}</ul></div>"
        )
    if style == "featuring":
        if not authors:
            return ""
        names = join_names([_author_html(a) for a in authors], "and")
        return _byline_div(f"Featuring {names}")
    if not authors:
        return ""
    names = join_names([_author_html(a) for a in authors], "and")
    note = (
        "<!-- invented: detail byline form for three or more authors -->"
        if len(authors) > 2
        else ""
    )
    return note + _byline_div(f"By {names}")


def _byline_div(line_html: str) -> str:
    return f'<div class="article__header__byline"><p class="sans-serif fz14">{line_html}</p></div>'


def _buttons(record: dict[str, Any]) -> str:
    buttons = []
    if record.get("pdf"):
        href = (
            record["pdf"]
            if record["pdf"].startswith(("//", "http"))
            else PDF_PREFIX + record["pdf"]
        )
        buttons.append(
            f'<a class="button margin-top-1em" href="{attr(href)}" target="_blank">Download PDF</a>'
        )
    buttons.append('<a class="button margin-top-1em" href="javascript:window.print()">Print</a>')
    return '<div class="article__header__buttons">' + "".join(buttons) + "</div>"


def _in_the_news_lines(record: dict[str, Any]) -> str:
    lines = [
        "<!-- invented: markup of the Source and Journalist lines (the notes give text only) -->"
    ]
    if record.get("source_line"):
        lines.append(f'<p class="sans-serif fz14">Source: {text(record["source_line"])}</p>')
    if record.get("journalist"):
        separator = ": " if record.get("journalist_colon") else " "
        lines.append(
            f'<p class="sans-serif fz14">Journalist{separator}{text(record["journalist"])}</p>'
        )
    return "".join(lines)


def _testimony_watch(record: dict[str, Any]) -> str:
    watch = record.get("watch")
    if not watch:
        return ""
    return f'<p class="sans-serif fz14"><strong>Watch:</strong> {watch}</p>'


# Keywords that place a publication in a research program, for pages whose record names no
# program. Invented: the notes show program labels on 2025 cards and /research/<program>
# URLs, not which program each real publication belongs to.
_PROGRAM_KEYWORDS = (
    (
        ("korea", "china", "japan", "asia", "indo-pacific", "taiwan", "quad", "aukus"),
        "indo-pacific-security",
    ),
    (("iran", "israel", "middle east", "gaza", "afghanistan"), "middle-east-security"),
    (
        ("artificial intelligence", " ai ", "drone", "cyber", "technology", "chips", "space"),
        "technology-and-national-security",
    ),
    (("sanction", "energy", "economic", "export", "financ"), "energy-economics-and-security"),
    (("nato", "russia", "putin", "europe", "ukraine"), "transatlantic-security"),
)


def record_programs(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(slug, label) of the research programs a page's header links to."""
    labels = dict(_PROGRAMS)
    if record.get("programs"):
        by_label = {label: slug for slug, label in _PROGRAMS}
        return [(by_label[name], name) for name in record["programs"].split(" / ")]
    title = f" {record['title'].lower()} "
    slugs = [slug for words, slug in _PROGRAM_KEYWORDS if any(w in title for w in words)]
    return [(slug, labels[slug]) for slug in (slugs or ["defense"])[:2]]


# The notes record the line order of in-the-news, press and testimony headers, with no
# program line in it; other pages' header text is not recorded that closely.
_TYPES_WITHOUT_PROGRAMS = ("in-the-news", "press-release", "testimony")


def _programs_line(record: dict[str, Any]) -> str:
    if record["type"] in _TYPES_WITHOUT_PROGRAMS:
        return ""
    links = " / ".join(
        f'<a href="{HOME}/research/{slug}">{text(label)}</a>'
        for slug, label in record_programs(record)
    )
    return (
        "<!-- invented: the header's program links (modelled on the program labels of the 2025"
        " cards and the /research/<program> URLs) -->"
        f'<p class="article__header__programs sans-serif fz11 bold">{links}</p>'
    )


def _article_header(record: dict[str, Any]) -> str:
    hero = ""
    credit = ""
    if record.get("image_credit"):
        hero = '<div class="article__hero"><img src="/assets/images/hero.jpg" alt=""></div>'
        credit = (
            '<button class="image-attribution credit" type="button">'
            "<span>Image Credit</span></button>"
            '<p class="image-attribution__text fz11">'
            f"Image credit: {text(record['image_credit'])}</p>"
        )
    subtitle = (
        f'<h2 class="article__header__subtitle">{text(record["subtitle"])}</h2>'
        if record.get("subtitle")
        else ""
    )
    second_date = (
        f'<p class="margin-top-1em date">{text(record["second_date"])}</p>'
        if record.get("second_date")
        else ""
    )
    news_lines = _in_the_news_lines(record) if record["type"] == "in-the-news" else ""
    return (
        f"<header>{hero}"
        '<div class="article__header">'
        f'<div class="attribution-block">{credit}'
        f'<p class="sans-serif fz11 bold uppercase margin-bottom-1em">{text(record["date"])}</p>'
        "</div>"
        '<div class="article__header__title-group">'
        f'<h1 class="page-title">{text(record["title"])}</h1>{subtitle}</div>'
        f"{second_date}{_testimony_watch(record)}{_header_byline(record)}{news_lines}"
        f"{_buttons(record)}{_programs_line(record)}</div></header>"
    )


def _sentence_html(record: dict[str, Any]) -> str:
    sentence = record.get("sentence")
    if not sentence:
        return ""
    href = attr(record.get("outlet_url") or "")
    target = record.get("sentence_link")
    if href and target == "here" and "here" in sentence:
        head, tail = sentence.rsplit("here", 1)
        return f'<p>{text(head)}<a href="{href}">here</a>{text(tail)}</p>'
    if href and target == "outlet" and record.get("sentence_outlet", record.get("outlet")):
        outlet = record.get("sentence_outlet", record.get("outlet"))
        if outlet in sentence:
            head, tail = sentence.split(outlet, 1)
            return f'<p>{text(head)}<a href="{href}">{text(outlet)}</a>{text(tail)}</p>'
    if href and target == "sentence":
        return f'<p><a href="{href}">{text(sentence)}</a></p>'
    return f"<p>{text(sentence)}</p>"


def _body(record: dict[str, Any]) -> str:
    paragraphs = [f"<p>{p}</p>" if not p.startswith("<") else p for p in body_paragraphs(record)]
    if record.get("opening"):
        paragraphs.insert(0, f"<p><em>{text(record['opening'])}</em></p>")
    if record.get("sentence") and record.get("sentence_position") == "start":
        paragraphs.insert(0, _sentence_html(record))
    elif record.get("sentence"):
        paragraphs.append(_sentence_html(record))
    kind = record["type"]
    layout = record.get("layout")
    if kind in ("report", "testimony") and len(paragraphs) > 3:
        # Reports and testimony spread their text over several wysiwyg wrappers.
        middle = len(paragraphs) // 2
        chunks = [paragraphs[:middle], paragraphs[middle:]]
        wrappers = (
            '<div class="wrapper wysiwyg margin-vertical">'
            + "".join(chunks[0])
            + "</div><!-- invented: a figure between body sections -->"
            + '<figure class="figure"><img src="/assets/images/figure-1.png" alt="">'
            + "<figcaption>Figure 1</figcaption></figure>"
            + '<div class="wrapper wysiwyg margin-vertical">'
            + "".join(chunks[1])
            + "</div>"
        )
    elif kind in ("report", "testimony", "press-release", "in-the-news", "event"):
        wrappers = '<div class="wrapper wysiwyg margin-vertical">' + "".join(paragraphs) + "</div>"
    else:
        wrappers = (
            '<div class="wrapper wysiwyg margin-vertical drop-cap">'
            + "".join(paragraphs)
            + "</div>"
        )
    if record.get("extra_html"):
        wrappers += record["extra_html"]
    mainbar_id = "mainbar-toc" if layout == "toc" else "mainbar"
    toc = ""
    if layout == "toc":
        toc = (
            "<!-- invented: table of contents markup (the notes only name #mainbar-toc) -->"
            '<nav class="toc"><ol><li><a href="#introduction">Introduction</a></li>'
            '<li><a href="#conclusion">Conclusion</a></li></ol></nav>'
        )
    return f'{toc}<div id="{mainbar_id}">{wrappers}</div>'


def _person_cards(record: dict[str, Any]) -> str:
    cards = record.get("person_cards") or []
    if not cards:
        return ""
    heading = '<h3 class="sans-serif fz16 bold">Author</h3>' if record.get("author_heading") else ""
    items = "".join(
        '<div class="person-card">'
        f'<a class="person-card__name sans-serif fz16 bold" href="{people_url(c["slug"])}">'
        f"{text(c['name'])}</a>"
        f'<p class="person-card__role fz12">{text(c["role"])}</p>'
        f'<p class="person-card__bio fz14">{text(c["bio"])}</p></div>'
        for c in cards
    )
    return (
        "<!-- invented: person-card markup (the notes give its text order only) -->"
        f'<aside class="people-cards">{heading}{items}</aside>'
    )


_RELATED_HOSTS = {"www": HOME, "bare": "https://cnas.org", "ip": "http://104.239.228.80"}


def _related_href(target: dict[str, Any], host: str) -> str:
    return _RELATED_HOSTS[host] + target["url_path"]


def _card_excerpt(target: dict[str, Any], ending: str) -> str:
    if target.get("card_excerpt"):
        return text(target["card_excerpt"])
    excerpt = excerpt_of(target)
    if target.get("opening"):
        excerpt = f"{target['opening']} {excerpt}"
    return text(excerpt[:140].rsplit(" ", 1)[0] + ending)


def _related_card(target: dict[str, Any], layout: str, host: str) -> str:
    href = _related_href(target, host)
    title = text(target.get("card_title") or target["title"])
    byline = text(card_byline(target))
    byline_html = f'<p class="card__byline fz12">{byline}</p>' if byline else ""
    label = TYPE_LABELS[target["type"]]
    if layout == "2019":
        tags = [label]
        if target.get("outlet") and target["type"] not in ("in-the-news", "press-release"):
            tags.append(target["outlet"])
        tags.append(card_date(target))
        tag_html = "".join(f"<li>{text(t)}</li>" for t in tags)
        return (
            f'<li class="card"><ul class="card__tags sans-serif fz11 uppercase">{tag_html}</ul>'
            f'<a class="card__title sans-serif fz16 bold" href="{href}">{title}</a>'
            f'<p class="card__excerpt fz14">{_card_excerpt(target, " ...")}</p>{byline_html}</li>'
        )
    if layout == "2021":
        return (
            '<li class="card"><span class="card__dash">-</span>'
            f'<a class="card__title sans-serif fz16 bold" href="{href}">{title}</a>'
            f'<p class="card__excerpt fz14">{_card_excerpt(target, "....")}</p>{byline_html}</li>'
        )
    if layout == "2025":
        programs = text(target.get("programs") or "Defense")
        # The title runs straight into the excerpt in the page text: no separator between them.
        return (
            f'<li class="card"><p class="card__programs sans-serif fz11">{programs}</p>'
            f'<a class="card__title sans-serif fz16 bold" href="{href}">{title}</a>'
            f'<span class="card__excerpt fz14">{_card_excerpt(target, "...")}</span>'
            f"{byline_html}</li>"
        )
    if layout == "glued":
        # The type label sits flush against the title: "ReportsThe Financing ...".
        return (
            f'<li class="card"><a class="card__title" href="{href}">'
            f'<span class="card__type">{text(label)}</span>{title}</a>'
            f'<p class="card__date fz11">{text(card_date(target))}</p>'
            f'<p class="card__excerpt fz14">{_card_excerpt(target, "...")}</p>{byline_html}</li>'
        )
    raise ValueError(f"unknown related-card layout: {layout!r}")


def _related(record: dict[str, Any], by_path: dict[str, dict[str, Any]]) -> str:
    related = record.get("related")
    if not related:
        return ""
    layout = related["layout"]
    host = related.get("host", "www")
    # A page rendered on its own (a small fixture) shows only the cards it has records for;
    # site_files() checks that every card of a whole site has its page.
    targets = [by_path[url_path(u)] for u in related["items"] if url_path(u) in by_path]
    cards = "".join(_related_card(target, layout, host) for target in targets)
    return (
        f"<!-- invented: card markup of the {layout} 'More from CNAS' layout (the notes give its"
        " text only) -->"
        f'<section class="more-from-cnas"><h2 class="sans-serif fz20 bold">More from CNAS</h2>'
        f'<ul class="cards cards--{layout}">{cards}</ul></section>'
    )


def render_article(
    record: dict[str, Any], by_path: dict[str, dict[str, Any]] | None = None, *, pad: bool = True
) -> str:
    """The HTML of one publication page."""
    record = prepare(record)
    by_path = by_path or {record["url_path"]: record}
    content = (
        f"{_invented_note(record)}"
        f'<div id="content"><article class="article article--{record["type"]}">'
        f"{_article_header(record)}{_body(record)}{_person_cards(record)}</article>"
        f"{_related(record, by_path)}</div>"
    )
    return _page(record["title"], content, pad=pad, body_class=f"entry entry--{record['type']}")


# --- listing pages ------------------------------------------------------------------------


def _listing_card(record: dict[str, Any]) -> str:
    href = record.get("listing_href") or HOME + record["url_path"]
    tags = [TYPE_LABELS[record["type"]]]
    if record.get("outlet") and record["type"] not in ("in-the-news", "press-release"):
        tags.append(record["outlet"])
    tags.append(card_date(record))
    tag_html = "".join(f"<li>{text(t)}</li>" for t in tags)
    byline = card_byline(record)
    byline_html = f'<p class="listing-item__byline fz12">{text(byline)}</p>' if byline else ""
    return (
        '<li class="listing-item">'
        f'<ul class="listing-item__tags sans-serif fz11 uppercase">{tag_html}</ul>'
        f'<a class="sans-serif fz16 bold margin-top-half-em" href="{attr(href)}">'
        f"{text(record['title'] or record.get('card_title', ''))}</a>"
        f'<p class="listing-item__excerpt fz14">{text(excerpt_of(record))}...</p>'
        f"{byline_html}</li>"
    )


def _pagination(listing: Listing, page: int, pages: int, query: str) -> str:
    if pages == 1:
        return ""
    links = []
    if page > 1:
        links.append(
            f'<a class="pagination__prev" href="{attr(listing.page_path(page - 1, query))}">'
            "Previous</a>"
        )
    for number in range(max(1, page - 2), min(pages, page + 2) + 1):
        if number == page:
            links.append(f'<span class="pagination__current">{number}</span>')
        else:
            links.append(f'<a href="{attr(listing.page_path(number, query))}">{number}</a>')
    if page < pages:
        links.append(
            f'<a class="pagination__next" href="{attr(listing.page_path(page + 1, query))}">'
            "Next</a>"
        )
    return '<nav class="pagination sans-serif fz14">' + "".join(links) + "</nav>"


def render_listing(
    listing: Listing,
    records: Sequence[dict[str, Any]],
    page: int,
    *,
    total: int | None = None,
    query: str = "",
    pad: bool = True,
) -> str:
    """One listing page holding ``records`` (already the slice for ``page``).

    ``query`` is the filter (e.g. "area=defense"); pagination links keep it.
    """
    total = len(records) if total is None else total
    pages = page_count(total)
    cards = "".join(_listing_card(prepare(r)) for r in records)
    showing = showing_line(page, total) if total else "Showing 0 of 0 Publications"
    content = (
        "<!-- invented: listing card tags (type, outlet, unpadded date) modelled on the related"
        " cards of the notes' 2.4; pagination link markup -->"
        '<div id="content"><section class="listing">'
        f'<h1 class="page-title">{text(listing.heading)}</h1>'
        f'<p class="listing__count sans-serif fz12">{showing}</p>'
        f'<ul class="listing__items">{cards}</ul>'
        f"{_pagination(listing, page, pages, query)}</section></div>"
    )
    return _page(listing.heading, content, pad=pad, body_class="listing-page")


# --- records ------------------------------------------------------------------------------


def prepare(record: dict[str, Any]) -> dict[str, Any]:
    """The record with derived keys filled in (idempotent)."""
    if "url_path" in record:
        return record
    prepared = dict(record)
    prepared["url_path"] = url_path(record["url"])
    if "date" not in prepared:
        prepared["date"] = padded_date(date.fromisoformat(record["date_iso"]))
    return prepared


def load_records(path: Path = RECORDS_PATH) -> list[dict[str, Any]]:
    """The bundled records (real examples from the site notes plus marked inventions)."""
    return json.loads(path.read_text(encoding="utf-8"))["records"]


def _sort_key(record: dict[str, Any]) -> tuple[str, str]:
    return (record.get("date_iso") or record.get("sort_date") or "0000-00-00", record["url_path"])


def listing_items(listing: Listing, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records a listing shows, newest first."""
    chosen = [r for r in map(prepare, records) if listing_for(r) is listing]
    return sorted(chosen, key=_sort_key, reverse=True)


def site_files(records: Sequence[dict[str, Any]], *, pad: bool = True) -> Iterable[tuple[str, str]]:
    """Every file of the mirror as (relative path, text)."""
    prepared = [prepare(r) for r in records]
    by_path = {r["url_path"]: r for r in prepared}
    if len(by_path) != len(prepared):
        raise ValueError("two records share one URL path")
    dangling = [
        (r["url"], u)
        for r in prepared
        for u in (r.get("related") or {}).get("items", [])
        if url_path(u) not in by_path
    ]
    if dangling:
        raise ValueError(f"related cards without a record: {dangling}")
    yield "robots.txt", ROBOTS_TXT
    yield "index.html", _home_page(pad=pad)
    for listing in LISTINGS:
        items = listing_items(listing, prepared)
        pages = page_count(len(items))
        for page in range(1, pages + 1):
            chunk = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            html = render_listing(listing, chunk, page, total=len(items), pad=pad)
            yield (
                f"{listing.path.strip('/')}/index.html"
                if page == 1
                else (f"{listing.path.strip('/')}/p{page}/index.html"),
                html,
            )
    for record in prepared:
        yield (
            f"{record['url_path'].strip('/')}/index.html",
            render_article(record, by_path, pad=pad),
        )


def _home_page(*, pad: bool) -> str:
    links = "".join(
        f'<li><a href="{listing.path}">{text(listing.heading)}</a></li>' for listing in LISTINGS
    )
    content = (
        "<!-- invented: the home page (the notes record nothing of it) -->"
        f'<div id="content"><ul class="home__sections">{links}</ul></div>'
    )
    return _page("Home", content, pad=pad, body_class="home")


def generate_site(
    out_dir: Path, records: Sequence[dict[str, Any]], *, pad: bool = True
) -> list[Path]:
    """Write the mirror of ``records`` into ``out_dir``; returns the files written.

    Files a previous run wrote are removed first (a README.md is kept), so the folder holds
    exactly the mirror of ``records``. A non-empty folder without robots.txt is refused: it
    is not a mirror.
    """
    out_dir = Path(out_dir)
    _clear_previous_mirror(out_dir)
    written = []
    for relative, html in site_files(records, pad=pad):
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        written.append(target)
    return written


def _clear_previous_mirror(out_dir: Path) -> None:
    if not out_dir.exists():
        return
    entries = [p for p in out_dir.iterdir() if p.name != "README.md"]
    if not entries:
        return
    if not (out_dir / "robots.txt").is_file():
        raise FileExistsError(f"{out_dir} is not empty and holds no mirror (no robots.txt)")
    for entry in entries:
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


# --- synthetic records at scale ------------------------------------------------------------

# Real names from the notes; slug None marks people who are not linked as CNAS contributors.
NAME_POOL: tuple[tuple[str, str | None], ...] = (
    ("Patrick M. Cronin", "patrick-m-cronin"),
    ("Richard Fontaine", "richard-fontaine"),
    ("Ilan Goldenberg", "ilan-goldenberg"),
    ("Elizabeth Rosenberg", "elizabeth-rosenberg"),
    ("Peter Harrell", "peter-harrell"),
    ("Kristine Lee", "kristine-lee"),
    ("Daniel Kliman", "daniel-kliman"),
    ("Joshua Fitt", "joshua-fitt"),
    ("Van Jackson", "van-jackson"),
    ("Neil Bhatiya", "neil-bhatiya"),
    ("Kaleigh Thomas", "kaleigh-thomas"),
    ("Chris Estep", "chris-estep"),
    ("Cole Stevens", "cole-stevens"),
    ("Elisa Catalano Ewers", "elisa-catalano-ewers"),
    ("Elbridge Colby", "elbridge-colby"),
    ("Lisa Curtis", "lisa-curtis"),
    ("Vivek Chilukuri", "vivek-chilukuri"),
    ("Janet Egan", "janet-egan"),
    ("Emily Jin", "emily-jin"),
    ("Paul Scharre", "paul-scharre"),
    ("Elsa B. Kania", "elsa-b-kania"),
    ("Gregory C. Allen", "gregory-c-allen"),
    ("Susanna V. Blume", "susanna-v-blume"),
    ("Chris Dougherty", "chris-dougherty"),
    ("Eric Brewer", "eric-brewer"),
    ("Kayla M. Williams", "kayla-m-williams"),
    ("Edward Fishman", "edward-fishman"),
    ("Emma Moore", "emma-moore"),
    ("Dr. Duyeon Kim", "duyeon-kim"),
    ("Robert O. Work", "robert-o-work"),
    ("Eric Schmidt", None),
    ("Karina Barbesino", None),
    ("Lindsay Gorman", None),
    ("Benjamin Katzeff Silberstein", None),
    ("Dr. Go Myong-Hyun", None),
)
OUTLET_POOL: tuple[tuple[str, str], ...] = (
    ("War on the Rocks", "warontherocks.com"),
    ("The National Interest", "nationalinterest.org"),
    ("Foreign Affairs", "www.foreignaffairs.com"),
    ("The Hill", "thehill.com"),
    ("Defense News", "www.defensenews.com"),
    ("CNN Opinion", "www.cnn.com"),
    ("Foreign Policy", "foreignpolicy.com"),
    ("The New York Times", "www.nytimes.com"),
    ("The Atlantic", "www.theatlantic.com"),
    ("The Diplomat", "thediplomat.com"),
    ("Just Security", "www.justsecurity.org"),
    ("The Dispatch", "thedispatch.com"),
)
SENTENCE_FORMS = (
    "Read the full article in {outlet}.",
    "Read the full article at {outlet}.",
    "To read the full article, visit the {outlet} website.",
    "Read the full story and more in {outlet}.",
    "Read the Full Article at {outlet}",
)
# Weights roughly as the listings mix them; "sharper"/"insights" are commentary series.
_TYPE_WEIGHTS = (
    ("commentary", 45),
    ("in-the-news", 15),
    ("report", 12),
    ("press-release", 6),
    ("podcast", 5),
    ("video", 5),
    ("transcript", 3),
    ("blog", 3),
    ("testimony", 2),
    ("sharper", 2),
    ("insights", 2),
)
_TITLE_OPENERS = (
    "Why", "How", "What", "The Case for", "Rethinking", "Beyond", "After", "Toward",
    "The Limits of", "Countering", "Securing", "Managing",
)  # fmt: skip
_TITLE_TOPICS = (
    "North Korea's Nuclear Program", "U.S.-China Tech Competition", "Sanctions on Russia",
    "the Iran Deal", "NATO at 75", "AI Safety and Security", "the Defense Budget",
    "Indo-Pacific Alliances", "Export Controls on Chips", "Energy Security in Europe",
    "Autonomous Weapons", "the Middle East Peace Process", "Space Deterrence",
    "the Military Workforce", "Biotechnology Risks", "Gray-Zone Coercion",
)  # fmt: skip
_TITLE_TAILS = (
    "", "", "", " in 2020", " After 2024", ": Five Lessons", ": A New Approach",
    " Matters Now", " Is Harder Than It Looks", ": What Comes Next",
)  # fmt: skip
_PATHS = {
    "commentary": "/publications/commentary/",
    "in-the-news": "/press/in-the-news/",
    "report": "/publications/reports/",
    "press-release": "/press/press-release/",
    "podcast": "/publications/podcast/",
    "video": "/publications/video/",
    "transcript": "/publications/transcript/",
    "blog": "/publications/blog/",
    "testimony": "/publications/congressional-testimony/",
}


def slugify(title: str) -> str:
    """A Craft-style slug: lower case, hyphens; dots of abbreviations are dropped."""
    lowered = title.lower().replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", lowered).strip("-")


SYNTHETIC_START = date(2007, 6, 1)


def synthetic_records(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` plausible publications, deterministic for ``seed``.

    Prefix-stable: ``synthetic_records(507)[:500] == synthetic_records(500)``, and later
    records are never older, so the extra ones are new publications at the top of listings.
    """
    kinds = [k for k, _ in _TYPE_WEIGHTS]
    weights = [w for _, w in _TYPE_WEIGHTS]
    slug_repeats: dict[str, int] = {}
    records = []
    for index in range(n):
        rng = random.Random(f"cnas-synthetic:{seed}:{index}")
        kind = rng.choices(kinds, weights)[0]
        day = SYNTHETIC_START + timedelta(days=(index * 7) // 20)
        topic = rng.choice(_TITLE_TOPICS)
        if kind == "sharper":
            title = f"Sharper: {topic}"
        elif kind == "insights":
            title = f"CNAS Insights | {topic}"
        else:
            title = f"{rng.choice(_TITLE_OPENERS)} {topic}{rng.choice(_TITLE_TAILS)}"
        base = slugify(title.replace("|", ""))
        # Craft appends -2, -3, ... to a repeated slug.
        repeats = slug_repeats.get(base, 0) + 1
        slug_repeats[base] = repeats
        slug = base if repeats == 1 else f"{base}-{repeats}"
        type_ = {"sharper": "commentary", "insights": "commentary"}.get(kind, kind)
        path = _PATHS[type_] + slug
        if kind == "insights" and rng.random() < 0.5:
            path = "/publications/cnas-insights/" + slug
        people = rng.sample(NAME_POOL, rng.choice((1, 1, 1, 2, 2, 3)))
        authors = [{"name": name, "slug": slug_} for name, slug_ in people]
        record: dict[str, Any] = {
            "url": HOME + path,
            "type": type_,
            "title": title,
            "date_iso": day.isoformat(),
            "authors": authors,
            "evidence": "synthetic",
            "invented": ["everything (synthetic record)"],
        }
        if kind == "sharper":
            record["series"] = "Sharper"
        elif kind == "insights":
            record["series"] = "CNAS Insights"
        if type_ in ("commentary", "in-the-news") and kind not in ("sharper", "insights"):
            outlet, domain = rng.choice(OUTLET_POOL)
            record["outlet"] = outlet
            record["sentence"] = rng.choice(SENTENCE_FORMS).format(outlet=outlet)
            record["sentence_link"] = "outlet"
            record["outlet_url"] = f"https://{domain}/{day.year}/{day.month:02d}/{slug}/"
        if type_ == "in-the-news":
            record["byline"] = "featuring"
            record["source_line"] = record["outlet"]
            record["journalist"] = rng.choice(("Oliver Hotham", "Edward Wong", "Mike Giglio"))
            record["journalist_colon"] = rng.random() < 0.5
        if type_ == "testimony":
            record["byline"] = "testimony"
            authors[:] = authors[:1]
            authors[0].update(
                role="Senior Fellow", affiliation="Center for a New American Security"
            )
        if type_ == "report":
            stamp = day.strftime("%Y%m%d") + "120000"
            record["pdf"] = f"CNAS-Report_{slug.title()[:40]}.pdf?mtime={stamp}"
        if records and rng.random() < 0.6:
            earlier = rng.sample(records[-50:], min(3, len(records[-50:])))
            record["related"] = {"layout": "2019", "items": [r["url"] for r in earlier]}
        records.append(record)
    return records


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write an offline mirror of www.cnas.org.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--synthetic", type=int, metavar="N", help="N synthetic publications")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-pad", action="store_true", help="leave out the site chrome")
    args = parser.parse_args(argv)
    records = synthetic_records(args.synthetic, args.seed) if args.synthetic else load_records()
    written = generate_site(args.out_dir, records, pad=not args.no_pad)
    size = sum(p.stat().st_size for p in written)
    print(f"wrote {len(written)} files ({size / 1_000_000:.1f} MB) to {args.out_dir}")


if __name__ == "__main__":
    main()
