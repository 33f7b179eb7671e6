"""Date lines as the sites show them -> ISO date, precision, ambiguity and the outcome's event."""

import functools
import inspect
from datetime import UTC, datetime, timedelta, timezone

import dateparser
import pytest

from thinkscrape.normalize import dates
from thinkscrape.normalize.dates import (
    DATE_EVENTS,
    Dateline,
    ParsedDate,
    clear_caches,
    dateparser_reads,
    dateparser_settings,
)

# The date lines below are an English month-first site's (a test may say otherwise): the
# parsers themselves have no default conventions.
ENGLISH_MDY = {"date_order": "MDY", "languages": ("en",)}
parse_date = functools.partial(dates.parse_date, **ENGLISH_MDY)
parse_date_outcome = functools.partial(dates.parse_date_outcome, **ENGLISH_MDY)
parse_dateline = functools.partial(dates.parse_dateline, **ENGLISH_MDY)


@pytest.mark.parametrize(
    "parser", [dates.parse_date, dates.parse_date_outcome, dates.parse_dateline]
)
def test_the_date_conventions_are_the_callers_never_a_default(parser):
    parameters = inspect.signature(parser).parameters
    for name in ("date_order", "languages"):
        assert parameters[name].default is inspect.Parameter.empty


# The response's date: every relative date resolves against it, never against today.
REFERENCE = datetime(2020, 5, 20, 15, 30)

CASES = [
    # --- detail-page date lines, zero-padded day (site notes 3.1, 4.1, 4.2) ---------------
    ("February 06, 2019", "2019-02-06", "day", False, "fast_path"),
    ("March 08, 2019", "2019-03-08", "day", False, "fast_path"),
    ("August 02, 2017", "2017-08-02", "day", False, "fast_path"),
    ("January 08, 2020", "2020-01-08", "day", False, "fast_path"),
    ("October 05, 2011", "2011-10-05", "day", False, "fast_path"),
    ("February 12, 2019", "2019-02-12", "day", False, "fast_path"),
    ("November 22, 2017", "2017-11-22", "day", False, "fast_path"),
    ("September 11, 2016", "2016-09-11", "day", False, "fast_path"),
    ("June 15, 2015", "2015-06-15", "day", False, "fast_path"),
    ("December 02, 2018", "2018-12-02", "day", False, "fast_path"),
    ("February 17, 2009", "2009-02-17", "day", False, "fast_path"),
    # --- related cards: day not padded (2.4, 4.3) -----------------------------------------
    ("January 6, 2019", "2019-01-06", "day", False, "fast_path"),
    ("March 4, 2020", "2020-03-04", "day", False, "fast_path"),
    ("January 15, 2020", "2020-01-15", "day", False, "fast_path"),
    ("October 1, 2020", None, None, None, "implausible"),  # after the reference
    # --- abbreviated months (RAND cards: "Nov 26, 2014") ----------------------------------
    ("Nov 26, 2014", "2014-11-26", "day", False, "fast_path"),
    ("Feb 6, 2019", "2019-02-06", "day", False, "fast_path"),
    ("Sept. 6, 2019", "2019-09-06", "day", False, "fast_path"),
    ("Dec. 18, 2019", "2019-12-18", "day", False, "fast_path"),
    # --- the text node is mixed case; a copy of the on-screen capitals must read the same --
    ("FEBRUARY 06, 2019", "2019-02-06", "day", False, "fast_path"),
    # --- invisible and stray characters around the text -----------------------------------
    ("\u200bFebruary 06, 2019", "2019-02-06", "day", False, "fast_path"),
    ("  March\u00a04,\u00a02020 \n", "2020-03-04", "day", False, "fast_path"),
    ("Published: March 4, 2020", "2020-03-04", "day", False, "fast_path"),
    # --- month and year only (Sharper sub-items) ------------------------------------------
    ("December 2019", "2019-12-01", "month", False, "fast_path"),
    ("January 2020", "2020-01-01", "month", False, "fast_path"),
    ("March 2020", "2020-03-01", "month", False, "fast_path"),
    # --- a year alone ---------------------------------------------------------------------
    ("2019", "2019-01-01", "year", False, "dateparser"),
    # --- ISO 8601 (catalog dates, meta tags, feeds) ---------------------------------------
    ("2024-03-13", None, None, None, "implausible"),  # after the reference
    ("2019-12-18", "2019-12-18", "day", False, "fast_path"),
    ("2019-02-06T10:00:00", "2019-02-06", "day", False, "fast_path"),
    ("2019-02-06T23:30:00-05:00", "2019-02-06", "day", False, "fast_path"),
    ("2020-01-17T08:00:00Z", "2020-01-17", "day", False, "fast_path"),
    ("2019-02-06 10:00:00+00:00", "2019-02-06", "day", False, "fast_path"),
    # --- RFC 822 as in RSS pubDate (Brookings feed) ---------------------------------------
    ("Fri, 11 Sep 2020 21:06:41 +0000", None, None, None, "implausible"),
    ("Fri, 13 Sep 2019 21:06:41 +0000", "2019-09-13", "day", False, "dateparser"),
    # --- day first in words ---------------------------------------------------------------
    ("6 February 2019", "2019-02-06", "day", False, "dateparser"),
    # --- relative dates, against the reference (2020-05-20) -------------------------------
    ("3 days ago", "2020-05-17", "day", False, "dateparser"),
    ("Updated yesterday", "2020-05-19", "day", False, "dateparser"),
    ("yesterday", "2020-05-19", "day", False, "dateparser"),
    ("today", "2020-05-20", "day", False, "dateparser"),
    ("2 weeks ago", "2020-05-06", "day", False, "dateparser"),
    ("5 hours ago", "2020-05-20", "day", False, "dateparser"),
    # --- numeric dates: order assumed from MDY, flagged unless only one reading exists -----
    ("04/05/2019", "2019-04-05", "day", True, "ambiguous"),
    ("4/5/2019", "2019-04-05", "day", True, "ambiguous"),
    ("13/05/2019", "2019-05-13", "day", False, "dateparser"),
    ("05/13/2019", "2019-05-13", "day", False, "fast_path"),
    ("05/05/2019", "2019-05-05", "day", False, "fast_path"),
    # --- implausible: before 1990 or after the reference ----------------------------------
    ("June 12, 1985", None, None, None, "implausible"),
    ("1776", None, None, None, "implausible"),
    ("June 12, 2026", None, None, None, "implausible"),
    ("tomorrow", None, None, None, "implausible"),
    ("May 21, 2020", None, None, None, "implausible"),
    ("May 20, 2020", "2020-05-20", "day", False, "fast_path"),
    # --- empty and unreadable -------------------------------------------------------------
    ("", None, None, None, "empty"),
    ("   \u200b ", None, None, None, "empty"),
    ("Image Credit", None, None, None, "unparseable"),
    ("n/a", None, None, None, "unparseable"),
    ("Read the full article in The Hill.", None, None, None, "unparseable"),
    ("February 30, 2019", None, None, None, "unparseable"),
    ("Commentary", None, None, None, "unparseable"),
]


