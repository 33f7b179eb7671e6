"""The stages on whole raw halves, written as extraction fills them from the site's pages."""

import inspect
from datetime import datetime

import pytest

from tests.registered import register_site
from thinkscrape import sites
from thinkscrape.items import SOURCES, Publication
from thinkscrape.normalize.stages import (
    StageResult,
    normalize_all,
    normalize_dates,
    normalize_links,
    normalize_people,
)

FETCHED = datetime(2026, 11, 1, 3, 0)
# The raw halves below are CNAS pages': each stage is given that site's conventions.
CNAS = sites.get("cnas")
CNAS_DATES = {"date_order": CNAS.date_order, "languages": CNAS.languages}


def raw(**values):
    """The raw half of a Publication, as Publication.raw() gives it."""
    values.setdefault("url", "https://www.cnas.org/publications/commentary/x")
    values.setdefault("site", "cnas")
    return Publication(**values).raw()


def card(**values):
    keys = ("listing_url", "title", "type", "outlet", "date_raw", "byline_raw", "summary")
    return {key: values.get(key) for key in keys}


def person(name, name_raw=None, profile_url=None, role="author", position=0, **rest):
    return {
        "name": name,
        "name_raw": name_raw or name,
        "honorific": rest.get("honorific"),
        "suffix": rest.get("suffix"),
        "profile_url": profile_url,
        "role": role,
        "position": position,
    }


NO_DATE = {
    "published": None,
    "published_precision": None,
    "published_ambiguous": False,
    "date_disagreement": None,
}

# --- dates ----------------------------------------------------------------------------------
DATE_CASES = [
    pytest.param(
        raw(published_raw="August 02, 2017"),
        StageResult(
            {**NO_DATE, "published": "2017-08-02", "published_precision": "day"},
            {"published": {"source": "article_header", "raw": "August 02, 2017"}},
            ["article_fast_path"],
        ),
        id="article-date",
    ),
    pytest.param(
        raw(published_raw="2020-01-17", sources={"published_raw": "meta"}),
        StageResult(
            {**NO_DATE, "published": "2020-01-17", "published_precision": "day"},
            {"published": {"source": "meta", "raw": "2020-01-17"}},
            ["article_fast_path"],
        ),
        id="source-recorded-by-extraction",
    ),
    pytest.param(
        raw(listing=card(date_raw="January 15, 2020")),
        StageResult(
            {**NO_DATE, "published": "2020-01-15", "published_precision": "day"},
            {"published": {"source": "listing", "raw": "January 15, 2020"}},
            ["listing_fast_path", "listing_fallback"],
        ),
        id="listing-fallback",
    ),
    pytest.param(
        raw(published_raw="Image Credit", listing=card(date_raw="March 4, 2020")),
        StageResult(
            {**NO_DATE, "published": "2020-03-04", "published_precision": "day"},
            {"published": {"source": "listing", "raw": "March 4, 2020"}},
            ["article_unparseable", "listing_fast_path", "listing_fallback"],
        ),
        id="unreadable-article-date-falls-back",
    ),
    pytest.param(
        raw(published_raw="January 08, 2020", listing=card(date_raw="January 8, 2020")),
        StageResult(
            {**NO_DATE, "published": "2020-01-08", "published_precision": "day"},
            {"published": {"source": "article_header", "raw": "January 08, 2020"}},
            ["article_fast_path", "listing_fast_path"],
        ),
        id="padded-and-unpadded-agree",
    ),
    pytest.param(
        raw(published_raw="January 29, 2019", listing=card(date_raw="January 30, 2019")),
        StageResult(
            {**NO_DATE, "published": "2019-01-29", "published_precision": "day"},
            {"published": {"source": "article_header", "raw": "January 29, 2019"}},
            ["article_fast_path", "listing_fast_path"],
        ),
        id="one-day-apart-is-not-a-disagreement",
    ),
    pytest.param(
        raw(published_raw="February 12, 2019", listing=card(date_raw="February 6, 2019")),
        StageResult(
            {
                **NO_DATE,
                "published": "2019-02-12",
                "published_precision": "day",
                "date_disagreement": {"listing": "2019-02-06", "article": "2019-02-12", "days": 6},
            },
            {"published": {"source": "article_header", "raw": "February 12, 2019"}},
            ["article_fast_path", "listing_fast_path", "disagreement"],
        ),
        id="disagreement",
    ),
    pytest.param(
        raw(published_raw="December 2023", listing=card(date_raw="December 14, 2023")),
        StageResult(
            {**NO_DATE, "published": "2023-12-01", "published_precision": "month"},
            {"published": {"source": "article_header", "raw": "December 2023"}},
            ["article_fast_path", "listing_fast_path"],
        ),
        id="month-holds-the-day",
    ),
    pytest.param(
        raw(published_raw="04/05/2019"),
        StageResult(
            {
                **NO_DATE,
                "published": "2019-04-05",
                "published_precision": "day",
                "published_ambiguous": True,
            },
            {"published": {"source": "article_header", "raw": "04/05/2019"}},
            ["article_ambiguous"],
        ),
        id="ambiguous",
    ),
    pytest.param(
        raw(published_raw="June 12, 1985"),
        StageResult(NO_DATE, {}, ["article_implausible", "missing"]),
        id="implausible",
    ),
    pytest.param(raw(), StageResult(NO_DATE, {}, ["missing"]), id="no-date-anywhere"),
]


