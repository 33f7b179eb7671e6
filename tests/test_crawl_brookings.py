"""End to end: `scrapy crawl brookings` over the offline mirror of www.brookings.edu
(tests/mirrors/brookings), asserting on the archive's rows.

Expected values are the real ones the site notes record (section 8: URLs, titles, dates,
bylines; labels of section 5.2), not values read back from the code.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
from crawling import MIRRORS, REPO_ROOT, byline_names, crawl_mirror, stored

from thinkscrape.mirror import serve_mirror

HOME = "https://www.brookings.edu"
SAMPLE = MIRRORS / "brookings"
ARTICLES = 11  # the /articles/ pieces; the book and the news release: their sitemaps only


def crawl(mirror_root: Path, path: Path) -> sqlite_utils.Database:
    return crawl_mirror("brookings", mirror_root, path)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    return crawl(SAMPLE, tmp_path_factory.mktemp("brookings") / "archive.db")


def test_the_listing_alone_reaches_every_article(tmp_path: Path) -> None:
    # Without sitemaps and feed, /research-commentary/ and its ?page=N pages (four cards a
    # page, a "Load More" link) reach every /articles/ piece; its event card is no piece.
    shutil.copytree(SAMPLE, tmp_path / "site")
    for sitemap in (tmp_path / "site").glob("*sitemap*.xml"):
        sitemap.unlink()
    shutil.rmtree(tmp_path / "site" / "feed")
    got = crawl(tmp_path / "site", tmp_path / "archive.db")
    urls = {r["url"] for r in got["publications"].rows}
    assert len(urls) == ARTICLES
    assert all(url.startswith(HOME + "/articles/") for url in urls)
    [stats] = [json.loads(r["stats"]) for r in got["crawls"].rows]
    assert stats["thinkscrape/listing/pages"] == 3


def row(db: sqlite_utils.Database, path: str) -> dict:
    return stored(db, HOME + path)


def names(db: sqlite_utils.Database, path: str) -> list[str]:
    return byline_names(db, HOME + path)


def test_every_publication_is_archived_once_under_its_canonical_url(db) -> None:
    urls = {r["url"] for r in db["publications"].rows}
    assert len(urls) == ARTICLES + 2
    assert HOME + "/books/turning-point" in urls
    assert all(url.startswith(HOME + "/") and not url.endswith("/") for url in urls)
    assert not [u for u in urls if "?" in u or "utm_" in u]
    # people (person-sitemap), events (a listing card), topics, listings: no publications
    for part in ("/people/", "/events/", "/topic/", "/research-commentary", "/center/"):
        assert not [u for u in urls if part in u], part
    assert {r["site"] for r in db["publications"].rows} == {"brookings"}


@pytest.mark.parametrize(
    ("path", "type_", "title", "published", "authors"),
    [
        (
            "/articles/what-works-for-employment-records-international-practices-and-"
            "implications-for-the-united-states",
            "commentary",
            "What works for employment records: International practices and implications for "
            "the United States",
            "2025-11-23",
            ["Eduardo Levy Yeyati", "Juan Camisassa", "Ian Seyal"],
        ),
        (
            # posted in the evening: its UTC article:published_time is November 25
            "/articles/openai-floats-federal-support-for-ai-infrastructure-what-should-the-"
            "public-expect",
            "commentary",
            "OpenAI floats federal support for AI infrastructure—what should the public expect?",
            "2025-11-24",
            ["Tom Wheeler"],
        ),
        (
            "/articles/a-little-known-way-the-tax-code-subsidizes-spending-on-health-care",
            "commentary",
            "A little-known way the tax code subsidizes spending on health care",
            "2025-11-22",
            ["Gopi Shah Goda"],
        ),
        (
            # re-homed 2019 research: its old date, not the 2023 dateModified or lastmod
            "/articles/local-transportation-policy-and-economic-opportunity",
            "report",
            "Local transportation policy and economic opportunity",
            "2019-01-31",
            ["Matthew Turner"],
        ),
        (
            "/articles/fact-based-policy-how-do-state-and-local-governments-accomplish-it",
            "report",
            "Fact-based policy: How do state and local governments accomplish it?",
            "2019-01-31",
            ["Justine Hastings"],
        ),
        (
            # a former africa-in-focus blog post, labelled "Commentary" today
            "/articles/the-world-banks-strategy-for-addressing-fragility-in-sub-saharan-africa",
            "commentary",
            "The World Bank’s strategy for addressing fragility in sub-Saharan Africa",
            "2019-01-28",
            ["Jim Yong Kim"],
        ),
        (
            "/articles/developments-in-somalia",
            "testimony",
            "Developments in Somalia",
            "2018-11-14",
            ["Vanda Felbab-Brown"],
        ),
        (
            "/articles/how-artificial-intelligence-is-transforming-the-world",
            "report",
            "How artificial intelligence is transforming the world",
            "2018-04-24",
            ["Darrell M. West", "John R. Allen"],
        ),
        (
            "/books/turning-point",
            "book",
            "Turning Point: Policymaking in the Era of Artificial Intelligence",
            "2020-07-28",  # "Release Date: July 28, 2020", not the page's earlier datePublished
            ["Darrell M. West", "John R. Allen"],
        ),
        (
            # labelled "News Release", unsigned
            "/news/brookings-northeast-asia-center-announces-new-visiting-fellows",
            "press-release",
            "Brookings Northeast Asia Center Announces New Visiting Fellows",
            "2002-09-20",
            [],
        ),
    ],
)
def test_type_title_date_and_authors(db, path, type_, title, published, authors) -> None:
    got = row(db, path)
    assert (got["type"], got["title"], got["published"]) == (type_, title, published)
    assert names(db, path) == authors


def test_related_cards_and_role_lines_do_not_leak_into_a_piece(db) -> None:
    # Every page shows two related cards (other titles, dates, first authors), and the
    # authors block mixes names with role lines and a handle.
    path = "/articles/how-artificial-intelligence-is-transforming-the-world"
    got = row(db, path)
    for leak in ("Tom Wheeler", "November 24, 2025", "Vice President", "@DarrWest", "Authors"):
        assert leak not in got["body"], leak
    assert "committed to quality" not in got["body"]  # the border-t block is no body


def test_the_op_ed_reprint_points_to_its_outlet_and_other_notes_do_not(db) -> None:
    op_ed = row(db, "/articles/the-covid-reset-latin-america-needs")
    assert op_ed["outlet"] == "Americas Quarterly"
    assert op_ed["full_article_url"] == (
        "https://www.americasquarterly.org/article/the-covid-reset-latin-america-needs/"
    )
    # an editor's note about the post itself, and a sentence naming an op-ed elsewhere
    for path in (
        "/articles/the-world-banks-strategy-for-addressing-fragility-in-sub-saharan-africa",
        "/articles/openai-floats-federal-support-for-ai-infrastructure-what-should-the-public-"
        "expect",
    ):
        got = row(db, path)
        assert (got["outlet"], got["full_article_url"]) == (None, None), path
    pointed = {r["url"] for r in db["publications"].rows if r["full_article_url"]}
    assert pointed == {
        HOME + "/articles/the-covid-reset-latin-america-needs",
        # "Read the full testimony here.": the site's own PDF, no outlet
        HOME + "/articles/developments-in-somalia",
    }
    assert row(db, "/articles/developments-in-somalia")["outlet"] is None


def test_the_pdf_among_uploads_is_the_pieces(db) -> None:
    uploads = HOME + "/wp-content/uploads/2019/01/"
    path = "/articles/local-transportation-policy-and-economic-opportunity"
    assert row(db, path)["pdf_url"] == uploads + "Turner_PP_web_20190128.pdf"
    path = "/articles/fact-based-policy-how-do-state-and-local-governments-accomplish-it"
    assert row(db, path)["pdf_url"] == uploads + "Hastings_PP_web_20190128.pdf"  # in the text


def test_scrapy_check_passes_on_the_mirror() -> None:
    # the listing's sample page gives its four pieces and its next page; the article's
    # sample page fills every field, its authors marked up as contributors
    with serve_mirror(SAMPLE) as mirror:
        argv = [sys.executable, "-m", "scrapy", "check", "brookings"]
        argv += ["-a", f"base_url={mirror.base_url}"]
        result = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.rstrip().endswith("OK")
