"""The normalisation stages: a Publication's raw half in, its normalised fields out.

The pipelines and the archive's re-normalisation both call these functions with the dict
``Publication.raw()`` returns (or the same dict read back from the archive), so one crawl's
normalisation can be re-run later, with better normalisers, without fetching anything.
Each stage is deterministic and returns the fields it sets, where each value came from
(``provenance``: source and raw value) and the events worth counting in the crawl's stats.
Each takes the facts of the publication's site it needs (date order and languages, the words
that name no person, the site's own domains) and has no default for them: ``normalize_all``
runs the three stages with a site's record.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

from thinkscrape.normalize.dates import ParsedDate, parse_date_outcome
from thinkscrape.normalize.links import (
    canonicalize_url,
    classify_link,
    find_full_article,
    outlet_from_source_line,
    registered_domain,
)
from thinkscrape.normalize.people import (
    Byline,
    Person,
    clean_name,
    name_key,
    organisation_name,
    read_byline,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageResult:
    fields: dict[str, Any]
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)


class SiteConventions(Protocol):
    """What normalisation reads of a site: a ``thinkscrape.site.Site`` has all of it."""

    @property
    def date_order(self) -> str: ...
    @property
    def languages(self) -> tuple[str, ...]: ...
    @property
    def not_names(self) -> tuple[str, ...]: ...
    @property
    def own_domains(self) -> tuple[str, ...]: ...


def normalize_all(
    raw: dict[str, Any], *, site: SiteConventions, reference: datetime | str
) -> dict[str, StageResult]:
    """The three stages for one raw half with its site's conventions, by stage name
    ("dates", "people", "links", the order the pipelines run them in)."""
    return {
        "dates": normalize_dates(
            raw, reference=reference, date_order=site.date_order, languages=site.languages
        ),
        "people": normalize_people(raw, not_names=site.not_names),
        "links": normalize_links(raw, site_domains=site.own_domains),
    }


def apply(item: Any, result: StageResult) -> None:
    """Set a stage's normalised fields and their provenance on a Publication."""
    for name, value in result.fields.items():
        setattr(item, name, value)
    item.provenance.update(result.provenance)


def reference_time(fetched_at: str | None) -> datetime:
    """What relative dates ("3 days ago") count from: when the page was fetched.

    Items and archive rows carry ``fetched_at`` (ISO 8601); the clock is only the fallback
    for a missing or unreadable one, which is logged.
    """
    if fetched_at:
        try:
            moment = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
        except ValueError:
            logger.warning("Unreadable fetch time %r: relative dates count from now", fetched_at)
        else:
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC)


# The page's own values come from its header unless extraction recorded another source.
_DEFAULT_SOURCE = "article_header"


def _source(raw: dict[str, Any], raw_field: str) -> str:
    return (raw.get("sources") or {}).get(raw_field) or _DEFAULT_SOURCE


def _listing(raw: dict[str, Any]) -> dict[str, Any]:
    return raw.get("listing") or {}


# --- dates --------------------------------------------------------------------------------
# A listing card and its article may differ by a day (time zones, late edits) without
# either being wrong; more than that is recorded.
_DISAGREEMENT_DAYS = 1


def normalize_dates(
    raw: dict[str, Any],
    *,
    reference: datetime | str,
    date_order: str,
    languages: tuple[str, ...],
) -> StageResult:
    """published, published_precision, published_ambiguous and date_disagreement.

    The article's date line wins; the listing card's date is the fallback. Events: the
    parse outcome of each date tried, prefixed "article_" or "listing_" (e.g.
    "article_fast_path", "listing_unparseable"), then "listing_fallback", "missing" or
    "disagreement". ``reference`` is the response's date: a datetime, or the ISO 8601 text
    the archive keeps as ``fetched_at``.
    """
    if isinstance(reference, str):
        reference = datetime.fromisoformat(reference)
    options = {"reference": reference, "date_order": date_order, "languages": languages}
    events: list[str] = []
    article_raw = raw.get("published_raw")
    listing_raw = _listing(raw).get("date_raw")

    article = listing = None
    if article_raw:
        outcome = parse_date_outcome(article_raw, **options)
        article = outcome.date
        events.append(f"article_{outcome.event}")
    if listing_raw:
        outcome = parse_date_outcome(listing_raw, **options)
        listing = outcome.date
        events.append(f"listing_{outcome.event}")

    fields: dict[str, Any] = {
        "published": None,
        "published_precision": None,
        "published_ambiguous": False,
        "date_disagreement": None,
    }
    provenance: dict[str, dict[str, Any]] = {}
    chosen, source = (article, _source(raw, "published_raw")) if article else (listing, "listing")
    if chosen is None:
        events.append("missing")
        return StageResult(fields, provenance, events)
    if chosen is listing:
        events.append("listing_fallback")
    fields.update(
        published=chosen.iso,
        published_precision=chosen.precision,
        published_ambiguous=chosen.ambiguous,
    )
    provenance["published"] = {"source": source, "raw": chosen.raw}

    if article and listing:
        days = _days_apart(article, listing)
        if days > _DISAGREEMENT_DAYS:
            fields["date_disagreement"] = {
                "listing": listing.iso,
                "article": article.iso,
                "days": days,
            }
            events.append("disagreement")
    return StageResult(fields, provenance, events)


