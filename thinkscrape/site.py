"""A think tank as data: the facts every layer needs about one site, declared once.

A site's own file (``thinkscrape/sites/<name>.py``) holds one ``Site`` record and the page
classes that read its markup; the registry (``thinkscrape.sites``) finds it by name. The
spider, the normalisers, ``renormalize``, ``reextract``, the query layer and the CLI all
take the site from there, so nothing about one think tank is a default of general code.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from thinkscrape.normalize.links import domains_of_hosts
from thinkscrape.pages.article import ArticlePage, page_for
from thinkscrape.pages.listing import ListingPage

# One closed vocabulary of publication types for every site. A site maps its own labels
# ("Critical Questions", "Research", "Op-Ed") onto these; the list grows only for what fits
# none of them (a book). The README lists the labels each site uses.
PUBLICATION_TYPES = (
    "report",
    "commentary",
    "podcast",
    "video",
    "transcript",
    "testimony",
    "blog",
    "press-release",
    "in-the-news",
    "book",
)


@dataclass(frozen=True)
class TypeRule:
    """URL → type: a canonical path matching ``pattern`` (a regular expression, matched in
    full) is a publication of ``type`` (None: of no known type), in ``series`` when it has
    one."""

    pattern: str
    type: str | None
    series: str | None = None


@dataclass(frozen=True)
class Listing:
    """A listing index (``/reports``) whose pages list publications, newest first.

    ``pages`` is the path suffix of its later pages (a regular expression: ``/p\\d+`` for
    ``/reports/p2``); pages numbered in the query string (``?page=2``) need none.
    """

    path: str
    pages: str = ""


# The later pages of a WordPress listing with pretty permalinks: /articles/page/2/
WORDPRESS_PAGES = r"/page/\d+"


@dataclass(frozen=True)
class Sitemap:
    """An XML sitemap or sitemap index (``/sitemap_index.xml``).

    ``fallback``: read once the listings are read through, for what they missed. Where the
    listing cards carry what the pages do not show (the type label), a sitemap read at the
    start would fetch the pages first, without their cards.
    """

    path: str
    fallback: bool = False


@dataclass(frozen=True)
class Feed:
    """An RSS or Atom feed (``/feed/``); ``fallback`` as for a ``Sitemap``."""

    path: str
    fallback: bool = False


@dataclass(frozen=True)
class JsonApi:
    """A JSON listing API (``/wp-json/wp/v2/posts``)."""

    path: str


Discovery = Listing | Sitemap | Feed | JsonApi


@dataclass(frozen=True)
class Checks:
    """Sample pages for ``scrapy check NAME``: a listing page and how many requests it must
    give at least, and a publication page."""

    listing: str
    listing_requests: int
    article: str


@dataclass(frozen=True)
class Site:
    name: str  # the spider's name and the ``site`` column: "cnas"
    title: str  # "Center for a New American Security"
    home: str  # canonical origin: "https://www.cnas.org"
    hosts: tuple[str, ...]  # every host that serves the site (canonical URLs use ``home``)
    publications: tuple[TypeRule, ...]  # URL → type; a URL no rule matches is no publication
    discovery: tuple[Discovery, ...]  # where a crawl starts
    date_order: str  # how the site writes numeric dates: "MDY", "DMY", ...
    languages: tuple[str, ...]  # the languages of its dates
    # share of stored publications that must have each field (checked after each crawl)
    coverage_floors: Mapping[str, float] = field(default_factory=dict)
    unsigned_types: tuple[str, ...] = ()  # types often published without a byline
    unsigned_series: tuple[str, ...] = ()  # series written by a team with no byline
    # byline words that name no person on this site (its own name, a desk, a newsletter)
    not_names: tuple[str, ...] = ()
    checks: Checks | None = None
    # reads the site's listing pages: the general page, or the site's subclass of it
    listing_page: type[ListingPage] = ListingPage
    # the site's own type labels, lower case, onto PUBLICATION_TYPES: {"research": "report"};
    # a page whose label maps takes its type from it, any other from its URL rule
    type_labels: Mapping[str, str] = field(default_factory=dict)
    # path prefixes that name the language of the same page ("/en" in /en/posts/x, which is
    # /posts/x): dropped from canonical URLs
    language_prefixes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = sorted(set(self.types) - set(PUBLICATION_TYPES))
        if unknown:
            raise ValueError(
                f"site {self.name!r} gives types outside PUBLICATION_TYPES: {', '.join(unknown)}"
            )

    def type_of_label(self, label: str | None) -> str | None:
        """The type a label shown on the site's pages stands for, None if it names none."""
        if not label:
            return None
        return self.type_labels.get(" ".join(label.split()).lower())

    def typed_by_card(self, raw: dict[str, Any], card: Mapping[str, Any] | None) -> dict[str, Any]:
        """A publication's raw half with the type its listing card's label gives, when the
        page shows no label of its own: on a site whose URLs carry no type, the card may be
        the one place the label is shown. The page's label first, then the card's, then the
        URL rule."""
        labelled = self.type_of_label(card.get("type")) if card else None
        if labelled is None or raw.get("type_label") or raw.get("type") is None:
            return raw
        sources = {**raw.get("sources", {}), "type": "listing", "type_label": "listing"}
        return {**raw, "type": labelled, "type_label": card["type"], "sources": sources}

    def extract_listing(self, url: str, html: str) -> dict[str, Any]:
        """A listing page's cards, pagination, publication links and "Showing X-Y of N"."""
        return self.listing_page(self, url, html).to_dict()

    # reads the site's publication pages: the general page, or the site's versions of it
    # for its layout eras (the page itself picks one, see ``pages.article.page_for``)
    article_pages: tuple[type[ArticlePage], ...] = (ArticlePage,)

    def extract_article(self, url: str, html: str) -> dict[str, Any]:
        """The raw half of the publication at ``url`` (every raw key but ``listing``)."""
        return page_for(self.article_pages, self, url, html).to_raw()

    @functools.cached_property
    def own_domains(self) -> tuple[str, ...]:
        """The registered domains of the home and hosts ("cnas.org"): links to them are the
        site's own. An IP address that serves the site names no domain."""
        # read for every publication's links; the public suffix lookup is worked out once
        return domains_of_hosts([urlsplit(self.home).hostname or "", *self.hosts])

    @property
    def types(self) -> tuple[str, ...]:
        """The publication types this site's URLs and labels give, in rule order."""
        given = [rule.type for rule in self.publications] + list(self.type_labels.values())
        return tuple(dict.fromkeys(t for t in given if t is not None))

    @property
    def listing_paths(self) -> tuple[str, ...]:
        return tuple(d.path for d in self.discovery if isinstance(d, Listing))

    def listing_index(self, url: str) -> str | None:
        """The path of the listing index a URL of the site is a page of, else None."""
        canonical = self.canonical_url(url)
        if canonical is None:
            return None
        path = canonical[len(self.home) :] or "/"
        for listing in self.discovery:
            if isinstance(listing, Listing) and _listing_page_re(listing).fullmatch(path):
                return listing.path
        return None

    def expects(self, field_name: str, type_: str | None, series: str | None) -> bool:
        """Whether a publication of this type and series should have ``field_name``."""
        if field_name == "authors":
            return type_ not in self.unsigned_types and series not in self.unsigned_series
        return True

    def canonical_url(self, url: str, mirror_origin: str | None = None) -> str | None:
        """``<home><path>`` for any URL of the site, else None (see ``canonical_url``)."""
        return canonical_url(
            self.home, frozenset(self.hosts), url, mirror_origin, self.language_prefixes
        )

    def classify(self, url: str, mirror_origin: str | None = None) -> tuple[str, str | None] | None:
        """(type, series) of a publication page, None for any other page."""
        canonical = self.canonical_url(url, mirror_origin)
        if canonical is None:
            return None
        return _classify(self.publications, canonical[len(self.home) :] or "/")


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


