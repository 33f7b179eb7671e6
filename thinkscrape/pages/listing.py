"""A page of a listing index: its cards, publication links, pagination and "Showing X-Y of N".

Pure: (site, url, html) in, plain data out; nothing here knows of Scrapy. The defaults read
any site whose cards are a title link with lines around it (type label, outlet, date,
byline, excerpt); a site's own subclass names its title links, date and byline shapes and
type labels where its markup needs them (``Site.listing_page``).

``to_dict()`` gives ``{"cards", "pagination", "publication_links", "showing"}``: each card
``{url, title, type, outlet, date_raw, byline_raw, summary}`` as the spider passes it on.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from parsel import Selector

from thinkscrape.extract.common import (
    PARSE_TRUNCATED,
    block_page_reason,
    element_text,
    node_text,
    parse_html,
)

if TYPE_CHECKING:
    from thinkscrape.site import Site

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# "January 6, 2019", "Jan. 6 2019", "6 January 2019", "December 2023"
_DATE_LINE = re.compile(
    rf"^(?:{_MONTH}\.?\s+(?:\d{{1,2}},?\s+)?\d{{4}}|\d{{1,2}}\s+{_MONTH}\.?,?\s+\d{{4}})$",
    re.IGNORECASE,
)
_BYLINE_LINE = re.compile(r"^By\b", re.IGNORECASE)
# "Showing 21 – 40 of 217", and the bare counter some views print: "1 - 10 of 43 results"
_SHOWING = re.compile(
    r"Showing\s+(\d+)\s*[-–—]\s*(\d+)\s+of\s+(\d+)"
    r"|(?<![\d.,/-])(\d+)\s*[-–—]\s*(\d+)\s+of\s+(\d+)\s+results\b",
    re.IGNORECASE,
)
# Query parameters that number a listing's pages: ?page=2 (Drupal, most CMSes), ?paged=2
# (WordPress without pretty permalinks).
_PAGE_PARAMETERS = frozenset({"page", "paged"})
# Classes of the element around a pager's links: "pagination", "pager", WordPress's
# "page-numbers" (on the links themselves) and "nav-links".
_PAGER = (
    "ancestor-or-self::*[contains(translate(@class, 'PAGINATOR', 'paginator'), 'paginat')"
    " or contains(translate(@class, 'PAGER', 'pager'), 'pager')"
    " or contains(@class, 'page-numbers') or contains(@class, 'nav-links')]"
)
# A card never reaches past these: the list holding the cards, the page's landmarks.
_CARD_CEILING_TAGS = frozenset({"ul", "ol", "main", "body", "html", "nav", "header", "footer"})
_REL_HAS = "contains(concat(' ', normalize-space(@rel), ' '), ' {} ')"
# Compiled once and run on a card's lxml elements: asked through parsel, each of a card's
# lines would cost a query compiled again and a Selector per result.
# (elements with text of their own that is more than a list dash, bullet or separator)
_LINE_ELEMENTS = etree.XPath(
    "descendant-or-self::*[not(self::script or self::style)"
    " and text()[normalize-space(translate(., '-–—•·|', ''))]]"
)
_DATETIME = etree.XPath("descendant-or-self::time[@datetime]")
_TAG_LINK = etree.XPath(f"descendant-or-self::a[{_REL_HAS.format('tag')}]")
_AUTHOR_MARK = etree.XPath(
    f"descendant-or-self::a[{_REL_HAS.format('author')}]"
    " | descendant-or-self::*[@itemprop='author']"
)


def _holding(elements: list[Any]) -> set[Any]:
    """The elements found and every element around them."""
    return {holder for element in elements for holder in (element, *element.iterancestors())}


def absolute_url(page_url: str, href: str | None) -> str | None:
    """``href`` resolved against the page, or None for an empty or malformed one (an
    unclosed IPv6 bracket, a port that is no number)."""
    href = (href or "").strip()
    if not href:
        return None
    if (href.startswith("/") and not href.startswith("//")) or _HAS_HOST.match(href):
        # resolved the same against any page of the site: the menus and footers every
        # page repeats are resolved once, not once per page
        return _resolved(_origin(page_url), href)
    return _resolved(page_url, href)


# "https://host...": a link that names its scheme and host
_HAS_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]")


@functools.lru_cache(maxsize=1_024)
def _origin(page_url: str) -> str:
    """The page's scheme and host: what a root-relative or absolute link is resolved by."""
    try:
        parts = urlsplit(page_url)
    except ValueError:
        return page_url
    if not parts.scheme or not parts.netloc:
        return page_url
    return f"{parts.scheme}://{parts.netloc}/"