def _days_apart(first: ParsedDate, second: ParsedDate) -> int:
    """Days between two dates; 0 when the coarser one's month or year holds the finer."""
    coarse, fine = sorted(
        (first, second), key=lambda parsed: ("year", "month", "day").index(parsed.precision)
    )
    coarse_day, fine_day = date.fromisoformat(coarse.iso), date.fromisoformat(fine.iso)
    if coarse.precision == "year" and coarse_day.year == fine_day.year:
        return 0
    if coarse.precision == "month" and coarse_day.timetuple()[:2] == fine_day.timetuple()[:2]:
        return 0
    return abs((fine_day - coarse_day).days)


# --- people -------------------------------------------------------------------------------
def normalize_people(raw: dict[str, Any], *, not_names: tuple[str, ...]) -> StageResult:
    """authors: the byline's people in its order, with the contributors' profile URLs;
    corporate_author: the institution credited instead when no person is.

    ``not_names`` are the words that name no person on the site (``Site.not_names``).

    People marked up as contributors but missing from the byline follow it. With neither a
    byline nor contributors on the page, the listing card's byline is used. One entry per
    person (name_key) per publication. A publication that names no person but credits an
    institution ("By 38 North", a contributor "RAND Corporation", one of ``not_names``)
    has it as ``corporate_author`` (several joined with "; "), from the byline, else the
    contributors, else the listing card. Events: "from_byline", "from_contributors",
    "from_listing", "no_authors", "unmatched_contributor" (a contributor the byline does not
    name), "not_a_name" (a contributor text that is not a person's name),
    "corporate_author".
    """
    events: list[str] = []
    byline = read_byline(raw.get("byline_raw"), not_names=not_names)
    contributors: list[tuple[Person, str | None]] = []
    contributor_organisations: list[str] = []
    for contributor in raw.get("contributors") or []:
        role = contributor.get("role") or "author"
        person = clean_name(contributor.get("name"), role=role, not_names=not_names)
        if person is None:
            events.append("not_a_name")
            organisation = organisation_name(contributor.get("name"), not_names=not_names)
            if organisation:
                contributor_organisations.append(organisation)
            continue
        contributors.append((person, contributor.get("profile_url")))

    provenance: dict[str, dict[str, Any]] = {}
    people: list[tuple[Person, str | None]]
    listing_byline = _listing(raw).get("byline_raw")
    listed = read_byline(listing_byline, not_names=not_names)
    if byline.people:
        events.append("from_byline")
        people = _merge(byline.people, contributors, events)
        source, raw_value = _source(raw, "byline_raw"), raw.get("byline_raw")
    elif contributors:
        events.append("from_contributors")
        people = contributors
        source = _source(raw, "contributors")
        raw_value = [contributor.get("name") for contributor in raw.get("contributors") or []]
    else:
        people = [(person, None) for person in listed.people]
        source, raw_value = "listing", listing_byline
        events.append("from_listing" if people else "no_authors")

    authors = _deduplicated(people)
    if authors:
        provenance["authors"] = {"source": source, "raw": raw_value}
    corporate = None if authors else _corporate(raw, byline, contributor_organisations, listed)
    if corporate is not None:
        name, source, raw_value = corporate
        provenance["corporate_author"] = {"source": source, "raw": raw_value}
        events.append("corporate_author")
    return StageResult(
        {"authors": authors, "corporate_author": corporate[0] if corporate else None},
        provenance,
        events,
    )


def _corporate(
    raw: dict[str, Any], byline: Byline, contributors: list[str], listed: Byline
) -> tuple[str, str, Any] | None:
    """(institutions, source, raw value) of a publication that credits no person."""
    if byline.organisations:
        names, source = byline.organisations, _source(raw, "byline_raw")
        raw_value = raw.get("byline_raw")
    elif contributors:
        names, source = contributors, _source(raw, "contributors")
        raw_value = [contributor.get("name") for contributor in raw.get("contributors") or []]
    elif listed.organisations:
        names, source, raw_value = listed.organisations, "listing", _listing(raw).get("byline_raw")
    else:
        return None
    return "; ".join(dict.fromkeys(names)), source, raw_value


def _merge(
    byline: list[Person], contributors: list[tuple[Person, str | None]], events: list[str]
) -> list[tuple[Person, str | None]]:
    by_key = {name_key(person.name): (person, url) for person, url in contributors}
    merged: list[tuple[Person, str | None]] = []
    named = set()
    for person in byline:
        key = name_key(person.name)
        named.add(key)
        match = by_key.get(key)
        if match is None:
            merged.append((person, None))
            continue
        linked, url = match
        # The byline's lead word ("Featuring") decides the role unless it only said "By".
        role = linked.role if person.role == "author" else person.role
        merged.append(
            (
                Person(
                    person.name,
                    person.name_raw,
                    person.honorific or linked.honorific,
                    person.suffix or linked.suffix,
                    role,
                ),
                url,
            )
        )
    for person, url in contributors:
        if name_key(person.name) not in named:
            events.append("unmatched_contributor")
            merged.append((person, url))
    return merged


