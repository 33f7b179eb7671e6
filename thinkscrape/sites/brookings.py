"""Brookings Institution (www.brookings.edu): WordPress in two themes, one page version each,
picked by the page's own markup (a 2018 piece re-homed under /articles/ wears today's theme).
Site notes 4 (2016 to mid-2023) and 5 ("byo-blocks", 2023 on)."""

from __future__ import annotations

import re
from typing import Any

from parsel import Selector

from thinkscrape.extract.common import has_class, node_text
from thinkscrape.pages.article import ArticlePage, Found
from thinkscrape.site import Checks, Feed, Listing, Site, Sitemap, TypeRule

_SLUG = r"/[a-z0-9][a-z0-9-]*"
# body blocks, not the ones BrookingsBridge skips (5.1); the editor's note comes first
_SKIP = " or ".join(f"contains(@class, '{c}')" for c in ("border-t", "medium", "author-row"))
_BLOCK = f"{has_class('editors-note')} or ({has_class('wysiwyg-block')} and not({_SKIP}))"
_OLD = f"//h1[{has_class('report-title')}] | //div[{has_class('post-body')}]"


class Brookings(ArticlePage):
    """Today's theme: main > section (header), #content > div.byo-blocks > div.byo-block."""

    scope = ("//main[1]",)
    title_suffix = re.compile(r"\s+[|-]\s+(?:The\s+)?Brookings(?:\s+Institution)?$")
    body = (f".//div[{_BLOCK}]",)
    contributor = "author-name"  # div.author-row span.author-name
    people_path = "/people/"

    @classmethod
    def matches(cls, page: ArticlePage) -> bool:
        return bool(page.sel.xpath(f"//div[{has_class('byo-block')}]"))

    @property
    def header(self) -> Selector | None:  # type: ignore[override]
        found = self.sel.xpath("//main/section[1]")
        return found[0] if found else None

    def published_raw(self) -> Found:
        # the header's date line (Washington's day) before Yoast's UTC published_time
        date = self.header_date()
        return (date, "article_header") if date else super().published_raw()

    def type_label_raw(self) -> Found:
        # the header line showing one of the site's labels (its markup is not recorded)
        for _, text in self.header_line_texts:
            if self.site and self.site.type_of_label(text):
                return text, "article_header"
        return None, None

    def pdf_href(self) -> Found:
        # no button: the first PDF among the body's uploads (images are uploads too)
        found = super().pdf_href()
        for link in [] if found[0] else self.article.xpath(".//a[contains(@href, '/uploads/')]"):
            if link.attrib["href"].lower().endswith(".pdf") and self.outside(link):
                return link.attrib["href"], "body_sentence"
        return found


class Brookings2016(Brookings):
    """The 2016-2023 theme: h1.report-title in div.headline-wrapper, div.post-body holding the
    author cards under "Author(s)" after the first paragraph."""

    scope = ArticlePage.scope
    body = (f".//div[{has_class('post-body')}]",)
    related_headings = (*ArticlePage.related_headings, "author", "authors")
    contributor = None
    _names = (
        f".//span[{has_class('names')}]//a",  # the header's names
        ".//*[@itemprop='author' and not(.//*[@itemprop='author'])]",  # research, testimony
        f".//h2[{has_class('name')}]//*[@itemprop='name']",  # blog posts' cards
    )

    @classmethod
    def matches(cls, page: ArticlePage) -> bool:
        return bool(page.sel.xpath(_OLD))

    def summary(self) -> Found:
        # with no description, the first paragraph: not a section heading ("The Problem")
        found = super().summary()
        body = self.body_containers[:1] if found[1] == "body_sentence" else []
        texts = [node_text(p) for p in body and body[0].xpath(".//p") if self.outside(p)]
        return next(((text, "body_sentence") for text in texts if text), found)

    @property
    def header(self) -> Selector | None:  # type: ignore[override]
        found = self.sel.xpath(f"//div[{has_class('headline-wrapper')}]")
        return found[0] if found else None

    def marked_contributors(self) -> list[dict[str, Any]]:
        for query in self._names:
            people: list[dict[str, Any]] = []
            for node in self.article.xpath(query):
                name = node_text(node)
                if name and all(p["name"] != name for p in people):
                    people.append({"name": name, "profile_url": self._href(node), "role": "author"})
            if people:
                return people
        return []

    def byline_raw(self) -> Found:
        # names are marked up; the "Author" card heading is no byline
        return (None, None) if self.marked_contributors() else super().byline_raw()


SITE = Site(
    name="brookings",
    title="Brookings Institution",
    home="https://www.brookings.edu",
    hosts=("www.brookings.edu", "brookings.edu"),
    publications=(
        # today every piece is an /articles/ page typed by its label; the typed paths of
        # 2016-2023 say the type themselves
        TypeRule(rf"/articles{_SLUG}", "commentary"),
        TypeRule(rf"/blog{_SLUG}/\d{{4}}/\d{{2}}/\d{{2}}{_SLUG}", "blog"),
        TypeRule(rf"/(?:research|bpea-articles|interactives){_SLUG}", "report"),
        TypeRule(rf"/opinions{_SLUG}", "commentary"),
        TypeRule(rf"/testimonies{_SLUG}", "testimony"),
        TypeRule(rf"/news{_SLUG}", "press-release"),
        TypeRule(rf"/books{_SLUG}", "book"),
    ),
    type_labels={
        "research": "report",
        "commentary": "commentary",
        "testimony": "testimony",
        "commentary podcast": "podcast",
        "podcast": "podcast",
        "news release": "press-release",
        "book": "book",
    },
    discovery=(
        Listing("/research-commentary/"),  # ?page=N
        Sitemap("/sitemap_index.xml"),
        Feed("/feed/"),
    ),
    date_order="MDY",
    languages=("en",),
    coverage_floors={"title": 1.0, "published": 0.99, "body": 0.95, "authors": 0.8},
    unsigned_types=("press-release",),  # news releases (notes 8 #24, #25)
    not_names=("Brookings", "The Brookings Institution", "Brookings Institution"),
    checks=Checks(
        listing="/research-commentary/",
        listing_requests=4,
        article="/articles/local-transportation-policy-and-economic-opportunity/",
    ),
    article_pages=(Brookings, Brookings2016),
)
