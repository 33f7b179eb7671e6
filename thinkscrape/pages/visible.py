"""What a reader sees: the visible-page heuristics behind the general article page.

The main headline against the declared title (``og:title``, a JSON-LD headline) and the
site's name around it, the date and the byline near the headline, readers' comments and
menus left out. Each choice also weighs the structured-data layer (``structured.py``):
these functions pick between the two. Values are returned as written, for the normalisers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from parsel import Selector

from thinkscrape.extract.common import collapse_whitespace, node_text
from thinkscrape.normalize.people import split_byline
from thinkscrape.pages.structured import (
    DATE_META,
    WEAK_DATE_META,
    StructuredData,
    declared_date,
    is_publisher,
    meta_date,
    names_of,
    norm_heading,
    other_meta_date,
    url_date,
)

# A byline's leading word in the languages of the sites we meet.
_BYLINE_LEAD_RE = re.compile(
    r"^(?:by|von|autor(?:in)?|auteur(?:e)?|par|door|por|autorzy)\s*:?\s+",
    re.IGNORECASE,
)
# The languages whose month names the visible-date search knows: a normaliser reading a date
# of a page that declares no language can try these.
DATE_LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "nl", "pl")
# Month names and their usual abbreviations in the languages of the sites we meet (English,
# German, French, Spanish, Portuguese, Italian, Dutch, Polish, nominative and genitive).
_MONTH_NAMES = """
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
januar jänner februar märz juni juli oktober dezember mär okt dez
janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre
décembre decembre janv févr avr juil déc
enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre
diciembre ene abr ago dic
janeiro fevereiro março abril maio junho julho setembro outubro novembro dezembro fev
gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre
januari februari maart mei augustus
styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad grudzień
stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada
grudnia
""".split()
_MONTH = "|".join(sorted(set(_MONTH_NAMES), key=len, reverse=True))
# A date as pages show it, anywhere in a short line: "Lübeck, 31. März 2003", "Veröffentlicht
# am 06.10.2023", "8 January 2020, 3:51 pm", "Von: A. Autor | 31.10.23", "2021-04-20".
_DATE_IN_TEXT_RE = re.compile(
    r"(?<![\w.])(?:"
    r"\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})(?![\d.])"
    r"|\d{4}-\d{2}-\d{2}(?!\d)"
    r"|\d{1,2}/\d{1,2}/\d{4}(?!\d)"
    rf"|\d{{1,2}}(?:\.|er|º|st|nd|rd|th)?\s+(?:de\s+)?(?:{_MONTH})\.?,?\s+(?:de\s+)?\d{{4}}(?!\d)"
    rf"|(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}(?!\d)"
    r")",
    re.IGNORECASE,
)
# A date labelled as an update or as the reader's current time is not the publication's.
_NOT_PUBLISHED_LABEL = re.compile(
    r"updat|aktualisiert|geändert|modifi|mis à jour|actualiz|aktuelle zeit|current time"
    r"|heute|today",
    re.IGNORECASE,
)
# A date line is short; a sentence of the body that mentions a date is not one.
_DATE_LINE_MAX = 90
_TITLE_SEPARATORS = "-|–—:·•»/"


def _names_in(text: str) -> list[str]:
    """The names a line of byline text gives, as written, read by the people normaliser's
    grammar (the one the archive splits bylines with)."""
    return [person.name_raw for person in split_byline(collapse_whitespace(text))]


class Authors(NamedTuple):
    names: list[str]  # the people, as written
    source: str | None  # one of items.SOURCES
    # the line of text they were read from, when they were: it goes to the raw half as the
    # byline, split into people by the people normaliser
    byline: str | None = None


NO_AUTHORS = Authors([], None)


def _dedupe(values: list[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


def _main_scope(sel: Selector) -> Selector:
    for query in ("//article[1]", "//main[1]", "//*[@role='main'][1]"):
        found = sel.xpath(query)
        if found:
            return found[0]
    return sel


def title(data: StructuredData, site: str | None) -> tuple[str | None, str | None]:
    """The piece's title and where it was found: the declared title (og:title, a JSON-LD
    headline, citation_title...) unless the visible headline is what it dresses up, else
    the heading the <title> repeats. ``site`` is the site's name, taken off either end."""
    sel, url = data.sel, data.url
    title, source = None, None
    value = data.first("og:title")
    if value:
        title, source = value, "meta"
    if not title:
        headline = data.headline()
        if headline:
            title, source = headline, "json_ld"
    if not title:
        value = data.first("citation_title", "twitter:title", "dc.title")
        if value:
            title, source = value, "meta"
    h1_elements = sel.root.xpath("//h1")
    h1s = [h for h in map(_heading_text, h1_elements) if h]
    if not title:
        page_title = node_text(sel.xpath("//title"))
        # The heading the <title> repeats: the first <h1> is often the site's name or a
        # hidden "Navigation" heading, and blogs title a post with an <h2>.
        headings = h1s + [node_text(h) for h in sel.xpath("(//h2 | //h3)[position() <= 20]")]
        # the whole <title>, then its head ("Headline | Site"), then its tail
        for part in ("whole", "head", "tail"):
            for heading in headings:
                if _part_of(heading, page_title) == part:
                    return heading, "article_header"
        if h1s:
            return h1s[0], "article_header"
        title, source = (page_title, "meta") if page_title else (None, None)
    if not title:
        return None, None
    title = collapse_whitespace(title)
    title = _without_site_name(title, site, url)
    # The visible headline when the declared title is that headline with a tail or a head
    # ("Headline - Author - Site", "Topic: Headline", "SITE | Headline"): keep what readers
    # see.
    for h1 in h1s:
        if _part_of(h1, title) in ("head", "tail"):
            return h1, "article_header"
    # A declared title worded for search engines and sharing, beside a different visible
    # headline: the article's own <h1> (the one of its main element, or the page's only one)
    # is what readers see, unless it is the site's name or a one-word label.
    headline = _main_headline(h1_elements)
    if headline is None and len(h1s) == 1:
        headline = h1_elements[0]
    if headline is None or any(norm_heading(h1) == norm_heading(title) for h1 in h1s):
        return title, source
    text = _without_site_name(_heading_text(headline), site, url)
    # (a box's heading, an advert's, shares no word with the piece's declared title)
    if (
        len(text.split()) >= 3
        and norm_heading(text) not in site_names(site, url)
        and _words_of(text) & _words_of(title)
    ):
        return text, "article_header"
    return title, source


