"""The WordPress REST API's post lists (``/wp-json/wp/v2/posts?page=N``): a JSON array of
posts, newest first, each with ``link``, ``date_gmt``, ``modified_gmt`` and
``title.rendered``; the ``X-WP-TotalPages`` header says how many pages there are."""

from __future__ import annotations

import json
from typing import Any

from w3lib.html import remove_tags, replace_entities

from thinkscrape.discovery import Entry, Found, iso_stamp


def read_posts(body: bytes) -> Found:
    """The posts of one page of the API."""
    try:
        posts = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return Found(problem="not_json")
    if not isinstance(posts, list):
        # WordPress answers an error object ({"code": "rest_post_invalid_page_number"})
        return Found(problem="not_a_post_list")
    entries, skipped = [], []
    for post in posts:
        link = post.get("link") if isinstance(post, dict) else None
        if not isinstance(link, str) or not link.strip():
            skipped.append("no_url")
            continue
        entries.append(
            Entry(
                url=link.strip(),
                modified=_gmt(post.get("modified_gmt")),
                published=_gmt(post.get("date_gmt")),
                title=_title(post.get("title")),
            )
        )
    return Found(entries=tuple(entries), skipped=tuple(skipped))


def total_pages(header: bytes | str | None) -> int | None:
    """The ``X-WP-TotalPages`` header as a number, None when absent or not one."""
    if header is None:
        return None
    text = header.decode("latin-1") if isinstance(header, bytes) else header
    return int(text) if text.strip().isdigit() else None


def _gmt(value: Any) -> str | None:
    # WordPress writes GMT times without a zone: "2024-01-02T10:00:00"
    return iso_stamp(value) if isinstance(value, str) else None


def _title(value: Any) -> str | None:
    rendered = value.get("rendered") if isinstance(value, dict) else value
    if not isinstance(rendered, str):
        return None
    return replace_entities(remove_tags(rendered)).strip() or None
