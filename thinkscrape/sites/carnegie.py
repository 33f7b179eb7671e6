"""Carnegie Endowment (carnegieendowment.org): Payload CMS behind Next.js. Three page versions,
each chosen by the page: a migrated older piece (its page-data object), an older-site page
(``h1.headline``), else a current page read by the general page (site notes 2, 5)."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from parsel import Selector

from thinkscrape.extract.common import node_text
from thinkscrape.pages.article import ArticlePage, Found
from thinkscrape.pages.listing import ListingPage
from thinkscrape.site import Checks, JsonApi, Listing, Site, Sitemap, TypeRule

_CENTRE = r"(?:/[a-z][a-z-]*)?"  # /<centre>/posts/..., seen for two centres (notes 1.2)
_MONTH_SLUG = r"/(\d{4})/(\d{2})/[a-z0-9][a-z0-9-]*"
_API = "?limit=20&sort=-createdAt&depth=0"


class CurrentArticle(ArticlePage):
    # notes 2.1: label, title, dek, "by <names>", "Published on <date>"; About the Authors
    type_label = "(//article//h1)[1]/preceding-sibling::*[1]"  # the line above the title
    date_line = re.compile(r"^Published on [A-Z][a-z]+ \d{1,2}, \d{4}$")
    people_path = "/people/"

    def byline_raw(self) -> Found:
        return self.header_byline()


class MigratedArticle(ArticlePage):
    @classmethod
    def matches(cls, page: ArticlePage) -> bool:
        return _page_data(page) is not None

    def type_label_raw(self) -> Found:  # "commentary", "legacyinthemedia", "other"
        label = (_page_data(self) or {}).get("type")
        return (label, "meta") if isinstance(label, str) and label else (None, None)

    people_path = "/people/"  # the author cards of Carnegie people link their pages

    def contributors(self) -> Found:  # the object's credited people, in order
        names = [n for n in (_page_data(self) or {}).get("authors") or [] if isinstance(n, str)]
        pages = {card["name"]: card["profile_url"] for card in self.people_cards()}
        people = [{"name": n, "profile_url": pages.get(n), "role": "author"} for n in names]
        return people, "meta" if people else None

    def byline_raw(self) -> Found:
        return None, None  # no byline shown; teasers' authors are other pieces'

    def published_raw(self) -> Found:  # no date shown: the URL's year and month
        match = re.search(_MONTH_SLUG, self.url)
        return (f"{match[1]}-{match[2]}", "url") if match else super().published_raw()


class OlderArticle(ArticlePage):
    # the older site's title block and body (notes 5.2), its inline author boxes left out
    type_label = "//div[contains(@class, 'post-date')]//li[2]"
    body = (".//div[@class='article-body']",)
    _authors = "//div[contains(@class, 'post-author')]"

    @classmethod
    def matches(cls, page: ArticlePage) -> bool:
        return bool(page.sel.xpath("//h1[@class='headline']"))

    @functools.cached_property
    def paragraphs(self) -> list[str]:  # without the author boxes set inside the body
        boxes = self.sel.xpath("//div[contains(@class, 'author-box')]//*[self::h5 or self::p]")
        return [p for p in ArticlePage.paragraphs.func(self) if p not in set(map(node_text, boxes))]

    def published_raw(self) -> Found:
        date = node_text(self.sel.xpath("//div[contains(@class, 'post-date')]//li[1]"))
        return (date, "article_header") if date else super().published_raw()

    def byline_raw(self) -> Found:  # "Toby Dalton,  Ariel (Eli) Levite"
        byline = node_text(self.sel.xpath(self._authors))
        return (byline, "article_header") if byline else (None, None)

    def marked_contributors(self) -> list[dict[str, Any]]:
        links = self.sel.xpath(f"{self._authors}/a")
        return [
            {"name": node_text(a), "profile_url": self._href(a), "role": "author"} for a in links
        ]


def _page_data(page: ArticlePage) -> dict[str, Any] | None:
    # the migrated page's data object: {"authors": [...], "type": ..., "centers": ...}
    for text in page.sel.xpath("//script[contains(., '\"primaryCenter\"')]/text()").getall():
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if isinstance(data, dict) and "authors" in data:
            return data
    return None


class CarnegieListing(ListingPage):
    # cards: one "• Name" line per author, "· December 19, 2024", then any outlet (notes 2.4)
    date_line = re.compile(r"^[·•]?\s*[A-Z][a-z]+ \d{1,2}, \d{4}$")

    def read_card(self, link: Selector, card_root: Any) -> dict[str, Any]:
        card = super().read_card(link, card_root)
        root = Selector(root=card_root)
        bullets = root.xpath(".//li[starts-with(normalize-space(.), '•')]")
        names = [node_text(n).lstrip("• ") for n in bullets]
        card["byline_raw"] = ", ".join(names) or None
        if card["summary"] in names:
            card["summary"] = None
        lines = [text for _, text in self._card_lines(card_root)]
        if card["date_raw"] in lines[:-1]:  # the outlet of a piece in the media
            card["outlet"] = lines[lines.index(card["date_raw"]) + 1]
        return card


SITE = Site(
    name="carnegie",
    title="Carnegie Endowment for International Peace",
    home="https://carnegieendowment.org",
    hosts=("carnegieendowment.org", "www.carnegieendowment.org"),
    publications=(
        TypeRule(rf"{_CENTRE}/research{_MONTH_SLUG}", "report"),
        TypeRule(rf"{_CENTRE}/emissary{_MONTH_SLUG}", "commentary", "Emissary"),
        TypeRule(rf"{_CENTRE}/posts{_MONTH_SLUG}", "commentary"),
        TypeRule(r"/\d{4}/\d{2}/\d{2}/[a-z0-9-]+-pub-\d+", "commentary"),  # older site
    ),
    discovery=(
        Listing("/research"),
        Listing("/emissary"),
        Sitemap("/sitemap.xml"),
        JsonApi(f"/api/posts{_API}"),
        JsonApi(f"/api/research{_API}"),
    ),
    date_order="MDY",
    languages=("en",),
    coverage_floors={"title": 1.0, "published": 1.0, "body": 0.9, "authors": 0.7},
    not_names=(
        "Carnegie Endowment for International Peace",
        "Carnegie Endowment",
        "Carnegie",
        "Carnegie Program Directors",
        "Carnegie fellows",
    ),
    checks=Checks("/research", 2, "/posts/2025/03/deepseek-ai-implications-africa"),
    listing_page=CarnegieListing,
    type_labels={
        "paper": "report",
        "article": "report",
        "commentary": "commentary",
        "in the media": "in-the-news",
        "legacyinthemedia": "in-the-news",
    },
    language_prefixes=("/en",),
    article_pages=(MigratedArticle, OlderArticle, CurrentArticle),
)