@pytest.mark.parametrize(("raw_half", "expected"), DATE_CASES)
def test_normalize_dates(raw_half, expected):
    assert normalize_dates(raw_half, reference=FETCHED, **CNAS_DATES) == expected


def test_normalize_dates_resolves_relative_dates_against_the_reference():
    result = normalize_dates(
        raw(published_raw="2 days ago"), reference=datetime(2019, 2, 8), **CNAS_DATES
    )
    assert result.fields["published"] == "2019-02-06"
    assert result.events == ["article_dateparser"]


def test_normalize_dates_takes_the_archived_fetched_at_text():
    result = normalize_dates(
        raw(published_raw="yesterday"), reference="2019-02-08T01:30:00+00:00", **CNAS_DATES
    )
    assert result.fields["published"] == "2019-02-07"
    assert result.provenance == {"published": {"source": "article_header", "raw": "yesterday"}}


def test_normalize_dates_passes_date_order_on():
    result = normalize_dates(
        raw(published_raw="04/05/2019"), reference=FETCHED, date_order="DMY", languages=("en",)
    )
    assert result.fields["published"] == "2019-05-04"


# --- people ---------------------------------------------------------------------------------
CRONIN = "https://www.cnas.org/people/patrick-m-cronin"
GOLDENBERG = "https://www.cnas.org/people/ilan-goldenberg"
BREWER = "https://www.cnas.org/people/eric-brewer"

