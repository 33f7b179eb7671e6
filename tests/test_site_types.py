"""One vocabulary of publication types across sites: a site's own labels map onto it, the
label itself is kept in the raw half, and a site cannot declare a type outside it."""

from __future__ import annotations

import pytest

from thinkscrape.pages.article import ArticlePage
from thinkscrape.site import PUBLICATION_TYPES, Site, TypeRule
from thinkscrape.sites import all_sites


class LabelledPage(ArticlePage):
    type_label = "//p[@class='eyebrow']"


def labelled_site(**facts) -> Site:
    return Site(
        **{
            "name": "example",
            "title": "Example",
            "home": "https://www.example.org",
            "hosts": ("www.example.org",),
            "publications": (TypeRule(r"/analysis/[a-z-]+", "commentary"),),
            "discovery": (),
            "date_order": "MDY",
            "languages": ("en",),
            "type_labels": {"research": "report", "critical questions": "commentary"},
            "article_pages": (LabelledPage,),
            **facts,
        }
    )


PAGE = """<html><head><title>{title}</title></head><body><main><article>
<p class="eyebrow">{label}</p><h1>{title}</h1><p>March 3, 2024</p>
<div class="entry-content"><p>The first paragraph of the piece, long enough to be a body.</p>
</div></article></main></body></html>"""


def raw(site: Site, label: str) -> dict:
    html = PAGE.format(title="What Comes Next", label=label)
    return site.extract_article("https://www.example.org/analysis/what-comes-next", html)


def test_a_label_that_maps_gives_the_type_and_is_kept_as_shown() -> None:
    got = raw(labelled_site(), "  Research ")
    assert (got["type"], got["type_label"]) == ("report", "Research")
    assert got["sources"]["type"] == got["sources"]["type_label"] == "article_header"


def test_a_label_the_site_does_not_map_leaves_the_url_rules_type() -> None:
    got = raw(labelled_site(), "Newsletter")
    assert (got["type"], got["type_label"]) == ("commentary", "Newsletter")
    assert got["sources"]["type"] == "url"


def test_a_page_without_a_label_selector_has_no_label() -> None:
    got = raw(labelled_site(article_pages=(ArticlePage,)), "Research")
    assert (got["type"], got["type_label"]) == ("commentary", None)


def card(label: str | None) -> dict:
    return {"url": "https://www.example.org/analysis/what-comes-next", "type": label}


def test_the_listing_cards_label_types_a_page_that_shows_none() -> None:
    site = labelled_site(article_pages=(ArticlePage,))
    got = site.typed_by_card(raw(site, "Research"), card("Critical Questions"))
    assert (got["type"], got["type_label"]) == ("commentary", "Critical Questions")
    assert got["sources"]["type"] == got["sources"]["type_label"] == "listing"
    got = site.typed_by_card(raw(site, "Research"), card(" research "))
    assert got["type"] == "report"


def test_the_pages_own_label_outranks_the_cards_and_an_unmapped_card_changes_nothing() -> None:
    site = labelled_site()
    page_labelled = raw(site, "Research")
    assert site.typed_by_card(page_labelled, card("Critical Questions")) == page_labelled
    unlabelled = raw(labelled_site(article_pages=(ArticlePage,)), "Research")
    for other in (card("Event"), card(None), None):
        assert site.typed_by_card(unlabelled, other) == unlabelled


@pytest.mark.parametrize(
    "facts",
    [
        {"publications": (TypeRule(r"/x/[a-z]+", "op-ed"),)},
        {"type_labels": {"brief": "briefing"}},
    ],
)
def test_a_site_cannot_give_a_type_outside_the_vocabulary(facts) -> None:
    with pytest.raises(ValueError, match="outside PUBLICATION_TYPES"):
        labelled_site(**facts)


def test_every_registered_site_speaks_the_one_vocabulary() -> None:
    for site in all_sites().values():
        assert set(site.types) <= set(PUBLICATION_TYPES), site.name
        assert set(site.type_labels.values()) <= set(PUBLICATION_TYPES), site.name
        assert all(label == label.lower() for label in site.type_labels), site.name