@functools.lru_cache(maxsize=16_384)
def _resolved(base: str, href: str) -> str | None:
    try:
        url = urljoin(base, href)
        urlsplit(url).port  # noqa: B018 (raises on a malformed port)
    except ValueError:
        return None
    return url


def _first_page_bare(url: str) -> str:
    """A pager's link to page 0 (Drupal numbers its pages from 0: ``?page=0`` is the
    listing's own first URL) as that URL, so the first page is not read twice."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in query if not (k in _PAGE_PARAMETERS and v == "0")]
    if len(kept) == len(query):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept)))


class ListingPage:
    """One listing page of ``site``. Subclasses override the class attributes below."""

    # XPath of each card's title link (``a[@href]`` elements); None: every publication link
    # in the content area
    title_links: ClassVar[str | None] = None
    # the content area that holds the cards, when the page marks one
    content: ClassVar[str] = '//*[@id="content"] | //main'
    # ids of containers a card never reaches past
    card_ceiling_ids: ClassVar[frozenset[str]] = frozenset({"content"})
    date_line: ClassVar[re.Pattern[str]] = _DATE_LINE  # a card line that is its date
    byline_line: ClassVar[re.Pattern[str]] = _BYLINE_LINE  # ... its byline
    type_labels: ClassVar[frozenset[str]] = frozenset()  # ... its type, lower case

    def __init__(self, site: Site, url: str, html: str) -> None:
        self.site = site
        self.url = url
        self.blocked = not html or block_page_reason(html) is not None
        self.sel, self.truncation = (
            (Selector(text="<html/>"), None) if self.blocked else parse_html(html)
        )
        # each link's answer, by href: a card links its piece two or three times, and the
        # cards and the page's publication links ask about the same links again
        self._publication_urls: dict[str | None, str | None] = {}

    # --- hooks a site may override ----------------------------------------------------
    def is_tag_line(self, node: Selector, text: str) -> bool:
        """Whether a line before a card's title is one of its tags (outlet, date), not
        some other label the site puts there."""
        return True

    # --- the fields -------------------------------------------------------------------
    def publication_url(self, href: str | None) -> str | None:
        """The canonical URL of a link to a publication of the site, else None."""
        try:
            return self._publication_urls[href]
        except KeyError:
            pass
        canonical = None
        absolute = absolute_url(self.url, href)
        if absolute is not None:
            canonical = self.site.canonical_url(absolute)
            if canonical is not None and self.site.classify(canonical) is None:
                canonical = None
        self._publication_urls[href] = canonical
        return canonical

    def title_link_nodes(self) -> list[Selector]:
        """The title link of each card, in page order."""
        if self.title_links:
            links = [
                a
                for a in self.sel.xpath(self.title_links)
                if self.publication_url(a.attrib.get("href"))
            ]
            if links:
                return links
        scope = self.sel.xpath(self.content)
        scope = scope[0] if scope else self.sel
        return [
            a
            for a in scope.xpath(
                ".//a[@href][not(ancestor::nav or ancestor::footer or ancestor::header"
                " or ancestor::aside)]"
            )
            if self.publication_url(a.attrib["href"]) and node_text(a)
        ]

    def cards(self) -> list[dict[str, Any]]:
        links = self.title_link_nodes()
        title_elements = {a.root for a in links}
        cards: dict[str, dict[str, Any]] = {}
        for link in links:
            card = self.read_card(link, self._card_root(link, title_elements))
            cards.setdefault(card["url"], card)
        return list(cards.values())

    def publication_links(self) -> list[str]:
        """Every link to a publication of the site, wherever it is on the page, once each."""
        found = (self.publication_url(a.attrib["href"]) for a in self.sel.xpath("//a[@href]"))
        return list(dict.fromkeys(url for url in found if url))

    def pagination(self) -> list[str]:
        """Links to other pages of the same listing index: any link inside a pager, and any
        numbered one (the listing's ``pages`` pattern, ``?page=N``, ``?paged=N``)."""
        index = self.site.listing_index(self.url)
        if index is None:
            return []
        found: dict[str, None] = {}
        for a in self.sel.xpath("//a[@href]"):
            if a.attrib["href"].strip().startswith(("#", "javascript:")):
                continue  # the page itself, a script
            absolute = absolute_url(self.url, a.attrib["href"])
            if absolute is None or self.site.listing_index(absolute) != index:
                continue
            if self._is_numbered(absolute, index) or a.xpath(_PAGER):
                found[_first_page_bare(absolute)] = None
        return list(found)

    def showing(self) -> dict[str, int] | None:
        found = _SHOWING.search(node_text(self.sel.xpath("//body")) or "")
        if not found:
            return None
        first, last, total = (int(n) for n in found.groups() if n is not None)
        return {"first": first, "last": last, "total": total}

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "cards": [],
            "pagination": [],
            "publication_links": [],
            "showing": None,
        }
        if self.blocked:
            return result
        if self.truncation:
            result[PARSE_TRUNCATED] = self.truncation
        result["cards"] = self.cards()
        result["publication_links"] = self.publication_links()
        result["pagination"] = self.pagination()
        result["showing"] = self.showing()
        return result

    # --- cards --------------------------------------------------------------------------
    def _is_numbered(self, url: str, index: str) -> bool:
        canonical = self.site.canonical_url(url) or ""
        if canonical.rstrip("/") != (self.site.home + index).rstrip("/"):
            return True  # a later page by the listing's own pattern: /reports/p2, /page/2
        query = parse_qsl(urlsplit(url).query)
        return any(key in _PAGE_PARAMETERS and value.isdigit() for key, value in query)

    def _card_root(self, link: Selector, title_elements: set[Any]) -> Any:
        """The largest ancestor of a title link that holds no other card's title link."""
        card = link.root
        for ancestor in link.root.iterancestors():
            # never past the list holding the cards or the page's own title
            if ancestor.tag in _CARD_CEILING_TAGS or ancestor.get("id") in self.card_ceiling_ids:
                break
            if any(True for _ in ancestor.iter("h1")):
                break
            if any(el in title_elements and el is not link.root for el in ancestor.iter("a")):
                break
            card = ancestor
        return card

    @staticmethod
    def _card_lines(card_root: Any) -> list[tuple[Any, str]]:
        """(lxml element, text) for each element of the card with text of its own,
        outermost first."""
        lines: list[tuple[Any, str]] = []
        inside: set[Any] = set()  # the elements within a line already read
        for element in _LINE_ELEMENTS(card_root):
            if element in inside:
                continue
            inside.update(element.iterdescendants())
            text = element_text(element)
            if text:
                lines.append((element, text))
        return lines

    def read_card(self, link: Selector, card_root: Any) -> dict[str, Any]:
        """A card's fields, read line by line around its title link."""
        title = node_text(link) or None
        fields: dict[str, Any] = {
            "url": self.publication_url(link.attrib["href"]),
            "title": title,
            "type": None,
            "outlet": None,
            "date_raw": None,
            "byline_raw": None,
            "summary": None,
        }
        # A machine-readable date (<time datetime>) beats the visible one, which often
        # leaves out the year ("Apr 28").
        times = _DATETIME(card_root)
        date_element = times[0] if times else None
        if date_element is not None:
            fields["date_raw"] = date_element.get("datetime").strip() or None
        # the lines of the title link and of the date element: the element or one inside it
        title_lines = {link.root, *link.root.iterdescendants()}
        date_lines = {date_element, *date_element.iterdescendants()} if times else set()
        # the lines holding a topic link, and those holding an author link or mark: found
        # once for the card, not asked of each line
        topic_lines = _holding(_TAG_LINK(card_root))
        author_lines = _holding(_AUTHOR_MARK(card_root))
        before_title = True
        tags: list[str] = []  # lines between the type label and the title: outlet, date
        for element, text in self._card_lines(card_root):
            if element in title_lines or (title and text == title):
                before_title = False
                continue
            if element in date_lines:
                continue
            if element in topic_lines:
                continue  # the card's topics
            if fields["date_raw"] is None and self.date_line.match(text):
                fields["date_raw"] = text
            elif fields["byline_raw"] is None and (
                # "By ..." or a line of author links (rel=author, itemprop=author)
                self.byline_line.match(text) or element in author_lines
            ):
                fields["byline_raw"] = text
            elif fields["type"] is None and self.is_type_label(text):
                fields["type"] = text
            elif before_title and fields["date_raw"] is None:
                if self.is_tag_line(Selector(root=element), text):
                    tags.append(text)
            elif (
                not before_title
                and fields["summary"] is None
                and not text.lower().startswith(("read more", "continue reading"))
            ):
                fields["summary"] = text
        # Cards list type, outlet (if any), then date. The outlet is the tag after the type;
        # a date slot holding a non-date ("Forthcoming") still closes the group after a type.
        if fields["date_raw"] is None and fields["type"] is not None and tags:
            fields["date_raw"] = tags.pop()
        fields["outlet"] = tags[0] if tags else None
        return fields

    def is_type_label(self, text: str) -> bool:
        """Whether a card line is its type label: one the page names, or one the site maps
        onto a type (``Site.type_labels``), so a label is never taken for an outlet."""
        return text.lower() in self.type_labels or self.site.type_of_label(text) is not None