PEOPLE_CASES = [
    pytest.param(
        raw(
            byline_raw="By Patrick M. Cronin",
            contributors=[{"name": "Patrick M. Cronin", "profile_url": CRONIN, "role": "author"}],
        ),
        StageResult(
            {"authors": [person("Patrick M. Cronin", profile_url=CRONIN)]},
            {"authors": {"source": "article_header", "raw": "By Patrick M. Cronin"}},
            ["from_byline"],
        ),
        id="one-linked-author",
    ),
    pytest.param(
        raw(
            byline_raw="By Robert O. Work and Eric Schmidt",
            contributors=[
                {
                    "name": "Robert O. Work",
                    "profile_url": "https://www.cnas.org/people/robert-o-work",
                    "role": "author",
                }
            ],
        ),
        StageResult(
            {
                "authors": [
                    person(
                        "Robert O. Work", profile_url="https://www.cnas.org/people/robert-o-work"
                    ),
                    person("Eric Schmidt", position=1),
                ]
            },
            {"authors": {"source": "article_header", "raw": "By Robert O. Work and Eric Schmidt"}},
            ["from_byline"],
        ),
        id="co-author-outside-cnas-keeps-byline-order",
    ),
    pytest.param(
        raw(
            byline_raw="By Ilan Goldenberg and Eric Brewer",
            contributors=[
                {"name": "\u200bEric Brewer", "profile_url": BREWER, "role": "author"},
                {"name": "Ilan Goldenberg", "profile_url": GOLDENBERG, "role": "author"},
            ],
        ),
        StageResult(
            {
                "authors": [
                    person("Ilan Goldenberg", profile_url=GOLDENBERG),
                    person("Eric Brewer", profile_url=BREWER, position=1),
                ]
            },
            {"authors": {"source": "article_header", "raw": "By Ilan Goldenberg and Eric Brewer"}},
            ["from_byline"],
        ),
        id="profile-urls-attached-by-name",
    ),
    pytest.param(
        raw(
            byline_raw="By Dr. Duyeon Kim",
            contributors=[
                {
                    "name": "Duyeon Kim",
                    "profile_url": "https://www.cnas.org/people/duyeon-kim",
                    "role": "author",
                }
            ],
        ),
        StageResult(
            {
                "authors": [
                    person(
                        "Duyeon Kim",
                        "Dr. Duyeon Kim",
                        "https://www.cnas.org/people/duyeon-kim",
                        honorific="Dr.",
                    )
                ]
            },
            {"authors": {"source": "article_header", "raw": "By Dr. Duyeon Kim"}},
            ["from_byline"],
        ),
        id="honorific-in-byline-only",
    ),
    pytest.param(
        raw(
            contributors=[
                {"name": "Susanna V. Blume", "profile_url": None, "role": "author"},
                {"name": "CDR Chris Dougherty", "profile_url": None, "role": "author"},
            ]
        ),
        StageResult(
            {
                "authors": [
                    person("Susanna V. Blume"),
                    person("Chris Dougherty", "CDR Chris Dougherty", position=1, honorific="CDR"),
                ]
            },
            {
                "authors": {
                    "source": "article_header",
                    "raw": ["Susanna V. Blume", "CDR Chris Dougherty"],
                }
            },
            ["from_contributors"],
        ),
        id="contributors-without-byline",
    ),
    pytest.param(
        raw(
            byline_raw="Featuring Ilan Goldenberg\nJournalist Mike Giglio",
            contributors=[{"name": "Ilan Goldenberg", "profile_url": GOLDENBERG, "role": "author"}],
        ),
        StageResult(
            {
                "authors": [
                    person("Ilan Goldenberg", profile_url=GOLDENBERG, role="featured"),
                    person("Mike Giglio", role="journalist", position=1),
                ]
            },
            {
                "authors": {
                    "source": "article_header",
                    "raw": "Featuring Ilan Goldenberg\nJournalist Mike Giglio",
                }
            },
            ["from_byline"],
        ),
        id="in-the-news-roles",
    ),
    pytest.param(
        raw(
            byline_raw="Journalist: Oliver Hotham",
            contributors=[{"name": "Patrick M. Cronin", "profile_url": CRONIN, "role": "author"}],
        ),
        StageResult(
            {
                "authors": [
                    person("Oliver Hotham", role="journalist"),
                    person("Patrick M. Cronin", profile_url=CRONIN, position=1),
                ]
            },
            {"authors": {"source": "article_header", "raw": "Journalist: Oliver Hotham"}},
            ["from_byline", "unmatched_contributor"],
        ),
        id="author-card-not-in-byline",
    ),
    pytest.param(
        raw(
            byline_raw="Testimony by Jane Doe, Adjunct Senior Fellow, Center for a New American "
            "Security",
            contributors=[
                {
                    "name": "Jane Doe",
                    "profile_url": "https://www.cnas.org/people/jane-doe",
                    "role": "author",
                }
            ],
        ),
        StageResult(
            {"authors": [person("Jane Doe", profile_url="https://www.cnas.org/people/jane-doe")]},
            {
                "authors": {
                    "source": "article_header",
                    "raw": "Testimony by Jane Doe, Adjunct Senior Fellow, Center for a New "
                    "American Security",
                }
            },
            ["from_byline"],
        ),
        id="testimony-role-and-affiliation-are-not-people",
    ),
    pytest.param(
        raw(listing=card(byline_raw="By Kristine Lee, Daniel Kliman & Joshua Fitt")),
        StageResult(
            {
                "authors": [
                    person("Kristine Lee"),
                    person("Daniel Kliman", position=1),
                    person("Joshua Fitt", position=2),
                ]
            },
            {
                "authors": {
                    "source": "listing",
                    "raw": "By Kristine Lee, Daniel Kliman & Joshua Fitt",
                }
            },
            ["from_listing"],
        ),
        id="listing-fallback",
    ),
    pytest.param(
        raw(byline_raw="Task Force Co-Chairs"),
        StageResult({"authors": []}, {}, ["no_authors"]),
        id="task-force-heading",
    ),
    pytest.param(
        raw(
            byline_raw="By Richard Fontaine & Richard Fontaine",
            contributors=[{"name": "Task Force Co-Chairs", "profile_url": None, "role": "author"}],
        ),
        StageResult(
            {"authors": [person("Richard Fontaine")]},
            {
                "authors": {
                    "source": "article_header",
                    "raw": "By Richard Fontaine & Richard Fontaine",
                }
            },
            ["not_a_name", "from_byline"],
        ),
        id="deduplicated-and-heading-counted",
    ),
    pytest.param(raw(), StageResult({"authors": []}, {}, ["no_authors"]), id="nobody"),
]