def _deduplicated(people: list[tuple[Person, str | None]]) -> list[dict[str, Any]]:
    authors: list[dict[str, Any]] = []
    index: dict[str, dict[str, Any]] = {}
    for person, url in people:
        key = name_key(person.name)
        if key in index:
            if index[key]["profile_url"] is None and url:
                index[key]["profile_url"] = url
            continue
        entry = {
            "name": person.name,
            "name_raw": person.name_raw,
            "honorific": person.honorific,
            "suffix": person.suffix,
            "profile_url": url,
            "role": person.role,
            "position": len(authors),  # byline order from 0, as publication_authors
        }
        index[key] = entry
        authors.append(entry)
    return authors


# --- links --------------------------------------------------------------------------------
def normalize_links(raw: dict[str, Any], *, site_domains: tuple[str, ...]) -> StageResult:
    """outlet, full_article_url, full_article_domain, pdf_url and links.

    ``site_domains`` are the site's own registered domains (``Site.own_domains``): links to them are
    "internal", and never the full article published elsewhere.

    Every body link that canonicalises is kept once, in body order, with its kind; the link
    in the paragraph of the full-article sentence is the "full_article" one. Outlet
    precedence: the sentence, then the Source: line, then the listing card. Events:
    "full_article_sentence", "full_article_link", "malformed_link" (per broken href dropped),
    "skipped_link" (per mailto:, tel:, javascript: or other non-web href),
    "malformed_pdf_href", "outlet_from_<source>".
    """
    events: list[str] = []
    provenance: dict[str, dict[str, Any]] = {}
    base = raw.get("url")
    pointer = find_full_article(raw.get("body"), raw.get("source_line"))
    if pointer is not None:
        events.append("full_article_sentence")

    links: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    full_article: dict[str, Any] | None = None
    for link in raw.get("links_raw") or []:
        url = canonicalize_url(link.get("url"), base)
        if url is None:
            events.append("skipped_link" if _is_not_web(link.get("url")) else "malformed_link")
            continue
        in_pointer = pointer is not None and pointer.sentence in (link.get("context") or "")
        entry = seen.get(url)
        if entry is None:
            entry = {
                "url": url,
                "domain": registered_domain(url),
                "text": (link.get("text") or "").strip() or None,
                "kind": classify_link(url, site_domains=site_domains),
            }
            seen[url] = entry
            links.append(entry)
        if in_pointer and full_article is None and entry["kind"] != "internal":
            entry["kind"] = "full_article"
            full_article = entry

    fields: dict[str, Any] = {
        "outlet": None,
        "full_article_url": None,
        "full_article_domain": None,
        "pdf_url": None,
        "links": links,
    }
    if full_article is not None:
        events.append("full_article_link")
        fields["full_article_url"] = full_article["url"]
        fields["full_article_domain"] = full_article["domain"]
        for name in ("full_article_url", "full_article_domain"):
            provenance[name] = {"source": "body_sentence", "raw": pointer.sentence}

    outlet, source, raw_value = _outlet(raw, pointer)
    if outlet:
        fields["outlet"] = outlet
        provenance["outlet"] = {"source": source, "raw": raw_value}
        events.append(f"outlet_from_{source}")

    pdf_href = raw.get("pdf_href")
    if pdf_href:
        pdf_url = canonicalize_url(pdf_href, base)
        if pdf_url is None:
            events.append("malformed_pdf_href")
        else:
            fields["pdf_url"] = pdf_url
            provenance["pdf_url"] = {"source": _source(raw, "pdf_href"), "raw": pdf_href}
    return StageResult(fields, provenance, events)


_NOT_WEB = re.compile(r"^\s*(?!https?:)[a-z][a-z0-9+.-]*:(?!//)", re.I)


def _is_not_web(href: str | None) -> bool:
    # "mailto:a@b", "tel:+1…", "javascript:void(0)": links, but not to web pages.
    return bool(href and _NOT_WEB.match(href))


def _outlet(raw: dict[str, Any], pointer: Any) -> tuple[str | None, str, str | None]:
    """(outlet, source, raw value) by precedence: sentence, Source: line, listing card."""
    source_line = outlet_from_source_line(raw.get("source_line"))
    if pointer is not None and pointer.outlet:
        # A "… here." sentence borrows its outlet from the Source: line: credit the line.
        if pointer.outlet == source_line and not _names_outlet(pointer):
            return pointer.outlet, _source(raw, "source_line"), raw.get("source_line")
        return pointer.outlet, "body_sentence", pointer.sentence
    if source_line:
        return source_line, _source(raw, "source_line"), raw.get("source_line")
    listing_outlet = (_listing(raw).get("outlet") or "").strip()
    if listing_outlet:
        return listing_outlet, "listing", _listing(raw).get("outlet")
    return None, "", None


def _names_outlet(pointer: Any) -> bool:
    return pointer.outlet in pointer.sentence