@pytest.mark.parametrize(("raw", "iso", "precision", "ambiguous", "event"), CASES)
def test_parse_date(raw, iso, precision, ambiguous, event):
    outcome = parse_date_outcome(raw, reference=REFERENCE)
    expected = None if iso is None else ParsedDate(iso, precision, ambiguous, raw)
    assert outcome.date == expected
    assert outcome.event == event
    assert parse_date(raw, reference=REFERENCE) == expected


@pytest.mark.parametrize(
    ("raw", "date_order", "iso", "ambiguous"),
    [
        ("04/05/2019", "DMY", "2019-05-04", True),
        ("04/05/2019", "MDY", "2019-04-05", True),
        ("13/05/2019", "DMY", "2019-05-13", False),
        ("05/13/2019", "DMY", "2019-05-13", False),
        ("04.05.2019", "DMY", "2019-05-04", True),
    ],
)
def test_numeric_dates_follow_date_order_and_are_flagged(raw, date_order, iso, ambiguous):
    parsed = parse_date(raw, reference=REFERENCE, date_order=date_order)
    assert parsed == ParsedDate(iso, "day", ambiguous, raw)


def test_relative_dates_never_use_the_wall_clock():
    old_capture = datetime(2011, 10, 7, 9, 0)
    assert parse_date("2 days ago", reference=old_capture) == ParsedDate(
        "2011-10-05", "day", False, "2 days ago"
    )


def test_an_aware_reference_is_taken_in_utc():
    # 01:00 on May 21 in UTC+5 is still May 20 in UTC.
    reference = datetime(2020, 5, 21, 1, 0, tzinfo=timezone(timedelta(hours=5)))
    assert parse_date("May 21, 2020", reference=reference) is None
    assert parse_date("yesterday", reference=reference.astimezone(UTC)) == ParsedDate(
        "2020-05-19", "day", False, "yesterday"
    )


def test_other_languages_go_through_dateparser():
    parsed = parse_date("6. Februar 2019", reference=REFERENCE, languages=("de",))
    assert parsed == ParsedDate("2019-02-06", "day", False, "6. Februar 2019")


