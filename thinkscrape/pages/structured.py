"""The structured-data layer of a page: what it declares for machines, parsed once.

JSON-LD (``@graph`` members and top-level arrays flattened, ``Person`` objects and ``@id``
references followed, HTML inside strings removed), every ``<meta>`` with a name, property or
itemprop (``og:``, ``article:``, ``citation_``, Dublin Core ``dc.``/``dcterms.``,
``twitter:``) and Twitter's label/data pairs ("Written by" / a name). Microdata and RDFa
``itemprop``/``property`` elements, ``<time datetime>`` and ``rel=author`` links are read
where they sit, near the headline (``visible.py``): a related teaser marks up its own.

Read with parsel over the tree the page object already holds: extruct reads the same
sources but parses the page again for each syntax (see benchmarks/README.md).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector
from w3lib.html import remove_tags

from thinkscrape.extract.common import collapse_whitespace

JSON_LD_TYPE = "application/ld+json"
# the script's type compared as XPath's translate() lower-cases it: ASCII letters only
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# --- <meta> ---------------------------------------------------------------------------


def _declared_elements(sel: Selector) -> tuple[list[Any], list[str]]:
    """The page's ``<meta>`` elements and the text of its JSON-LD scripts, found in one walk
    of the tree (lxml's own: a query through parsel would wrap each element; and each walk
    of a whole page costs as much as reading what it finds)."""
    metas: list[Any] = []
    scripts: list[str] = []
    for element in sel.root.getroottree().iter("meta", "script"):
        if element.tag == "meta":
            metas.append(element)
        elif (element.get("type") or "").translate(_ASCII_LOWER) == JSON_LD_TYPE and element.text:
            scripts.append(element.text)
    return metas, scripts


def meta_tags(sel: Selector) -> dict[str, list[str]]:
    """Every ``<meta>`` with a name, property or itemprop, keyed in lower case, values in order.

    og:, article:, citation_, twitter: and plain names (author, description) all end up here.
    """
    return _meta_values(_declared_elements(sel)[0])


def _meta_values(metas: list[Any]) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for meta in metas:
        content = collapse_whitespace(meta.get("content"))
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            key = meta.get(attr)
            if key:
                tags.setdefault(key.strip().lower(), []).append(content)
    return tags


def first_meta(tags: dict[str, list[str]], *keys: str) -> tuple[str, str] | tuple[None, None]:
    """(key, value) of the first key present among ``keys``, else (None, None)."""
    for key in keys:
        values = tags.get(key)
        if values:
            return key, values[0]
    return None, None


# --- JSON-LD --------------------------------------------------------------------------

_CDATA_RE = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")


def _parse_json_ld_block(text: str) -> list[Any]:
    """Parse one ld+json script; tolerate CDATA wrappers, trailing junk and several objects."""
    text = _CDATA_RE.sub("", text.strip())
    decoder = json.JSONDecoder(strict=False)
    found: list[Any] = []
    position = 0
    while position < len(text):
        while position < len(text) and text[position] in " \t\r\n;,":
            position += 1
        if position >= len(text):
            break
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            break  # a malformed block keeps whatever parsed before the error
        found.append(value)
    return found


def _flatten(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for entry in value:
            yield from _flatten(entry)
    elif isinstance(value, dict):
        yield value
        if "@graph" in value:
            yield from _flatten(value["@graph"])


def json_ld_objects(sel: Selector) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, ``@graph`` members and top-level lists flattened."""
    return _json_ld_values(_declared_elements(sel)[1])


def _json_ld_values(scripts: list[str]) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for script in scripts:
        for value in _parse_json_ld_block(script):
            objects.extend(_flatten(value))
    return objects


def json_ld_types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if k}


def plain_text(value: Any) -> str:
    """A JSON-LD string value as plain text: tags removed (some sites put HTML in names)."""
    if not isinstance(value, str):
        return ""
    return collapse_whitespace(remove_tags(value).replace("&amp;", "&"))


_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "scholarlyarticle",
    "report",
    "techarticle",
    "socialmediaposting",
    "creativework",
    # writing that is not called an article: instructions, recipes, reviews
    "howto",
    "recipe",
    "review",
}

# Dates a page declares for its piece of writing, strongest first.
DATE_META = (
    "article:published_time",
    "datepublished",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "og:published_time",
)
# Looser declarations: often the CMS record's creation or last indexing, so a date shown in
# the page's header outranks them.
WEAK_DATE_META = (
    "dc.date.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "pubdate",
    "publishdate",
)
_URL_DATE_RE = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/")
_OTHER_DATE_META = re.compile(r"(?:^|[._:-])(?:date|publi(?:cation|shed|sh)_?date|issued)$")
_NOT_PUBLICATION_META = re.compile(r"modif|updat|expir|revis|valid|print", re.IGNORECASE)


def article_objects(objects: list[dict[str, Any]], og_type: str | None) -> list[dict[str, Any]]:
    """JSON-LD objects describing the page's piece: articles first, then the WebPage (some
    sites declare date and author only there), unless the page says it is a whole website."""
    articles = [obj for obj in objects if json_ld_types(obj) & _ARTICLE_TYPES]
    if og_type and og_type.lower() == "website":
        return articles
    return articles + [obj for obj in objects if "webpage" in json_ld_types(obj)]


_ORGANIZATION_TYPES = {
    "organization",
    "newsmediaorganization",
    "corporation",
    "educationalorganization",
    "governmentorganization",
    "ngo",
    "researchorganization",
}


def is_organization(obj: dict[str, Any]) -> bool:
    # A personal site declares its owner as ["Person", "Organization"]: a person still.
    kinds = json_ld_types(obj)
    return bool(kinds & _ORGANIZATION_TYPES) and "person" not in kinds