@pytest.mark.parametrize(("raw_half", "expected"), PEOPLE_CASES)
def test_normalize_people(raw_half, expected):
    # none of these pages credits an institution instead of a person
    fields = {**expected.fields, "corporate_author": None}
    expected = StageResult(fields, expected.provenance, expected.events)
    assert normalize_people(raw_half, not_names=CNAS.not_names) == expected


# --- links ----------------------------------------------------------------------------------
NO_LINKS = {
    "outlet": None,
    "full_article_url": None,
    "full_article_domain": None,
    "pdf_url": None,
    "links": [],
}
WOTR = "https://warontherocks.com/2017/08/north-korea-and-the-blink-of-war/"
SENTENCE = "Read the full article in War on the Rocks."
DATED = (
    "This article was originally published by The Diplomat on February 27, 2019. "
    "Read the full article here."
)
DIPLOMAT = "https://thediplomat.com/2019/02/the-second-trump-kim-summit/"

LINK_CASES = [
    pytest.param(
        raw(
            body="Opening paragraph about Pyongyang.\n" + SENTENCE,
            links_raw=[
                {
                    "url": "/people/patrick-m-cronin",
                    "text": "Patrick M. Cronin",
                    "context": "Opening paragraph about Pyongyang.",
                },
                {"url": WOTR + "?utm_source=cnas", "text": "War on the Rocks", "context": SENTENCE},
            ],
        ),
        StageResult(
            {
                **NO_LINKS,
                "outlet": "War on the Rocks",
                "full_article_url": WOTR,
                "full_article_domain": "warontherocks.com",
                "links": [
                    {
                        "url": "https://www.cnas.org/people/patrick-m-cronin",
                        "domain": "cnas.org",
                        "text": "Patrick M. Cronin",
                        "kind": "internal",
                    },
                    {
                        "url": WOTR,
                        "domain": "warontherocks.com",
                        "text": "War on the Rocks",
                        "kind": "full_article",
                    },
                ],
            },
            {
                "full_article_url": {"source": "body_sentence", "raw": SENTENCE},
                "full_article_domain": {"source": "body_sentence", "raw": SENTENCE},
                "outlet": {"source": "body_sentence", "raw": SENTENCE},
            },
            ["full_article_sentence", "full_article_link", "outlet_from_body_sentence"],
        ),
        id="commentary-closing-sentence",
    ),
    pytest.param(
        raw(
            body="Excerpt.\nRead the full interview here.",
            source_line="NK News",
            links_raw=[
                {
                    "url": "https://www.nknews.org/2017/11/where-washingtons-north-korea-policy/",
                    "text": "here",
                    "context": "Read the full interview here.",
                }
            ],
        ),
        StageResult(
            {
                **NO_LINKS,
                "outlet": "NK News",
                "full_article_url": "https://www.nknews.org/2017/11/where-washingtons-north-korea-policy/",
                "full_article_domain": "nknews.org",
                "links": [
                    {
                        "url": "https://www.nknews.org/2017/11/where-washingtons-north-korea-policy/",
                        "domain": "nknews.org",
                        "text": "here",
                        "kind": "full_article",
                    }
                ],
            },
            {
                "full_article_url": {
                    "source": "body_sentence",
                    "raw": "Read the full interview here.",
                },
                "full_article_domain": {
                    "source": "body_sentence",
                    "raw": "Read the full interview here.",
                },
                "outlet": {"source": "article_header", "raw": "NK News"},
            },
            ["full_article_sentence", "full_article_link", "outlet_from_article_header"],
        ),
        id="here-with-source-line",
    ),
    pytest.param(
        raw(
            body="Tokyo has few options.\n" + DATED,
            links_raw=[
                {"url": DIPLOMAT, "text": "here", "context": DATED},
                {"url": "/content/japan", "text": "Japan", "context": "Tokyo has few options."},
            ],
        ),
        StageResult(
            {
                **NO_LINKS,
                "outlet": "The Diplomat",
                "full_article_url": DIPLOMAT,
                "full_article_domain": "thediplomat.com",
                "links": [
                    {
                        "url": DIPLOMAT,
                        "domain": "thediplomat.com",
                        "text": "here",
                        "kind": "full_article",
                    },
                    {
                        "url": "https://www.cnas.org/content/japan",
                        "domain": "cnas.org",
                        "text": "Japan",
                        "kind": "internal",
                    },
                ],
            },
            {
                "full_article_url": {"source": "body_sentence", "raw": DATED},
                "full_article_domain": {"source": "body_sentence", "raw": DATED},
                "outlet": {"source": "body_sentence", "raw": DATED},
            },
            ["full_article_sentence", "full_article_link", "outlet_from_body_sentence"],
        ),
        id="here-after-an-originally-published-sentence-naming-the-outlet",
    ),
    pytest.param(
        raw(
            body="Excerpt.\nRead the full article at The New York Times.",
            source_line="The Atlantic",
        ),
        StageResult(
            {**NO_LINKS, "outlet": "The New York Times"},
            {
                "outlet": {
                    "source": "body_sentence",
                    "raw": "Read the full article at The New York Times.",
                }
            },
            ["full_article_sentence", "outlet_from_body_sentence"],
        ),
        id="sentence-outlet-beats-source-line",
    ),
    pytest.param(
        raw(body="A report with no pointer.", source_line="The Atlantic"),
        StageResult(
            {**NO_LINKS, "outlet": "The Atlantic"},
            {"outlet": {"source": "article_header", "raw": "The Atlantic"}},
            ["outlet_from_article_header"],
        ),
        id="source-line-only",
    ),
    pytest.param(
        raw(body="The excerpt only.", listing=card(outlet="Foreign Affairs")),
        StageResult(
            {**NO_LINKS, "outlet": "Foreign Affairs"},
            {"outlet": {"source": "listing", "raw": "Foreign Affairs"}},
            ["outlet_from_listing"],
        ),
        id="listing-outlet-last",
    ),
    pytest.param(
        raw(
            body="CNAS experts testified. Read it here.",
            links_raw=[
                {
                    "url": "//s3.amazonaws.com/files.cnas.org/documents/Testimony.pdf",
                    "text": "here",
                    "context": "CNAS experts testified. Read it here.",
                },
                {"url": "mailto:press@cnas.org", "text": "press@cnas.org", "context": "Contact"},
                {"url": "http://[broken", "text": "broken", "context": "Contact"},
            ],
        ),
        StageResult(
            {
                **NO_LINKS,
                "links": [
                    {
                        "url": "https://s3.amazonaws.com/files.cnas.org/documents/Testimony.pdf",
                        "domain": "amazonaws.com",
                        "text": "here",
                        "kind": "full_article",
                    }
                ],
                "full_article_url": "https://s3.amazonaws.com/files.cnas.org/documents/"
                "Testimony.pdf",
                "full_article_domain": "amazonaws.com",
            },
            {
                "full_article_url": {"source": "body_sentence", "raw": "Read it here."},
                "full_article_domain": {"source": "body_sentence", "raw": "Read it here."},
            },
            ["full_article_sentence", "skipped_link", "malformed_link", "full_article_link"],
        ),
        id="press-release-read-it-here-no-source",
    ),
    pytest.param(
        raw(
            url="https://www.cnas.org/publications/reports/a-realistic-path-for-progress-on-iran",
            body="Executive summary.",
            pdf_href="//s3.amazonaws.com/files.cnas.org/documents/CNAS-Report_Iran-Final.pdf"
            "?mtime=20190128145215",
            links_raw=[
                {"url": "/research/middle-east-security", "text": "Middle East", "context": "x"},
                {"url": "/research/middle-east-security#top", "text": "again", "context": "y"},
                {
                    "url": "https://s3.amazonaws.com/files.cnas.org/documents/CNAS_AI_FINAL-v2.pdf",
                    "text": "earlier report",
                    "context": "z",
                },
                {"url": "https://www.state.gov/iran", "text": "  State  ", "context": "z"},
            ],
        ),
        StageResult(
            {
                **NO_LINKS,
                "pdf_url": "https://s3.amazonaws.com/files.cnas.org/documents/"
                "CNAS-Report_Iran-Final.pdf?mtime=20190128145215",
                "links": [
                    {
                        "url": "https://www.cnas.org/research/middle-east-security",
                        "domain": "cnas.org",
                        "text": "Middle East",
                        "kind": "internal",
                    },
                    {
                        "url": "https://s3.amazonaws.com/files.cnas.org/documents/"
                        "CNAS_AI_FINAL-v2.pdf",
                        "domain": "amazonaws.com",
                        "text": "earlier report",
                        "kind": "pdf",
                    },
                    {
                        "url": "https://www.state.gov/iran",
                        "domain": "state.gov",
                        "text": "State",
                        "kind": "external",
                    },
                ],
            },
            {
                "pdf_url": {
                    "source": "article_header",
                    "raw": "//s3.amazonaws.com/files.cnas.org/documents/"
                    "CNAS-Report_Iran-Final.pdf?mtime=20190128145215",
                }
            },
            [],
        ),
        id="report-pdf-and-links-once",
    ),
    pytest.param(
        raw(
            body="This article was originally published on Foreign Affairs.\nThe war goes on.",
            links_raw=[
                {
                    "url": "https://www.foreignaffairs.com/ukraine/war",
                    "text": "Foreign Affairs",
                    "context": "This article was originally published on Foreign Affairs.",
                }
            ],
        ),
        StageResult(
            {
                **NO_LINKS,
                "outlet": "Foreign Affairs",
                "full_article_url": "https://www.foreignaffairs.com/ukraine/war",
                "full_article_domain": "foreignaffairs.com",
                "links": [
                    {
                        "url": "https://www.foreignaffairs.com/ukraine/war",
                        "domain": "foreignaffairs.com",
                        "text": "Foreign Affairs",
                        "kind": "full_article",
                    }
                ],
            },
            {
                "full_article_url": {
                    "source": "body_sentence",
                    "raw": "This article was originally published on Foreign Affairs.",
                },
                "full_article_domain": {
                    "source": "body_sentence",
                    "raw": "This article was originally published on Foreign Affairs.",
                },
                "outlet": {
                    "source": "body_sentence",
                    "raw": "This article was originally published on Foreign Affairs.",
                },
            },
            ["full_article_sentence", "full_article_link", "outlet_from_body_sentence"],
        ),
        id="opening-line",
    ),
    pytest.param(
        raw(
            body="Text.\nThis commentary originally appeared on Atlantic Council on February 8,"
            " 2019.\nCommentary gives RAND researchers a platform to convey insights.",
            links_raw=[
                {
                    "url": "https://www.atlanticcouncil.org/blogs/iransource/forty/",
                    "text": "Atlantic Council",
                    "context": "This commentary originally appeared on Atlantic Council on"
                    " February 8, 2019.",
                }
            ],
        ),
        StageResult(
            {
                **NO_LINKS,
                "outlet": "Atlantic Council",
                "full_article_url": "https://www.atlanticcouncil.org/blogs/iransource/forty/",
                "full_article_domain": "atlanticcouncil.org",
                "links": [
                    {
                        "url": "https://www.atlanticcouncil.org/blogs/iransource/forty/",
                        "domain": "atlanticcouncil.org",
                        "text": "Atlantic Council",
                        "kind": "full_article",
                    }
                ],
            },
            {
                name: {
                    "source": "body_sentence",
                    "raw": "This commentary originally appeared on Atlantic Council on"
                    " February 8, 2019.",
                }
                for name in ("full_article_url", "full_article_domain", "outlet")
            },
            ["full_article_sentence", "full_article_link", "outlet_from_body_sentence"],
        ),
        id="closing-dated-credit-before-a-disclaimer",
    ),
    pytest.param(
        raw(body="View the infographic on U.S. Strategy After the Iran Deal."),
        StageResult(NO_LINKS, {}, []),
        id="infographic-is-not-a-pointer",
    ),
    pytest.param(
        raw(pdf_href="http://[broken"),
        StageResult(NO_LINKS, {}, ["malformed_pdf_href"]),
        id="malformed-pdf-href",
    ),
]