def test_every_outcome_reports_a_known_event_and_failures_a_reason():
    for raw, *_ in CASES:
        outcome = parse_date_outcome(raw, reference=REFERENCE)
        assert outcome.event in DATE_EVENTS
        assert (outcome.reason == "") == (outcome.event in ("fast_path", "dateparser"))


def test_an_unknown_date_order_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="date_order must be one of"):
        parse_date("04/05/2019", reference=REFERENCE, date_order="XYZ")


def test_the_same_unreadable_string_is_refused_from_memory():
    first = parse_date_outcome("Washington 9999 edition", reference=REFERENCE)
    second = parse_date_outcome("Washington 9999 edition", reference=REFERENCE)
    assert first == second
    assert first.event == "unparseable"


def _dateparser_date(text, reference, languages=("en",)):
    found = dateparser.parse(
        text, languages=list(languages), settings=dateparser_settings(reference, "MDY")
    )
    return found.date().isoformat() if found else None


# One reference per page: pages fetched a second, an hour and a year apart.
PAGE_REFERENCES = [REFERENCE + timedelta(seconds=s) for s in (0, 1, 3600, 86_400 * 400)]


@pytest.mark.parametrize(
    ("text", "languages", "reads"),
    [
        # Every part written out: known at once not to depend on the reference.
        ("19 February 2019", ("en",), 1),
        ("Tuesday, February 19, 2019", ("en",), 1),
        ("Feb. 19th, 2019", ("en",), 1),
        # A month name this module does not know: read again once, against a second
        # reference, to learn that it does not depend on it.
        ("19. Februar 2019", ("de",), 2),
    ],
)
def test_an_absolute_date_off_the_fast_path_is_read_once_for_every_page(text, languages, reads):
    clear_caches()
    for reference in PAGE_REFERENCES:
        parsed = parse_date(text, reference=reference, languages=languages)
        assert parsed.iso == _dateparser_date(text, reference, languages) == "2019-02-19"
    assert dateparser_reads() == reads


@pytest.mark.parametrize("text", ["2 days ago", "yesterday", "February 19", "Tuesday", "last week"])
def test_a_relative_date_is_read_against_each_page_reference(text):
    clear_caches()
    for reference in PAGE_REFERENCES:
        parsed = parse_date(text, reference=reference)
        assert (parsed.iso if parsed else None) == _dateparser_date(text, reference)
    assert dateparser_reads() == len(PAGE_REFERENCES) + 1


@pytest.mark.parametrize(
    ("body", "reference", "expected"),
    [
        (
            "Washington, January 30 – Today, CNAS Defense Director Susanna V. Blume testified",
            datetime(2019, 2, 2),
            Dateline(
                "Washington",
                ParsedDate("2019-01-30", "day", False, "January 30"),
                "Today, CNAS Defense Director Susanna V. Blume testified",
            ),
        ),
        (
            "February 17, 2009 - The Center for a New American Security (CNAS) would like",
            datetime(2019, 2, 2),
            Dateline(
                None,
                ParsedDate("2009-02-17", "day", False, "February 17, 2009"),
                "The Center for a New American Security (CNAS) would like",
            ),
        ),
        (
            "Washington, January 30 – Today, CNAS",
            datetime(2019, 1, 29),
            Dateline("Washington", None, "Today, CNAS"),
        ),
        ("The Center for a New American Security announced today", datetime(2019, 2, 2), None),
        ("", datetime(2019, 2, 2), None),
    ],
)
def test_parse_dateline(body, reference, expected):
    assert parse_dateline(body, reference=reference) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "February 06, 2019",
        "March 4, 2020",
        "Feb 6, 2019",
        "Nov 26, 2014",
        "Sept. 6, 2019",
        "December 2019",
        "2019-12-18",
        "2019-02-06T23:30:00-05:00",
        "2020-01-17T08:00:00Z",
        "04/05/2019",
        "12/31/2019",
    ],
)
def test_the_fast_path_agrees_with_dateparser(raw):
    found = dateparser.parse(raw, languages=["en"], settings=dateparser_settings(REFERENCE, "MDY"))
    outcome = parse_date_outcome(raw, reference=REFERENCE)
    assert outcome.event in ("fast_path", "ambiguous")
    assert outcome.date.iso == found.date().isoformat()


def test_a_declared_timestamp_with_a_malformed_time_keeps_its_day() -> None:
    # a CMS writes milliseconds after a colon: the day written before the "T" still stands
    parsed = parse_date("2020-01-10T22:06:08:684Z", reference=REFERENCE)
    assert parsed is not None and (parsed.iso, parsed.precision) == ("2020-01-10", "day")
    assert parse_date("2020-13-10T22:06:08:684Z", reference=REFERENCE) is None
