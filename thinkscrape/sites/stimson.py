"""The Stimson Center (www.stimson.org): Drupal until early 2020, WordPress since.

Only the Drupal pages' classes are known (site notes 4.1); the WordPress pages are read by
the general pages and their structured data, with the type label found by its text.
"""

from __future__ import annotations

import re
from typing import Any

from parsel import Selector

from thinkscrape.extract.common import has_class, node_text
from thinkscrape.normalize.people import split_byline
from thinkscrape.pages.article import ArticlePage, Found
from thinkscrape.pages.listing import ListingPage
from thinkscrape.pages.visible import NO_AUTHORS
from thinkscrape.site import Checks, Feed, Listing, Site, Sitemap, TypeRule

_SLUG = r"[^/\s]+"  # Drupal aliases keep quotes, percent-encoded ("media%E2%80%99s")
# a Drupal listing item's line: "July 14, 2017 | EXPERT: Amanda Shaver , EXPERT: Yun Sun"
_ITEM_LINE = re.compile(r"^(?P<date>[A-Z][a-z]+ \d{1,2}, \d{4}) \| (?P<people>.+)$")


class DrupalListing(ListingPage):
    title_links = f"//div[{has_class('current-title')}]/a[@href]"

    def read_card(self, link: Selector, card_root: Any) -> dict[str, Any]:
        card = super().read_card(link, card_root)
        texts = [text for _, text in self._card_lines(card_root)]
        for number, text in enumerate(texts):
            if match := _ITEM_LINE.match(text):  # then the teaser
                teaser = texts[number + 1] if number + 1 < len(texts) else None
                card.update(date_raw=match["date"], byline_raw=match["people"], summary=teaser)
        return card


class DrupalArticle(ArticlePage):
    """The Drupal page: h1.product-title, span.date-product, one div.expert-name a person."""

    page_title = f"//h1[{has_class('product-title')}]"
    # the expert field is a field__item too: the body is the one holding paragraphs
    body = (f".//div[{has_class('field__item')} and {has_class('even')} and p]",)
    authors = NO_AUTHORS  # the experts are marked up; no line names them

    @classmethod
    def matches(cls, page: ArticlePage) -> bool:
        # by markup: migrated items keep their old dates on the WordPress pages
        return bool(page.sel.xpath(cls.page_title))

    def title(self) -> Found:
        return self.header_title()

    def published_raw(self) -> Found:
        date = node_text(self.sel.css("div.author-date-block span.date-product")[:1])
        return (date, "article_header") if date else (None, None)

    def contributors(self) -> Found:
        experts = [
            (node_text(node), node.css("a") or node) for node in self.sel.css(".expert-name")
        ]
        people = [
            {"name": n, "profile_url": self._href(a), "role": "author"} for n, a in experts if n
        ]
        return people, "article_header" if people else None


class WordPressArticle(ArticlePage):
    """The WordPress page: its label line above the title, read by its text."""

    def type_label_raw(self) -> Found:
        # the nearest line before the headline that is one of the site's labels
        for node in self.sel.xpath("(//h1)[1]/preceding::*[text()[normalize-space()]]")[-4:][::-1]:
            text = node_text(node)
            if self.site and self.site.type_of_label(text) and not node.xpath("ancestor::nav"):
                return text, "article_header"
        return None, None

    def byline_raw(self) -> Found:
        # the header's "Featuring <Name>" or "By <Name>" line when it names someone
        found = self.header_byline()
        return found if split_byline(found[0]) else super().byline_raw()

    def subtitle(self) -> Found:
        # a migrated item's empty program line ("In", "in Program") is no dek
        found = super().subtitle()
        return (None, None) if re.fullmatch(r"(?i)in(?: program)?", found[0] or "") else found


SITE = Site(
    name="stimson",
    title="Stimson Center",
    home="https://www.stimson.org",
    hosts=("www.stimson.org", "stimson.org"),
    publications=(
        TypeRule(rf"/content/{_SLUG}", "commentary"),  # Drupal nodes
        TypeRule(rf"/(?:19|20)\d\d/(?!\d+$){_SLUG}", "commentary"),  # /YYYY/<slug>/, no month
    ),
    discovery=(
        # Drupal program listings, ?page=N from 0 (notes 3); WordPress: the feed, and the
        # sitemap index Yoast usually writes (inferred: its URL is not in the notes)
        *(Listing("/programs/grand-strategy-pivotal-places"), Listing("/programs/china")),
        *(Feed("/feed/"), Sitemap("/sitemap_index.xml")),
    ),
    date_order="MDY",
    languages=("en",),
    coverage_floors={"title": 1.0, "published": 0.99, "body": 0.95, "authors": 0.75},
    unsigned_types=("press-release", "in-the-news"),
    not_names=("Stimson Center", "The Stimson Center", "Henry L. Stimson Center", "Stimson")
    + ("38 North", "South Asian Voices"),
    checks=Checks(
        "/programs/china", 2, "/2021/stimsons-mekong-dam-monitor-wins-disaster-tech-award"
    ),
    # the labels of notes 4.2, and the kinds of piece notes 2 names beside them
    type_labels={"commentary": "commentary", "press release": "press-release"}
    | {"stimson in the news": "in-the-news", "testimony": "testimony", "report": "report"},
    listing_page=DrupalListing,
    article_pages=(DrupalArticle, WordPressArticle),
)
