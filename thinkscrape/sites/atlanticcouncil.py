"""Atlantic Council (www.atlanticcouncil.org): WordPress, Yoast sitemaps and a theme whose
classes begin ``ac-`` and ``gta-`` (site notes 1-2). A post shows one of two headers: the
marquee (``section.ac-single-post.marquee``, an h2 title, a "Tue, Mar 5, 2024" date) or the
standard site banner (an h1 title, a ``*heading--date`` element); both name the category,
then "by" and the authors as expert links or plain spans."""

from __future__ import annotations

import functools
from typing import Any, ClassVar

from parsel import SelectorList

from thinkscrape.extract.common import collapse_whitespace, has_class, node_text
from thinkscrape.pages.article import ArticlePage, Found
from thinkscrape.site import WORDPRESS_PAGES, Checks, Feed, Listing, Site, Sitemap, TypeRule

_SLUG = r"[a-z0-9][a-z0-9-]*"
_BY_LINE = ".//p[*[contains(@class, 'tax--connect')]]"  # "<category> by <authors>"
_CONNECT = "*[contains(@class, 'tax--connect')][1]"
_CONTENT = "//div[contains(@class, 'ac-single-post--content')]"
_PROGRAM = "/programs/scowcroft-center-for-strategy-and-security"


class StandardPost(ArticlePage):
    date_path: ClassVar[str] = ".//*[contains(@class, 'heading--date')]"
    # the header's category; "Related Experts:" wears the same class and is no label
    type_label = (
        "//header//span[contains(@class, 'tax--cats')]"
        "[not(starts-with(normalize-space(), 'Related Experts'))]"
    )
    body = (f".{_CONTENT}",)
    # expert and featured-post embeds inside the content are not its text (notes 2)
    other_blocks = (
        f"{ArticlePage.other_blocks} or contains(@class, 'gta-expert-embed')"
        " or contains(@class, 'gta-horizontal-featured')"
    )

    def published_raw(self) -> Found:
        date = node_text(self._in_header(self.date_path)[:1]) or None
        return (date, "article_header") if date else super().published_raw()

    def subtitle(self) -> Found:
        return None, None  # the line after the title is the category and byline

    def _in_header(self, path: str) -> SelectorList:
        return self.header.xpath(path) if self.header is not None else SelectorList()

    def byline_raw(self) -> Found:
        # "by A, B": the connect word and what follows it, not the category before it
        by = f"({_BY_LINE})[1]/{_CONNECT}"
        words = f"{by}//text() | {by}/following-sibling::node()/descendant-or-self::text()"
        text = collapse_whitespace("".join(self._in_header(words).getall()))
        return (text, "article_header") if text else (None, None)

    def contributors(self) -> Found:
        nodes = self._in_header(f"({_BY_LINE})[1]/*[contains(@class, '--expert')]")
        people = [
            {"name": node_text(n), "profile_url": self._href(n), "role": "author"} for n in nodes
        ]
        return people, "article_header" if people else None

    def pdf_href(self) -> Found:
        # a report's PDF is a plain link in the content (notes 2)
        pdfs = [
            h.strip() for h in self.sel.xpath(f"{_CONTENT}//a/@href").getall() if self._is_pdf(h)
        ]
        return (pdfs[0], "body_sentence") if pdfs else super().pdf_href()


class MarqueePost(StandardPost):
    date_path = ".//p[contains(@class, 'ac-single-post--marquee--heading')]"
    topic_links = ".//div[contains(@class, 'marquee--terms')]//a"

    @classmethod
    def matches(cls, page: ArticlePage) -> bool:
        return bool(
            page.sel.xpath(f"//section[{has_class('ac-single-post')}][{has_class('marquee')}]")
        )

    @functools.cached_property
    def header(self) -> Any:  # its title is an h2: the general page looks for an h1
        found = self.sel.xpath("//header[contains(@class, 'ac-single-post--marquee')]")
        return found[0] if found else None


SITE = Site(
    name="atlanticcouncil",
    title="Atlantic Council",
    home="https://www.atlanticcouncil.org",
    hosts=("www.atlanticcouncil.org", "atlanticcouncil.org"),
    publications=(
        TypeRule(rf"/blogs/{_SLUG}/{_SLUG}", "commentary"),
        TypeRule(rf"/in-depth-research-reports/{_SLUG}/{_SLUG}", "report"),
        TypeRule(rf"/insight-impact/in-the-news/{_SLUG}", "in-the-news"),
    ),
    discovery=(
        Listing("/category/blogs/new-atlanticist/", pages=WORDPRESS_PAGES),
        # program collections, paged by ?ac-page-collection-block_<id>=N
        Listing(f"{_PROGRAM}/transatlantic-security-initiative/commentary/"),
        Listing(f"{_PROGRAM}/insight-impact"),
        # read after the listings, so each publication keeps the card it was listed with
        Sitemap("/sitemap_index.xml", fallback=True),
        Feed("/feed/", fallback=True),
    ),
    date_order="MDY",
    languages=("en",),
    coverage_floors={"title": 1.0, "published": 1.0, "body": 0.95, "authors": 0.8},
    # the institution and its desks: a corporate author, never a person
    not_names=("Atlantic Council", "New Atlanticist", "Transatlantic Security Initiative")
    + ("Scowcroft Center for Strategy and Security",),
    checks=Checks(
        "/category/blogs/new-atlanticist/",
        6,
        "/blogs/new-atlanticist/the-case-for-extending-new-start/",
    ),
    article_pages=(MarqueePost, StandardPost),
    type_labels={"new atlanticist": "commentary", "in the news": "in-the-news", "report": "report"},
)