CNAS_DOMAINS = CNAS.own_domains


@pytest.mark.parametrize(("raw_half", "expected"), LINK_CASES)
def test_normalize_links(raw_half, expected):
    assert normalize_links(raw_half, site_domains=CNAS_DOMAINS) == expected


# --- properties every stage keeps -----------------------------------------------------------
ALL_RAW = [case.values[0] for case in DATE_CASES + PEOPLE_CASES + LINK_CASES]


@pytest.mark.parametrize("raw_half", ALL_RAW)
def test_stages_are_deterministic_and_cite_known_sources(raw_half):
    runs = [normalize_all(raw_half, site=CNAS, reference=FETCHED) for _ in range(2)]
    assert runs[0] == runs[1]
    for result in runs[0].values():
        for name, entry in result.provenance.items():
            assert name in result.fields
            assert entry["source"] in SOURCES


def test_stages_do_not_change_the_raw_half():
    raw_half = LINK_CASES[0].values[0]
    before = repr(raw_half)
    normalize_all(raw_half, site=CNAS, reference=FETCHED)
    assert repr(raw_half) == before


# --- another site: its own conventions, no CNAS name anywhere -------------------------------
# A day-first site on its own domain whose pages are signed by its newsletter's desk as well
# as by people (invented for the test).
def another_site(monkeypatch):
    monkeypatch.delitem(sites.all_sites(), "cnas")
    return register_site(
        monkeypatch,
        "exemple",
        hosts=("www.exemple.org", "exemple.org"),
        date_order="DMY",
        not_names=("Beyond Parallel",),
    )


