"""End to end: `scrapy crawl brookings` over the site as it was in 2019, the 2016-2023 theme
at its typed URLs (tests/mirrors/brookings-2019), reached through its feed.

Expected values are the real ones the site notes record (section 8, from a scraper of that
theme: URLs, titles, dates, first authors; section 4: the author cards), not values read
back from the code.
"""

from __future__ import annotations

import pytest
import sqlite_utils
from crawling import MIRRORS, crawl_mirror, stored

HOME = "https://www.brookings.edu"
SAMPLE = MIRRORS / "brookings-2019"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    path = tmp_path_factory.mktemp("brookings-2019") / "archive.db"
    return crawl_mirror("brookings", SAMPLE, path)


def row(db: sqlite_utils.Database, path: str) -> dict:
    return stored(db, HOME + path)


def people(db: sqlite_utils.Database, path: str) -> list[tuple[str, str | None]]:
    return [
        (r["name"], r["profile_url"])
        for r in db.query(
            """select a.name, a.profile_url from publication_authors pa
               join authors a on a.id = pa.author_id
               join publications p on p.id = pa.publication_id where p.url = ?
               order by pa.position""",
            [HOME + path],
        )
    ]


def test_the_feed_reaches_every_piece_at_its_typed_url(db) -> None:
    urls = {r["url"] for r in db["publications"].rows}
    assert len(urls) == 8
    assert not [u for u in urls if "/articles/" in u or u.endswith("/")]


@pytest.mark.parametrize(
    ("path", "type_", "title", "published", "author"),
    [
        (
            "/research/fact-based-policy-how-do-state-and-local-governments-accomplish-it",
            "report",
            "Fact-based policy: How do state and local governments accomplish it?",
            "2019-01-31",
            "Justine Hastings",
        ),
        (
            "/blog/education-plus-development/2019/01/30/education-systems-need-alignment-for-"
            "teaching-and-learning-21st-century-skills",
            "blog",
            "Education systems need alignment for teaching and learning 21st century skills",
            "2019-01-30",
            "Helyn Kim",
        ),
        (
            # the body shows a related post of January 30: not this post's date or author
            "/blog/future-development/2019/01/28/the-deforestation-risks-of-chinas-belt-and-"
            "road-initiative",
            "blog",
            "The deforestation risks of China’s Belt and Road Initiative",
            "2019-01-28",
            "Elizabeth Losos",
        ),
        (
            "/testimonies/united-states-international-trade-commission-fact-finding-investigation",
            "testimony",
            "United States International Trade Commission fact finding investigation",
            "2018-11-19",
            "Joshua P. Meltzer",
        ),
        (
            "/bpea-articles/the-real-effects-of-the-financial-crisis",
            "report",
            "The real effects of the financial crisis",
            "2018-09-13",
            "Ben S. Bernanke",
        ),
    ],
)
def test_type_title_date_and_author(db, path, type_, title, published, author) -> None:
    got = row(db, path)
    assert (got["type"], got["title"], got["published"]) == (type_, title, published)
    assert [name for name, _ in people(db, path)] == [author]


def test_author_cards_stay_out_of_the_body_and_the_pdf_is_no_image(db) -> None:
    path = "/research/fact-based-policy-how-do-state-and-local-governments-accomplish-it"
    got = row(db, path)
    assert "Brown University" not in got["body"] and "\nJ\n" not in got["body"]
    assert got["summary"].startswith("State and local governments collect data")
    assert got["pdf_url"] == HOME + "/wp-content/uploads/2019/01/Hastings_PP_web_20190128.pdf"
    path = "/bpea-articles/the-real-effects-of-the-financial-crisis"
    assert people(db, path) == [("Ben S. Bernanke", HOME + "/experts/ben-s-bernanke/")]
