"""The item's declared types: which half each field belongs to, what each field means, and
that the components declared are the shapes extraction and normalisation really give."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import get_type_hints

import pytest

from thinkscrape import items
from thinkscrape.items import (
    COMPONENTS,
    HALVES,
    NORMALISED_FIELDS,
    RAW_FIELDS,
    Author,
    Contributor,
    Link,
    ListingCard,
    Publication,
    RawLink,
    fields_of,
)
from thinkscrape.normalize import stages
from thinkscrape.sites import get

SAMPLE = "tests/mirrors/cnas"


def test_every_field_belongs_to_exactly_one_half_and_says_what_it_holds() -> None:
    for declared in fields(Publication):
        assert declared.metadata.get("half") in HALVES, declared.name
        doc = declared.metadata.get("doc")
        assert isinstance(doc, str) and doc.strip() and "\n" not in doc, declared.name
    by_half = [set(fields_of(Publication, half)) for half in HALVES]
    assert sum(len(names) for names in by_half) == len(fields(Publication))
    assert set().union(*by_half) == {f.name for f in fields(Publication)}


def test_the_halves_are_the_ones_the_archive_stores() -> None:
    # What the archive keeps as the raw half and what normalisation sets, named one by one.
    assert RAW_FIELDS == (
        "url",
        "site",
        "type",
        "type_label",
        "series",
        "title",
        "subtitle",
        "summary",
        "body",
        "topics",
        "published_raw",
        "byline_raw",
        "contributors",
        "source_line",
        "links_raw",
        "pdf_href",
        "sources",
        "listing",
    )
    assert NORMALISED_FIELDS == (
        "published",
        "published_precision",
        "published_ambiguous",
        "date_disagreement",
        "authors",
        "corporate_author",
        "outlet",
        "full_article_url",
        "full_article_domain",
        "pdf_url",
        "links",
        "provenance",
    )
    assert list(Publication(url="u", site="s").raw()) == list(RAW_FIELDS)


def test_membership_is_declared_not_taken_from_field_order() -> None:
    @dataclass
    class Shuffled:
        published: str | None = field(default=None, metadata={"half": "normalised", "doc": "d"})
        title: str | None = field(default=None, metadata={"half": "raw", "doc": "t"})
        fetched_at: str | None = field(default=None, metadata={"half": "fetch", "doc": "f"})
        url: str | None = field(default=None, metadata={"half": "raw", "doc": "u"})

    assert fields_of(Shuffled, "raw") == ("title", "url")
    assert fields_of(Shuffled, "normalised") == ("published",)
    assert fields_of(Shuffled, "fetch") == ("fetched_at",)


def test_an_undeclared_half_is_refused() -> None:
    @dataclass
    class Undeclared:
        title: str | None = None

    with pytest.raises(TypeError, match="title.*half"):
        fields_of(Undeclared, "raw")


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.__name__)
def test_every_component_field_says_what_it_holds(component: type) -> None:
    hints = get_type_hints(component, include_extras=True)
    assert hints, component
    for name, hint in hints.items():
        docs = [m for m in getattr(hint, "__metadata__", ()) if isinstance(m, str)]
        assert len(docs) == 1 and docs[0].strip(), f"{component.__name__}.{name}"


def test_components_are_exported() -> None:
    assert {c.__name__ for c in COMPONENTS} <= set(dir(items))


def _keys(component: type) -> set[str]:
    return set(get_type_hints(component))


def _page(path: str) -> str:
    with open(f"{SAMPLE}/{path}", encoding="utf-8") as handle:
        return handle.read()


def test_the_components_are_what_extraction_and_normalisation_give() -> None:
    site = get("cnas")
    # A commentary page with a linked byline and a link in its body.
    path = (
        "publications/commentary/"
        + "beyond-palace-intrigue-how-north-koreas-antics-threaten-us-interests"
    )
    raw = site.extract_article(f"https://www.cnas.org/{path}", _page(f"{path}/index.html"))
    assert raw["contributors"] and raw["links_raw"]
    assert all(set(person) == _keys(Contributor) for person in raw["contributors"])
    assert all(set(link) == _keys(RawLink) for link in raw["links_raw"])

    listing = site.extract_listing("https://www.cnas.org/reports", _page("reports/index.html"))
    assert listing["cards"]
    # The spider adds the listing page's URL to the card that led to an article.
    assert all(set(card) | {"listing_url"} == _keys(ListingCard) for card in listing["cards"])

    raw["listing"] = {**listing["cards"][0], "listing_url": "https://www.cnas.org/reports"}
    reference = datetime(2026, 1, 1, tzinfo=UTC)
    normalised = stages.normalize_all(raw, site=site, reference=reference)
    people, links = normalised["people"], normalised["links"]
    assert people.fields["authors"] and links.fields["links"]
    assert all(set(author) == _keys(Author) for author in people.fields["authors"])
    assert all(set(link) == _keys(Link) for link in links.fields["links"])
    assert normalised["dates"].fields["published"]