def _main_headline(h1s: list[Any]) -> Any:
    """The first <h1> of the page's <main> (or role=main), else of an <article>."""
    for wanted in ("main", "article"):
        for h1 in h1s:
            for ancestor in h1.iterancestors():
                if ancestor.tag == wanted or (wanted == "main" and ancestor.get("role") == "main"):
                    return h1
    return None


def _words_of(text: str) -> set[str]:
    """The words of four letters or more, compared without case."""
    return {word for word in re.findall(r"\w{4,}", text.casefold())}


_SITE_SEPARATOR_RE = re.compile(r"\s+[|–—·•»/:-]\s+")


def site_names(site: str | None, url: str) -> set[str]:
    """The site's name as it declares it and as its host spells it, compared as headings."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    names = {norm_heading(name) for name in (site, host, host.split(".")[0]) if name}
    names.discard("")
    return names


def _without_site_name(title: str, site: str | None, url: str) -> str:
    """The title without the site's name before or after it ("Headline | MDR.DE",
    "MAGAZIN | Headline"), the name compared without case or punctuation, as the site
    declares it or as its host spells it."""
    names = site_names(site, url)
    parts = _SITE_SEPARATOR_RE.split(title)
    if len(parts) > 1 and norm_heading(parts[-1]) in names:
        title = title[: title.rfind(parts[-1])]
        title = title.rstrip(" |–—·•»/:-")
    elif len(parts) > 1 and norm_heading(parts[0]) in names:
        title = title[len(parts[0]) :].lstrip(" |–—·•»/:-")
    return title


_HIDDEN_RE = re.compile(r"visually-hidden|sr-only|screen-reader|hidden", re.IGNORECASE)
_KICKER_TAGS = ("span", "small", "strong", "em", "b", "i", "div", "p")


def _heading_text(heading: Any) -> str:
    """A heading's visible text, without a kicker over it or text hidden for screen readers."""
    if len(heading) == 0:  # text only: nothing hidden, no kicker
        return collapse_whitespace(heading.text)
    kickerless = _without_kicker(heading)
    if kickerless:
        return kickerless
    pieces = heading.xpath(
        ".//text()[not(ancestor::*[contains(@class, 'hidden')] or ancestor::*[contains(@class,"
        " 'sr-only')] or ancestor::style or ancestor::script)]"
    )
    return collapse_whitespace("".join(str(piece) for piece in pieces))


