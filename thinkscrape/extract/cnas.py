"""Extraction for the Center for a New American Security (www.cnas.org).

Pure functions of (url, html) returning plain data; nothing here knows of Scrapy. Every
selector follows what public scrapers of the real site agree on (the Craft CMS markup:
``#content > article > header``, ``div.article__header__title-group``, the date paragraph
``p.sans-serif.fz11.bold.uppercase.margin-bottom-1em``, ``a.contributor`` /
``span.contributor``, ``div.wrapper.wysiwyg.margin-vertical``, ``a.button.margin-top-1em``),
with a fallback wherever the markup may differ. The "More from CNAS" related list is never
read for an article's own date, byline, outlet or PDF.
"""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from thinkscrape.extract.common import (
    PARSE_TRUNCATED,
    block_page_reason,
    block_texts,
    collapse_whitespace,
    first_meta,
    has_class,
    join_paragraphs,
    json_ld_objects,
    meta_tags,
    node_text,
    parse_html,
)

SITE = "cnas"
HOME = "https://www.cnas.org"
HOSTS = frozenset({"www.cnas.org", "cnas.org", "104.239.228.80"})

# --- URLs -----------------------------------------------------------------------------

# A slug as Craft writes it: lower-case words, digits and, on some older pages, dots.
_SLUG = r"[A-Za-z0-9][A-Za-z0-9._~%-]*"
# section path -> publication type
_SECTION_TYPES = {
    "publications/reports": "report",
    "publications/commentary": "commentary",
    "publications/cnas-insights": "commentary",
    "publications/congressional-testimony": "testimony",
    "publications/podcast": "podcast",
    "publications/video": "video",
    "publications/transcript": "transcript",
    "publications/blog": "blog",
    "press/press-release": "press-release",
    "press/in-the-news": "in-the-news",
}
_PUBLICATION_PATH_RE = re.compile(
    r"^/(?P<section>"
    + "|".join(re.escape(s) for s in _SECTION_TYPES)
    + r")/(?P<slug>"
    + _SLUG
    + r")$"
)
# Series live in the slug of commentary pages ("sharper-nato-75", "cnas-insights-unpacking-…")
# and, for newer CNAS Insights, in a section of their own.
_SERIES_PREFIXES = (("sharper", "Sharper"), ("cnas-insights", "CNAS Insights"))


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