def test_another_sites_raw_half_is_normalised_with_its_own_conventions(monkeypatch):
    site = another_site(monkeypatch)
    own_report = "https://exemple.org/reports/the-full-report"
    sentence = "Read the full report on Exemple."
    raw_half = Publication(
        url="https://www.exemple.org/analysis/a-note",
        site="exemple",
        published_raw="05/03/2019",
        byline_raw="By Jane Doe and Beyond Parallel",
        contributors=[{"name": "Beyond Parallel", "profile_url": None, "role": "author"}],
        body="The summit changed little. " + sentence,
        links_raw=[
            {"url": own_report, "text": "full report", "context": sentence},
            {"url": "https://www.cnas.org/x", "text": "elsewhere", "context": "elsewhere"},
        ],
    ).raw()

    stages = normalize_all(raw_half, site=site, reference=FETCHED)

    assert stages["dates"].fields["published"] == "2019-03-05"
    assert [author["name"] for author in stages["people"].fields["authors"]] == ["Jane Doe"]
    assert "not_a_name" in stages["people"].events
    kinds = {link["url"]: link["kind"] for link in stages["links"].fields["links"]}
    assert kinds == {own_report: "internal", "https://www.cnas.org/x": "external"}
    assert stages["links"].fields["full_article_url"] is None


