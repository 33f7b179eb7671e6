"""Date normalisation speed: ``parse_date`` against ``dateparser.parse`` per string.

Both read the same deterministic mix of date strings, of the shapes think-tank pages show:
mostly the site's "Month DD, YYYY" date lines (padded) and card dates (unpadded), then ISO
dates with and without time and zone, abbreviated months, "Month YYYY", relative dates,
numeric dates and page text that is no date at all. A second mix shows another site's
shapes, all off the fast path ("19 February 2019", "Tuesday, February 19, 2019"), each
string on its own page with its own reference, as a crawl meets them. The reference calls
``dateparser.parse`` with the same settings (reference, date order, languages) for every
string, and its result goes through the same plausibility bounds, so the two must agree on
every string: each string's ISO date (or None) is compared and any difference stops the run.
The normaliser starts cold (no configured parser, empty memo); dateparser's own one-time
loading of its language data happens before either is timed. Target: at least 50 times
faster.

Run: ``python -m benchmarks.dates``
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from typing import Any

import dateparser

from thinkscrape.normalize.dates import EARLIEST, clear_caches, dateparser_settings, parse_date

STRINGS = 2_000
TARGET_RATIO = 50
REFERENCE = datetime(2026, 11, 28, 2, 0)
DATE_ORDER = "MDY"
LANGUAGES = ("en",)
SEED = 20261128

_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_ABBREVIATED = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_RELATIVE = ("yesterday", "today", "2 days ago", "3 weeks ago", "5 hours ago", "1 month ago")
_JUNK = (
    "Image Credit",
    "Commentary",
    "Read the full article in The Hill.",
    "Download PDF",
    "By Patrick M. Cronin",
    "Share",
    "n/a",
    "More from CNAS",
    "Updated",
    "Showing 21-40 of 217 Publications",
)


def date_strings(count: int = STRINGS, seed: int = SEED) -> list[str]:
    """A reproducible mix of date strings in the proportions a crawl meets them."""
    rng = random.Random(seed)
    strings: list[str] = []
    for _ in range(count):
        day = date.fromordinal(rng.randint(date(1995, 1, 1).toordinal(), REFERENCE.toordinal()))
        month = _MONTHS[day.month - 1]
        roll = rng.random()
        if roll < 0.50:  # detail-page date line, zero-padded day
            strings.append(f"{month} {day.day:02d}, {day.year}")
        elif roll < 0.70:  # related-card date, unpadded day
            strings.append(f"{month} {day.day}, {day.year}")
        elif roll < 0.75:  # abbreviated month (RAND-style cards)
            strings.append(f"{_ABBREVIATED[day.month - 1]} {day.day}, {day.year}")
        elif roll < 0.79:  # ISO date
            strings.append(day.isoformat())
        elif roll < 0.82:  # ISO date and time, with or without a zone
            zone = rng.choice(("", "Z", "+00:00", "-05:00", "+09:00"))
            strings.append(
                f"{day.isoformat()}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00{zone}"
            )
        elif roll < 0.86:  # month and year (newsletter sub-items)
            strings.append(f"{month} {day.year}")
        elif roll < 0.89:  # relative
            strings.append(rng.choice(_RELATIVE))
        elif roll < 0.92:  # numeric, day/month order from the configuration
            strings.append(f"{day.month:02d}/{day.day:02d}/{day.year}")
        else:  # page text that is not a date
            strings.append(rng.choice(_JUNK))
    return strings


# Another site's mix: its publications' dates in the shapes other think tanks show, none of
# them on the fast path ("Tuesday, February 19, 2019" on the page, "19 February 2019" on the
# cards), each string read on its own page (a reference one second after the previous
# page's). A date repeats as a crawl repeats it: on the publication's page, its listing card
# and the related cards of other pages, about five times in all.
OTHER_SITE_PUBLICATIONS = STRINGS // 5
_PAGE_SHAPE = "{weekday}, {month} {day}, {year}"
_CARD_SHAPE = "{day} {month} {year}"


def other_site_strings(count: int = STRINGS, seed: int = SEED) -> list[tuple[str, datetime]]:
    """A reproducible non-CNAS mix of (date string, the reference of the page showing it)."""
    rng = random.Random(seed)
    start, end = date(1995, 1, 1).toordinal(), REFERENCE.toordinal()
    days = [date.fromordinal(rng.randint(start, end)) for _ in range(OTHER_SITE_PUBLICATIONS)]
    pairs: list[tuple[str, datetime]] = []
    for index in range(count):
        reference = REFERENCE + timedelta(seconds=index)
        if rng.random() < 0.03:
            pairs.append((rng.choice(_RELATIVE), reference))
            continue
        day = rng.choice(days)
        shape = _PAGE_SHAPE if rng.random() < 0.2 else _CARD_SHAPE
        text = shape.format(
            day=day.day, month=_MONTHS[day.month - 1], weekday=day.strftime("%A"), year=day.year
        )
        pairs.append((text, reference))
    return pairs


def _normaliser(pairs: list[tuple[str, datetime]]) -> list[str | None]:
    results = []
    for text, reference in pairs:
        parsed = parse_date(text, reference=reference, date_order=DATE_ORDER, languages=LANGUAGES)
        results.append(parsed.iso if parsed else None)
    return results


def _reference(pairs: list[tuple[str, datetime]]) -> list[str | None]:
    results = []
    for text, reference in pairs:
        found = dateparser.parse(
            text,
            languages=list(LANGUAGES),
            settings=dateparser_settings(reference, DATE_ORDER),
        )
        day = found.date() if found else None
        plausible = day is not None and EARLIEST <= day <= reference.date()
        results.append(day.isoformat() if plausible else None)
    return results


def _compare(pairs: list[tuple[str, datetime]]) -> dict[str, Any]:
    """Time both on the same strings; raise if they disagree on any."""
    clear_caches()
    started = time.perf_counter()
    ours = _normaliser(pairs)
    ours_seconds = time.perf_counter() - started

    started = time.perf_counter()
    theirs = _reference(pairs)
    reference_seconds = time.perf_counter() - started

    differences = [
        (text, mine, other)
        for (text, _), mine, other in zip(pairs, ours, theirs, strict=True)
        if mine != other
    ]
    if differences:
        shown = "\n".join(
            f"  {text!r}: {mine} != {other}" for text, mine, other in differences[:10]
        )
        raise AssertionError(f"{len(differences)} strings differ from dateparser.parse:\n{shown}")
    return {
        "strings": len(pairs),
        "dated": sum(result is not None for result in ours),
        "normaliser_per_second": len(pairs) / ours_seconds,
        "dateparser_per_second": len(pairs) / reference_seconds,
        "ratio": reference_seconds / ours_seconds,
    }


def run(count: int = STRINGS) -> dict[str, Any]:
    """Both mixes timed against dateparser; raise if they disagree on any string."""
    # dateparser loads its language data and compiles its patterns once per process, on
    # first use; both sides use that data, so it is loaded before either is timed.
    dateparser.parse("January 1, 2000", settings=dateparser_settings(REFERENCE, DATE_ORDER))
    figures = _compare([(text, REFERENCE) for text in date_strings(count)])
    figures["target_ratio"] = TARGET_RATIO
    figures["other_site"] = _compare(other_site_strings(count))
    return figures


def main() -> None:
    figures = run()
    print(f"date strings: {figures['strings']} ({figures['dated']} dated, outputs identical)")
    print(f"{'parse_date':<22}{figures['normaliser_per_second']:>14,.0f} strings/s")
    print(f"{'dateparser.parse':<22}{figures['dateparser_per_second']:>14,.0f} strings/s")
    verdict = "meets" if figures["ratio"] >= TARGET_RATIO else "MISSES"
    print(f"ratio: {figures['ratio']:.1f}x ({verdict} the {TARGET_RATIO}x target)")
    other = figures["other_site"]
    print(
        f"other site's shapes, one page each: {other['strings']} strings "
        f"({other['dated']} dated, outputs identical)"
    )
    print(f"{'parse_date':<22}{other['normaliser_per_second']:>14,.0f} strings/s")
    print(f"{'dateparser.parse':<22}{other['dateparser_per_second']:>14,.0f} strings/s")
    print(f"ratio: {other['ratio']:.1f}x")


if __name__ == "__main__":
    main()
