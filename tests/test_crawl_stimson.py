"""End to end: `scrapy crawl stimson` over the offline mirror of www.stimson.org
(tests/mirrors/stimson, both generations), asserting on the archive's rows.

Expected values are the real ones the site notes record (section 7: URLs, titles, dates,
bylines; section 5.3: the outbound sentences), not values read back from the code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlite_utils
from crawling import MIRRORS, crawl_mirror, stored

HOME = "https://www.stimson.org"
SAMPLE = MIRRORS / "stimson"
DRUPAL = {
    "/content/china-mekong-river-states-placeholder",
    "/content/nukes-new-congress-and-lost-art-political-compromise",
    "/content/northern-sea-route",
    "/content/fourth-estate-south-asia-media%E2%80%99s-role-inter-state-crises",
    "/content/second-trump-kim-summit-no-good-option-japan",
    "/content/whats-next-us-north-korea-talks",
    "/content/second-trump-kim-summit-where-china",
}
WORDPRESS = {
    "/2013/gordon-adamss-op-ed-defense-management-issues-published-foreign-policy-0",
    "/2015/new-home-stimsons-next-25-years",
    "/2016/stimsons-letters-mekong-time-new-narrative-mekong-hydropower-report-cited-mongabay",
    "/2020/new-mekong-dam-monitor-brings-unprecedented-transparency-to-base-wide-dam-operations",
    "/2021/stimsons-mekong-dam-monitor-wins-disaster-tech-award",
    "/2025/four-days-in-may-the-india-pakistan-crisis-of-2025",
}


def crawl(mirror_root: Path, path: Path) -> sqlite_utils.Database:
    return crawl_mirror("stimson", mirror_root, path)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    return crawl(SAMPLE, tmp_path_factory.mktemp("stimson") / "archive.db")


def test_the_drupal_listings_alone_reach_every_drupal_publication(tmp_path: Path) -> None:
    # Without the WordPress feed and sitemaps, the program listings (?page=N from 0) give
    # the Drupal pieces and nothing else: the WordPress era has no known listing.
    shutil.copytree(SAMPLE, tmp_path / "site")
    for sitemap in (tmp_path / "site").glob("*sitemap*.xml"):
        sitemap.unlink()
    shutil.rmtree(tmp_path / "site" / "feed")
    got = crawl(tmp_path / "site", tmp_path / "archive.db")
    assert {r["url"] for r in got["publications"].rows} == {HOME + p for p in DRUPAL}
    [stats] = [json.loads(r["stats"]) for r in got["crawls"].rows]
    # grand-strategy-pivotal-places and its ?page=1, china; the feed and the sitemap index
    # answer 404
    assert stats["thinkscrape/listing/pages"] == 3
    assert stats["thinkscrape/listing/failed"] == 2


def row(db: sqlite_utils.Database, path: str) -> dict:
    return stored(db, HOME + path)


def people(db: sqlite_utils.Database, path: str) -> list[tuple[str, str]]:
    return [
        (r["name"], r["role"])
        for r in db.query(
            """select a.name, pa.role from publication_authors pa
               join authors a on a.id = pa.author_id
               join publications p on p.id = pa.publication_id where p.url = ?
               order by pa.position""",
            [HOME + path],
        )
    ]


def test_both_generations_are_archived_under_canonical_urls_and_nothing_else(db) -> None:
    urls = {r["url"] for r in db["publications"].rows}
    assert urls == {HOME + p for p in DRUPAL | WORDPRESS}
    # the sitemaps' event and program pages are no publications
    assert not [u for u in urls if "/events/" in u or "/program" in u or "/staff/" in u]
    assert {r["site"] for r in db["publications"].rows} == {"stimson"}


@pytest.mark.parametrize(
    ("path", "title", "published", "authors"),
    [
        (
            "/content/nukes-new-congress-and-lost-art-political-compromise",
            "Nukes, the New Congress, and the Lost Art of Political Compromise",
            "2018-11-13",
            [("Michael Krepon", "author")],
        ),
        (
            "/content/northern-sea-route",
            "The Northern Sea Route",
            "2018-12-05",
            [("Yun Sun", "author")],
        ),
        (
            "/content/fourth-estate-south-asia-media%E2%80%99s-role-inter-state-crises",
            "The Fourth Estate in South Asia: Media’s Role in Inter-State Crises",
            "2018-12-28",
            [("Hannah Haegeland", "author")],
        ),
        (
            "/content/whats-next-us-north-korea-talks",
            "What's next for U.S.-North Korea talks?",
            "2019-03-06",
            [("Yuki Tatsumi", "author")],
        ),
        (
            # the listing line "July 14, 2017 | EXPERT: Amanda Shaver , EXPERT: Yun Sun"
            "/content/china-mekong-river-states-placeholder",
            "China and the Mekong River States (placeholder title)",
            "2017-07-14",
            [("Amanda Shaver", "author"), ("Yun Sun", "author")],
        ),
        (
            "/2021/stimsons-mekong-dam-monitor-wins-disaster-tech-award",
            "Stimson’s Mekong Dam Monitor Wins Disaster Tech Award",
            "2021-06-17",
            [("Brian Eyler", "featured")],  # "Featuring Brian Eyler"
        ),
        (
            "/2025/four-days-in-may-the-india-pakistan-crisis-of-2025",
            "Four Days in May: The India-Pakistan Crisis of 2025",
            "2025-05-28",
            [("Yun Sun", "author"), ("Brian Eyler", "author")],
        ),
        (
            "/2020/new-mekong-dam-monitor-brings-unprecedented-transparency-to-base-wide-dam"
            "-operations",
            "New: Mekong Dam Monitor Brings Unprecedented Transparency to Basin-Wide Dam "
            "Operations",
            "2020-12-15",
            [],  # a press release showing no person
        ),
    ],
)
def test_title_date_and_authors(db, path, title, published, authors) -> None:
    got = row(db, path)
    assert (got["title"], got["published"]) == (title, published)
    assert people(db, path) == authors


@pytest.mark.parametrize(
    ("path", "type_", "label"),
    [
        ("/2013/gordon-adamss-op-ed-defense-management-issues-published-foreign-policy-0",)
        + ("in-the-news", "Stimson in the News"),
        ("/2015/new-home-stimsons-next-25-years", "commentary", "Commentary"),
        ("/2021/stimsons-mekong-dam-monitor-wins-disaster-tech-award",)
        + ("press-release", "Press Release"),
        # no label is known on the Drupal pages: the URL rule's type
        ("/content/northern-sea-route", "commentary", None),
    ],
)
def test_type_from_the_label_line_else_the_url(db, path, type_, label) -> None:
    got = row(db, path)
    assert (got["type"], json.loads(got["raw"])["type_label"]) == (type_, label)


@pytest.mark.parametrize(
    ("path", "outlet", "domain"),
    [
        (
            "/content/second-trump-kim-summit-no-good-option-japan",
            "The Diplomat",
        )
        + ("thediplomat.com",),
        ("/content/whats-next-us-north-korea-talks", "The Japan Times", "japantimes.co.jp"),
        ("/content/second-trump-kim-summit-where-china", "38 North", "38north.org"),
        # a misspelt month in the sentence ("Juyl 14, 2017")
        ("/content/china-mekong-river-states-placeholder", "The Diplomat", "thediplomat.com"),
        # "Stimson in the News": the sentence names no outlet, the title does
        (
            "/2016/stimsons-letters-mekong-time-new-narrative-mekong-hydropower-report-cited"
            "-mongabay",
            None,
            "mongabay.com",
        ),
        (
            "/2013/gordon-adamss-op-ed-defense-management-issues-published-foreign-policy-0",
            None,
            "foreignpolicy.com",
        ),
    ],
)
def test_outbound_sentences_give_outlet_and_full_article(db, path, outlet, domain) -> None:
    got = row(db, path)
    assert (got["outlet"], got["full_article_domain"]) == (outlet, domain)
    assert got["full_article_url"].startswith("https://")


def test_pages_without_an_outbound_sentence_send_nowhere(db) -> None:
    for path in ("/content/northern-sea-route", "/2015/new-home-stimsons-next-25-years"):
        got = row(db, path)
        assert (got["outlet"], got["full_article_url"]) == (None, None)


def test_the_wordpress_chrome_is_not_the_body(db) -> None:
    body = row(db, "/2021/stimsons-mekong-dam-monitor-wins-disaster-tech-award")["body"]
    for chrome in ("Share on twitter", "Media Inquiries", "Caitlin Goodman", "Mekong Policy"):
        assert chrome not in body
    assert "Choose Your Subscription Topics" not in body
    # a migrated item's empty "In" line is no subtitle
    assert row(db, "/2015/new-home-stimsons-next-25-years")["subtitle"] is None