@pytest.mark.parametrize(
    "stage", [normalize_dates, normalize_people, normalize_links, normalize_all]
)
def test_no_stage_has_a_default_site_convention(stage):
    parameters = inspect.signature(stage).parameters
    keyword_only = [p for p in parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY]
    assert keyword_only
    assert all(p.default is inspect.Parameter.empty for p in keyword_only)


INSTITUTIONS = ["Brookings Institution", "RAND Corporation", "CSIS", "38 North"]


@pytest.mark.parametrize("institution", INSTITUTIONS + ["Beyond Parallel", "beyond parallel"])
def test_institutions_and_the_sites_not_names_never_become_authors(monkeypatch, institution):
    site = another_site(monkeypatch)
    bylines = {
        "byline": {"byline_raw": f"By {institution} and Jane Doe"},
        "contributors": {"contributors": [{"name": institution, "role": "author"}]},
        "listing card": {"listing": card(byline_raw=f"{institution}, Jane Doe")},
    }
    for where, values in bylines.items():
        raw_half = raw(url="https://www.exemple.org/analysis/a-note", site="exemple", **values)
        authors = normalize_all(raw_half, site=site, reference=FETCHED)["people"].fields
        names = [author["name"] for author in authors["authors"]]
        assert institution not in names, where


# --- corporate authors ------------------------------------------------------------------
NORTH_USER = "https://www.38north.org/author/38-north/"  # 38north notes 4.1


