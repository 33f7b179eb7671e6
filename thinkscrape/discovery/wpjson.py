"""JSON APIs listing a site's posts, page by page (``?page=N``).

- The WordPress REST API (``/wp-json/wp/v2/posts``): a JSON array of posts, newest first,
  each with ``link``, ``date_gmt``, ``modified_gmt`` and ``title.rendered``; the
  ``X-WP-TotalPages`` header says how many pages there are.
- Payload CMS collections (``/api/posts?limit=20&sort=-createdAt``): an object whose
  ``docs`` each carry ``path.canonicalPath`` (a path on the site) and ``createdAt`` /
  ``updatedAt``, with ``totalPages`` beside them. A title may be withheld by the CMS's
  access control: the page itself is read for it.
"""

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
    if isinstance(posts, dict) and isinstance(posts.get("docs"), list):
        return _payload_docs(posts)
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


def _payload_docs(page: dict[str, Any]) -> Found:
    """A Payload collection page: its documents' paths (relative to the site, resolved by
    the spider) and record times. ``createdAt`` is when the CMS record was made, which for
    a piece moved from an older system is no publication date: it counts as a change."""
    entries, skipped = [], []
    for doc in page["docs"]:
        path = doc.get("path") if isinstance(doc, dict) else None
        if isinstance(path, dict):
            path = path.get("canonicalPath") or path.get("path")
        link = path
        if not isinstance(link, str) or not link.strip():
            skipped.append("no_url")
            continue
        entries.append(
            Entry(
                url=link.strip(),
                modified=_gmt(doc.get("updatedAt") or doc.get("createdAt")),
                title=_title(doc.get("title")),
            )
        )
    pages = page.get("totalPages")
    return Found(
        entries=tuple(entries),
        skipped=tuple(skipped),
        total_pages=pages if isinstance(pages, int) and not isinstance(pages, bool) else None,
    )


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