def _without_kicker(h1: Any) -> str | None:
    """The headline of an <h1> that opens with a kicker in its own element ("<span>Klimaschutz
    </span><span>Bohren, bis es heiß wird</span>"), else None. The kicker is a topic label
    over the headline, not part of it."""
    texts = [
        collapse_whitespace(str(piece))
        for piece in h1.xpath(".//text()[not(ancestor::*[contains(@class, 'hidden')])]")
    ]
    kicker = next(
        (
            el
            for el in h1.iterdescendants()
            if el.tag in _KICKER_TAGS
            and not _HIDDEN_RE.search(el.get("class") or "")
            and (el.text or "").strip()
        ),
        None,
    )
    if kicker is None or kicker.getparent() is None:
        return None
    kicker_text = collapse_whitespace(" ".join(kicker.itertext()))
    whole = " ".join(t for t in texts if t)
    if not whole.startswith(kicker_text) or not 1 <= len(kicker_text.split()) <= 6:
        return None
    rest = whole[len(kicker_text) :].strip(" |–—·•»/:-")
    return rest if len(rest.split()) >= 3 else None


def _part_of(heading: str, title: str) -> str | None:
    """Which part of ``title`` the heading is: "whole", its "head" set off by a separator
    ("Heading | Site"), its "tail" ("Topic: Heading"), or None."""
    if not heading or not title or len(norm_heading(heading)) < 2:
        return None
    if title == heading:
        return "whole"
    if title.startswith(heading):
        rest = title[len(heading) :].lstrip()
        return "head" if rest and rest[0] in _TITLE_SEPARATORS else None
    if title.endswith(heading):
        rest = title[: -len(heading)].rstrip()
        return "tail" if rest and rest[-1] in _TITLE_SEPARATORS else None
    return None
    if title == heading:
        return True
    if title.startswith(heading):
        rest = title[len(heading) :].lstrip()
        return bool(rest) and rest[0] in _TITLE_SEPARATORS
    if title.endswith(heading):
        rest = title[: -len(heading)].rstrip()
        return bool(rest) and rest[-1] in _TITLE_SEPARATORS
    return False


# Blocks whose dates and names belong to someone else: readers' comments and replies, other
# pieces' related cards, and navigation menus (lists of links to other pages, often titled
# with their dates).
_ASIDE = re.compile(r"comment(?!ary)|respond|reply|replies|related", re.IGNORECASE)
_MENU = re.compile(r"menu|nav", re.IGNORECASE)
# A microdata item that is a piece of writing: schema.org/Article, NewsArticle, BlogPosting...
_PIECE_TYPE = re.compile(r"schema\.org/(?:\w*Article|BlogPosting|Report)$", re.IGNORECASE)
# Elements named for a date ("post-date", "entry-meta__date", "published"): a loose XPath
# (case-insensitive by leaving the first letter out) narrowed by a regex.
_DATE_NAMED_XPATH = " or ".join(
    f"contains(@class, '{stem}')" for stem in ("ate", "ime", "ubli", "osted")
)
_DATE_NAMED = re.compile(r"date|time|publi|posted", re.IGNORECASE)
# Microdata and RDFa names of a publication date.
_DATE_PROPERTY = re.compile(
    r"(?:^|[:\s])(?:datePublished|dateCreated|published_time)$", re.IGNORECASE
)


def _is_aside(el: Any) -> bool:
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    if el.tag == "nav" or _ASIDE.search(names):
        return True
    return el.tag in ("ul", "ol", "li") and bool(_MENU.search(names))


