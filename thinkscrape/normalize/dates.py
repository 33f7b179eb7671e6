"""Publication dates: a date line as shown on a page -> ISO date with its precision.

The common shapes of think-tank date lines ("February 06, 2019", "Mar 4, 2020", ISO 8601)
take a fast path of precompiled regexes and ``date``/``datetime.fromisoformat``. Everything
else goes to dateparser through one configured ``DateDataParser`` per configuration
(reference, date order, languages), whose results, failures included, are remembered, so a
crawl that meets the same unparseable string a thousand times pays for it once. A string
whose reading does not depend on the reference ("19 February 2019", unlike "2 days ago") is
remembered for every page, whatever its reference. Strings with no digit and no date word in
the configured languages are refused before dateparser sees them.

Every outcome carries an event name (``DATE_EVENTS``) for the pipeline's stats and a reason
for its log line. Relative dates resolve against ``reference`` (the response's date), never
the wall clock, so re-normalising an old capture gives the same answer it gave on the day.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from dateparser.date import DateDataParser
from dateparser.languages.loader import default_loader

# The earliest date accepted as a publication date: older ones are misreadings (copyright
# years, founding dates, page furniture), not publications of the sites archived here.
EARLIEST = date(1990, 1, 1)

DATE_EVENTS = ("fast_path", "dateparser", "empty", "unparseable", "implausible", "ambiguous")
PRECISIONS = ("day", "month", "year")
DATE_ORDERS = ("MDY", "DMY", "YMD", "YDM", "MYD", "DYM")

# How many distinct strings each configured parser remembers (results and failures alike).
_MEMO_SIZE = 4096
# How many strings dateparser itself has read since the last clear_caches().
_reads = 0


@dataclass(frozen=True)
class ParsedDate:
    iso: str  # YYYY-MM-DD; the first day of the month or year when coarser than a day
    precision: str  # "day" | "month" | "year"
    ambiguous: bool  # numeric day/month order assumed from date_order
    raw: str  # the string as given


@dataclass(frozen=True)
class DateOutcome:
    """A parse result with the event that produced it (one of DATE_EVENTS) and why."""

    date: ParsedDate | None
    event: str
    reason: str


# --- cleaning -----------------------------------------------------------------------------
# Zero-width characters and the BOM that CMS editors leave in text nodes.
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# Any run of whitespace, NBSP and thin spaces included, becomes one space.
_SPACES = re.compile(r"\s+")
# Labels some sites put before the date itself; the date that follows is still the one shown.
_LABEL = re.compile(
    r"^(?:published|posted|updated|last\s+updated|date|dated|released|on)\s*:?\s+", re.I
)


def _clean(raw: str) -> str:
    text = unicodedata.normalize("NFKC", _ZERO_WIDTH.sub("", raw))
    text = _SPACES.sub(" ", text).strip()
    return text.strip(" .,;|•·-–—")


# --- the fast path ------------------------------------------------------------------------
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_WORD = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "February 06, 2019", "March 4, 2020", "Feb 6, 2019", "Sept. 6, 2019": the site's own shape.
# Month names are looked up in a table rather than read with strptime("%B"), which follows
# the process locale and would make a crawl's result depend on the machine it ran on.
_MONTH_DAY_YEAR = re.compile(
    rf"^(?P<month>{_MONTH_WORD})\.? (?P<day>\d{{1,2}}),? (?P<year>\d{{4}})$", re.I
)
# "March 2020", "December 2023": the month-only dates of newsletter sub-items.
_MONTH_YEAR = re.compile(rf"^(?P<month>{_MONTH_WORD})\.?,? (?P<year>\d{{4}})$", re.I)
# "2024-03-13"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# "2019-02-06T10:00:00", "2019-02-06 10:00:00Z", "2020-09-11T21:06:41+00:00"; the date kept
# is the one written, in the zone written, as dateparser keeps it.
_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
# "2022-01-10T22:06:08:684Z": a declared timestamp whose time part is malformed; its day,
# written first, still stands.
_ISO_DAY_THEN_TIME = re.compile(r"^(?P<day>\d{4}-\d{2}-\d{2})T\d")

# "04/05/2019", "4/5/2019": numeric dates with a four-digit year, read in the configured order.
_NUMERIC_SLASHED = re.compile(r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})$")

# --- ambiguity ----------------------------------------------------------------------------
# "04/05/2019", "4.5.19", "04-05-2019": two leading numbers that could each be the month.
_NUMERIC_DMY_OR_MDY = re.compile(r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{2}|\d{4})$")

# --- the pre-screen -----------------------------------------------------------------------
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=32)
def _date_words(languages: tuple[str, ...]) -> frozenset[str]:
    """Every word dateparser could read as part of a date in these languages."""
    keys = (
        "january february march april may june july august september october november "
        "december monday tuesday wednesday thursday friday saturday sunday year month week "
        "day hour minute second ago in decade century fortnight"
    ).split()
    words: set[str] = set()
    for language in languages:
        info = default_loader.get_locale(language).info
        phrases: list[str] = []
        for key in keys:
            phrases.extend(info.get(key, []))
        for phrases_of_type in info.get("relative-type", {}).values():
            phrases.extend(phrases_of_type)
        for phrase in phrases:
            words.update(word.casefold() for word in _WORD.findall(phrase))
    return frozenset(words)


@lru_cache(maxsize=32)
def _relative_words(languages: tuple[str, ...]) -> frozenset[str]:
    """Words that make a date depend on its reference ("ago", "last", "today", "in").

    Weekday names are left out: beside a written day, month and year they change nothing.
    """
    weekdays = (
        "monday tuesday wednesday thursday friday saturday sunday "
        "mon tue tues wed thu thur thurs fri sat sun"
    ).split()
    words: set[str] = set()
    for language in languages:
        info = default_loader.get_locale(language).info
        phrases = [*info.get("ago", []), *info.get("in", [])]
        for key in ("relative-type", "relative-type-regex"):
            for phrases_of_type in info.get(key, {}).values():
                phrases.extend(phrases_of_type)
        for phrase in phrases:
            words.update(word.casefold() for word in _WORD.findall(phrase))
        for key in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
            weekdays.extend(word.casefold() for word in info.get(key, []))
    return frozenset(words) - frozenset(weekdays)


_NUMBER = re.compile(r"\d+")


def _written_out(text: str, result: tuple[date | None, str], languages: tuple[str, ...]) -> bool:
    """True when every part of the date read is written in text and nothing is relative:
    "19 February 2019" reads the same whatever the reference, "February 19" does not."""
    found, precision = result
    if found is None:
        return False
    words = [word.casefold() for word in _WORD.findall(text)]
    if any(word in _relative_words(languages) for word in words):
        return False
    numbers = {int(number) for number in _NUMBER.findall(text)}
    month_written = found.month in numbers or any(
        _MONTHS.get(word.rstrip(".")) == found.month for word in words
    )
    return (
        found.year in numbers
        and (precision == "year" or month_written)
        and (precision != "day" or found.day in numbers)
    )


# --- the dateparser path ------------------------------------------------------------------
class _ConfiguredParser:
    """One DateDataParser for one (reference, date order, languages), with a bounded memo."""

    def __init__(self, reference: datetime, date_order: str, languages: tuple[str, ...]):
        self.settings = dateparser_settings(reference, date_order)
        self.parser = DateDataParser(languages=list(languages), settings=self.settings)
        self.memo: OrderedDict[str, tuple[date | None, str]] = OrderedDict()

    def parse(self, text: str) -> tuple[date | None, str]:
        """(date, precision) or (None, "") for a string dateparser cannot read."""
        if text in self.memo:
            self.memo.move_to_end(text)
            return self.memo[text]
        global _reads
        _reads += 1
        data = self.parser.get_date_data(text)
        if data.date_obj is None:
            result: tuple[date | None, str] = (None, "")
        else:
            # RETURN_TIME_AS_PERIOD reports "time" for strings with a clock time; the date
            # is still exact to the day.
            precision = "day" if data.period in ("time", "day", "week") else data.period
            result = (data.date_obj.date(), precision)
        self.memo[text] = result
        if len(self.memo) > _MEMO_SIZE:
            self.memo.popitem(last=False)
        return result


def dateparser_settings(reference: datetime, date_order: str) -> dict[str, Any]:
    """The dateparser settings every parse of this module uses (shared with the benchmark)."""
    return {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": _naive_utc(reference),
        "DATE_ORDER": date_order,
        # A month or a year alone means its first day, never today's day of the month.
        "PREFER_DAY_OF_MONTH": "first",
        "PREFER_MONTH_OF_YEAR": "first",
        "RETURN_TIME_AS_PERIOD": True,
    }


@lru_cache(maxsize=32)
def _parser_for(
    reference: datetime, date_order: str, languages: tuple[str, ...]
) -> _ConfiguredParser:
    return _ConfiguredParser(reference, date_order, languages)


# The reference a string is read against a second time, when it comes back on a page with
# another reference: if dateparser reads it the same against both, its reading does not depend
# on the reference ("19 February 2019") and serves every later page. A leap day, years from
# any page's date, at an odd time of day, so "February 29", "Tuesday", "2 hours ago" and
# "February 19" all read differently against it.
_PROBE_REFERENCE = datetime(2036, 2, 29, 13, 17, 29)
# Marks a string whose reading depends on the reference ("2 days ago", "yesterday").
_RELATIVE = "relative"


@lru_cache(maxsize=32)
def _shared_memo_for(date_order: str, languages: tuple[str, ...]) -> OrderedDict[str, Any]:
    """For one configuration, each string's reading across references: (result, the
    reference it was read against, or None once it is known not to depend on it), or
    _RELATIVE."""
    return OrderedDict()


def _read_with_dateparser(
    text: str, reference: datetime, date_order: str, languages: tuple[str, ...]
) -> tuple[date | None, str]:
    """dateparser's reading of text against reference, shared across references if it can.

    A string seen once costs one dateparser call; a string seen again on a page with another
    reference costs one more (against _PROBE_REFERENCE), after which an absolute date is
    answered from memory on every page and a relative one is read per reference.
    """
    shared = _shared_memo_for(date_order, languages)
    known = shared.get(text)
    if known is None:
        result = _parser_for(reference, date_order, languages).parse(text)
        independent = _written_out(text, result, languages)
        _remember(shared, text, (result, None if independent else reference))
        return result
    shared.move_to_end(text)
    if known == _RELATIVE:
        return _parser_for(reference, date_order, languages).parse(text)
    result, read_against = known
    if read_against is None or read_against == reference:
        return result
    if _parser_for(_PROBE_REFERENCE, date_order, languages).parse(text) == result:
        shared[text] = (result, None)
        return result
    shared[text] = _RELATIVE
    return _parser_for(reference, date_order, languages).parse(text)


def _remember(shared: OrderedDict[str, Any], text: str, entry: Any) -> None:
    shared[text] = entry
    if len(shared) > _MEMO_SIZE:
        shared.popitem(last=False)


def _naive_utc(moment: datetime) -> datetime:
    # dateparser's relative base is naive; an aware reference is taken in UTC.
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


# --- the entry points ---------------------------------------------------------------------
def parse_date(
    raw: str | None,
    *,
    reference: datetime,
    date_order: str,
    languages: tuple[str, ...],
) -> ParsedDate | None:
    """The date a date line shows, or None when it is empty, unreadable or implausible."""
    return parse_date_outcome(
        raw, reference=reference, date_order=date_order, languages=languages
    ).date


def parse_date_outcome(
    raw: str | None,
    *,
    reference: datetime,
    date_order: str,
    languages: tuple[str, ...],
) -> DateOutcome:
    """Like parse_date, with the event and the reason of the outcome."""
    if date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {DATE_ORDERS}, not {date_order!r}")
    text = _clean(_LABEL.sub("", raw.strip())) if raw else ""
    if not text:
        return DateOutcome(None, "empty", "no date text")
    latest = _naive_utc(reference).date()

    fast = _fast_path(text, date_order)
    if fast is not None:
        found, precision = fast
        event = "fast_path"
    else:
        # No parser is built here: a date already read on another page needs none.
        words = _date_words(tuple(languages))
        if not _DIGIT.search(text) and not any(
            word.casefold() in words for word in _WORD.findall(text)
        ):
            return DateOutcome(None, "unparseable", f"no digit and no date word in {text!r}")
        found, precision = _read_with_dateparser(
            text, _naive_utc(reference), date_order, tuple(languages)
        )
        if found is None:
            return DateOutcome(None, "unparseable", f"dateparser cannot read {text!r}")
        event = "dateparser"

    if found < EARLIEST:
        return DateOutcome(None, "implausible", f"{found.isoformat()} is before {EARLIEST}")
    if found > latest:
        return DateOutcome(None, "implausible", f"{found.isoformat()} is after the reference")
    ambiguous = _is_ambiguous(text)
    parsed = ParsedDate(found.isoformat(), precision, ambiguous, raw)
    if ambiguous:
        return DateOutcome(parsed, "ambiguous", f"day/month order assumed {date_order}")
    return DateOutcome(parsed, event, "")


def _fast_path(text: str, date_order: str) -> tuple[date, str] | None:
    """(date, precision) for the common shapes; None for everything else (and bad days)."""
    try:
        if (match := _NUMERIC_SLASHED.match(text)) and date_order in ("MDY", "DMY"):
            # Only the reading the configured order gives; a date invalid in that order
            # ("13/05/2019" in MDY) is left to dateparser, which knows how to swap it.
            first, second = int(match["a"]), int(match["b"])
            month, day = (first, second) if date_order == "MDY" else (second, first)
            return date(int(match["y"]), month, day), "day"
        if match := _MONTH_DAY_YEAR.match(text):
            month = _MONTHS[match["month"].lower()]
            return date(int(match["year"]), month, int(match["day"])), "day"
        if match := _MONTH_YEAR.match(text):
            return date(int(match["year"]), _MONTHS[match["month"].lower()], 1), "month"
        if _ISO_DATE.match(text):
            return date.fromisoformat(text), "day"
        if _ISO_DATETIME.match(text):
            return datetime.fromisoformat(text).date(), "day"
        if match := _ISO_DAY_THEN_TIME.match(text):
            return date.fromisoformat(match["day"]), "day"
    except ValueError:
        # "February 30, 2019": let dateparser give its own verdict, so both paths agree.
        return None
    return None


def _is_ambiguous(text: str) -> bool:
    # Only a numeric date whose first two numbers could each be the month (and differ) had
    # its order assumed; 13/05/2019 can only be read one way.
    match = _NUMERIC_DMY_OR_MDY.match(text)
    if not match:
        return False
    first, second = int(match["a"]), int(match["b"])
    return first != second and 1 <= first <= 12 and 1 <= second <= 12


# --- datelines ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Dateline:
    place: str | None  # "Washington", or None when the body starts with the date
    date: ParsedDate | None
    rest: str  # the text after the dash


# "Washington, January 30 – Today, CNAS …" and "February 17, 2009 - The Center …": an optional
# place, a month and day with an optional year, then a hyphen or a dash.
_DATELINE = re.compile(
    rf"^(?:(?P<place>[A-Z][\w.'’ -]{{0,40}}?),\s+)?"
    rf"(?P<date>(?:{_MONTH_WORD})\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?)"
    r"\s*[-–—]{1,2}\s*(?P<rest>.*)$",
    re.I | re.S,
)
_HAS_YEAR = re.compile(r"\d{4}$")


def parse_dateline(
    body_start: str,
    *,
    reference: datetime,
    date_order: str,
    languages: tuple[str, ...],
) -> Dateline | None:
    """The dateline at the start of a press-release body, or None when it has none.

    A dateline without a year takes the reference's year: a release is dated in the year it
    went out, so no "prefer the past" guess is made for it. A dateline may disagree with its
    page's date (an embargoed release); pass the response's date as the reference, not the
    page's. Implausible dates give a Dateline whose date is None.
    """
    match = _DATELINE.match(_clean(body_start) if body_start else "")
    if not match:
        return None
    date_text = _SPACES.sub(" ", match["date"])
    if not _HAS_YEAR.search(date_text):
        date_text = f"{date_text}, {_naive_utc(reference).year}"
    parsed = parse_date(date_text, reference=reference, date_order=date_order, languages=languages)
    if parsed is not None:
        parsed = ParsedDate(parsed.iso, parsed.precision, parsed.ambiguous, match["date"])
    return Dateline(match["place"], parsed, match["rest"])


def clear_caches() -> None:
    """Forget every configured parser and its memo (a cold start, as in a new process)."""
    global _reads
    _reads = 0
    _parser_for.cache_clear()
    _shared_memo_for.cache_clear()
    _date_words.cache_clear()
    _relative_words.cache_clear()


def dateparser_reads() -> int:
    """How many strings dateparser itself has read since the last clear_caches()."""
    return _reads