# Listing pages repeat the same navigation links on every page of a crawl, and both
# functions are pure: each such URL is worked out once. The bound keeps memory flat: card
# links are new on every page and would only fill the cache.
@functools.lru_cache(maxsize=4_096)
def canonical_url(url: str, mirror_origin: str | None = None) -> str | None:
    """``https://www.cnas.org/<path>`` for any URL of the site, else None.

    The bare host, the IP mirror, http, query strings (preview tokens, e-mail campaign
    tags, listing filters), fragments and a trailing slash all reduce to one URL. With
    ``mirror_origin`` (e.g. ``"http://127.0.0.1:8000"``) URLs on that local mirror count as
    the site's too; the mirror's ``index.html`` file names are dropped.
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
    if parts.scheme.lower() not in ("http", "https") or not (host in HOSTS or on_mirror):
        return None
    path = parts.path or "/"
    if on_mirror and path.endswith("/index.html"):
        path = path[: -len("index.html")]
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    return HOME + (path or "/")


def _path_of(url: str, mirror_origin: str | None) -> str | None:
    canonical = canonical_url(url, mirror_origin)
    if canonical is None:
        return None
    return canonical[len(HOME) :] or "/"


@functools.lru_cache(maxsize=4_096)
def classify(url: str, mirror_origin: str | None = None) -> tuple[str, str | None] | None:
    """(type, series) for a publication page, None for any other page (events, people,
    research programmes, listings, other sites)."""
    path = _path_of(url, mirror_origin)
    if path is None:
        return None
    match = _PUBLICATION_PATH_RE.match(path)
    if not match:
        return None
    section, slug = match["section"], match["slug"].lower()
    if section == "publications/cnas-insights":
        return "commentary", "CNAS Insights"
    series = None
    if section == "publications/commentary":
        for prefix, name in _SERIES_PREFIXES:
            if slug == prefix or slug.startswith(prefix + "-"):
                series = name
                break
    return _SECTION_TYPES[section], series


# --- page text patterns -----------------------------------------------------------------

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# "February 06, 2019" on detail pages, "January 6, 2019" on cards, "December 2023" in Sharper
DATE_RE = re.compile(rf"^(?:{_MONTHS})\.?\s+(?:\d{{1,2}},?\s+)?\d{{4}}$", re.IGNORECASE)
BYLINE_RE = re.compile(r"^(?:By|Testimony by|Featuring)\b", re.IGNORECASE)
_FEATURING_RE = re.compile(r"^Featuring\b:?\s*(?P<rest>.*)$", re.IGNORECASE)
_JOURNALIST_RE = re.compile(r"^Journalists?\b:?\s*(?P<name>.+)$", re.IGNORECASE)
_SOURCE_RE = re.compile(r"^Source\s*:\s*(?P<outlet>.+)$", re.IGNORECASE)
_TESTIMONY_RE = re.compile(r"^Testimony by\s+(?P<name>[^,]+)", re.IGNORECASE)
_IMAGE_CREDIT_RE = re.compile(r"^Image credit\b", re.IGNORECASE)
# Lines that send the reader elsewhere (notes 3.3): never a summary of the piece.
_POINTER_RE = re.compile(
    r"^(?:This (?:article|piece) was originally published|(?:To )?read the full|Read it here"
    r"|(?:Listen to|View|Watch) the full)\b",
    re.IGNORECASE,
)
_TITLE_SUFFIX_RE = re.compile(
    r"(?:^|\s+)[|–-]\s*(?:CNAS|Center for a New American Security)(?:\s+\([A-Za-z-]+\))?$"
)

# Any element that is or sits inside the related list ("More from CNAS").
_RELATED_HEADING = (
    "(self::h2 or self::h3 or self::h4 or self::p or self::div or self::span)"
    " and not(*[not(self::span or self::strong or self::em)])"
    " and translate(normalize-space(.), 'MOREFROMCNAS', 'morefromcnas') = 'more from cnas'"
)


def _related_nodes(scope: Selector) -> set[Any]:
    """The lxml elements of every "More from CNAS" / related block, to be left out."""
    roots: set[Any] = set()
    for block in scope.xpath(
        ".//*[contains(translate(@class, 'RELATED', 'related'), 'related')]"
        " | .//*[contains(translate(@id, 'RELATED', 'related'), 'related')]"
    ):
        roots.add(block.root)
    for heading in scope.xpath(f".//*[{_RELATED_HEADING}]"):
        # the heading's own section: the nearest ancestor that holds more than the heading
        for ancestor in heading.root.iterancestors():
            if ancestor.tag in ("body", "html", "article", "main"):
                break
            text = collapse_whitespace("".join(ancestor.itertext()))
            if text.lower() != "more from cnas":
                roots.add(ancestor)
                break
    return roots


def _outside(node: Selector, excluded: set[Any]) -> bool:
    element = node.root
    if element in excluded:
        return False
    return not any(ancestor in excluded for ancestor in element.iterancestors())


# --- article pages ----------------------------------------------------------------------


def _article_scope(sel: Selector) -> Selector:
    for query in ('//*[@id="content"]//article[1]', "//article[.//h1][1]", "//main[1]"):
        found = sel.xpath(query)
        if found:
            return found[0]
    return sel


def _article_header(scope: Selector) -> Selector | None:
    title_group = f".//*[{has_class('article__header__title-group')}]"
    for query in (
        f".//header[{title_group} or .//h1]",
        f"{title_group}/ancestor::header[1]",
        f"{title_group}/..",
    ):
        found = scope.xpath(query)
        if found:
            return found[0]
    return None


def _title_and_subtitle(header: Selector | None) -> tuple[str | None, str | None]:
    if header is None:
        return None, None
    group = header.xpath(f".//*[{has_class('article__header__title-group')}]")
    title_node = (group or header).xpath(".//h1")
    title = node_text(title_node[0]) if title_node else None
    subtitle = None
    if group:
        if not title:
            # no h1: the group's first line is the title, the next the subtitle
            lines = [node_text(child) for child in group[0].xpath("./*")]
            lines = [line for line in lines if line]
            title = lines[0] if lines else None
            subtitle = lines[1] if len(lines) > 1 else None
        else:
            after = group[0].xpath(".//h1/following-sibling::*")
            subtitle = next((node_text(n) for n in after if node_text(n)), None)
    elif title_node:
        after = title_node[0].xpath("following-sibling::*[1][self::h2 or self::p]")
        if after and not DATE_RE.match(node_text(after[0])):
            text = node_text(after[0])
            if text and not BYLINE_RE.match(text):
                subtitle = text
    return title or None, subtitle or None


def _header_lines(header: Selector | None) -> list[Selector]:
    """Elements of the header that carry text of their own (one per visible line)."""
    if header is None:
        return []
    return header.xpath(
        ".//*[not(self::script or self::style or self::button)"
        " and text()[normalize-space()]"
        " and not(ancestor::*[self::p or self::h1 or self::h2 or self::h3 or self::li]"
        "         [text()[normalize-space()]])]"
    )


_DATE_PARAGRAPH = " and ".join(
    has_class(name) for name in ("sans-serif", "fz11", "bold", "uppercase", "margin-bottom-1em")
)


def _header_date(header: Selector | None) -> str | None:
    """The date line of the header as shown, wherever the image credit puts it."""
    if header is None:
        return None
    # 1. the date paragraph (its spacing class alone where the others are missing)
    for node in header.xpath(f".//p[{has_class('margin-bottom-1em')}]"):
        text = node_text(node)
        if DATE_RE.match(text):
            return text
    # 2. any line of the header that is a date alone, except the second "date" paragraph
    # after the title, whose meaning is unknown (it is not the publication date)
    for node in _header_lines(header):
        if node.xpath(f"self::*[{has_class('date')} and {has_class('margin-top-1em')}]"):
            continue
        text = node_text(node)
        if DATE_RE.match(text):
            return text
    # 3. the date paragraph holding something that is not a date ("Forthcoming"): kept as
    # shown, so the date normaliser records why it has no date
    for node in header.xpath(f".//p[{_DATE_PARAGRAPH}]"):
        text = node_text(node)
        if text and not _IMAGE_CREDIT_RE.match(text):
            return text
    return None


def _byline_line(header: Selector | None) -> Selector | None:
    if header is None:
        return None
    for node in _header_lines(header):
        if BYLINE_RE.match(node_text(node)):
            return node
    holder = header.xpath(f".//*[{has_class('contributor')}]/ancestor::p[1]")
    return holder[0] if holder else None


def _profile_url(node: Selector, page_url: str) -> str | None:
    href = node.xpath("ancestor-or-self::a[@href][1]/@href").get()
    if not href or href.strip().lower().startswith(("javascript:", "#", "mailto:")):
        return None
    return urljoin(page_url, href.strip())


def _contributors(
    header: Selector | None,
    scope: Selector,
    excluded: set[Any],
    page_url: str,
    page_type: str | None,
) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = []
    marked = (
        f".//*[(self::a or self::span) and {has_class('contributor')}"
        f" and not(.//*[{has_class('contributor')}])]"
    )
    # a contributor link that wraps a contributor span is read once, as the span
    nodes = header.xpath(marked) if header is not None else []
    if not nodes:
        nodes = [n for n in scope.xpath(marked) if _outside(n, excluded)]
    for node in nodes:
        name = node_text(node, strip_zero_width=False)
        if not name:
            continue
        line = node.xpath(
            "ancestor::*[self::p or self::div or self::li][text()[normalize-space()]][1]"
        )
        line_text = node_text(line[0]) if line else ""
        if _FEATURING_RE.match(line_text):
            role = "featured"
        elif _JOURNALIST_RE.match(line_text):
            role = "journalist"
        else:
            role = "author"
        people.append({"name": name, "profile_url": _profile_url(node, page_url), "role": role})

    # Lines of the header that name people in text only.
    names = {person["name"] for person in people}
    for node in _header_lines(header):
        text = node_text(node)
        featuring = _FEATURING_RE.match(text)
        journalist = _JOURNALIST_RE.match(text)
        testimony = _TESTIMONY_RE.match(text)
        if featuring and featuring["rest"] and not people:
            people.append({"name": featuring["rest"], "profile_url": None, "role": "featured"})
        elif journalist and journalist["name"] not in names:
            people.append({"name": journalist["name"], "profile_url": None, "role": "journalist"})
        elif testimony and not people:
            # "Testimony by <Name>, <Role>, <Affiliation>": only the name is a person
            people.append(
                {"name": testimony["name"].strip(), "profile_url": None, "role": "author"}
            )
    if not any(person["role"] != "journalist" for person in people):
        people.extend(_people_links(scope, header, excluded, page_url, page_type))
    return people


def _people_links(
    scope: Selector,
    header: Selector | None,
    excluded: set[Any],
    page_url: str,
    page_type: str | None,
) -> list[dict[str, Any]]:
    """Links to CNAS people pages outside the header and body: the person cards some pages
    (in-the-news pages without a "Featuring" line) show after the text. On in-the-news pages
    the person is the one featured, elsewhere an author."""
    role = "featured" if page_type == "in-the-news" else "author"
    people: list[dict[str, Any]] = []
    for link in scope.xpath(
        ".//a[@href][not(ancestor::header)]"
        f"[not(ancestor::div[{has_class('wysiwyg')}])]"
        "[not(ancestor::*[@id='mainbar' or @id='mainbar-toc'])]"
    ):
        if not _outside(link, excluded):
            continue
        profile = _profile_url(link, page_url)
        path = _path_of(profile, None) if profile else None
        name = node_text(link, strip_zero_width=False)
        if not path or not path.startswith("/people/") or not name:
            continue
        if all(person["profile_url"] != profile for person in people):
            people.append({"name": name, "profile_url": profile, "role": role})
    return people


def _topics(header: Selector | None) -> list[str]:
    if header is None:
        return []
    topics: list[str] = []
    for link in header.xpath(".//a[contains(@href, '/research/')]"):
        text = node_text(link)
        if text and text not in topics:
            topics.append(text)
    return topics


def _body_containers(scope: Selector, excluded: set[Any]) -> list[Selector]:
    wysiwyg = f"{has_class('wysiwyg')}"
    for query in (
        f".//div[{wysiwyg} and not(ancestor::div[{wysiwyg}])]",
        './/*[@id="mainbar-toc"]/div | .//*[@id="mainbar"]/div',
        './/*[@id="mainbar-toc"] | .//*[@id="mainbar"]',
    ):
        found = [
            node
            for node in scope.xpath(query)
            if _outside(node, excluded) and not node.xpath("ancestor::header")
        ]
        if found:
            return found
    return []


def _link_context(link: Selector) -> str:
    holder = link.xpath(
        "ancestor::*[self::p or self::li or self::blockquote or self::h2 or self::h3"
        " or self::h4 or self::h5 or self::h6 or self::td or self::figcaption or self::dd][1]"
    )
    return node_text(holder[0] if holder else link.xpath(".."))


def _links(containers: list[Selector], excluded: set[Any]) -> list[dict[str, Any]]:
    links = []
    for container in containers:
        for link in container.xpath(".//a[@href]"):
            if not _outside(link, excluded):
                continue
            links.append(
                {
                    "url": link.attrib["href"],
                    "text": node_text(link),
                    "context": _link_context(link),
                }
            )
    return links


def _is_pdf_href(href: str) -> bool:
    lowered = href.strip().lower()
    if "print(" in lowered or lowered.startswith("javascript:"):
        return False
    try:
        path = urlsplit(lowered).path
    except ValueError:
        return False
    return path.endswith(".pdf") or "files.cnas.org/documents/" in lowered


def _pdf_href(scope: Selector, header: Selector | None, excluded: set[Any]) -> str | None:
    # The download button first (a.button.margin-top-1em), then any PDF link in the header.
    buttons = [
        n for n in scope.xpath(f".//a[@href and {has_class('button')}]") if _outside(n, excluded)
    ]
    header_links = header.xpath(".//a[@href]") if header is not None else []
    for link in [*buttons, *header_links]:
        href = link.attrib["href"]
        if _is_pdf_href(href):
            return href.strip()
    return None


def _source_line(
    header: Selector | None, scope: Selector, excluded: set[Any]
) -> tuple[str | None, str | None]:
    for node in _header_lines(header):
        match = _SOURCE_RE.match(node_text(node))
        if match:
            return match["outlet"], "article_header"
    # only elements whose text mentions "source" at all (the line is rare; pages are long)
    candidates = (
        "(.//p | .//div[not(*)] | .//span[not(*)])"
        "[contains(translate(., 'SOURCE', 'source'), 'source')]"
    )
    for node in scope.xpath(candidates):
        if not _outside(node, excluded):
            continue
        match = _SOURCE_RE.match(node_text(node))
        if match:
            return match["outlet"], "body_sentence"
    return None, None


def _json_ld_date(sel: Selector) -> str | None:
    for obj in json_ld_objects(sel):
        value = obj.get("datePublished")
        if isinstance(value, str) and collapse_whitespace(value):
            return collapse_whitespace(value)
    return None


def _strip_title_suffix(title: str) -> str:
    return _TITLE_SUFFIX_RE.sub("", title).strip()


def empty_article(url: str) -> dict[str, Any]:
    """The raw half with nothing found: what a non-article page gives."""
    kind = classify(url)
    return {
        "url": canonical_url(url) or url,
        "site": SITE,
        "type": kind[0] if kind else None,
        "series": kind[1] if kind else None,
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
        "sources": {"type": "url"} if kind else {},
    }


def extract_article(url: str, html: str) -> dict[str, Any]:
    """The raw half of a ``Publication`` (every RAW_FIELDS key except ``listing``).

    Never raises on an odd page: what is missing is None or []. A page that is not an
    article (a block page, or neither a body nor a date) has ``title`` None so the
    pipeline drops it with a reason.
    """
    result = empty_article(url)
    if not html or block_page_reason(html):
        return result
    sel, truncation = parse_html(html)
    if truncation:
        result[PARSE_TRUNCATED] = truncation
    page_url = result["url"]
    sources: dict[str, str] = result["sources"]
    if result["series"]:
        sources["series"] = "url"

    scope = _article_scope(sel)
    excluded = _related_nodes(scope)
    header = _article_header(scope)
    if header is not None and not _outside(header, excluded):
        header = None
    tags = meta_tags(sel)

    # title: header h1 → title group → .page-title → og:title → <title>
    title, subtitle = _title_and_subtitle(header)
    if title:
        sources["title"] = "article_header"
    else:
        page_title = sel.xpath(f"//*[{has_class('page-title')}]")
        title = node_text(page_title[0]) if page_title else None
        if title:
            sources["title"] = "article_header"
        else:
            _, meta_title = first_meta(tags, "og:title", "twitter:title")
            meta_title = meta_title or node_text(sel.xpath("//title"))
            title = _strip_title_suffix(meta_title or "") or None
            if title:
                sources["title"] = "meta"
    if subtitle:
        sources["subtitle"] = "article_header"

    # date: the header's date paragraph → article:published_time → JSON-LD datePublished
    published = _header_date(header)
    if published:
        sources["published_raw"] = "article_header"
    else:
        _, published = first_meta(tags, "article:published_time", "datepublished")
        if published:
            sources["published_raw"] = "meta"
        else:
            published = _json_ld_date(sel)
            if published:
                sources["published_raw"] = "json_ld"

    byline_node = _byline_line(header)
    byline = node_text(byline_node) if byline_node is not None else None
    if byline:
        sources["byline_raw"] = "article_header"
    contributors = _contributors(header, scope, excluded, page_url, result["type"])
    if contributors:
        sources["contributors"] = "article_header"

    containers = _body_containers(scope, excluded)
    paragraphs = block_texts(containers, skip=_IMAGE_CREDIT_RE)
    body = join_paragraphs(paragraphs)

    # summary: og:description → meta description → the body's first paragraph
    _, summary = first_meta(tags, "og:description", "description", "twitter:description")
    if summary:
        sources["summary"] = "meta"
    else:
        summary = next((p for p in paragraphs if not _POINTER_RE.match(p)), None)
        if summary:
            sources["summary"] = "body_sentence"

    source_line, source_where = _source_line(header, scope, excluded)
    if source_line:
        sources["source_line"] = source_where
    topics = _topics(header)
    if topics:
        sources["topics"] = "article_header"
    pdf_href = _pdf_href(scope, header, excluded)
    if pdf_href:
        sources["pdf_href"] = (
            "article_header"
            if header is not None and header.xpath(".//a[@href=$h]", h=pdf_href)
            else "body_sentence"
        )

    if body is None and published is None:
        # not an article: an error page, a landing page, an empty shell
        title = None
        sources.pop("title", None)

    result.update(
        title=title,
        subtitle=subtitle,
        summary=summary,
        body=body,
        topics=topics,
        published_raw=published,
        byline_raw=byline or None,
        contributors=contributors,
        source_line=source_line,
        links_raw=_links(containers, excluded),
        pdf_href=pdf_href,
        sources=sources,
    )
    return result
