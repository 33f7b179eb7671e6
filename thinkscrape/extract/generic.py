"""Site-independent metadata: the fallback for policy sites without a dedicated extractor.

Reads what publishers declare for machines (JSON-LD, og:, article:, citation_, <meta
name=author>, <time datetime>) and, where that is missing, the visible byline and date.
A pure function of (url, html); values are returned as written, for the normalisers.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from thinkscrape.extract.common import (
    block_page_reason,
    collapse_whitespace,
    first_meta,
    json_ld_objects,
    json_ld_types,
    meta_tags,
    node_text,
    plain_text,
)

# JSON-LD types that describe the page's own piece of writing.
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
}

_DATE_META = (
    "article:published_time",
    "datepublished",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "dc.date.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "pubdate",
    "publishdate",
    "og:published_time",
)
# A byline's leading word in the languages of the sites we meet.
_BYLINE_LEAD_RE = re.compile(
    r"^(?:by|von|autor(?:in)?|auteur(?:e)?|par|door|por|autorzy)\s*:?\s+",
    re.IGNORECASE,
)
_NAME_SPLIT_RE = re.compile(r"\s*(?:,|;|\band\b|&|\bund\b|\bet\b|\bi\b)\s*", re.IGNORECASE)
# A visible date alone on its line: "February 19, 2019", "5. November 2021", "30.10.2021",
# "2021-04-20", "Jun 18th 2018".
_VISIBLE_DATE_RE = re.compile(
    r"^(?:\w+\.?,?\s+)?(?:\d{1,2}\.?\s+[^\W\d]+\.?,?\s+\d{4}|[^\W\d]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{1,2}[./]\d{1,2}[./]\d{4}|\d{4}-\d{2}-\d{2})$"
)
_URL_DATE_RE = re.compile(r"/((?:19|20)\d{2})/(\d{2})/(\d{2})/")
_TITLE_SEPARATORS = "-|–—:·•»"


def _article_objects(objects: list[dict[str, Any]], og_type: str | None) -> list[dict[str, Any]]:
    """JSON-LD objects describing the page's piece: articles first, then the WebPage (some
    sites declare date and author only there), unless the page says it is a whole website."""
    articles = [obj for obj in objects if json_ld_types(obj) & _ARTICLE_TYPES]
    if og_type and og_type.lower() == "website":
        return articles
    return articles + [obj for obj in objects if "webpage" in json_ld_types(obj)]


def _names_of(value: Any, by_id: dict[str, dict[str, Any]], depth: int = 0) -> list[str]:
    """Author names from a JSON-LD author value: strings, Persons, lists of either, or
    ``{"@id": ...}`` references to a Person elsewhere in the graph.

    Some sites put HTML links in place of names; their tags are removed.
    """
    if depth > 3:
        return []
    if isinstance(value, list):
        return [name for entry in value for name in _names_of(entry, by_id, depth + 1)]
    if isinstance(value, dict):
        if "name" not in value and value.get("@id") in by_id:
            value = by_id[value["@id"]]
        return _names_of(value.get("name"), by_id, depth + 1)
    name = plain_text(value)
    return [name] if name else []


def _split_names(text: str) -> list[str]:
    """Split "A, B and C" into names, unless a piece is a single word (then it was one name:
    "Smith, John", "Hanns-Seidel-Stiftung e.V.")."""
    text = collapse_whitespace(_BYLINE_LEAD_RE.sub("", collapse_whitespace(text)))
    pieces = [p.strip() for p in _NAME_SPLIT_RE.split(text) if p and p.strip()]
    if len(pieces) > 1 and all(len(p.split()) >= 2 or "(" in p for p in pieces):
        return pieces
    return [text] if text else []


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


def _title(
    sel: Selector, tags: dict[str, list[str]], articles: list[dict[str, Any]], site: str | None
) -> tuple[str | None, str | None]:
    title, source = None, None
    _, value = first_meta(tags, "og:title")
    if value:
        title, source = value, "meta"
    if not title:
        headline = next((plain_text(a.get("headline")) for a in articles if a.get("headline")), "")
        if headline:
            title, source = headline, "json_ld"
    if not title:
        _, value = first_meta(tags, "citation_title", "twitter:title", "dc.title")
        if value:
            title, source = value, "meta"
    h1s = [node_text(h) for h in sel.xpath("//h1")]
    h1s = [h for h in h1s if h]
    if not title:
        if h1s:
            return h1s[0], "article_header"
        value = node_text(sel.xpath("//title"))
        title, source = (value, "meta") if value else (None, None)
    if not title:
        return None, None
    title = collapse_whitespace(title)
    if site:
        for separator in _TITLE_SEPARATORS:
            suffix = f" {separator} {site}"
            if title.endswith(suffix) and len(title) > len(suffix):
                title = title[: -len(suffix)].strip()
    # The visible headline when the declared title is that headline plus a tail
    # ("Headline - Author - Site"): keep what readers see.
    for h1 in h1s:
        rest = title[len(h1) :].lstrip()
        if title.startswith(h1) and rest and rest[0] in _TITLE_SEPARATORS:
            return h1, "article_header"
    return title, source


def _published(
    sel: Selector, url: str, tags: dict[str, list[str]], articles: list[dict[str, Any]]
) -> tuple[str | None, str | None]:
    def declared(objects: list[dict[str, Any]]) -> str | None:
        for obj in objects:
            value = obj.get("datePublished") or obj.get("dateCreated")
            if isinstance(value, str) and collapse_whitespace(value):
                return collapse_whitespace(value)
        return None

    # An Article's date, then the page's meta tags, then a WebPage's (weaker: often the
    # date the CMS page was made).
    webpages = [obj for obj in articles if "webpage" in json_ld_types(obj)]
    value = declared([obj for obj in articles if obj not in webpages])
    if value:
        return value, "json_ld"
    _, value = first_meta(tags, *_DATE_META)
    if value:
        return value, "meta"
    value = declared(webpages)
    if value:
        return value, "json_ld"
    scope = _main_scope(sel)
    for holder in (scope, sel):
        value = collapse_whitespace(holder.xpath(".//time/@datetime").get())
        if value:
            return value, "article_header"
    # A visible date in an element named for it (div.post-date, span.date, ...).
    for node in sel.xpath(
        "//*[contains(translate(@class, 'DATE', 'date'), 'date')]"
        "/descendant-or-self::*[text()[normalize-space()]]"
    ):
        text = node_text(node)
        if _VISIBLE_DATE_RE.match(text):
            return text, "article_header"
    match = _URL_DATE_RE.search(urlsplit(url).path)
    if match:
        return "-".join(match.groups()), "url"
    return None, None


# How far (in elements, document order) a byline may sit from the headline: author boxes,
# comment authors and related teasers further down the page are not the byline.
_BYLINE_REACH = 60


def _near_headline(sel: Selector) -> Any:
    """A test: is this node within reach of the page's first headline? False without one."""
    scope = _main_scope(sel)
    headline = scope.xpath(".//h1") or sel.xpath("//h1")
    if not headline:
        return lambda node: False
    order = {element: index for index, element in enumerate(sel.root.iter())}
    anchor = order.get(headline[0].root, 0)
    return lambda node: abs(order.get(node.root, -(10**9)) - anchor) <= _BYLINE_REACH


