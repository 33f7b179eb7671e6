"""A site's canonical URLs: one URL per page whatever form a link gives it."""

from __future__ import annotations

import pytest

from thinkscrape.site import Site, TypeRule

HOME = "https://www.example.org"


def site(**facts) -> Site:
    return Site(
        **{
            "name": "example",
            "title": "Example",
            "home": HOME,
            "hosts": ("www.example.org", "example.org"),
            "publications": (TypeRule(r"/posts/\d{4}/\d{2}/[a-z-]+", "commentary"),),
            "discovery": (),
            "date_order": "MDY",
            "languages": ("en",),
            **facts,
        }
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/en/posts/2019/05/a-piece",
        "https://example.org/posts/2019/05/a-piece?lang=en",
        "http://www.example.org/en/posts/2019/05/a-piece/",
    ],
)
def test_a_language_prefix_names_the_same_page(url: str) -> None:
    english = site(language_prefixes=("/en",))
    assert english.canonical_url(url) == HOME + "/posts/2019/05/a-piece"
    assert english.classify(url) == ("commentary", None)


def test_only_a_whole_leading_segment_is_a_language_prefix() -> None:
    english = site(language_prefixes=("/en",))
    assert english.canonical_url(HOME + "/english/posts") == HOME + "/english/posts"
    assert english.canonical_url(HOME + "/posts/en/x") == HOME + "/posts/en/x"
    assert english.canonical_url(HOME + "/en") == HOME + "/"
    # a site that declares none keeps the prefix: /en/ may be another page there
    assert site().canonical_url(HOME + "/en/posts/2019/05/a-piece") == (
        HOME + "/en/posts/2019/05/a-piece"
    )