# Listing pages repeat the same navigation links on every page of a crawl, and the function
# is pure: each such URL is worked out once. The bound keeps memory flat.
@functools.lru_cache(maxsize=8_192)
def canonical_url(
    home: str,
    hosts: frozenset[str],
    url: str,
    mirror_origin: str | None = None,
    language_prefixes: tuple[str, ...] = (),
) -> str | None:
    """``<home><path>`` for a URL on one of ``hosts``, else None.

    http, query strings (preview tokens, e-mail campaign tags, listing filters), fragments,
    repeated and trailing slashes all reduce to one URL. With ``mirror_origin`` (e.g.
    ``"http://127.0.0.1:8000"``) URLs on that local mirror count as the site's too; the
    mirror's ``index.html`` file names are dropped, and so is a leading language prefix of
    ``language_prefixes`` ("/en") that names the same page in its language.
    """
    if not url:
        return None
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:  # a malformed port or IPv6 literal
        return None
    on_mirror = mirror_origin is not None and _origin(url) == _origin(mirror_origin)
    if parts.scheme.lower() not in ("http", "https") or not (host in hosts or on_mirror):
        return None
    path = parts.path or "/"
    if on_mirror and path.endswith("/index.html"):
        path = path[: -len("index.html")]
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    for prefix in language_prefixes:
        if path == prefix or path.startswith(prefix + "/"):
            path = path[len(prefix) :]
            break
    return home + (path or "/")


@functools.lru_cache(maxsize=8_192)
def _classify(rules: tuple[TypeRule, ...], path: str) -> tuple[str, str | None] | None:
    for rule in rules:
        if _compiled(rule.pattern).fullmatch(path):
            return rule.type, rule.series
    return None


@functools.cache
def _listing_page_re(listing: Listing) -> re.Pattern[str]:
    suffix = f"(?:{listing.pages})?" if listing.pages else ""
    return re.compile(re.escape(listing.path.rstrip("/")) + suffix)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