_AUTHOR_LABEL = re.compile(r"^(?:by|authors?|autor(?:in|en|innen)?|auteurs?|autorzy)\s*:?$", re.I)


def _without_repeats(names: list[str]) -> list[str]:
    """Drop a name that merely repeats an earlier one inside other words ("Show all articles
    of Heiko Sauer" after "Heiko Sauer")."""
    kept: list[str] = []
    for name in _dedupe(names):
        if not any(earlier in name for earlier in kept):
            kept.append(name)
    return kept


def _visible_authors(sel: Selector) -> list[str]:
    near = _near_headline(sel)
    names = _without_repeats([node_text(a) for a in sel.xpath("//a[@rel='author']") if near(a)])
    if names:
        return names
    # a label ("Autor", "Auteur", "Authors") followed by the names: <dt>/<dd>, <h4>/<p>
    for label in sel.xpath("//*[self::dt or self::h4 or self::h5 or self::span or self::strong]"):
        if not near(label) or not _AUTHOR_LABEL.match(node_text(label)):
            continue
        value = label.xpath("following-sibling::*[1]")
        if value:
            links = _dedupe([node_text(a) for a in value[0].xpath(".//a[normalize-space()]")])
            found = links or _split_names(node_text(value[0]))
            if found:
                return found
    byline_class = (
        "contains(translate(@class, 'BYLINE', 'byline'), 'byline')"
        " or contains(translate(@class, 'AUTHOR', 'author'), 'author')"
    )
    for node in sel.xpath(f"//*[{byline_class}][not(ancestor::*[{byline_class}])]"):
        if not near(node):
            continue
        links = _dedupe([node_text(a) for a in node.xpath(".//a[normalize-space()]")])
        if links:
            return links
        text = node_text(node)
        if text and len(text) < 200:
            return _split_names(text)
    return []