class Layout:
    """The layout facts the visible-field heuristics share, found once per page: the main
    headline and the elements around it in document order, comment blocks left out."""

    def __init__(
        self, sel: Selector, html: str, title: str | None, site_names: set[str] | None = None
    ) -> None:
        self.sel = sel
        self.html = html
        self.title = title
        self.site_names = site_names or set()
        self.anchor = self._headline(sel, title)
        self._aside: dict[Any, bool] = {}
        self._nearest: list[Any] | None = None
        self._document: list[Any] = []
        self._distance: dict[Any, int] = {}

    @staticmethod
    def _headline(sel: Selector, title: str | None) -> Any:
        """The headline element: the heading that reads as the title, else the main
        scope's first <h1>, else the page's (a hidden "Navigation" <h1> comes first on
        some pages)."""
        wanted = norm_heading(title)
        if wanted:
            for heading in sel.root.xpath("//h1 | //h2 | //h3"):
                if norm_heading("".join(heading.itertext())) == wanted:
                    return heading
        headline = _main_scope(sel).xpath(".//h1") or sel.xpath("//h1")
        return headline[0].root if headline else None

    def in_aside(self, el: Any) -> bool:
        """Is the element inside a readers' comment block, a navigation menu or another
        piece's teaser card?"""
        known = self._aside.get(el)
        if known is None:
            parent = el.getparent()
            known = (
                _is_aside(el)
                or self._another_article(el)
                or (parent is not None and self.in_aside(parent))
            )
            self._aside[el] = known
        return known

    def _another_article(self, el: Any) -> bool:
        """An <article> that does not hold the headline: a teaser card of another piece,
        whose date and authors are not this one's."""
        if el.tag != "article" or self.anchor is None:
            return False
        if any(a is el for a in self.anchor.iterancestors("article")):
            return False
        # Pages also build their modules of <article>s (a byline box beside the headline's),
        # so only one marked up as a piece of its own, or set aside, is another piece.
        typed = _PIECE_TYPE.search(el.get("itemtype") or "")
        return bool(typed) or any(True for _ in el.iterancestors("aside"))

    def near(self, reach: int) -> Iterator[Any]:
        """Elements within ``reach`` of the headline (document order, its ancestors not
        counted), nearest first, comment blocks and menus left out."""
        self._read_window()
        for el in self._nearest:
            if self._distance[el] > reach:
                break
            if not self.in_aside(el):
                yield el

    def window(self, reach: int) -> Iterator[Any]:
        """The same elements in document order."""
        self._read_window()
        for el in self._document:
            if self._distance[el] <= reach and not self.in_aside(el):
                yield el

    def is_near(self, el: Any, reach: int) -> bool:
        """Is the element (an lxml element) within ``reach`` of the headline?"""
        self._read_window()
        if el is self.anchor and el is not None:
            return True
        return self._distance.get(el, reach + 1) <= reach and not self.in_aside(el)

    def _read_window(self) -> None:
        # One window, the widest any heuristic uses, read once; each element with its
        # distance from the headline. Comment blocks are left out lazily, as elements
        # are looked at: most searches stop at the first few.
        if self._nearest is not None:
            return
        self._nearest, self._document, self._distance = [], [], {}
        if self.anchor is None:
            return
        window = max(_BYLINE_REACH, _DATE_REACH)
        after = self.anchor.xpath(f"following::*[position() <= {window}]")
        before = self.anchor.xpath(f"preceding::*[position() <= {window}]")
        self._distance = {el: index for index, el in enumerate(after, 1)}
        # lxml returns the preceding axis in document order
        self._distance.update({el: index for index, el in enumerate(reversed(before), 1)})
        self._document = [*before, *after]
        self._nearest = sorted(self._distance, key=self._distance.__getitem__)


def _text_date(text: str | None) -> str | None:
    """The date written in a short line of text, or None."""
    if not text or len(text) > _DATE_LINE_MAX * 3:
        return None
    text = collapse_whitespace(text)
    if len(text) > _DATE_LINE_MAX:
        return None
    match = _DATE_IN_TEXT_RE.search(text)
    if not match or _NOT_PUBLISHED_LABEL.search(text[: match.start()]):
        return None
    return match.group(0)


def _marked_date(el: Any) -> str | None:
    """The date an element marks up as a publication date: <time datetime>, microdata or RDFa
    (``itemprop``/``property`` datePublished, dateCreated, article:published_time)."""
    if el.tag == "time":
        value = collapse_whitespace(el.get("datetime"))
        return value or _text_date("".join(el.itertext()))
    prop = el.get("itemprop") or el.get("property")
    if prop and _DATE_PROPERTY.search(prop):
        value = collapse_whitespace(el.get("content") or el.get("datetime"))
        return value or _text_date("".join(el.itertext()))
    return None


# How far (in elements, document order) a date line may sit from the headline.
_DATE_REACH = 40


