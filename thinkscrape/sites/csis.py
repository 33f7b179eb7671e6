"""Center for Strategic and International Studies (www.csis.org): Drupal, every piece at
/analysis/<slug> with its type shown only as a label (site notes 1.2, 1.3). The /analysis
listing's cards credit "<Type> by <Names> — <Month D, YYYY>" (2.1); pages built before the
2022 rebuild keep the Drupal 7 theme's panes (3.1)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from parsel import Selector

from thinkscrape.extract.common import has_class, node_text
from thinkscrape.pages.article import ArticlePage, Found
from thinkscrape.pages.listing import ListingPage
from thinkscrape.site import Checks, Listing, Site, Sitemap, TypeRule

# "Commentary by A, B and C — July 23, 2026"; a card naming no one has no "by" part
_CREDIT = re.compile(r"^(?P<type>.+?)(?:\s+by\s+(?P<names>.+?))?\s+—\s+(?P<date>[A-Z][a-z]+ .+)$")


class CsisListing(ListingPage):
    title_links = f"//h3[{has_class('headline-sm')}]/a[@href]"

    def read_card(self, link: Selector, card_root: Any) -> dict[str, Any]:
        fields = super().read_card(link, card_root)
        credit = Selector(root=card_root).xpath(f".//div[{has_class('contributors')}]")
        found = _CREDIT.match(node_text(credit[0])) if credit else None
        if found:
            fields.update(type=found["type"], date_raw=found["date"], byline_raw=found["names"])
        return fields


class Downloads(ArticlePage):
    downloads: ClassVar[str] = ""  # XPath of the hrefs of the page's own downloads block

    def pdf_href(self) -> Found:
        for href in self.sel.xpath(self.downloads).getall():
            if self._is_pdf(href):
                return href.strip(), "article_header"
        return super().pdf_href()


class CsisArticle(Downloads):
    """The current theme: beyond the title its markup is not recorded, so the general page
    reads it; a report's PDF sits in "Available Downloads" (notes 2.2)."""

    downloads = (
        "//*[normalize-space(text())='Available Downloads']/following::a[position() <= 3]/@href"
    )


class CsisDrupal7Article(Downloads):
    """The Drupal 7 theme (notes 3.1): the date is the article's first paragraph, the
    authors the Written By pane, the PDF the Downloads pane's file link."""

    scope = ("//article[@role='article'][.//h1]",)
    type_label = f"//div[{has_class('page-type')}]"
    downloads = f"//a[{has_class('file__link')}]/@href"

    @classmethod
    def matches(cls, page: ArticlePage) -> bool:
        return bool(page.sel.xpath(f"//div[{has_class('layout-detail-page')}]"))

    def published_raw(self) -> Found:
        return _found(node_text(self.article.xpath("./p[1]")))

    def subtitle(self) -> Found:
        return _found(node_text(self.article.xpath(f"./div[{has_class('subtitle')}]")))

    def contributors(self) -> Found:
        pane = f"//div[{has_class('pane--csis-publication-written-by')}]"
        links = self.sel.xpath(f"{pane}//div[{has_class('teaser__title')}]/a[@href]")
        people = [
            {"name": node_text(a), "profile_url": self._href(a), "role": "author"} for a in links
        ]
        return _found(people)

    def topics(self) -> Found:
        links = self.sel.xpath(f"//div[{has_class('field--spaced')}]/a")
        return _found([text for text in map(node_text, links) if text])

    @property
    def body_containers(self) -> list[Selector]:
        # the banner's site name (an h1 in a span) leaves the parser's <header> open round
        # the whole page, which the general body rule skips: the article is the body
        return [self.article]

    @property
    def paragraphs(self) -> list[str]:
        texts, date = super().paragraphs, self.published_raw()[0]  # title and date first
        return texts[texts.index(date) + 1 :] if date in texts else texts


def _found(value: Any) -> Found:
    return value, "article_header" if value else None


SITE = Site(
    name="csis",
    title="Center for Strategic and International Studies",
    home="https://www.csis.org",
    hosts=("www.csis.org", "csis.org"),
    # one flat namespace (notes 1.2): the label on the card or page gives the type
    publications=(TypeRule(r"/analysis/(?!feed$)[a-z0-9][a-z0-9-]*", "commentary"),),
    # /rss.xml still answers but froze in 2016 (notes 1.4): no discovery reads it
    discovery=(Listing("/analysis"), Sitemap("/sitemap.xml", fallback=True)),
    date_order="MDY",
    languages=("en",),
    # notes 1.3; the newsletter "The Evening" has no type of its own
    type_labels={
        **{label: label for label in ("report", "commentary", "podcast", "transcript")},
        **{"critical questions": "commentary", "newsletter": "commentary", "books": "book"},
        **{"congressional testimony": "testimony", "blog post": "blog"},
    },
    # newsletters, podcast and event transcripts credit no one (notes 4.1)
    coverage_floors={"title": 1.0, "published": 0.99, "body": 0.9, "authors": 0.5},
    unsigned_types=("podcast", "transcript"),
    not_names=("CSIS", "Center for Strategic and International Studies"),
    checks=Checks(listing="/analysis", listing_requests=5, article="/analysis/spaceports-world"),
    listing_page=CsisListing,
    article_pages=(CsisDrupal7Article, CsisArticle),
)
