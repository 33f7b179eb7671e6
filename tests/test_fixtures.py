"""Each site's saved pages against the whole raw half expected of them (tests/fixtures), and
the registry's promise that a site is one spider, one site file and one fixture folder."""

from __future__ import annotations

import functools
import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from thinkscrape import sites
from thinkscrape.extract.common import PARSE_TRUNCATED
from thinkscrape.items import RAW_FIELDS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SITE_FILES = Path(sites.__file__).resolve().parent


@dataclass(frozen=True)
class Case:
    """One fixture folder: ``page.html``, the URL it is read at (``url.txt``) and the whole
    raw half expected of it (``output.json``)."""

    folder: Path

    @property
    def site(self) -> str:
        return self.folder.parent.name

    @property
    def id(self) -> str:
        return f"{self.site}/{self.folder.name}"

    @functools.cached_property
    def expected(self) -> dict[str, Any]:
        return json.loads((self.folder / "output.json").read_text(encoding="utf-8"))


def _cases() -> list[Case]:
    return [Case(folder) for folder in sorted(FIXTURES.glob("*/*")) if folder.is_dir()]


@functools.cache
def extracted(case: Case) -> dict[str, Any]:
    html = (case.folder / "page.html").read_text(encoding="utf-8")
    url = (case.folder / "url.txt").read_text(encoding="utf-8").strip()
    return sites.get(case.site).extract_article(url, html)


CASES = _cases()
FIELD_CASES = [(case, name) for case in CASES for name in case.expected]


@pytest.mark.parametrize(("case", "name"), FIELD_CASES, ids=[f"{c.id}:{n}" for c, n in FIELD_CASES])
def test_field(case: Case, name: str) -> None:
    got = extracted(case)
    assert name in got, f"{name} missing"
    assert got[name] == case.expected[name]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_no_extra_keys(case: Case) -> None:
    assert set(extracted(case)) == set(case.expected)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_expected_output_is_a_whole_raw_half(case: Case) -> None:
    # Every raw field but the listing card (the spider adds it), and nothing else.
    raw_keys = set(RAW_FIELDS) - {"listing"}
    assert raw_keys <= set(case.expected) <= raw_keys | {PARSE_TRUNCATED}


def test_every_site_has_fixtures() -> None:
    without = sorted(set(sites.names()) - {case.site for case in CASES})
    assert without == [], "add tests/fixtures/<site>/<case>/ (see tests/fixtures/README.md)"
    assert {case.site for case in CASES} <= set(sites.names()), "fixtures of no registered site"


# --- the registry ---------------------------------------------------------------------------


def test_every_site_has_one_file_named_after_it() -> None:
    files = sorted(path.stem for path in SITE_FILES.glob("*.py") if path.stem != "__init__")
    assert files == sorted(sites.names())
    for name in sites.names():
        assert importlib.import_module(f"thinkscrape.sites.{name}").SITE is sites.get(name)


def test_every_spider_is_named_after_its_site() -> None:
    loader = SpiderLoader.from_settings(get_project_settings())
    by_site = {}
    for name in loader.list():
        spider = loader.load(name)
        site = getattr(spider, "site", None)
        if site is None:
            continue  # a spider whose site is made at run time from its arguments
        assert spider.name == site.name
        assert site is sites.get(site.name)
        by_site[site.name] = spider
    assert sorted(by_site) == sorted(sites.names())
