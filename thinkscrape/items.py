"""The item that flows from spider to archive.

A `Publication` is filled in two halves. Extraction (``thinkscrape.extract``) fills the raw
half: values exactly as the page shows them. The normalising pipelines fill the normalised
half from the raw half only, so the archive can re-run normalisation later without
re-crawling (the raw half is stored verbatim). Which half a field belongs to, and what it
holds, is declared on the field (``metadata={"half": ..., "doc": ...}``); the dicts inside
it (contributors, links, the listing card, authors, ...) are declared as TypedDicts.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Annotated, Any, TypedDict

# Where a value came from; stored in the `provenance` table.
SOURCES = ("listing", "article_header", "meta", "json_ld", "body_sentence", "url")

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
    "corporate_author",
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


# --- components ---------------------------------------------------------------------------
# The dicts inside a Publication, declared as TypedDicts; each key's one-line description is
# the string in its ``Annotated`` metadata.


class Contributor(TypedDict):
    """A person as the page marks them up (raw half)."""

    name: Annotated[str, "the name as written on the page"]
    profile_url: Annotated[str | None, "the link to their profile page, absolute"]
    role: Annotated[str, "one of ROLES: author, featured (Featuring X), journalist"]


class RawLink(TypedDict):
    """A link in the body as written (raw half)."""

    url: Annotated[str, "the href as written"]
    text: Annotated[str, "the anchor text"]
    context: Annotated[str, "the text of the paragraph holding the link"]


class ListingCard(TypedDict):
    """The listing card that led to a publication (raw half), as the card shows it."""

    url: Annotated[str, "the canonical URL of the publication the card links to"]
    listing_url: Annotated[str, "the canonical URL of the listing page holding the card"]
    title: Annotated[str | None, "the card's title"]
    type: Annotated[str | None, "the type label shown on the card, e.g. Commentary"]
    outlet: Annotated[str | None, "the outlet the card names, e.g. Foreign Policy"]
    date_raw: Annotated[str | None, "the card's date as shown"]
    byline_raw: Annotated[str | None, "the card's byline line as shown"]
    summary: Annotated[str | None, "the card's summary text"]


class Author(TypedDict):
    """One person of the byline, as normalised (one entry per person per publication)."""

    name: Annotated[str, "the clean name, e.g. Patrick M. Cronin"]
    name_raw: Annotated[str, "the name as the byline or contributor wrote it"]
    honorific: Annotated[str | None, "a title before the name, e.g. Dr."]
    suffix: Annotated[str | None, "a suffix after the name, e.g. Jr. or Ph.D."]
    profile_url: Annotated[str | None, "the profile page, from the page's contributors"]
    role: Annotated[str, "one of ROLES"]
    position: Annotated[int, "byline order from 0, as in publication_authors"]


class Link(TypedDict):
    """A body link, normalised: one entry per canonical URL, in body order."""

    url: Annotated[str, "the canonical absolute URL"]
    domain: Annotated[str | None, "its registered domain, e.g. foreignpolicy.com"]
    text: Annotated[str | None, "the anchor text, None when empty"]
    kind: Annotated[str, "internal, external, pdf or full_article (where the piece appeared)"]


class DateDisagreement(TypedDict):
    """The listing card's and the article's dates, when they differ by more than a day."""

    listing: Annotated[str, "the card's date, ISO"]
    article: Annotated[str, "the article page's date, ISO"]
    days: Annotated[int, "how many days apart they are"]


class Provenance(TypedDict):
    """Where one normalised value came from."""

    source: Annotated[str, "one of SOURCES"]
    raw: Annotated[Any, "the raw value it was made from"]


class Capture(TypedDict):
    """Where the response's bytes are kept in the WARC files."""

    warc_file: Annotated[str, "the WARC file's name"]
    offset: Annotated[int, "the record's byte offset in that file"]
    length: Annotated[int, "the record's length in bytes, compressed"]
    record_id: Annotated[str, "the WARC-Record-ID of the response record"]
    payload_digest: Annotated[str | None, "the WARC-Payload-Digest of the body"]


COMPONENTS: tuple[type, ...] = (
    Contributor,
    RawLink,
    ListingCard,
    Author,
    Link,
    DateDisagreement,
    Provenance,
    Capture,
)

# --- the publication ----------------------------------------------------------------------
# Every field says which half it belongs to: "raw" (extraction and the listing card fill it,
# stored verbatim), "normalised" (the pipelines fill it from the raw half only) or "fetch"
# (the spider and the WARC capture fill it). ``url`` and ``site`` are in the raw half so a
# stored raw half can be normalised again on its own.
HALVES = ("raw", "normalised", "fetch")