# Literal strings a page holds if it marks a date up (a plain search: a regex over the whole
# page would cost more than the rest of the date's reading).
_DATE_MARKERS = (
    "<time",
    'prop="datePublished',
    "prop='datePublished",
    'prop="dateCreated',
    "prop='dateCreated",
    ":datePublished",
    ":dateCreated",
)


def _shown_marked_date(page: Layout) -> str | None:
    """A date marked up near the headline: <time>, microdata or RDFa."""
    if not any(marker in page.html for marker in _DATE_MARKERS):
        return None  # (no need to read the headline's surroundings)
    for el in page.near(_DATE_REACH):
        if el.tag not in ("script", "style"):
            value = _marked_date(el)
            if value:
                return value
    return None


def _shown_text_date(page: Layout) -> str | None:
    """The nearest short line near the headline that holds a date, labels and places around
    it allowed ("Veröffentlicht am 06.10.2023", "Lübeck, 31. März 2003")."""
    for el in page.near(_DATE_REACH):
        if el.tag in ("script", "style", "title"):
            continue
        value = _text_date(el.tail)
        if el.tag not in ("a", "h1"):
            # a small element's words joined: "<span>Apr</span> <span>04</span>2013"
            value = value or _text_date(el.text) or (len(el) <= 4 and _text_date(_words(el)))
        if value:
            return value
    return None


# A line saying when the piece was published: "Veröffentlicht am 16.08.2019".
_PUBLISHED_LABELS = (
    "ublished",
    "eröffentlicht",
    "rschienen",
    "ublié",
    "ublicado",
    "ubblicato",
    "Datum",
)
_PUBLISHED_LABEL_XPATH = " or ".join(f"contains(., '{word}')" for word in _PUBLISHED_LABELS)


def _labelled_date(page: Layout) -> str | None:
    """A date anywhere in the page on a line that says it is the publication's."""
    if not any(label in page.html for label in _PUBLISHED_LABELS):
        return None
    # lxml's own text results know their parent element (parsel's do not)
    for text in page.sel.root.xpath(f"//body//text()[{_PUBLISHED_LABEL_XPATH}]"):
        parent = text.getparent()
        if parent is None or page.in_aside(parent) or parent.tag in ("script", "style"):
            continue
        # the date in the same text, after the label's element ("<b>Datum:</b> 19.11.2021"),
        # or in the label's element
        value = _text_date(str(text)) or _text_date(parent.tail) or _text_date(_words(parent))
        if value:
            return value
    return None


def _words(el: Any) -> str:
    return " ".join(piece.strip() for piece in el.itertext() if piece.strip())


def _marked_up_date(page: Layout) -> str | None:
    """A publication date marked up anywhere outside comments, then a date in a small
    element named for one (``post-date``, ``entry-meta``)."""
    root = page.sel.root
    marked_up = any(marker in page.html for marker in _DATE_MARKERS)
    for el in (
        root.xpath("//time | //*[@itemprop or @property][not(self::meta)]") if marked_up else ()
    ):
        value = _marked_date(el)
        if value and not page.in_aside(el):
            return value
    for el in root.xpath(f"//body//*[{_DATE_NAMED_XPATH}]"):
        if len(el) <= 4 and _DATE_NAMED.search(el.get("class")) and not page.in_aside(el):
            value = _text_date(_words(el))
            if value:
                return value
    return None


def published(data: StructuredData, page: Layout) -> tuple[str | None, str | None]:
    """The publication date as written, and where it was found."""
    # An Article's date and the strong meta tags; then the date the page shows in its
    # header, which outranks the looser declarations (often the CMS record's creation or
    # indexing date) and a WebPage's date (often the date the CMS page was made).
    tags, webpages = data.meta, data.webpages
    from_url = url_date(data.url)
    for value, source in (
        (declared_date([obj for obj in data.articles if obj not in webpages]), "json_ld"),
        (meta_date(tags, DATE_META), "meta"),
    ):
        if value:
            # A machine-readable date in the header or a dated permalink earlier than the
            # declared one is the first publication: the declaration was re-stamped when
            # the page was saved again or moved.
            return _earliest(
                (value, source), (_shown_marked_date(page), "article_header"), (from_url, "url")
            )
    for value, source in (
        (_shown_marked_date(page) or _shown_text_date(page), "article_header"),
        (meta_date(tags, WEAK_DATE_META) or other_meta_date(tags), "meta"),
        (declared_date(webpages), "json_ld"),
        (_marked_up_date(page) or _labelled_date(page), "article_header"),
        (from_url, "url"),
    ):
        if value:
            return value, source
    return None, None


