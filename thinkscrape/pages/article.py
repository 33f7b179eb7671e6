"""An article page: one method per raw field of a publication, each giving its value and
where it was found (one of ``items.SOURCES``).

Pure: (site, url, html) in, plain data out; nothing here knows of Scrapy. The defaults read
any site: the structured-data layer first where it is reliable, then what a reader sees
(``visible.py``: the headline against the declared title, the date and byline near it),
the body's blocks with related, teaser and comment blocks left out, every body link with
its paragraph, the PDF button, a "Source:" line. A site's own subclass overrides single
fields, with a selector (a class attribute) or a small method, and a site may hold several
versions of its page for layout eras (``valid_from``/``valid_until`` on the page's own date,
or ``matches``): ``page_for`` picks the one the page itself asks for.

``to_raw()`` gives the raw half of a ``Publication``: every raw key but ``listing``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from thinkscrape.extract.common import (
    PARSE_TRUNCATED,
    block_page_reason,
    block_texts,
    collapse_whitespace,
    element_text,
    has_class,
    join_paragraphs,
    node_text,
    parse_html,
)
from thinkscrape.normalize.dates import parse_date
from thinkscrape.pages import visible
from thinkscrape.pages.structured import StructuredData, site_name
from thinkscrape.pages.visible import DATE_LANGUAGES

if TYPE_CHECKING:
    from thinkscrape.site import Site

Found = tuple[Any, "str | None"]  # a field's value and its source (None when not found)

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# A header line that is a date alone: "February 06, 2019", "6 February 2019", "2019-02-06"
_DATE_LINE = re.compile(
    rf"^(?:{_MONTH}\.?\s+(?:\d{{1,2}},?\s+)?\d{{4}}|\d{{1,2}}\s+{_MONTH}\.?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})$",
    re.IGNORECASE,
)
_BYLINE_LINE = re.compile(r"^(?:By|Written by|Testimony by|Featuring)\b", re.IGNORECASE)
_FEATURING = re.compile(r"^Featuring\b:?\s*(?P<rest>.*)$", re.IGNORECASE)
_JOURNALIST = re.compile(r"^Journalists?\b:?\s*(?P<name>.+)$", re.IGNORECASE)
_TESTIMONY = re.compile(r"^Testimony by\s+(?P<name>[^,]+)", re.IGNORECASE)
_PEOPLE_LINE_WORDS = (
    "Featuring",
    "FEATURING",
    "Journalist",
    "JOURNALIST",
    "Testimony",
    "TESTIMONY",
)
# "Source: Foreign Policy", "This article originally appeared in Foreign Policy."
_SOURCE = re.compile(r"^Source\s*:\s*(?P<outlet>.+)$", re.IGNORECASE)
_IMAGE_CREDIT = re.compile(r"^(?:Image|Photo) credit\b", re.IGNORECASE)
# Lines that send the reader elsewhere: never a summary of the piece.
_POINTER = re.compile(
    r"^(?:This (?:article|piece) was originally published|(?:To )?read the full|Read it here"
    r"|(?:Listen to|View|Watch) the full)\b",
    re.IGNORECASE,
)
_UPPER, _LOWER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"


def _lowered(expression: str) -> str:
    return f"translate({expression}, '{_UPPER}', '{_LOWER}')"


def _ancestors(*tags: str) -> str:
    """XPath: the element's ancestors of these tags, in document order (the nearest last).
    libxml2 walks ancestor::p by name at a third of the cost of testing every ancestor
    against a list of names (ancestor::*[self::p or self::li])."""
    return "(" + " | ".join(f"ancestor::{tag}" for tag in tags) + ")"


def _holds(expression: str, word: str) -> str:
    """XPath: ``expression``, lower-cased, holds ``word`` (lower case). Only the word's own
    letters are lower-cased: no other letter can be part of a match, and translating a
    class attribute through the whole alphabet on every element costs twice as much."""
    letters = "".join(dict.fromkeys(c for c in word if c in _LOWER))
    return f"contains(translate({expression}, '{letters.upper()}', '{letters}'), '{word}')"


# An image's caption or credit: a "Source:" there names the photo's agency, not an outlet.
_IN_CAPTION = (
    "ancestor-or-self::*[self::figure or self::figcaption"
    f" or {_holds('@class', 'caption')} or {_holds('@class', 'credit')}]"
)


class ArticlePage:
    """One publication page of ``site`` (None: a page of no known site)."""

    # --- what a site's subclass may override ----------------------------------------------
    # the element holding the article, first query that finds one
    # (the first in the page: /descendant::x[1] stops at it, //x[1] walks the whole page)
    scope: ClassVar[tuple[str, ...]] = ("/descendant::article[.//h1][1]", "/descendant::main[1]")
    # headings of the blocks that hold other pages' teasers ("Related", "More from X"),
    # lower case; blocks whose class or id says "related" are left out too
    related_headings: ClassVar[tuple[str, ...]] = (
        "related",
        "related content",
        "related articles",
        "related publications",
        "you may also like",
        "recommended",
        "more on this topic",
    )
    # other blocks that are not the article's: readers' comments, teasers (class or id)
    other_blocks: ClassVar[str | None] = (
        f"{_holds('@id', 'comments')} or {_holds('@class', 'teaser')}"
        f" or {_holds('@class', 'comments')}"
    )
    title_group: ClassVar[str | None] = None  # class of the header's title-and-subtitle box
    page_title: ClassVar[str | None] = None  # a title element outside the header
    title_suffix: ClassVar[re.Pattern[str] | None] = None  # the site's name after a <title>
    date_line: ClassVar[re.Pattern[str]] = _DATE_LINE  # a header line that is the date
    # the header's date paragraphs (XPath from the header), read before any other line
    date_paragraphs: ClassVar[str | None] = None
    # header lines that hold a date that is not the publication's (an XPath predicate)
    not_date_lines: ClassVar[str | None] = None
    # the date's own slot, kept as shown when it holds no date ("Forthcoming")
    date_slot: ClassVar[str | None] = None
    byline_line: ClassVar[re.Pattern[str]] = _BYLINE_LINE
    contributor: ClassVar[str | None] = None  # class of a contributor's name
    people_path: ClassVar[str | None] = None  # path of people's pages ("/people/")
    featured_types: ClassVar[tuple[str, ...]] = ()  # types whose people are featured
    topic_links: ClassVar[str | None] = None  # topic links (XPath from the header)
    # the body's containers, from the scope: first query that finds one outside the header
    body: ClassVar[tuple[str, ...]] = (
        ".//*[@itemprop='articleBody']",
        f".//div[{has_class('entry-content')}]",
        f".//div[{has_class('post-content')}]",
        f".//div[{has_class('article-body')}]",
    )
    skipped_paragraphs: ClassVar[re.Pattern[str]] = _IMAGE_CREDIT
    document_links: ClassVar[tuple[str, ...]] = ()  # URL parts of PDFs served without .pdf
    # the element showing the site's own type label ("Critical Questions"), XPath
    type_label: ClassVar[str | None] = None
    # layout eras: the page's own date (ISO) this version is valid for
    valid_from: ClassVar[str | None] = None
    valid_until: ClassVar[str | None] = None

    def __init__(self, site: Site | None, url: str, html: str) -> None:
        self.site = site
        self.html = html or ""
        kind = site.classify(url) if site else None
        self.url = (site.canonical_url(url) if site else None) or url
        self.type, self.series = kind if kind else (None, None)
        self.is_publication = kind is not None

    @classmethod
    def matches(cls, page: ArticlePage) -> bool:
        """Whether this version reads ``page`` (a page read with the site's first version):
        by default, whether the page's own date falls in ``valid_from``..``valid_until``."""
        if cls.valid_from is None and cls.valid_until is None:
            return True
        day = page.own_day()
        if day is None:
            return False
        return (cls.valid_from or "") <= day and (cls.valid_until is None or day < cls.valid_until)

    def own_day(self) -> str | None:
        """The page's own publication day (ISO), read by the site's date rules."""
        raw = self.published_raw()[0]
        if not raw:
            return None
        order, languages = (
            (self.site.date_order, self.site.languages) if self.site else ("DMY", DATE_LANGUAGES)
        )
        try:
            parsed = parse_date(
                raw, reference=datetime.now(UTC), date_order=order, languages=languages
            )
        except ValueError:  # a language the date parser does not know
            return None
        return parsed.iso if parsed else None

    # --- the page, parsed once --------------------------------------------------------------
    @functools.cached_property
    def _parsed(self) -> tuple[Selector, str | None]:
        return parse_html(self.html)

    @property
    def sel(self) -> Selector:
        return self._parsed[0]

    @functools.cached_property
    def data(self) -> StructuredData:
        return StructuredData(self.sel, self.url)

    @functools.cached_property
    def layout(self) -> visible.Layout:
        title = self.shown_title[0]
        return visible.Layout(
            self.sel, self.html, title, visible.site_names(self.site_name(), self.url)
        )

    @functools.cached_property
    def shown_title(self) -> Found:
        """The title readers see: the declared one unless the visible headline is what it
        dresses up (the headline the date and byline are looked for around)."""
        return visible.title(self.data, self.site_name())

    @functools.cached_property
    def article(self) -> Selector:
        """The element holding the article (the whole page if none is marked)."""
        for query in self.scope:
            found = self.sel.xpath(query)
            if found:
                return found[0]
        return self.sel

    @functools.cached_property
    def excluded(self) -> set[Any]:
        """The lxml elements of every related, teaser and comment block, to be left out."""
        blocks, heading, query = _excluded_queries(self.other_blocks, self.related_headings)
        roots: set[Any] = set()
        for found in query(self.article.root):
            if heading is None or _matches(blocks, found):
                roots.add(found)
            if heading is None or not _matches(heading, found):
                continue
            # the heading's own section: the nearest ancestor that holds more than the heading
            for ancestor in found.iterancestors():
                if ancestor.tag in ("body", "html", "article", "main"):
                    break
                text = collapse_whitespace("".join(ancestor.itertext()))
                if text.lower() not in self.related_headings:
                    roots.add(ancestor)
                    break
        return roots

    def outside(self, node: Selector) -> bool:
        """Whether a node lies outside every related, teaser and comment block."""
        excluded = self.excluded
        if not excluded:  # most pages: no walk up from every node read
            return True
        element = node.root
        if element in excluded:
            return False
        return not any(ancestor in excluded for ancestor in element.iterancestors())

    @functools.cached_property
    def header(self) -> Selector | None:
        """The article's header: the <header> holding its headline (or title group)."""
        group = f".//*[{has_class(self.title_group)}]" if self.title_group else None
        queries = [f".//header[{group} or .//h1]"] if group else [".//header[.//h1]"]
        if group:
            queries += [f"{group}/ancestor::header[1]", f"{group}/.."]
        for query in queries:
            found = self.article.xpath(query)
            if found:
                return found[0] if self.outside(found[0]) else None
        return None

    @functools.cached_property
    def header_line_texts(self) -> list[tuple[Selector, str]]:
        """Each element of the header that carries text of its own (one per visible line),
        with its text: the date, the byline, the people lines and the source line are looked
        for among them, so they are found and read once."""
        if self.header is None:
            return []
        # not inside a p, h1, h2, h3 or li with text of its own
        inside_line = f"{_ancestors('p', 'h1', 'h2', 'h3', 'li')}[text()[normalize-space()]]"
        lines = self.header.xpath(
            ".//*[not(self::script or self::style or self::button)"
            f" and text()[normalize-space()] and not({inside_line})]"
        )
        return [(node, node_text(node)) for node in lines]

    # --- fields ----------------------------------------------------------------------------
    def site_name(self) -> str | None:
        """The site's name as the page declares it (og:site_name, a JSON-LD WebSite), else
        its host: what a title may carry after the headline."""
        return site_name(self.url, self.data.meta, self.data.json_ld)[0]

    @functools.cached_property
    def headline(self) -> tuple[str | None, str | None]:
        """(title, subtitle) as the article's header shows them."""
        header = self.header
        if header is None:
            return None, None
        group = header.xpath(f".//*[{has_class(self.title_group)}]") if self.title_group else []
        title_node = (group or header).xpath(".//h1")
        title = node_text(title_node[0]) if title_node else None
        subtitle = None
        if group:
            if not title:
                # no h1: the group's first line is the title, the next the subtitle
                lines = [line for line in map(node_text, group[0].xpath("./*")) if line]
                title = lines[0] if lines else None
                subtitle = lines[1] if len(lines) > 1 else None
            else:
                after = group[0].xpath(".//h1/following-sibling::*")
                subtitle = next((node_text(n) for n in after if node_text(n)), None)
        elif title_node:
            after = title_node[0].xpath("following-sibling::*[1][self::h2 or self::p]")
            text = node_text(after[0]) if after else ""
            if text and not self.date_line.match(text) and not self.byline_line.match(text):
                subtitle = text
        return title or None, subtitle or None

    def title(self) -> Found:
        return self.shown_title

    def header_title(self) -> Found:
        """The header's headline, else the page's title element, else the declared title
        without the site's name after it."""
        title = self.headline[0]
        if not title and self.page_title:
            title = node_text(self.sel.xpath(self.page_title)[:1]) or None
        if title:
            return title, "article_header"
        title = self.data.first("og:title", "twitter:title") or node_text(self.sel.xpath("//title"))
        if title and self.title_suffix is not None:
            title = self.title_suffix.sub("", title).strip()
        return (title, "meta") if title else (None, None)

    def subtitle(self) -> Found:
        subtitle = self.headline[1]
        return subtitle, "article_header" if subtitle else None

    def published_raw(self) -> Found:
        return visible.published(self.data, self.layout)

    def header_date(self) -> str | None:
        """The date line of the header as shown."""
        header = self.header
        if header is None:
            return None
        for node in header.xpath(self.date_paragraphs) if self.date_paragraphs else []:
            text = node_text(node)
            if self.date_line.match(text):
                return text
        for node, text in self.header_line_texts:
            if self.not_date_lines and node.xpath(f"self::*[{self.not_date_lines}]"):
                continue
            if self.date_line.match(text):
                return text
        # the date's slot holding something that is not a date ("Forthcoming"): kept as
        # shown, so the date normaliser records why it has no date
        for node in header.xpath(self.date_slot) if self.date_slot else []:
            text = node_text(node)
            if text and not self.skipped_paragraphs.match(text):
                return text
        return None

    def byline_raw(self) -> Found:
        """The byline as shown ("By A and B"): on a site that marks its contributors up,
        the header's byline line; elsewhere the line of text the authors were read from,
        if they were. Splitting it into people is the people normaliser's work."""
        if self.contributor:
            return self.header_byline()
        found = self.authors
        return found.byline, found.source if found.byline else None

    def header_byline(self) -> Found:
        """The header's byline line as shown, or the line holding its contributors."""
        for _, text in self.header_line_texts:
            if self.byline_line.match(text):
                return text or None, "article_header"
        if self.header is not None and self.contributor:
            holder = self.header.xpath(f".//*[{has_class(self.contributor)}]/ancestor::p[1]")
            if holder and node_text(holder[0]):
                return node_text(holder[0]), "article_header"
        return None, None

    def contributors(self) -> Found:
        """People as marked up: the header's contributor names with their roles and profile
        links, else the authors the page declares or shows, one entry per name."""
        people = self.marked_contributors()
        if people:
            return people, "article_header"
        found = self.authors
        if found.byline:
            return [], None  # the byline names them
        people = [{"name": name, "profile_url": None, "role": "author"} for name in found.names]
        return people, found.source if people else None

    @functools.cached_property
    def authors(self) -> visible.Authors:
        """Authors declared (JSON-LD Persons, meta author) or shown near the headline."""
        return visible.authors(self.data, self.layout)

    def marked_contributors(self) -> list[dict[str, Any]]:
        people: list[dict[str, Any]] = []
        if self.contributor:
            marked = (
                f".//*[(self::a or self::span) and {has_class(self.contributor)}"
                f" and not(.//*[{has_class(self.contributor)}])]"
            )
            # a contributor link that wraps a contributor span is read once, as the span
            nodes = self.header.xpath(marked) if self.header is not None else []
            if not nodes:
                nodes = [n for n in self.article.xpath(marked) if self.outside(n)]
            for node in nodes:
                name = node_text(node, strip_zero_width=False)
                if name:
                    line = _ROLE_LINE(node.root)
                    role = _role_of(element_text(line[0]) if line else "")
                    people.append({"name": name, "profile_url": self._href(node), "role": role})
        # Lines of the header that name people in text only (on a site that marks up no
        # contributors, looked for only on pages that hold such a line's lead word: finding
        # the header costs more than the search).
        names = {person["name"] for person in people}
        wanted = self.contributor or any(word in self.html for word in _PEOPLE_LINE_WORDS)
        lines = self.header_line_texts if wanted else []
        for _, text in lines:
            featuring, journalist = _FEATURING.match(text), _JOURNALIST.match(text)
            testimony = _TESTIMONY.match(text)
            if featuring and featuring["rest"] and not people:
                people.append({"name": featuring["rest"], "profile_url": None, "role": "featured"})
            elif journalist and journalist["name"] not in names:
                people.append(
                    {"name": journalist["name"], "profile_url": None, "role": "journalist"}
                )
            elif testimony and not people:
                # "Testimony by <Name>, <Role>, <Affiliation>": only the name is a person
                name = testimony["name"].strip()
                people.append({"name": name, "profile_url": None, "role": "author"})
        if not any(person["role"] != "journalist" for person in people):
            people.extend(self.people_cards())
        return people

    def people_cards(self) -> list[dict[str, Any]]:
        """Links to people's pages outside the header and body: the person cards some pages
        show after the text. On pages of ``featured_types`` the person is the one
        featured, elsewhere an author."""
        if not self.people_path or self.site is None:
            return []
        role = "featured" if self.type in self.featured_types else "author"
        people: list[dict[str, Any]] = []
        # every element a body query finds, whether or not it is the one read
        bodies = {node.root for query in self.body for node in self.article.xpath(query)}
        for link in self.article.xpath(".//a[@href][not(ancestor::header)]"):
            if not self.outside(link) or any(a in bodies for a in link.root.iterancestors()):
                continue
            profile = self._href(link)
            canonical = self.site.canonical_url(profile) if profile else None
            path = canonical[len(self.site.home) :] if canonical else ""
            name = node_text(link, strip_zero_width=False)
            if path.startswith(self.people_path) and name:
                if all(person["profile_url"] != profile for person in people):
                    people.append({"name": name, "profile_url": profile, "role": role})
        return people

    def _href(self, node: Selector) -> str | None:
        found = _LINK_HREF(node.root)
        href = found[0] if found else None
        if not href or href.strip().lower().startswith(("javascript:", "#", "mailto:")):
            return None
        return urljoin(self.url, href.strip())

    @functools.cached_property
    def body_containers(self) -> list[Selector]:
        for query in self.body:
            found = [
                node
                for node in self.article.xpath(query)
                if self.outside(node) and not node.xpath("ancestor::header")
            ]
            if found:
                return found
        return []

    @functools.cached_property
    def paragraphs(self) -> list[str]:
        # a related, teaser or comment block embedded in the body is no part of its text
        return block_texts(self.body_containers, skip=self.skipped_paragraphs, keep=self.outside)

    def body_text(self) -> Found:
        body = join_paragraphs(self.paragraphs)
        return body, "body_sentence" if body else None

    def summary(self) -> Found:
        """The page's description, else the body's first paragraph that is not a pointer
        to the full piece elsewhere."""
        summary = self.data.first("og:description", "description", "twitter:description")
        if summary:
            return summary, "meta"
        summary = next((p for p in self.paragraphs if not _POINTER.match(p)), None)
        return summary, "body_sentence" if summary else None

    def topics(self) -> Found:
        """The header's topic links (``topic_links``), else the ``article:tag`` values."""
        if self.topic_links:
            links = self.header.xpath(self.topic_links) if self.header is not None else []
            topics = list(dict.fromkeys(filter(None, map(node_text, links))))
            return topics, "article_header" if topics else None
        topics = list(dict.fromkeys(self.data.meta.get("article:tag", [])))
        return topics, "meta" if topics else None

    def source_line(self) -> Found:
        """The outlet named on a "Source: X" line, in the header first; never a photo's
        credit ("Source: Getty" in a caption or figure)."""
        if not _may_hold_source_line(_STRING(self.article.root)):
            return None, None
        for node, text in self.header_line_texts:
            match = _SOURCE.match(text)
            if match and not node.xpath(_IN_CAPTION):
                return match["outlet"], "article_header"
        # only elements whose text mentions "source" at all (the line is rare; pages are long)
        candidates = (
            "(.//p | .//div[not(*)] | .//span[not(*)])"
            "[contains(translate(., 'SOURCE', 'source'), 'source')]"
        )
        for node in self.article.xpath(candidates):
            if self.outside(node) and not node.xpath(_IN_CAPTION):
                match = _SOURCE.match(node_text(node))
                if match:
                    return match["outlet"], "body_sentence"
        return None, None

    def links_raw(self) -> Found:
        """Every link of the body, with its anchor text and the paragraph holding it."""
        links = []
        for container in self.body_containers:
            for link in container.xpath(".//a[@href]"):
                if self.outside(link):
                    links.append(
                        {
                            "url": link.attrib["href"],
                            "text": node_text(link),
                            "context": _link_context(link),
                        }
                    )
        return links, None

    def pdf_href(self) -> Found:
        """The download button's PDF (a.button), else a PDF link in the header; never a
        print button."""
        buttons = [
            n
            for n in self.article.xpath(f".//a[@href and {has_class('button')}]")
            if self.outside(n)
        ]
        header_links = self.header.xpath(".//a[@href]") if self.header is not None else []
        for link in [*buttons, *header_links]:
            href = link.attrib["href"]
            if self._is_pdf(href):
                href = href.strip()
                in_header = self.header is not None and self.header.xpath(".//a[@href=$h]", h=href)
                return href, "article_header" if in_header else "body_sentence"
        return None, None

    def type_label_raw(self) -> Found:
        """The site's own label for the piece's type, as the page shows it."""
        if not self.type_label:
            return None, None
        for node in self.sel.xpath(self.type_label):
            text = collapse_whitespace(node.xpath("string()").get())
            if text:
                return text, "article_header"
        return None, None

    def _is_pdf(self, href: str) -> bool:
        lowered = href.strip().lower()
        if "print(" in lowered or lowered.startswith("javascript:"):
            return False
        try:
            path = urlsplit(lowered).path
        except ValueError:
            return False
        return path.endswith(".pdf") or any(part in lowered for part in self.document_links)

    # --- the raw half ----------------------------------------------------------------------
    def empty(self) -> dict[str, Any]:
        """The raw half with nothing found: what a page that is no article gives."""
        return {
            "url": self.url,
            "site": self.site.name if self.site else None,
            "type": self.type,
            "type_label": None,
            "series": self.series,
            "title": None,
            "subtitle": None,
            "summary": None,
            "body": None,
            "topics": [],
            "published_raw": None,
            "byline_raw": None,
            "contributors": [],
            "source_line": None,
            "links_raw": [],
            "pdf_href": None,
            "sources": {"type": "url"} if self.is_publication else {},
        }

    def to_raw(self) -> dict[str, Any]:
        """The raw half of a ``Publication`` (every raw key but ``listing``).

        Never raises on an odd page: what is missing is None or []. A page that is not an
        article (a block page, or neither a body nor a date) has ``title`` None so the
        pipeline drops it with a reason.
        """
        result = self.empty()
        if not self.html or block_page_reason(self.html):
            return result
        if self._parsed[1]:
            result[PARSE_TRUNCATED] = self._parsed[1]
        sources: dict[str, str] = result["sources"]
        if self.series:
            sources["series"] = "url"
        fields = {
            "title": self.title,
            "subtitle": self.subtitle,
            "published_raw": self.published_raw,
            "byline_raw": self.byline_raw,
            "contributors": self.contributors,
            "body": self.body_text,
            "summary": self.summary,
            "source_line": self.source_line,
            "topics": self.topics,
            "pdf_href": self.pdf_href,
            "links_raw": self.links_raw,
            "type_label": self.type_label_raw,
        }
        for name, read in fields.items():
            value, source = read()
            if value:
                result[name] = value
                if source and name != "body":
                    sources[name] = source
        if result["body"] is None and result["published_raw"] is None:
            # not an article: an error page, a landing page, an empty shell
            result["title"] = None
            sources.pop("title", None)
        labelled = self.site.type_of_label(result["type_label"]) if self.site else None
        if labelled and self.is_publication:
            result["type"] = labelled
            sources["type"] = sources["type_label"]
        return {**result, "sources": sources}

    def metadata(self) -> dict[str, Any]:
        """What any page says of itself: ``{"url", "title", "published_raw", "authors",
        "description", "site_name", "language", "canonical_url", "block_reason",
        "sources"}``, each field's source in ``sources``. A block or challenge page gives
        ``block_reason`` and nothing else."""
        found: dict[str, Any] = {
            "url": self.url,
            "title": None,
            "published_raw": None,
            "authors": [],
            "description": None,
            "site_name": None,
            "language": None,
            "canonical_url": None,
            "block_reason": block_page_reason(self.html),
            "sources": {},
        }
        if not self.html or found["block_reason"]:
            return found
        data = self.data
        site = site_name(self.url, data.meta, data.json_ld)
        description = data.first("og:description", "description", "twitter:description")
        language = (
            self.sel.xpath("/html/@lang").get()
            or data.first("og:locale", "language")
            or self.sel.xpath(
                "//meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu')"
                " = 'content-language']/@content"
            ).get()
        )
        canonical = (self.sel.xpath("//link[@rel='canonical']/@href").get() or "").strip()
        for name, (value, source) in {
            "site_name": site,
            "title": self.title(),
            "published_raw": self.published_raw(),
            "authors": (self.authors.names, self.authors.source),
            "description": (description, "meta")
            if description
            else (data.description(), "json_ld"),
            "language": (collapse_whitespace(language), "meta"),
            "canonical_url": (urljoin(self.url, canonical) if canonical else None, "meta"),
        }.items():
            if value:
                found[name] = value
                found["sources"][name] = source or "meta"
        return found


def page_for(
    pages: Sequence[type[ArticlePage]], site: Site | None, url: str, html: str
) -> ArticlePage:
    """The page version that reads this page: the first whose ``matches`` accepts it (the
    page read with the first version decides, by its own date or markup), else the first."""
    first = pages[0](site, url, html)
    for version in pages:
        if version.matches(first):
            return first if version is pages[0] else version(site, url, html)
    return first


@functools.cache
def _excluded_queries(
    other_blocks: str | None, related_headings: tuple[str, ...]
) -> tuple[str, str | None, etree.XPath]:
    """The predicates of a page class's related or other blocks and of its related headings
    (None: it names none), and the one query finding both, compiled once per class."""
    blocks = f"{_holds('@class', 'related')} or {_holds('@id', 'related')}"
    if other_blocks:
        blocks += f" or {other_blocks}"
    if not related_headings:
        return blocks, None, etree.XPath(f".//*[{blocks}]")
    # one lower-cased text per element, looked up in "|heading|heading|"
    wanted = "|" + "|".join(related_headings) + "|"
    # A text node longer than every heading rules its element out before the element's
    # whole text is gathered, lowered and looked up (what costs: every paragraph is such an
    # element): the element's text holds each of its text nodes' normalised text.
    shape = (
        "not(*[not(self::span or self::strong or self::em)])"
        f" and not(.//text()[string-length(normalize-space()) > {len(wanted) - 2}])"
        f" and contains('{wanted}', concat('|', {_lowered('normalize-space(.)')}, '|'))"
    )
    tags = ("h2", "h3", "h4", "p", "div", "span")
    heading = f"({' or '.join(f'self::{tag}' for tag in tags)}) and {shape}"
    # one walk over the article for both kinds of element, told apart afterwards (a union
    # of named steps costs libxml2 less than one step testing every element's name)
    query = " | ".join([f".//*[{blocks}]", *(f".//{tag}[{shape}]" for tag in tags)])
    return blocks, heading, etree.XPath(query)


@functools.cache
def _predicate(condition: str) -> etree.XPath:
    return etree.XPath(f"boolean(self::*[{condition}])")


def _matches(condition: str, element: Any) -> bool:
    """Whether ``element`` meets an XPath predicate (compiled once per predicate)."""
    return bool(_predicate(condition)(element))


# An element's whole text (every text node, in order), read in C.
_STRING = etree.XPath("string()", smart_strings=False)
# A contributor's line: the nearest p, div or li with text of its own.
_ROLE_LINE = etree.XPath(f"{_ancestors('p', 'div', 'li')}[text()[normalize-space()]][last()]")
# the link a node is, or is inside
_LINK_HREF = etree.XPath("ancestor-or-self::a[@href][1]/@href", smart_strings=False)


def _may_hold_source_line(text: str) -> bool:
    """Whether ``text`` holds "source" and then a colon, as the text of any "Source: X"
    line in it does once its whitespace is collapsed. Most pages hold none (while "source"
    itself is in every "resources"), and this look at the article's whole text costs less
    than reading the text of each of its elements that mention the word."""
    lowered = text.lower()
    at = lowered.find("source")
    while at >= 0:
        if collapse_whitespace(lowered[at + 6 : at + 206]).startswith(":"):
            return True
        at = lowered.find("source", at + 6)
    return False


def _role_of(line: str) -> str:
    if _FEATURING.match(line):
        return "featured"
    if _JOURNALIST.match(line):
        return "journalist"
    return "author"


_CONTEXT_HOLDER = _ancestors(
    "p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "td", "figcaption", "dd"
)


def _link_context(link: Selector) -> str:
    holder = link.xpath(f"{_CONTEXT_HOLDER}[last()]")  # the nearest
    return node_text(holder[0] if holder else link.xpath(".."))
