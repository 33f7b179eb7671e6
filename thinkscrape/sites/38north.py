"""38 North (www.38north.org), the Stimson Center's North Korea site: WordPress and Yoast SEO,
read by the general pages with the theme's header and body named (site notes 4.1)."""

from __future__ import annotations

import re

from thinkscrape.pages.article import ArticlePage, Found
from thinkscrape.site import WORDPRESS_PAGES, Checks, Feed, Listing, Site, Sitemap, TypeRule

_DATED = r"/\d{4}/\d{2}/[a-z0-9][a-z0-9-]*"  # /2019/01/jwit013119, /2023/07/<title-slug>


class NorthArticle(ArticlePage):
    # the header's author and topic links; the body's paragraphs after the share buttons
    contributor = "author"
    topic_links = ".//li[contains(@class, 'meta--topics')]//a"
    body = ("./section",)
    other_blocks = f"{ArticlePage.other_blocks} or contains(@class, 'social-share')"
    skipped_paragraphs = re.compile(r"^(?:Facebook|Twitter|Email|Print)$")  # their labels

    def published_raw(self) -> Found:
        # the header's date line ("January 31, 2019") before Yoast's UTC datePublished
        date = self.header_date()
        return (date, "article_header") if date else super().published_raw()


SITE = Site(
    name="38north",
    title="38 North",
    home="https://www.38north.org",
    hosts=("www.38north.org", "38north.org"),
    publications=(TypeRule(rf"/reports{_DATED}", "report"), TypeRule(_DATED, "commentary")),
    discovery=(
        Listing("/articles/", pages=WORDPRESS_PAGES),
        Listing("/reports/", pages=WORDPRESS_PAGES),
        Sitemap("/sitemap_index.xml"),
        Feed("/feed/"),
    ),
    date_order="MDY",
    languages=("en",),
    # editorial posts are credited to the user "38 North", no person
    coverage_floors={"title": 1.0, "published": 0.99, "body": 0.95, "authors": 0.75},
    not_names=("38 North",),
    checks=Checks(listing="/articles/", listing_requests=4, article="/2019/01/jwit013119/"),
    article_pages=(NorthArticle,),
)