_ISO_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _earliest(chosen: tuple[str, str], *others: tuple[str | None, str]) -> tuple[str, str]:
    """``chosen``, unless another ISO-dated candidate falls on an earlier day."""
    best = chosen
    for value, source in others:
        day = _ISO_DAY_RE.match(value or "")
        best_day = _ISO_DAY_RE.match(best[0])
        if value and day and best_day and day.group(0) < best_day.group(0):
            best = (value, source)
    return best


# How far (in elements, document order) a byline may sit from the headline: author boxes,
# comment authors and related teasers further down the page are not the byline.
_BYLINE_REACH = 60


_AUTHOR_LABEL = re.compile(r"^(?:by|authors?|autor(?:in|en|innen)?|auteurs?|autorzy)\s*:?$", re.I)


def _without_repeats(names: list[str]) -> list[str]:
    """Drop a name that merely repeats an earlier one inside other words ("Show all articles
    of Heiko Sauer" after "Heiko Sauer")."""
    kept: list[str] = []
    for name in _dedupe(names):
        if not any(earlier in name for earlier in kept):
            kept.append(name)
    return kept


# A link to an author's page worded as a call to action: "View all posts by Daniel Lemire".
_CALL_TO_ACTION_RE = re.compile(
    r"^(?i:view|see|show|read|more|all|alle|weitere|tous|voir|zeige)\b.*?\b(?i:by|von|par|de)"
    r"\s+(?=[^\W\d_a-z])"
)


def _link_name(text: str) -> str:
    """The name in an author link's text."""
    return _CALL_TO_ACTION_RE.sub("", text)


_LABEL_TAGS = ("dt", "h4", "h5", "span", "strong")
_BYLINE_NAMED = re.compile(r"byline|author", re.IGNORECASE)


def _visible_authors(sel: Selector, page: Layout) -> tuple[list[str], str | None]:
    """Names shown near the headline, and the line of text they were read from (None when
    each is a link or an element of its own)."""

    def near(node: Selector) -> bool:
        return page.is_near(node.root, _BYLINE_REACH)

    names = _without_repeats(
        [_link_name(node_text(a)) for a in sel.xpath("//a[@rel='author']") if near(a)]
    )
    if names:
        return names, None
    # a label ("Autor", "Auteur", "Authors") followed by the names: <dt>/<dd>, <h4>/<p>
    for element in page.near(_BYLINE_REACH):
        if element.tag not in _LABEL_TAGS or len((element.text or "").strip()) > 30:
            continue
        label = Selector(root=element, type="html")
        if not _AUTHOR_LABEL.match(node_text(label)):
            continue
        value = label.xpath("following-sibling::*[1]")
        if value:
            links = _dedupe([node_text(a) for a in value[0].xpath(".//a[normalize-space()]")])
            if links:
                return links, None
            text = node_text(value[0])
            if _names_in(text):
                return _names_in(text), text
    # the outermost element named for the byline or author near the headline
    for element in page.window(_BYLINE_REACH):
        if not _BYLINE_NAMED.search(element.get("class") or "") or any(
            _BYLINE_NAMED.search(parent.get("class") or "") for parent in element.iterancestors()
        ):
            continue
        node = Selector(root=element, type="html")
        links = [_link_name(node_text(a)) for a in node.xpath(".//a[normalize-space()]")]
        # links of a byline box that are not names: "Edit", "DT", a profile's call to action
        links = _dedupe([link for link in links if len(link.split()) >= 2])
        if links:
            return links, None
        text = node_text(node)
        if text and len(text) < 200:
            return _names_in(text), text
    return [], None