def _authors(
    sel: Selector,
    tags: dict[str, list[str]],
    articles: list[dict[str, Any]],
    objects: list[dict[str, Any]],
) -> tuple[list[str], str | None]:
    by_id = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str)}
    # Authors of an Article outrank everything; a WebPage's author is often the CMS account
    # that posted the page, so the visible byline outranks it.
    webpages = [obj for obj in articles if "webpage" in json_ld_types(obj)]
    for article in articles:
        if article in webpages:
            continue
        names = _dedupe(_names_of(article.get("author"), by_id))
        if names:
            return names, "json_ld"
    for key in ("author", "citation_author", "dc.creator", "article:author"):
        values = [v for v in tags.get(key, []) if not v.lower().startswith(("http:", "https:"))]
        names = _dedupe([name for value in values for name in _split_names(value)])
        if names:
            return names, "meta"
    names = _visible_authors(sel)
    if names:
        return names, "article_header"
    for page in webpages:
        names = _dedupe(_names_of(page.get("author"), by_id))
        if names:
            return names, "json_ld"
    return [], None


def _site_name(
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


def extract_metadata(url: str, html: str) -> dict[str, Any]:
    """Title, date, authors, description, site name and language of any page.

    Returns ``{"url", "title", "published_raw", "authors", "description", "site_name",
    "language", "canonical_url", "block_reason", "sources"}``; ``sources`` says for each
    field found where it came from (one of ``items.SOURCES``). A block or challenge page
    gives ``block_reason`` and nothing else.
    """
    result: dict[str, Any] = {
        "url": url,
        "title": None,
        "published_raw": None,
        "authors": [],
        "description": None,
        "site_name": None,
        "language": None,
        "canonical_url": None,
        "block_reason": block_page_reason(html or ""),
        "sources": {},
    }
    if not html or result["block_reason"]:
        return result
    sel = Selector(text=html)
    tags = meta_tags(sel)
    objects = json_ld_objects(sel)
    articles = _article_objects(objects, first_meta(tags, "og:type")[1])
    sources: dict[str, str] = result["sources"]

    def put(field: str, value: Any, source: str | None) -> None:
        if value:
            result[field] = value
            sources[field] = source or "meta"

    put("site_name", *_site_name(url, tags, objects))
    put("title", *_title(sel, tags, articles, result["site_name"]))
    put("published_raw", *_published(sel, url, tags, articles))
    put("authors", *_authors(sel, tags, articles, objects))

    _, description = first_meta(tags, "og:description", "description", "twitter:description")
    if description:
        put("description", description, "meta")
    else:
        text = next((plain_text(a.get("description")) for a in articles), "")
        put("description", text, "json_ld")

    language = sel.xpath("/html/@lang").get() or first_meta(tags, "og:locale", "language")[1]
    if not language:
        language = sel.xpath(
            "//meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu')"
            " = 'content-language']/@content"
        ).get()
    put("language", collapse_whitespace(language), "meta")

    canonical = sel.xpath("//link[@rel='canonical']/@href").get()
    if canonical and canonical.strip():
        put("canonical_url", urljoin(url, canonical.strip()), "meta")
    return result
