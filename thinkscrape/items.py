"""The item that flows from spider to archive.

A `Publication` is filled in two halves. Extraction (``thinkscrape.extract``) fills the raw
half: values exactly as the page shows them. The normalising pipelines fill the normalised
half from the raw half only, so the archive can re-run normalisation later without
re-crawling (the raw half is stored verbatim).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

# Where a value came from; stored in the `provenance` table.
SOURCES = ("listing", "article_header", "meta", "json_ld", "body_sentence", "url")

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
)

ROLES = ("author", "featured", "journalist")

# What a feed export (``scrapy crawl cnas -O out.jsonl``) carries: the public fields, named as
# the archive's columns. The raw half beyond ``published_raw`` (listing card, contributors as
# marked up, sources, raw links), provenance and the WARC capture stay in the archive.
FEED_FIELDS = (
    "url",
    "site",
    "type",
    "series",
    "title",
    "subtitle",
    "published",
    "published_precision",
    "published_ambiguous",
    "published_raw",
    "date_disagreement",
    "summary",
    "body",
    "topics",
    "authors",
    "outlet",
    "full_article_url",
    "full_article_domain",
    "pdf_url",
    "links",
    "fetched_at",
    "status",
)
# An author in a feed: as in ``authors`` and ``publication_authors`` (position from 0).
FEED_AUTHOR_FIELDS = ("name", "honorific", "suffix", "profile_url", "role", "position")


def feed_authors(authors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Authors as a feed export writes them (Scrapy's field ``serializer``)."""
    return [{name: author.get(name) for name in FEED_AUTHOR_FIELDS} for author in authors]


@dataclass
class Publication:
    # --- identity -------------------------------------------------------------------
    url: str  # canonical: https://www.cnas.org/<path>, no query, no fragment
    site: str  # spider name, e.g. "cnas"

    # --- raw half: set by extraction (and the listing card), never by pipelines -------
    type: str | None = None  # one of PUBLICATION_TYPES (derived from the URL path)
    series: str | None = None  # "CNAS Insights", "Sharper", else None
    title: str | None = None
    subtitle: str | None = None
    summary: str | None = None
    body: str | None = None
    topics: list[str] = field(default_factory=list)
    published_raw: str | None = None  # the date text as shown, e.g. "February 06, 2019"
    byline_raw: str | None = None  # the visible byline line, e.g. "By A and B"
    # people as marked up on the page: {"name": text as written, "profile_url": str|None,
    # "role": "author"|"featured"|"journalist"}
    contributors: list[dict[str, Any]] = field(default_factory=list)
    source_line: str | None = None  # outlet named on a "Source: X" line, as written
    # every <a href> in the body: {"url": href as written, "text": anchor text,
    # "context": text of the paragraph holding it}
    links_raw: list[dict[str, Any]] = field(default_factory=list)
    pdf_href: str | None = None  # the PDF button's href as written (never a print button)
    # field name -> where extraction found it (one of SOURCES), e.g. {"published_raw": "meta"}
    sources: dict[str, str] = field(default_factory=dict)
    # the listing card that led here: {"listing_url", "title", "type", "outlet", "date_raw",
    # "byline_raw", "summary"}; the article page wins wherever both have a value
    listing: dict[str, Any] | None = None

    # --- normalised half: set by pipelines from the raw half ------------------------
    published: str | None = None  # ISO YYYY-MM-DD (first day of the month/year if coarser)
    published_precision: str | None = None  # "day" | "month" | "year"
    published_ambiguous: bool = False  # numeric date whose day/month order was assumed
    date_disagreement: dict[str, Any] | None = None  # {"listing": iso, "article": iso, "days": n}
    # {"name", "name_raw", "honorific", "suffix", "profile_url", "role", "position" (from 0)}
    authors: list[dict[str, Any]] = field(
        default_factory=list, metadata={"serializer": feed_authors}
    )
    outlet: str | None = None
    full_article_url: str | None = None
    full_article_domain: str | None = None
    pdf_url: str | None = None
    links: list[dict[str, Any]] = field(default_factory=list)  # {url, domain, text, kind}
    # normalised field -> {"source": one of SOURCES, "raw": the raw value it came from}
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)

    # --- fetch facts: set by the spider / WARC capture -------------------------------
    fetched_at: str | None = None  # ISO 8601 UTC of the response
    status: int | None = None
    # where the response's bytes are kept: {"warc_file", "offset", "length", "record_id",
    # "payload_digest"}
    capture: dict[str, Any] | None = None

    def raw(self) -> dict[str, Any]:
        """The raw half, as stored for later re-normalisation."""
        return {name: getattr(self, name) for name in RAW_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_NORMALISED_START = "published"
_FETCH_START = "fetched_at"
_names = [f.name for f in fields(Publication)]
RAW_FIELDS: tuple[str, ...] = tuple(_names[: _names.index(_NORMALISED_START)])
NORMALISED_FIELDS: tuple[str, ...] = tuple(
    _names[_names.index(_NORMALISED_START) : _names.index(_FETCH_START)]
)


@dataclass
class Gone:
    """A known publication whose page now answers 404 or 410: marked, never deleted."""

    url: str  # canonical
    site: str
    status: int
    fetched_at: str | None = None
