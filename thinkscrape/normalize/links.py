"""Links: canonical URLs, registered domains, link kinds and the "full article" sentence.

Commentary on think-tank sites is often a teaser for a piece published elsewhere, closed
by a sentence such as "Read the full article in Foreign Policy." ``find_full_article``
reads that sentence with a small grammar (verb, optional determiner and adjective, noun,
preposition, outlet) rather than a list of known strings, so new outlets and wordings are
found without code changes.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

import tldextract
from w3lib.url import safe_url_string, url_query_cleaner

# --- canonical URLs -----------------------------------------------------------------------
# Query parameters that say how a reader arrived, not what they read.
_TRACKING_EXACT = frozenset(
    {
        "x-craft-preview",
        "x-craft-live-preview",
        "token",
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "igshid",
        "yclid",
        "ref_src",
    }
)
_TRACKING_PREFIXES = ("utm_",)
_SCHEMES = ("http", "https")
# Characters that never belong in an href: whitespace inside, brackets left unbalanced.
_INNER_SPACE = re.compile(r"\s")


def canonicalize_url(href: str | None, base: str | None = None) -> str | None:
    """The canonical absolute http(s) URL of an href, or None if it is not a web link.

    Relative hrefs are resolved against ``base``; protocol-relative ones take https. The
    fragment and tracking parameters go, the host is lower-cased, the rest of the query stays
    in its order. javascript:, mailto:, tel:, empty and malformed hrefs give None.
    """
    if href is None:
        return None
    href = href.strip()
    if not href:
        return None
    if href.startswith("//"):
        href = "https:" + href
    try:
        if base:
            href = urljoin(base.strip(), href)
        parts = urlsplit(href)
        host = parts.hostname  # lower-cased by urllib; raises on an unclosed IPv6 bracket
        port = parts.port  # raises on a non-numeric port
    except ValueError:
        return None
    if parts.scheme.lower() not in _SCHEMES or not host or _INNER_SPACE.search(parts.netloc):
        return None
    netloc = host if port is None or _is_default_port(parts.scheme, port) else f"{host}:{port}"
    if ":" in host:  # an IPv6 literal keeps its brackets
        netloc = f"[{host}]" if port is None else f"[{host}]:{port}"
    url = urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))
    drop = [key for key in _query_keys(parts.query) if _is_tracking(key)]
    url = url_query_cleaner(url, drop, remove=True, unique=False) if drop else url
    return safe_url_string(url)


def _is_default_port(scheme: str, port: int) -> bool:
    return (scheme.lower(), port) in (("http", 80), ("https", 443))


def _query_keys(query: str) -> list[str]:
    return [pair.split("=", 1)[0] for pair in query.split("&") if pair]


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in _TRACKING_EXACT or key.startswith(_TRACKING_PREFIXES)


# --- domains ------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # The public suffix list bundled with tldextract, never fetched and never cached on disk:
    # a crawl must not reach out to anything but the sites it archives.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(url: str | None) -> str | None:
    """The registered domain of a URL ("foreignpolicy.com"), its IP address, or None."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return _domain_of_host(host) if host else None


@lru_cache(maxsize=4_096)
def _domain_of_host(host: str) -> str | None:
    # (a body links to a few outlets' hosts again and again)
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    return _extractor()(host).top_domain_under_public_suffix or None


def domains_of_hosts(hosts: Iterable[str]) -> tuple[str, ...]:
    """The registered domains of a site's hosts, once each, in order ("cnas.org").

    An IP address that serves a site names no domain of its own and gives none.
    """
    domains = (_extractor()(host).top_domain_under_public_suffix for host in hosts if host)
    return tuple(dict.fromkeys(domain for domain in domains if domain))


# --- link kinds ---------------------------------------------------------------------------
LINK_KINDS = ("full_article", "pdf", "internal", "external")


def classify_link(url: str, *, site_domains: tuple[str, ...]) -> str:
    """ "pdf" for a PDF file, "internal" for the site's own domains, "external" otherwise."""
    parts = urlsplit(url)
    if parts.path.lower().endswith(".pdf"):
        return "pdf"
    host = (parts.hostname or "").lower()
    if any(host == domain or host.endswith("." + domain) for domain in site_domains):
        return "internal"
    return "external"


