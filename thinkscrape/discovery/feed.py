"""RSS 2.0 and Atom feeds, read with feedparser (which copes with the many ways feeds are
written and badly written)."""

from __future__ import annotations

import calendar
import datetime as dt
import time

import feedparser

from thinkscrape.discovery import Entry, Found


def read_feed(body: bytes) -> Found:
    """The items of a feed: link, publication and update time (UTC), title."""
    parsed = feedparser.parse(body)
    version = parsed.get("version") or ""
    if not version.startswith(("rss", "atom")):
        # HTML, JSON, an empty body, XML of another kind: feedparser finds no feed in it
        return Found(problem="not_a_feed")
    entries, skipped = [], []
    for item in parsed.entries:
        link = (item.get("link") or "").strip()
        if not link:
            skipped.append("no_url")
            continue
        entries.append(
            Entry(
                url=link,
                # read without feedparser's fallback, which answers an RSS item's
                # pubDate when asked for an update time it does not have
                modified=_utc(dict.get(item, "updated_parsed")),
                published=_utc(item.get("published_parsed")),
                title=(item.get("title") or "").strip() or None,
            )
        )
    return Found(entries=tuple(entries), skipped=tuple(skipped))


def _utc(moment: time.struct_time | None) -> str | None:
    """feedparser's parsed time (always UTC) as ISO 8601."""
    if moment is None:
        return None
    seconds = calendar.timegm(moment)
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="seconds")
