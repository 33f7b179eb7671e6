"""RAND Corporation (www.rand.org): Adobe Experience Manager, one "all publications" listing
paged by ``?page=N``. Publication pages keep the product header of site notes 2.1; 2019
commentary (``/blog/``) has the ``p.type``/``p.authors``/``p.date`` header of 2.3; later
commentary, whose markup the notes do not record, is read by the general page."""

from __future__ import annotations

import re

from thinkscrape.extract.common import node_text
from thinkscrape.pages.article import ArticlePage, Found
from thinkscrape.pages.listing import ListingPage
from thinkscrape.site import Checks, Listing, Site, TypeRule

_TITLE = "//h1[@id='RANDTitleHeadingId']"
_SLUG = r"[a-z0-9][a-z0-9-]*\.html"  # cut at about 60 characters, mid-phrase (1.2)
_ID = r"[A-Z]{2,4}[A-Za-z0-9-]*\.html"  # RR2575z8, RRA4435-1, EP67794, CTA774-1
_AUTHORS = f"{_TITLE}/../p[@class='authors']"  # not the related products' p.authors
_PUBLISHED_IN = re.compile(r"^Published in\s*:\s*(?P<outlet>.+)$", re.IGNORECASE)


class RandListing(ListingPage):
    # ".type-time p.type" of the /pubs.html cards (notes 1.3), lower case
    type_labels = frozenset({"commentary", "research", "journal article", "news advisory"})


class RandPublication(ArticlePage):
    """``/pubs/<series>/<ID>.html``: ``div.product-header`` (notes 2.1)."""

    type_label = "//p[contains(@class, 'type-published')]/span[@class='type']"
    date = "//p[contains(@class, 'type-published')]/span[@class='published']"
    body = (".//div[contains(@class, 'product-page-abstract')]",)
    topic_links = "//ul[contains(@class, 'related-topics')]//li/a"
    pdf_links = "//div[@id='buybox']//div[contains(@class, 'btn-download')]//a/@href"

    @classmethod
    def matches(cls, page: ArticlePage) -> bool:
        return bool(page.sel.xpath("//div[contains(@class, 'product-header')]"))

    def shown(self, xpath: str) -> Found:
        found = [text for text in map(node_text, self.sel.xpath(xpath)) if text]
        return (found[0], "article_header") if found else (None, None)

    def title(self) -> Found:
        return self.shown(_TITLE)

    def published_raw(self) -> Found:
        shown = self.shown(self.date)
        return shown if shown[0] else (self.data.first("citation_online_date"), "meta")

    def byline_raw(self) -> Found:
        return self.shown(_AUTHORS)

    def contributors(self) -> Found:
        # the byline's names link to the people's pages (notes 2.1: p.authors a)
        links = self.sel.xpath(f"{_AUTHORS}//a[@href]")
        people = [
            {"name": node_text(a), "profile_url": self._href(a), "role": "author"} for a in links
        ]
        return people, "article_header" if people else None

    def topics(self) -> Found:
        topics = list(dict.fromkeys(filter(None, map(node_text, self.sel.xpath(self.topic_links)))))
        return topics, "article_header" if topics else None

    def pdf_href(self) -> Found:
        pdf = next(filter(self._is_pdf, self.sel.xpath(self.pdf_links).getall()), None)
        return pdf, "article_header" if pdf else None

    def source_line(self) -> Found:
        # external publications: "Published in: <Journal>" (notes 2.1)
        lines = map(node_text, self.sel.xpath("//div[contains(@class, 'product-header')]//p"))
        found = next(filter(None, map(_PUBLISHED_IN.match, lines)), None)
        return (found["outlet"], "article_header") if found else (None, None)


class RandCommentary2019(RandPublication):
    """``/blog/YYYY/MM/<slug>.html``: ``p.type``, ``p.authors``, ``p.date``, ``div.body-text``
    (notes 2.3); the related products below have dates and names of their own."""

    type_label = f"{_TITLE}/../p[@class='type']"
    date = f"{_TITLE}/../p[@class='date']"
    body = (".//div[contains(@class, 'body-text')]",)
    # the share links closing the body: neither text nor links of the piece
    other_blocks = f"{ArticlePage.other_blocks} or contains(@class, 'share')"
    skipped_paragraphs = re.compile(r"^Share on ")

    @classmethod
    def matches(cls, page: ArticlePage) -> bool:
        return bool(page.sel.xpath(cls.date))


SITE = Site(
    name="rand",
    title="RAND Corporation",
    home="https://www.rand.org",
    hosts=("www.rand.org", "rand.org"),
    publications=(
        TypeRule(rf"/pubs/commentary/\d{{4}}/\d{{2}}/{_SLUG}", "commentary"),
        TypeRule(rf"/blog/\d{{4}}/\d{{2}}/{_SLUG}", "commentary"),
        TypeRule(rf"/pubs/articles/\d{{4}}/{_SLUG}", "commentary"),
        TypeRule(rf"/pubs/testimonies/{_ID}", "testimony"),
        TypeRule(
            rf"/pubs/(?:research_reports|research_briefs|tools|conf_proceedings|perspectives"
            rf"|external_publications)/{_ID}",
            "report",
        ),
    ),
    discovery=(Listing("/pubs.html"),),
    date_order="MDY",
    languages=("en",),
    coverage_floors={"title": 1.0, "published": 0.99, "body": 0.95, "authors": 0.9},
    not_names=("RAND", "RAND Corporation", "RAND Europe", "The RAND Blog"),
    checks=Checks(
        listing="/pubs.html",
        listing_requests=6,  # the mirror's five cards and its pager; the live page has more
        article="/blog/2019/02/the-islamic-republics-foreign-policy-at-forty.html",
    ),
    type_labels={"commentary": "commentary", "blog": "blog"},
    listing_page=RandListing,
    article_pages=(RandCommentary2019, RandPublication, ArticlePage),
)
