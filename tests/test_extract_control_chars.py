"""Control characters in crawled text never reach the archive's text fields.

The raw page stays as fetched in the WARC file; what is extracted from it is text a
terminal, a spreadsheet or a notebook can show without being driven by it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from crawling import MIRRORS

from thinkscrape.extract.common import without_control_characters
from thinkscrape.pages.article import ArticlePage
from thinkscrape.sites import get


def metadata(url: str, html: str) -> dict[str, Any]:
    """What the general article page reads of any page."""
    return ArticlePage(None, url, html).metadata()


CNAS = get("cnas")

SAMPLES = MIRRORS / "cnas"
# ESC, BEL, backspace, DEL, NUL-free C1 CSI and NEL: what a page uses to clear a terminal,
# retitle its window or hide text; written raw and as character references (a reference
# to 128-159 is read as Windows-1252, as browsers do, so it is no control character).
CONTROLS = "\x1b\x07\x08\x7f\x9b\x85"
CONTROL_REFS = "&#27;&#x7;"
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

ARTICLES = [
    "publications/commentary/north-korea-and-the-blink-of-war",
    "publications/reports/negotiating-with-north-korea",
    "press/in-the-news/where-washingtons-north-korea-policy-goes-from-here",
]
LISTINGS = ["reports", "articles-multimedia", "press"]


def poisoned(html: str) -> str:
    """The page with control characters before every text node, in every <meta> content and
    at the start of every JSON-LD string value."""
    html = re.sub(r">(\s*)(\w)", lambda m: f">{m[1]}{CONTROLS}{CONTROL_REFS}{m[2]}", html)
    html = html.replace('": "', f'": "{CONTROLS}')
    return html.replace('content="', f'content="{CONTROLS}{CONTROL_REFS}')


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in strings(item)]
    return []


def page(path: str) -> str:
    return (SAMPLES / path / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ARTICLES)
def test_article_fields_hold_no_control_characters(path: str) -> None:
    url = f"https://www.cnas.org/{path}"
    clean = CNAS.extract_article(url, page(path))
    dirty = CNAS.extract_article(url, poisoned(page(path)))
    assert clean["title"] and clean["body"]
    assert [s for s in strings(dirty) if CONTROL_RE.search(s)] == []
    assert dirty == clean


@pytest.mark.parametrize("path", LISTINGS)
def test_listing_cards_hold_no_control_characters(path: str) -> None:
    url = f"https://www.cnas.org/{path}"
    clean = CNAS.extract_listing(url, page(path))
    dirty = CNAS.extract_listing(url, poisoned(page(path)))
    assert clean["cards"]
    assert [s for s in strings(dirty) if CONTROL_RE.search(s)] == []
    assert dirty == clean


@pytest.mark.parametrize("path", ARTICLES)
def test_generic_metadata_holds_no_control_characters(path: str) -> None:
    url = f"https://www.cnas.org/{path}"
    clean = metadata(url, page(path))
    dirty = metadata(url, poisoned(page(path)))
    assert clean["title"]
    assert [s for s in strings(dirty) if CONTROL_RE.search(s)] == []
    assert dirty == clean


def test_without_control_characters_keeps_line_breaks_and_tabs() -> None:
    assert without_control_characters("a\x1b[2Jb\tc\n\nd\x9b1;31me\x00\r") == "a[2Jb\tc\n\nd1;31me"
    assert without_control_characters("Kim Jong Un’s “summit” — 2018") == (
        "Kim Jong Un’s “summit” — 2018"
    )


def test_json_ld_values_hold_no_control_characters() -> None:
    # An invented page whose metadata is only in JSON-LD.
    def ld_page(mark: str) -> str:
        return (
            '<html lang="en"><head><script type="application/ld+json">'
            f'{{"@type": "NewsArticle", "headline": "{mark}Sanctions{mark} at sea",'
            f' "datePublished": "{mark}2019-02-12", "description": "{mark}Ships.",'
            f' "author": [{{"@type": "Person", "name": "{mark}Neil Bhatiya"}}],'
            f' "publisher": {{"@type": "Organization", "name": "{mark}CNAS"}}}}'
            "</script></head><body><p>Text.</p></body></html>"
        )

    url = "https://example.org/sanctions-at-sea"
    dirty = metadata(url, ld_page(CONTROLS))
    assert [s for s in strings(dirty) if CONTROL_RE.search(s)] == []
    assert dirty == metadata(url, ld_page(""))
    assert dirty["title"] == "Sanctions at sea"