# --- the "full article" sentence -----------------------------------------------------------
@dataclass(frozen=True)
class FullArticle:
    sentence: str  # as written in the body
    outlet: str | None  # as written ("The Hill", "38 North"); None when the page names none
    verb: str  # lower case: "read", "listen to", "continue reading", "published"
    noun: str | None  # lower case: "article", "story"; None for "Read it here."
    position: str  # "closing" (a pointer at the end) | "opening" ("originally published")


# The grammar, one named piece at a time (case-insensitive; the outlet keeps its case).
_VERB = r"(?P<verb>read|watch|listen\s+to|view|see|hear|continue\s+reading|find)"
_DETERMINER = r"(?:the\s+|this\s+|our\s+)?"
_EXTENT = r"(?:(?:full|complete|entire|whole|rest\s+of\s+the|original|full-length)\s+)?"
_NOUN = (
    r"(?P<noun>article|op-ed|op\s+ed|oped|piece|response|story|interview|episode|video|"
    r"hearing|essay|column|commentary|report|post|blog\s+post|transcript|analysis|"
    r"conversation|podcast|discussion|letter|review|editorial|feature|segment|remarks|"
    r"testimony|paper|brief|profile|q&a|op-eds|articles|stories)"
)
_AND_MORE = r"(?:\s+and\s+more)?"
_PREPOSITION = r"(?:in|at|on|from|via|over\s+at)"
# The outlet runs to the end of the sentence, before an optional "website" and final stop.
_OUTLET_TO_END = (
    r"(?P<outlet>\S.*?)(?P<website>\s+(?i:website|web\s+site|site|online))?\s*[.!]?\s*$"
)

