"""Center for a New American Security (www.cnas.org): Craft CMS, three listing indexes.

Listings are the frontier: the three indexes and their ``/pN`` pages. Publication pages are
read, never followed further ("More from CNAS" cards would lead the crawl across the site).
"""

from __future__ import annotations

import re

from parsel import Selector

from thinkscrape.extract.common import has_class
from thinkscrape.pages.article import ArticlePage, Found
from thinkscrape.pages.listing import ListingPage
from thinkscrape.pages.visible import NO_AUTHORS
from thinkscrape.site import Checks, Listing, Site, TypeRule

# A slug as Craft writes it: lower-case words, digits and, on some older pages, dots.
_SLUG = r"[A-Za-z0-9][A-Za-z0-9._~%-]*"
_SLUG_TAIL = r"(?:-[A-Za-z0-9._~%-]*)?"


class CnasListingPage(ListingPage):
    """Craft's listing cards: type label, outlet, date, title link, excerpt, "By" line."""

    title_links = f"//a[@href and {has_class('fz16')} and {has_class('margin-top-half-em')}]"
    card_ceiling_ids = frozenset({"content", "mainbar"})
    # "January 6, 2019" on cards, "December 2023" in Sharper
    date_line = re.compile(
        r"^(?:January|February|March|April|May|June|July|August|September|October|November"
        r"|December)\.?\s+(?:\d{1,2},?\s+)?\d{4}$",
        re.IGNORECASE,
    )
    byline_line = re.compile(r"^(?:By|Testimony by|Featuring)\b", re.IGNORECASE)
    # as cards show them ("Reports", "Commentary", "Video", ...), lower case
    type_labels = frozenset(
        {
            *("report", "reports", "commentary", "podcast", "podcasts", "video", "videos"),
            *("transcript", "transcripts", "congressional testimony", "testimony", "blog"),
            *("blog post", "press release", "press releases", "in the news", "cnas insights"),
            *("article", "articles"),
        }
    )

    def is_tag_line(self, node: Selector, text: str) -> bool:
        # Programme labels (links to /research/, "A / B" lists) come first on newer cards
        # and are neither outlet nor date.
        research = node.xpath("descendant-or-self::a[contains(@href, '/research/')]")
        return not research and " / " not in text


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_WYSIWYG = has_class("wysiwyg")


class CnasArticlePage(ArticlePage):
    """Craft's article header (``#content > article > header``, the title group, the date
    paragraph ``p.sans-serif.fz11.bold.uppercase.margin-bottom-1em``, ``a.contributor``),
    its body (``div.wrapper.wysiwyg``, ``#mainbar``) and the "More from CNAS" cards."""

    # id() is looked up in the parser's table of ids (//*[@id] would visit every element);
    # the first article inside it, the walk stopping there
    scope = ('id("content")/descendant::article[1]', *ArticlePage.scope)
    related_headings = ("more from cnas",)
    other_blocks = None
    title_group = "article__header__title-group"
    page_title = f"//*[{has_class('page-title')}]"
    title_suffix = re.compile(
        r"(?:^|\s+)[|–-]\s*(?:CNAS|Center for a New American Security)(?:\s+\([A-Za-z-]+\))?$"
    )
    # "February 06, 2019" on article pages, "December 2023" in Sharper
    date_line = re.compile(rf"^(?:{_MONTHS})\.?\s+(?:\d{{1,2}},?\s+)?\d{{4}}$", re.IGNORECASE)
    date_paragraphs = f".//p[{has_class('margin-bottom-1em')}]"
    # a second "date" paragraph after the title, of unknown meaning: not the publication's
    not_date_lines = f"{has_class('date')} and {has_class('margin-top-1em')}"
    date_slot = ".//p[{}]".format(
        " and ".join(
            has_class(name)
            for name in ("sans-serif", "fz11", "bold", "uppercase", "margin-bottom-1em")
        )
    )
    byline_line = re.compile(r"^(?:By|Testimony by|Featuring)\b", re.IGNORECASE)
    contributor = "contributor"
    # person cards after the text; on in-the-news pages the person is the one featured
    people_path = "/people/"
    featured_types = ("in-the-news",)
    topic_links = ".//a[contains(@href, '/research/')]"
    body = (
        f".//div[{_WYSIWYG} and not(ancestor::div[{_WYSIWYG}])]",
        './/*[@id="mainbar-toc"]/div | .//*[@id="mainbar"]/div',
        './/*[@id="mainbar-toc"] | .//*[@id="mainbar"]',
    )
    skipped_paragraphs = re.compile(r"^Image credit\b", re.IGNORECASE)
    document_links = ("files.cnas.org/documents/",)

    def title(self) -> Found:
        return self.header_title()

    def published_raw(self) -> Found:
        """The header's date line, then the declared date."""
        date = self.header_date()
        if date:
            return date, "article_header"
        date = self.data.first("article:published_time", "datepublished")
        if date:
            return date, "meta"
        date = self.data.date_published()
        return date, "json_ld" if date else None

    # Craft marks every contributor up: nothing else on the page names an author
    authors = NO_AUTHORS


SITE = Site(
    name="cnas",
    title="Center for a New American Security",
    home="https://www.cnas.org",
    # cnas.org redirects to www; the IP address serves the same pages
    hosts=("www.cnas.org", "cnas.org", "104.239.228.80"),
    publications=(
        TypeRule(rf"/publications/reports/{_SLUG}", "report"),
        # Series live in the slug of commentary pages ("sharper-nato-75") and, for newer
        # CNAS Insights, in a section of their own.
        TypeRule(rf"/publications/commentary/(?i:sharper){_SLUG_TAIL}", "commentary", "Sharper"),
        TypeRule(
            rf"/publications/commentary/(?i:cnas-insights){_SLUG_TAIL}",
            "commentary",
            "CNAS Insights",
        ),
        TypeRule(rf"/publications/cnas-insights/{_SLUG}", "commentary", "CNAS Insights"),
        TypeRule(rf"/publications/commentary/{_SLUG}", "commentary"),
        TypeRule(rf"/publications/podcast/{_SLUG}", "podcast"),
        TypeRule(rf"/publications/video/{_SLUG}", "video"),
        TypeRule(rf"/publications/transcript/{_SLUG}", "transcript"),
        TypeRule(rf"/publications/congressional-testimony/{_SLUG}", "testimony"),
        TypeRule(rf"/publications/blog/{_SLUG}", "blog"),
        TypeRule(rf"/press/press-release/{_SLUG}", "press-release"),
        TypeRule(rf"/press/in-the-news/{_SLUG}", "in-the-news"),
    ),
    discovery=(
        Listing("/reports", pages=r"/p\d+"),
        Listing("/articles-multimedia", pages=r"/p\d+"),
        Listing("/press", pages=r"/p\d+"),
    ),
    date_order="MDY",
    languages=("en",),
    coverage_floors={
        "title": 1.0,
        "published": 0.99,
        # the raw date line of the article page itself: the listing card's date would
        # otherwise hide a header whose markup changed
        "published_raw": 0.95,
        "body": 0.95,
        "authors": 0.9,
    },
    # Press releases and transcripts are often unsigned; Sharper is a newsletter written by
    # a team with no byline.
    unsigned_types=("press-release", "transcript"),
    unsigned_series=("Sharper",),
    not_names=("CNAS", "Center for a New American Security"),
    checks=Checks(
        listing="/reports",
        listing_requests=10,
        article="/publications/commentary/north-korea-and-the-blink-of-war",
    ),
    listing_page=CnasListingPage,
    article_pages=(CnasArticlePage,),
)