def publishers(objects: list[dict[str, Any]]) -> set[str]:
    """The names of the organisations the page's JSON-LD declares (its publisher, the desk),
    compared as headings are. The site's own name is not among them: on a personal site it
    is the author's."""
    names = {plain_text(obj.get("name")) for obj in objects if is_organization(obj)}
    return {norm_heading(name) for name in names if norm_heading(name)}


def is_publisher(name: str, publishers: set[str]) -> bool:
    """Is the name an organisation's the page declares ("Badische Zeitung")?"""
    return norm_heading(name) in publishers


def names_of(value: Any, by_id: dict[str, dict[str, Any]], depth: int = 0) -> list[str]:
    """Author names from a JSON-LD author value: strings, Persons, lists of either, or
    ``{"@id": ...}`` references to a Person elsewhere in the graph.

    Some sites put HTML links in place of names; their tags are removed.
    """
    if depth > 3:
        return []
    if isinstance(value, list):
        return [name for entry in value for name in names_of(entry, by_id, depth + 1)]
    if isinstance(value, dict):
        if "name" not in value and value.get("@id") in by_id:
            value = by_id[value["@id"]]
        if is_organization(value):
            return []  # a publisher or desk, not a person
        return names_of(value.get("name"), by_id, depth + 1)
    name = plain_text(value)
    return [name] if name else []


def norm_heading(text: str | None) -> str:
    """A heading's text compared without case, spacing or punctuation."""
    return re.sub(r"[\W_]+", "", (text or "").casefold())


def declared_date(objects: list[dict[str, Any]]) -> str | None:
    for obj in objects:
        value = obj.get("datePublished") or obj.get("dateCreated")
        if isinstance(value, str) and collapse_whitespace(value):
            return collapse_whitespace(value)
    return None


def meta_date(tags: dict[str, list[str]], keys: tuple[str, ...]) -> str | None:
    _, value = first_meta(tags, *keys)
    return value


def other_meta_date(tags: dict[str, list[str]]) -> str | None:
    """Scholarly and CMS variants of the date tags ("bepress_citation_date", "dc:date",
    "publication_date"), never a modification or expiry date."""
    for key, values in tags.items():
        if _OTHER_DATE_META.search(key) and not _NOT_PUBLICATION_META.search(key):
            return values[0]
    return None


def url_date(url: str) -> str | None:
    match = _URL_DATE_RE.search(urlsplit(url).path)
    if not match:
        return None
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def site_name(
    url: str, tags: dict[str, list[str]], objects: list[dict[str, Any]]
) -> tuple[str | None, str | None]:
    _, value = first_meta(tags, "og:site_name", "application-name")
    if value:
        return value, "meta"
    for obj in objects:
        if "website" in json_ld_types(obj) and plain_text(obj.get("name")):
            return plain_text(obj.get("name")), "json_ld"
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return (host or None), ("url" if host else None)


# Twitter's label/data pairs (Yoast writes "Written by" / the author, "Est. reading time").
_TWITTER_LABEL = re.compile(r"^twitter:label(\d+)$")


class StructuredData:
    """What one page declares for machines, each source parsed on first use."""

    def __init__(self, sel: Selector, url: str) -> None:
        self.sel = sel
        self.url = url

    @functools.cached_property
    def _declared(self) -> tuple[list[Any], list[str]]:
        return _declared_elements(self.sel)

    @functools.cached_property
    def meta(self) -> dict[str, list[str]]:
        return _meta_values(self._declared[0])

    @functools.cached_property
    def json_ld(self) -> list[dict[str, Any]]:
        return _json_ld_values(self._declared[1])

    @functools.cached_property
    def articles(self) -> list[dict[str, Any]]:
        """The JSON-LD objects describing the page's piece (articles, then its WebPage)."""
        return article_objects(self.json_ld, first_meta(self.meta, "og:type")[1])

    @functools.cached_property
    def webpages(self) -> list[dict[str, Any]]:
        return [obj for obj in self.articles if "webpage" in json_ld_types(obj)]

    @functools.cached_property
    def by_id(self) -> dict[str, dict[str, Any]]:
        return {obj["@id"]: obj for obj in self.json_ld if isinstance(obj.get("@id"), str)}

    @functools.cached_property
    def publishers(self) -> set[str]:
        return publishers(self.json_ld)

    def first(self, *keys: str) -> str | None:
        """The first ``<meta>`` value among ``keys`` (lower case), else None."""
        return first_meta(self.meta, *keys)[1]

    def article_authors(self) -> list[str]:
        """Person names an Article (not a WebPage) declares, in order."""
        for article in self.articles:
            if article not in self.webpages:
                names = names_of(article.get("author"), self.by_id)
                if names:
                    return names
        return []

    def webpage_authors(self) -> list[str]:
        for webpage in self.webpages:
            names = names_of(webpage.get("author"), self.by_id)
            if names:
                return names
        return []

    def headline(self) -> str | None:
        return next(
            (plain_text(a.get("headline")) for a in self.articles if a.get("headline")), None
        )

    def date_published(self) -> str | None:
        """The first ``datePublished`` any JSON-LD object declares."""
        for obj in self.json_ld:
            value = obj.get("datePublished")
            if isinstance(value, str) and collapse_whitespace(value):
                return collapse_whitespace(value)
        return None

    def description(self) -> str | None:
        return next((plain_text(a.get("description")) for a in self.articles), None) or None

    def twitter_fields(self) -> dict[str, str]:
        """Twitter's label/data pairs by label in lower case: {"written by": "A. Author"}."""
        fields = {}
        for key, labels in self.meta.items():
            number = _TWITTER_LABEL.match(key)
            data = self.meta.get(f"twitter:data{number[1]}") if number else None
            if data:
                fields[labels[0].lower()] = data[0]
        return fields