# "Read the full article in War on the Rocks." / "Read the Full Article at 38 North"
_POINTER_AT = re.compile(
    rf"(?:^|(?<=[.!?]\s))(?i:{_VERB}\s+{_DETERMINER}{_EXTENT}{_NOUN}{_AND_MORE}\s+"
    rf"{_PREPOSITION})\s+{_OUTLET_TO_END}"
)
# "To read the full article, visit the Foreign Affairs website."
_POINTER_VISIT = re.compile(
    rf"(?:^|(?<=[.!?]\s))(?i:to\s+{_VERB}\s+{_DETERMINER}{_EXTENT}{_NOUN}{_AND_MORE},?\s+"
    r"(?:please\s+)?(?:visit|go\s+to|head\s+to|see)\s+)(?:the\s+)?"
    r"(?P<outlet>\S.*?)(?i:\s+(?:website|web\s+site|site|page))?\s*[.!]?\s*$"
)
# "Read the full interview here." / "Read it here." / "Watch the full hearing here."
_POINTER_HERE = re.compile(
    rf"(?:^|(?<=[.!?]\s))(?i:{_VERB}\s+(?:it|(?:{_DETERMINER}{_EXTENT}{_NOUN}))"
    r"(?:\s+and\s+more)?\s+here)\s*[.!]?\s*$"
)
# "Click here to read the full article." / "To read the full column, click here."
_POINTER_CLICK = re.compile(
    rf"(?:^|(?<=[.!?]\s))(?i:click\s+here\s+to\s+{_VERB}\s+{_DETERMINER}{_EXTENT}{_NOUN})"
    r"\s*[.!]?\s*$"
)
_POINTER_TO_CLICK = re.compile(
    rf"(?:^|(?<=[.!?]\s))(?i:to\s+{_VERB}\s+{_DETERMINER}{_EXTENT}{_NOUN},?\s+click\s+here)"
    r"\s*[.!]?\s*$"
)
# The sentence that says where a piece first appeared, in the orders it is written in: "This
# article was originally published on Foreign Affairs." opening the body, "This commentary
# originally appeared on The Hill on February 13, 2019." at its foot, "This article was
# originally published on February 26, 2019 by 38 North." before a "Read the full article
# here." pointer. The date is typed by hand ("February 27, 2019", a misspelt month too). An
# outlet after the date, or undated, ends at the first full stop; one before "on <date>" runs
# to the date, stops and all ("U.S. News").
_TYPED_DATE = r"[A-Za-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
_SENTENCE_END = r"(?:\.(?=\s)|\s*[.!]?\s*$)"
_ORIGINALLY = re.compile(
    r"(?:^|(?<=[.!?]\s))(?i:(?:a\s+version\s+of\s+)?(?:this|the(?:\s+following)?)\s+"
    rf"{_NOUN}\s+(?:was\s+|is\s+)?(?:originally\s+|first\s+)?"
    r"(?P<verb>published|appeared|ran)\s+(?:originally\s+)?(?:on|in|by|at)\s+)"
    rf"(?:(?P<date_before>{_TYPED_DATE}),?\s+(?i:by|in|at)\s+(?P<outlet_after>\S.*?){_SENTENCE_END}"
    rf"|(?P<outlet_before>\S.*?),?\s+(?i:on)\s+(?P<date_after>{_TYPED_DATE})\s*[.!]?(?=\s|$)"
    rf"|(?P<outlet>\S.*?){_SENTENCE_END})"
)
# "On August 15, <role> John Deni wrote an op-ed in Breaking Defense on …", "… published an
# op-ed in X on …", "… was featured in The Washington Post discussing …": the lead of an
# item that points at a piece in another outlet. The outlet is the run of capitalised words
# after the preposition ("of", "of the", "for", "and", "&" may join them); the lowercase
# word after it ("on the economic argument", "discussing") ends it.
_MONTH_DAY = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\d{1,2}(?:,?\s+\d{4})?"
)
_WORD = r"[A-Z0-9][\w'’.-]*"
_ON_DATE_IN_OUTLET = re.compile(
    rf"^(?i:on\s+{_MONTH_DAY},\s+[^.]*?\b"
    rf"(?:(?P<wrote>wrote|published|penned|co-wrote|co-authored|authored)\s+(?:an?|the)\s+"
    rf"{_NOUN}\s+(?:in|for)|was\s+(?P<featured>featured|quoted|interviewed|cited)\s+(?:in|on|by)))"
    rf"\s+(?:the\s+)?(?P<outlet>(?:The\s+)?{_WORD}(?:\s+(?:(?:of(?:\s+the)?|for|and|&)\s+)?{_WORD})*)"
    r"(?=[\s,.;:!?]|$)"
)
_SOURCE_PREFIX = re.compile(r"^\s*source\s*:\s*", re.I)
_SPACES = re.compile(r"[^\S\n]+")
_SENTENCE_STOP = re.compile(r"[.!?]\s")


def find_full_article(body: str | None, source_line: str | None = None) -> FullArticle | None:
    """The sentence that sends readers to the full piece elsewhere, or None.

    A closing pointer (or a dated "originally appeared on X on <date>" credit) is looked for
    from the last paragraph up; an opening "originally published" line, or a dated lead
    ("On August 15, <Name> wrote an op-ed in <Outlet> on …"), in the first paragraph. A
    "… here." pointer names no outlet: the page's
    Source: line supplies it, or it stays None.
    """
    if not body:
        return None
    # each line's runs of spaces made one ("".split() splits at what [^\S\n]+ matches in a
    # line, as a regex substitution would, in a fraction of the time)
    paragraphs = [" ".join(line.split()) for line in body.splitlines()]
    paragraphs = [paragraph for paragraph in paragraphs if paragraph]
    for paragraph in reversed(paragraphs):
        found = _closing_pointer(paragraph, source_line)
        if found is not None:
            return found
    if paragraphs:
        return _opening_line(paragraphs[0])
    return None


