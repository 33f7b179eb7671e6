"""Discovery: what a site's sitemaps, feeds and JSON API say it has published.

Each reader is a pure function of a response body: ``bytes -> Found``, the entries it lists
(URL, when last modified or published, title) and, for input it cannot read, a short reason
the crawl counts (``not_xml``, ``bad_gzip``, ``not_a_sitemap``...). The spider only follows
what they find; which entries are fetched is the incremental rule's choice
(``thinkscrape.middlewares.incremental``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """One page a sitemap, feed or API lists."""

    url: str
    # when the page last changed (a sitemap's <lastmod>, a feed's <updated>), ISO 8601
    modified: str | None = None
    # when it was published (a feed's <pubDate>, the API's ``date_gmt``), ISO 8601
    published: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Found:
    """What one sitemap, feed or API page gave."""

    entries: tuple[Entry, ...] = ()
    # the sitemaps a sitemap index points at, each with its own <lastmod>
    sitemaps: tuple[Entry, ...] = ()
    # why the body could not be read at all (None when it could)
    problem: str | None = None
    # entries passed over, each with its reason ("no_url", "bad_date")
    skipped: tuple[str, ...] = ()
    # how many pages the listing has, when the body says so (a Payload API's totalPages)
    total_pages: int | None = None


def iso_stamp(value: str | None) -> str | None:
    """A W3C / ISO 8601 date or date-time as ISO 8601 (a time in UTC), None if unreadable.

    A date alone stays a date: "2024-01-02". A time without a zone is taken as UTC.
    """
    if not value:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text).isoformat()
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def changed_since(stamp: str | None, when: dt.datetime) -> bool:
    """Whether a page stamped ``stamp`` (from ``iso_stamp``) may have changed after ``when``.

    A date alone says only the day: a page stamped on the day of ``when`` or later may have
    changed after it, so it counts as changed (a conditional re-fetch is cheap; a missed
    edit is not).
    """
    if stamp is None:
        return False
    if len(stamp) == 10:
        return dt.date.fromisoformat(stamp) >= when.astimezone(dt.UTC).date()
    return dt.datetime.fromisoformat(stamp) > when


def day_of(stamp: str | None) -> dt.date | None:
    """The day of an ISO stamp (its UTC day for a time)."""
    if stamp is None:
        return None
    return dt.date.fromisoformat(stamp[:10])