@pytest.mark.parametrize(
    ("raw_half", "corporate", "source"),
    [
        # the 2010 editorial post: "BY: 38 NORTH", one author link to the user "38 North"
        (
            raw(
                byline_raw="BY:\u00a038 NORTH",
                contributors=[{"name": "38 NORTH", "profile_url": NORTH_USER, "role": None}],
            ),
            "38 North",
            "article_header",
        ),
        # the user's link alone
        (
            raw(contributors=[{"name": "38 NORTH", "profile_url": NORTH_USER, "role": None}]),
            "38 North",
            "article_header",
        ),
        # a listing card's byline when the page has none
        (raw(listing={"byline_raw": "RAND Corporation"}), "RAND Corporation", "listing"),
        # a person with an affiliation: the person is the author, nobody corporate
        (raw(byline_raw="Jane Doe, Senior Fellow, CSIS"), None, None),
        (raw(byline_raw="By Patrick M. Cronin"), None, None),
        (raw(), None, None),
    ],
)
def test_normalize_people_gives_the_institution_credited_instead_of_a_person(
    raw_half, corporate, source
):
    result = normalize_people(raw_half, not_names=("38 North",))
    assert result.fields["corporate_author"] == corporate
    assert ("corporate_author" in result.events) == (corporate is not None)
    assert result.provenance.get("corporate_author", {}).get("source") == source
    if corporate:
        assert result.fields["authors"] == []