def _closing_pointer(paragraph: str, source_line: str | None) -> FullArticle | None:
    starts = _sentence_starts(paragraph)
    for pattern in (_POINTER_VISIT, _POINTER_AT):
        if match := next(_sentence_matches(pattern, paragraph, starts), None):
            outlet = match["outlet"].strip()
            if match.groupdict().get("website") and outlet.startswith("the "):
                # "on the Foreign Affairs website": "the" belongs to "website", not the outlet.
                outlet = outlet[4:]
            return FullArticle(
                sentence=paragraph[match.start() :].strip(),
                outlet=outlet or None,
                verb=_lower(match["verb"]),
                noun=_lower(match["noun"]),
                position="closing",
            )
    for pattern in (_POINTER_HERE, _POINTER_CLICK, _POINTER_TO_CLICK):
        if match := next(_sentence_matches(pattern, paragraph, starts), None):
            # "Originally published by X on <date>. Read the full article here.": the
            # sentence before the pointer names the outlet, and the two are read as one
            start, outlet = match.start(), outlet_from_source_line(source_line)
            if dated := _dated_sentence_ending(paragraph[:start]):
                start, outlet = dated.start(), _outlet(dated)
            return FullArticle(
                sentence=paragraph[start:].strip(),
                outlet=outlet,
                verb=_lower(match["verb"]),
                noun=_lower(match["noun"]),
                position="closing",
            )
    # The republished piece's credit at the foot names the outlet, then the outside
    # publication's day: the date sets it apart from a passing mention of where something was
    # published. (The other order, "on <date> by <outlet>", is read where it opens the body.)
    found = _sentence_matches(_ORIGINALLY, paragraph, starts)
    credits = (match for match in found if match["date_after"])
    if match := next(credits, None):
        return FullArticle(
            sentence=paragraph[match.start() : match.end()].strip(),
            outlet=_outlet(match),
            verb=_lower(match["verb"]),
            noun=_lower(match["noun"]),
            position="closing",
        )
    return None


def _sentence_starts(text: str) -> list[int]:
    """Where a sentence of ``text`` may begin: its start, and after each ".", "!" or "?"
    and a space (where every pattern above is anchored)."""
    return [0, *(stop.end() for stop in _SENTENCE_STOP.finditer(text))]


def _sentence_matches(
    pattern: re.Pattern[str], text: str, starts: list[int] | None = None
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern anchored at sentence starts, tried only
    there: a search tries every character of the text, six patterns over every paragraph
    of every body cost more than the rest of the links stage."""
    end = 0
    for start in _sentence_starts(text) if starts is None else starts:
        if start >= end and (match := pattern.match(text, start)):
            yield match
            end = match.end()


def _opening_line(paragraph: str) -> FullArticle | None:
    match = _ORIGINALLY.match(paragraph)
    if not match:
        return _dated_lead(paragraph)
    return FullArticle(
        sentence=paragraph[: match.end()].strip(),
        outlet=_outlet(match),
        verb=_lower(match["verb"]),
        noun=_lower(match["noun"]),
        position="opening",
    )


def _dated_sentence_ending(text: str) -> re.Match[str] | None:
    """The dated "originally published" sentence that ends ``text``, if one does."""
    for match in _sentence_matches(_ORIGINALLY, text):
        if match.end() == len(text.rstrip()) and (match["date_before"] or match["date_after"]):
            return match
    return None


def _outlet(originally: re.Match[str]) -> str:
    """The outlet an "originally published" sentence names, whichever its order."""
    return (
        originally["outlet_after"] or originally["outlet_before"] or originally["outlet"]
    ).strip()


def _dated_lead(paragraph: str) -> FullArticle | None:
    """ "On <Month D>, <who> wrote an op-ed in <Outlet> …": the whole first sentence."""
    match = _ON_DATE_IN_OUTLET.match(paragraph)
    if not match:
        return None
    end = re.search(r"[.!?](?=\s|$)", paragraph[match.end() :])
    sentence = paragraph[: match.end() + end.end()] if end else paragraph
    return FullArticle(
        sentence=sentence.strip(),
        outlet=match["outlet"].strip().rstrip("."),
        verb=_lower(match["wrote"] or match["featured"]),
        noun=_lower(match["noun"]),
        position="opening",
    )


def outlet_from_source_line(source_line: str | None) -> str | None:
    """The outlet a "Source: X" line names, as written ("NK News"); None for an empty line."""
    if not source_line:
        return None
    outlet = _SOURCE_PREFIX.sub("", _SPACES.sub(" ", source_line)).strip().rstrip(".")
    return outlet or None


def _lower(word: str | None) -> str | None:
    return _SPACES.sub(" ", word).lower() if word else None