def authors(data: StructuredData, page: Layout) -> Authors:
    """Author names as written, where they were found, and the line of text they were read
    from if they were. A source naming only the publisher (the site, an organisation) is
    passed over for the next one."""
    sel, tags, by_id = data.sel, data.meta, data.by_id

    def found(names: list[str], source: str, text: str | None = None) -> Authors | None:
        kept = [name for name in _dedupe(names) if not is_publisher(name, data.publishers)]
        if source == "meta":
            # a meta author that is the site's own name is the publisher's default
            kept = [name for name in kept if norm_heading(name) not in page.site_names]
        if not kept:
            return None
        # a text naming a publisher beside the people gives the people alone, one by one
        return Authors(kept, source, text if kept == _dedupe(names) else None)

    def candidates() -> Iterator[Authors | None]:
        # Authors of an Article outrank everything; a WebPage's author is often the CMS
        # account that posted the page, so the visible byline outranks it.
        for article in data.articles:
            if article not in data.webpages:
                yield found(names_of(article.get("author"), by_id), "json_ld")
        for key in ("author", "citation_author", "dc.creator", "article:author"):
            values = tags.get(key, [])
            values = [v for v in values if not v.lower().startswith(("http:", "https:"))]
            text = "; ".join(values)
            yield found(_names_in(text), "meta", text)
        yield found(_microdata_authors(page), "article_header")
        yield found(*_shown(sel, page))
        for webpage in data.webpages:
            yield found(names_of(webpage.get("author"), by_id), "json_ld")
        # Twitter's "Written by" card field (Yoast writes it beside its JSON-LD graph)
        text = data.twitter_fields().get("written by", "")
        yield found(_names_in(text), "meta", text)

    return next((chosen for chosen in candidates() if chosen is not None), NO_AUTHORS)


def _shown(sel: Selector, page: Layout) -> tuple[list[str], str, str | None]:
    names, text = _visible_authors(sel, page)
    if not names:
        names, text = _byline_line(page)
    return names, "article_header", text


# A line that is a byline: its lead word, then a capitalised name ("Von Roland Brockmann
# und Sebastian Drescher", "Written by: Julie Mollins", "par Loïc Le Clerc").
_BYLINE_LINE_RE = re.compile(
    r"^(?i:(?:written\s+)?by|von|par|por|door|text|autor(?:in)?|auteur|author)\s*:?\s+"
    r"[^\W\d_a-z]"
)
_BYLINE_LINE_MAX = 100


# What follows the names on a byline line: a field separator, or a date.
_FIELD_SEPARATOR_RE = re.compile(r"\s[|•·/]|\s[-–—]\s")


def _before_other_fields(text: str) -> str:
    """A byline line without the fields that follow its names ("A | 12/10/2020")."""
    date = _DATE_IN_TEXT_RE.search(text)
    if date:
        text = text[: date.start()]
    return _FIELD_SEPARATOR_RE.split(text, maxsplit=1)[0].strip(" ,;")


def _first_line(el: Any) -> str:
    """An element's text up to its first line break (a <br>, or a new paragraph or block)
    after some text."""
    parts: list[str] = []
    query = ".//text()[not(ancestor::script or ancestor::style)] | .//br | .//p | .//div | .//li"
    for piece in el.xpath(query):
        if not isinstance(piece, str):
            if collapse_whitespace("".join(parts)):
                break
            continue
        parts.append(piece)
    return collapse_whitespace(" ".join(parts))


def _byline_line(page: Layout) -> tuple[list[str], str | None]:
    """The names of the nearest short line beside the headline that reads as a byline,
    whatever its markup, and that line."""
    for el in page.near(_BYLINE_REACH):
        if el.tag in ("h1", "h2", "h3", "script", "style", "title") or len(el) > 6:
            continue
        if not _BYLINE_LINE_RE.match(_words(el)):
            continue
        text = _before_other_fields(_first_line(el))
        if len(text) <= _BYLINE_LINE_MAX and _BYLINE_LINE_RE.match(text):
            lead = _BYLINE_LEAD_RE.sub("", text)
            if lead[:1].isupper() and norm_heading(text) != norm_heading(page.title):
                return _names_in(text), text
    return [], None


_AUTHOR_MARKERS = ('prop="author"', "prop='author'", "prop=author")


def _microdata_authors(page: Layout) -> list[str]:
    """Names marked up as the author (microdata ``itemprop=author``, RDFa
    ``property=author``) near the headline: related teasers further off mark up theirs."""
    names: list[str] = []
    if not any(marker in page.html for marker in _AUTHOR_MARKERS):
        return names
    for el in page.sel.root.xpath("//body//*[@itemprop='author' or @property='author']"):
        if not page.is_near(el, _BYLINE_REACH):
            continue
        name = el.xpath(".//*[@itemprop='name' or @property='name']")
        text = collapse_whitespace(" ".join((name[0] if name else el).itertext()))
        if text and len(text) <= 80:
            names.append(text)
    return names