def _field(half: str, doc: str, default: Any = None, **metadata: Any) -> Any:
    """A dataclass field with its half and one-line description; ``MISSING`` makes it
    required, and list and dict defaults are made fresh per instance."""
    metadata = {"half": half, "doc": doc, **metadata}
    if default is MISSING:
        return field(metadata=metadata)
    if isinstance(default, list | dict):
        return field(default_factory=type(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def _raw(doc: str, default: Any = None) -> Any:
    return _field("raw", doc, default)


def _normalised(doc: str, default: Any = None, **metadata: Any) -> Any:
    return _field("normalised", doc, default, **metadata)


def _fetch(doc: str) -> Any:
    return _field("fetch", doc)


@dataclass
class Publication:
    url: str = _raw("canonical: the site's home and path, no query, no fragment", MISSING)
    site: str = _raw("the site's name, e.g. cnas", MISSING)

    # Extraction fills these from the page (and the listing card), never the pipelines.
    type: str | None = _raw("one of PUBLICATION_TYPES, from the site's label, else its URL")
    type_label: str | None = _raw("the site's own label for the type, e.g. Critical Questions")
    series: str | None = _raw("the series the URL rules give, e.g. CNAS Insights, else None")
    title: str | None = _raw("the headline as shown")
    subtitle: str | None = _raw("the line under the headline")
    summary: str | None = _raw("the page's description, else the body's first paragraph")
    body: str | None = _raw("the body text, paragraphs separated by blank lines")
    topics: list[str] = _raw("the topic labels as shown", [])
    published_raw: str | None = _raw("the date text as shown, e.g. February 06, 2019")
    byline_raw: str | None = _raw("the visible byline line, e.g. By A and B")
    contributors: list[Contributor] = _raw("people as marked up on the page", [])
    source_line: str | None = _raw("the outlet named on a 'Source: X' line, as written")
    links_raw: list[RawLink] = _raw("every link in the body, as written", [])
    pdf_href: str | None = _raw("the PDF button's href as written (never a print button)")
    sources: dict[str, str] = _raw("raw field -> where extraction found it (one of SOURCES)", {})
    listing: ListingCard | None = _raw("the listing card that led here; the page wins over it")

    # The pipelines fill these from the raw half only.
    published: str | None = _normalised("ISO YYYY-MM-DD (first day of the month/year if coarser)")
    published_precision: str | None = _normalised("day, month or year")
    published_ambiguous: bool = _normalised(
        "a numeric date whose day/month order was assumed", False
    )
    date_disagreement: DateDisagreement | None = _normalised(
        "the card's and the page's dates when they differ by more than a day"
    )
    authors: list[Author] = _normalised(
        "the byline's people, one entry each, in byline order", [], serializer=feed_authors
    )
    corporate_author: str | None = _normalised(
        "the institution credited as author when no person is, e.g. 38 North"
    )
    outlet: str | None = _normalised("where the full piece appeared, e.g. Foreign Policy")
    full_article_url: str | None = _normalised("the link to the full piece published elsewhere")
    full_article_domain: str | None = _normalised("the registered domain of full_article_url")
    pdf_url: str | None = _normalised("the PDF's canonical absolute URL")
    links: list[Link] = _normalised("every body link, canonical, typed, once each", [])
    provenance: dict[str, Provenance] = _normalised(
        "normalised field -> the source and raw value it came from", {}
    )

    # The spider and the WARC capture fill these.
    fetched_at: str | None = _fetch("ISO 8601 UTC time of the response")
    status: int | None = _fetch("the HTTP status of the response")
    capture: Capture | None = _fetch("where the response's bytes are kept")

    def raw(self) -> dict[str, Any]:
        """The raw half, as stored for later re-normalisation."""
        return {name: getattr(self, name) for name in RAW_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fields_of(item_class: type, half: str) -> tuple[str, ...]:
    """The names of ``item_class``'s fields declared in ``half``, in declaration order."""
    names = []
    for declared in fields(item_class):
        if declared.metadata.get("half") not in HALVES:
            raise TypeError(f"{item_class.__name__}.{declared.name} declares no half")
        if declared.metadata["half"] == half:
            names.append(declared.name)
    return tuple(names)


RAW_FIELDS: tuple[str, ...] = fields_of(Publication, "raw")
NORMALISED_FIELDS: tuple[str, ...] = fields_of(Publication, "normalised")


@dataclass
class Gone:
    """A known publication whose page now answers 404 or 410: marked, never deleted."""

    url: str  # canonical
    site: str
    status: int
    fetched_at: str | None = None
